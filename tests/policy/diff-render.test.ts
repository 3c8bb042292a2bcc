import fc from 'fast-check';
import type { PolicyDocument } from '../../lib/denial/types';
import { renderCli } from '../../lib/policy/render/aws-cli-commands';
import { applyUnifiedDiff, unifiedDiff } from '../../lib/policy/render/diff';
import { formatPolicy } from '../../lib/policy/iam/document';
import { renderTerraform, terraformName } from '../../lib/policy/render/terraform';

const DOC: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'ModelThroughProfile',
      Effect: 'Allow',
      Action: ['bedrock:InvokeModel'],
      Resource: ['arn:aws:bedrock:us-east-1::foundation-model/m', 'arn:aws:bedrock:us-east-2::foundation-model/m'],
      Condition: {
        StringEquals: {
          'bedrock:InferenceProfileArn': 'arn:aws:bedrock:us-east-1:1:inference-profile/us.m',
          'aws:RequestedRegion': ['us-east-1', 'us-east-2'],
        },
      },
    },
    { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::home/${aws:username}/*' },
  ],
};

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n')).toBe('');
  });

  it('shows a replaced line with context and headers', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8'].join('\n');
    const after = ['1', '2', '3', '4', 'five', '6', '7', '8'].join('\n');
    expect(unifiedDiff(before, after, { fromFile: 'a/p', toFile: 'b/p' })).toBe(
      ['--- a/p', '+++ b/p', '@@ -2,7 +2,7 @@', ' 2', ' 3', ' 4', '-5', '+five', ' 6', ' 7', ' 8', ''].join('\n'),
    );
  });

  it('diffs from nothing for a new policy', () => {
    const d = unifiedDiff('', 'x\ny\n', { fromFile: '/dev/null', toFile: 'b/new' });
    expect(d).toBe('--- /dev/null\n+++ b/new\n@@ -0,0 +1,2 @@\n+x\n+y\n');
  });

  it('applying the diff to the before text gives the after text (property)', () => {
    const linesArb = fc.array(fc.constantFrom('a', 'b', 'c', '{', '}', '  "x": 1,'), { maxLength: 25 });
    fc.assert(
      fc.property(linesArb, linesArb, (a, b) => {
        const before = a.length ? `${a.join('\n')}\n` : '';
        const after = b.length ? `${b.join('\n')}\n` : '';
        const diff = unifiedDiff(before, after);
        expect(diff === '' ? before : applyUnifiedDiff(before, diff)).toBe(after);
      }),
    );
  });
});

describe('renderTerraform', () => {
  it('renders statements, conditions and escapes IAM policy variables', () => {
    const tf = renderTerraform('access-auditor-bedrock-x', DOC);
    expect(tf).toContain('data "aws_iam_policy_document" "access_auditor_bedrock_x" {');
    expect(tf).toContain('    sid    = "ModelThroughProfile"');
    expect(tf).toContain('    actions = ["bedrock:InvokeModel"]');
    expect(tf).toContain('      test     = "StringEquals"\n      variable = "bedrock:InferenceProfileArn"');
    expect(tf).toContain('      values   = ["us-east-1", "us-east-2"]');
    expect(tf).toContain('"arn:aws:s3:::home/&{aws:username}/*"');
    expect(tf).not.toContain('${');
    expect(tf.match(/statement \{/g)).toHaveLength(2);
  });

  it('renders principals and not_actions', () => {
    const tf = renderTerraform('p', { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::1:role/r' }, NotAction: 'iam:*', Resource: '*' }] });
    expect(tf).toContain('not_actions = ["iam:*"]');
    expect(tf).toContain('    principals {\n      type        = "AWS"\n      identifiers = ["arn:aws:iam::1:role/r"]');
  });

  it('makes valid identifiers', () => {
    expect(terraformName('9-lives.policy')).toBe('_9_lives_policy');
  });
});

describe('renderCli', () => {
  it.each([
    [{ kind: 'role-inline' as const, roleName: 'r', policyName: 'p' }, 'aws iam put-role-policy --role-name r --policy-name p --policy-document file://p.json'],
    [{ kind: 'user-inline' as const, userName: 'u', policyName: 'p' }, 'aws iam put-user-policy --user-name u --policy-name p --policy-document file://p.json'],
    [
      { kind: 'group-inline' as const, groupName: 'g', policyName: 'p' },
      'aws iam put-group-policy --group-name g --policy-name p --policy-document file://p.json',
    ],
    [
      { kind: 'managed-version' as const, policyArn: 'arn:aws:iam::1:policy/team/p' },
      'aws iam create-policy-version --policy-arn arn:aws:iam::1:policy/team/p --policy-document file://p.json --set-as-default',
    ],
    [
      { kind: 'new-managed' as const, policyName: 'p', policyArn: 'arn:aws:iam::1:policy/p', attachTo: { type: 'role' as const, name: 'r' } },
      'aws iam create-policy --policy-name p --policy-document file://p.json\naws iam attach-role-policy --role-name r --policy-arn arn:aws:iam::1:policy/p',
    ],
    [
      { kind: 'permission-set' as const, permissionSetName: 'ClaudeAccess', accountId: '111122223333' },
      'aws sso-admin put-inline-policy-to-permission-set --instance-arn <INSTANCE_ARN> --permission-set-arn <PERMISSION_SET_ARN> --inline-policy file://permission-set-ClaudeAccess.json\naws sso-admin provision-permission-set --instance-arn <INSTANCE_ARN> --permission-set-arn <PERMISSION_SET_ARN> --target-type AWS_ACCOUNT --target-id 111122223333',
    ],
  ])('%o', (target, command) => {
    const cli = renderCli(target, DOC);
    expect(cli).toContain(command);
    expect(cli).toContain(formatPolicy(DOC));
    expect(cli).toMatch(/cat > \S+\.json <<'EOF'\n/);
  });

  it('mentions the five-version limit of managed policies', () => {
    expect(renderCli({ kind: 'managed-version', policyArn: 'arn:aws:iam::1:policy/p' }, DOC)).toMatch(/at most 5 versions/);
  });
});
