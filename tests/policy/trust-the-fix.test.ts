import { proposeFix } from '../../lib/policy/propose/propose';
import { loadActionCatalog } from '../../lib/policy/catalog/iam-data-catalog';
import type { ActionCatalog } from '../../lib/policy/catalog/action-catalog';
import { evaluate } from '../../lib/policy/iam/evaluator';
import type { Denial, PolicyStatement, ValidationVerdict } from '../../lib/denial/types';
import { isReady, readinessFacts } from '../../lib/denial/readiness';
import { applyProposal } from './fixtures/apply';
import { inline, roleWith, userWith } from './fixtures/policies';
import { ACCOUNT, ROLE, decodeDenied, deniedRecord, denialOf, type RecordParts } from './fixtures/records';

const decode = decodeDenied;

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog([
    'iam:PassRole',
    'sts:AssumeRole',
    'secretsmanager:GetSecretValue',
    'kms:Decrypt',
    'ec2:TerminateInstances',
    'ec2:GetPasswordData',
    'ec2:DescribeInstanceAttribute',
    'lambda:InvokeFunction',
    's3:GetObject',
    'logs:CreateLogStream',
  ]);
});

const trustingAccount = (account: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow' as const, Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }],
});

const resourcesOf = (statements: PolicyStatement[]) => statements.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));

describe('exact grants: the resource the record names, never a wildcard standing in for it', () => {
  it.each<[string, RecordParts, string, string]>([
    [
      'iam:PassRole inside lambda:CreateFunction (role parameter)',
      {
        eventSource: 'lambda.amazonaws.com',
        eventName: 'CreateFunction20150331',
        action: 'iam:PassRole',
        requestParameters: { functionName: 'f', role: `arn:aws:iam::${ACCOUNT}:role/app-exec` },
      },
      `arn:aws:iam::${ACCOUNT}:role/app-exec`,
      'lambda.amazonaws.com',
    ],
    [
      'iam:PassRole inside ecs:RunTask (taskRoleArn)',
      {
        eventSource: 'ecs.amazonaws.com',
        eventName: 'RunTask',
        action: 'iam:PassRole',
        requestParameters: { overrides: {}, taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/task` },
      },
      `arn:aws:iam::${ACCOUNT}:role/task`,
      'ecs-tasks.amazonaws.com',
    ],
    [
      'sts:AssumeRole (message names the role)',
      {
        eventSource: 'sts.amazonaws.com',
        eventName: 'AssumeRole',
        action: 'sts:AssumeRole',
        resource: 'arn:aws:iam::444455556666:role/deployer',
        requestParameters: { roleArn: 'arn:aws:iam::444455556666:role/deployer' },
      },
      'arn:aws:iam::444455556666:role/deployer',
      '',
    ],
    [
      'secretsmanager:GetSecretValue by name: the documented six-character suffix',
      {
        eventSource: 'secretsmanager.amazonaws.com',
        eventName: 'GetSecretValue',
        action: 'secretsmanager:GetSecretValue',
        requestParameters: { secretId: 'prod/db' },
      },
      `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/db-??????`,
      '',
    ],
    [
      'ec2:TerminateInstances (instancesSet)',
      {
        eventSource: 'ec2.amazonaws.com',
        eventName: 'TerminateInstances',
        action: 'ec2:TerminateInstances',
        requestParameters: { instancesSet: { items: [{ instanceId: 'i-0abc1234def567890' }] } },
      },
      `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abc1234def567890`,
      '',
    ],
    [
      'ec2:GetPasswordData (instanceId)',
      {
        eventSource: 'ec2.amazonaws.com',
        eventName: 'GetPasswordData',
        action: 'ec2:GetPasswordData',
        requestParameters: { instanceId: 'i-0abc1234def567890' },
      },
      `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abc1234def567890`,
      '',
    ],
    [
      'ec2:DescribeInstanceAttribute (instanceId)',
      {
        eventSource: 'ec2.amazonaws.com',
        eventName: 'DescribeInstanceAttribute',
        action: 'ec2:DescribeInstanceAttribute',
        requestParameters: { instanceId: 'i-0abc1234def567890', attribute: 'userData' },
      },
      `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abc1234def567890`,
      '',
    ],
    [
      'lambda:InvokeFunction (functionName)',
      { eventSource: 'lambda.amazonaws.com', eventName: 'Invoke', action: 'lambda:InvokeFunction', requestParameters: { functionName: 'orders-fn' } },
      `arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-fn`,
      '',
    ],
    [
      's3:GetObject (bucket and key)',
      { eventSource: 's3.amazonaws.com', eventName: 'GetObject', action: 's3:GetObject', requestParameters: { bucketName: 'reports', key: '2026/q3.csv' } },
      'arn:aws:s3:::reports/2026/q3.csv',
      '',
    ],
    [
      'logs:CreateLogStream (group and stream)',
      {
        eventSource: 'logs.amazonaws.com',
        eventName: 'CreateLogStream',
        action: 'logs:CreateLogStream',
        requestParameters: { logGroupName: '/app/x', logStreamName: 's1' },
      },
      `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/app/x:log-stream:s1`,
      '',
    ],
  ])('%s', (_name, parts, grant, passedTo) => {
    // sts:AssumeRole needs the role's trust policy too: here it trusts the caller's account.
    const roleTrust =
      parts.action === 'sts:AssumeRole' && parts.resource
        ? { roleArn: parts.resource, account: '444455556666', source: 'snapshot' as const, document: trustingAccount(ACCOUNT) }
        : undefined;
    const p = proposeFix(decode(parts), roleWith(ROLE, []), { catalog, ...(roleTrust ? { roleTrust } : {}) });
    expect(resourcesOf(p.statements)).toEqual([grant]);
    expect(p).toMatchObject({ validated: 'simulated-allow', exact: true, checkedBy: ['offline-evaluator'] });
    expect(isReady(readinessFacts(p))).toBe(true);
    if (passedTo) expect(p.statements[0]?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': passedTo } });
  });

  it.each<[string, RecordParts, string]>([
    [
      's3:GetObject with no bucket in the record',
      { eventSource: 's3.amazonaws.com', eventName: 'GetObject', action: 's3:GetObject' },
      'arn:aws:s3:::<BucketName>/<ObjectName>',
    ],
    [
      'kms:Decrypt through an alias: the key ARN is not in the record',
      { eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', action: 'kms:Decrypt', requestParameters: { keyId: 'alias/app-key' } },
      `arn:aws:kms:us-east-1:${ACCOUNT}:key/<KeyId>`,
    ],
    [
      'iam:PassRole with no role anywhere in the record',
      { eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', action: 'iam:PassRole', requestParameters: { instanceType: 't3.micro' } },
      `arn:aws:iam::${ACCOUNT}:role/<RoleNameWithPath>`,
    ],
    [
      'ec2:TerminateInstances of two instances',
      {
        eventSource: 'ec2.amazonaws.com',
        eventName: 'TerminateInstances',
        action: 'ec2:TerminateInstances',
        requestParameters: { instancesSet: { items: [{ instanceId: 'i-0abc1234def567890' }, { instanceId: 'i-0abc1234def567891' }] } },
      },
      `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/<InstanceId>`,
    ],
  ])('%s: a placeholder, needs-input, never ready', (_name, parts, grant) => {
    const p = proposeFix(decode(parts), roleWith(ROLE, []), { catalog });
    expect(resourcesOf(p.statements)).toEqual([grant]);
    expect(resourcesOf(p.statements).join()).not.toMatch(/\*/);
    expect(p).toMatchObject({ validated: 'needs-input', exact: false });
    expect(p.noteDetails?.map((n) => n.code)).toContain('resource-needs-input');
    expect(isReady(readinessFacts(p))).toBe(false);
  });
});

describe("the request's whole context: a conditioned Deny that still blocks the call is never called an allow", () => {
  const GET: RecordParts = {
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    action: 's3:GetObject',
    requestParameters: { bucketName: 'reports', key: 'q3.csv' },
  };
  const deny = (condition: PolicyStatement['Condition']): PolicyStatement => ({
    Sid: 'Guard',
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: condition,
  });

  it.each<[string, PolicyStatement['Condition'], Partial<RecordParts>, ValidationVerdict]>([
    ['no MFA: Deny on aws:MultiFactorAuthPresent false', { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }, {}, 'simulated-deny'],
    [
      'control: the session used MFA',
      { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
      { attributes: { mfaAuthenticated: 'true' } },
      'simulated-allow',
    ],
    ['after a cut-off date: Deny on aws:CurrentTime', { DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } }, {}, 'simulated-deny'],
    ['control: the cut-off is later than the call', { DateGreaterThan: { 'aws:CurrentTime': '2027-01-01T00:00:00Z' } }, {}, 'simulated-allow'],
    ['a blocked session: Deny on aws:userid', { StringLike: { 'aws:userid': 'AROAEXAMPLEAPPROLE:session-*' } }, {}, 'simulated-deny'],
    ["control: another role's sessions", { StringLike: { 'aws:userid': 'AROAOTHER:*' } }, {}, 'simulated-allow'],
    ['roles only: Deny on aws:PrincipalType', { StringEquals: { 'aws:PrincipalType': 'AssumedRole' } }, {}, 'simulated-deny'],
    ['control: users only', { StringEquals: { 'aws:PrincipalType': 'User' } }, {}, 'simulated-allow'],
    ['outside the corporate range: Deny on aws:SourceIp', { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, {}, 'simulated-deny'],
    [
      'control: the call came from inside the range',
      { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      { extra: { sourceIPAddress: '10.1.2.3' } },
      'simulated-allow',
    ],
    [
      'an IPv6 caller outside the corporate IPv6 range',
      { NotIpAddress: { 'aws:SourceIp': '2001:db8::/32' } },
      { extra: { sourceIPAddress: '2001:db9::7' } },
      'simulated-deny',
    ],
    [
      'control: an IPv6 caller inside it',
      { NotIpAddress: { 'aws:SourceIp': '2001:db8::/32' } },
      { extra: { sourceIPAddress: '2001:db8::7' } },
      'simulated-allow',
    ],
    ['not through the VPC endpoint: Deny on aws:SourceVpce', { StringNotEquals: { 'aws:SourceVpce': 'vpce-0abc' } }, {}, 'simulated-deny'],
    [
      'control: through the endpoint',
      { StringNotEquals: { 'aws:SourceVpce': 'vpce-0abc' } },
      { extra: { vpcEndpointId: 'vpce-0abc', sourceIPAddress: '10.0.0.5' } },
      'simulated-allow',
    ],
    ['a principal tag only a snapshot could know', { StringEquals: { 'aws:PrincipalTag/team': 'blocked' } }, {}, 'unknown-context'],
    ['a resource tag the record cannot show', { StringEquals: { 'aws:ResourceTag/classification': 'secret' } }, {}, 'unknown-context'],
  ])('%s → %s', (_name, condition, record, verdict) => {
    const policies = roleWith(ROLE, [inline('guard', deny(condition))]);
    const denial = decode({ ...GET, ...record });
    const p = proposeFix(denial, policies, { catalog });
    expect(p.validated).toBe(verdict);
    expect(isReady(readinessFacts(p))).toBe(verdict === 'simulated-allow');
    if (verdict === 'unknown-context') expect(p.notes.join(' ')).toMatch(/aws:(PrincipalTag|ResourceTag)\//);
    if (verdict === 'simulated-allow') {
      // The fix really allows the call under the recorded context.
      const after = applyProposal(policies, p);
      expect(evaluate(after, { action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q3.csv', context: denial.requestContext!.values }).decision).toBe(
        'allowed',
      );
    }
  });
});

describe('conditions as near misses: an Allow that names the call but whose condition failed is never bypassed', () => {
  const GET: RecordParts = {
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    action: 's3:GetObject',
    requestParameters: { bucketName: 'reports', key: 'q3.csv' },
  };
  const allowWhen = (condition: PolicyStatement['Condition']): PolicyStatement => ({
    Sid: 'Read',
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::reports/*',
    Condition: condition,
  });

  it.each<[string, PolicyStatement['Condition'], Partial<RecordParts>, ValidationVerdict, string, string]>([
    ['not through the VPC endpoint', { StringEquals: { 'aws:SourceVpce': 'vpce-1' } }, {}, 'simulated-deny', 'aws:SourceVpce', 'no value'],
    ['without MFA', { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }, {}, 'simulated-deny', 'aws:MultiFactorAuthPresent', 'false'],
    ['from outside the IP range', { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, {}, 'simulated-deny', 'aws:SourceIp', '203.0.113.7'],
    ['a principal tag the record cannot show', { StringEquals: { 'aws:PrincipalTag/team': 'data' } }, {}, 'unknown-context', 'aws:PrincipalTag/team', ''],
  ])('%s: the condition is named, nothing is granted', (_name, condition, record, verdict, key, actual) => {
    const policies = roleWith(ROLE, [inline('app', allowWhen(condition))]);
    const p = proposeFix(decode({ ...GET, ...record }), policies, { catalog });
    expect(p.statements).toEqual([]);
    expect(p.validated).toBe(verdict);
    expect(p.target).toMatchObject({ kind: 'identity-policy', policyName: 'app' });
    const codes = p.noteDetails?.map((n) => n.code) ?? [];
    expect(codes).toContain('condition-how-to-meet');
    expect(codes).toContain('condition-kept');
    const detail = p.noteDetails?.find((n) => n.code === (verdict === 'unknown-context' ? 'condition-undetermined' : 'condition-not-met'));
    expect(detail?.params).toMatchObject({ key, statement: 'Read', policy: 'app', ...(actual ? { actual } : {}) });
  });

  it('control: the call met the condition, so the identity policies are not what denied it', () => {
    const policies = roleWith(ROLE, [inline('app', allowWhen({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }))]);
    const p = proposeFix(decode(GET), policies, { catalog });
    expect(p.statements).toEqual([]);
    expect(p.noteDetails?.map((n) => n.code)).toContain('already-allowed');
  });

  it('control: an Allow for another resource is no near miss, and the fix is the exact grant', () => {
    const policies = roleWith(ROLE, [inline('app', { ...allowWhen({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }), Resource: 'arn:aws:s3:::other/*' })]);
    const p = proposeFix(decode(GET), policies, { catalog });
    expect(resourcesOf(p.statements)).toEqual(['arn:aws:s3:::reports/q3.csv']);
    expect(p.validated).toBe('simulated-allow');
  });
});

describe('a role named in words keeps its name, and only its path is left to fill in', () => {
  it('iam:PassRole on "role Foo": role/<Path>Foo, needs input', () => {
    const denial = decode({ eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', action: 'iam:PassRole', resource: 'role deploy-target' });
    expect(denial).toMatchObject({ resource: null, resourceText: 'role deploy-target' });
    const p = proposeFix(denial, roleWith(ROLE, []), { catalog });
    expect(resourcesOf(p.statements)).toEqual([`arn:aws:iam::${ACCOUNT}:role/<Path>deploy-target`]);
    expect(p).toMatchObject({ validated: 'needs-input', exact: false });
  });
});

describe("an IAM user's tags are its aws:PrincipalTag keys; a role's are not settled (session tags override them)", () => {
  const userRecord = (): Record<string, unknown> => ({
    ...deniedRecord({
      eventSource: 's3.amazonaws.com',
      eventName: 'GetObject',
      action: 's3:GetObject',
      requestParameters: { bucketName: 'reports', key: 'q3.csv' },
    }),
    userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:user/dev`, accountId: ACCOUNT, userName: 'dev' },
    errorMessage: `User: arn:aws:iam::${ACCOUNT}:user/dev is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::reports/q3.csv because no identity-based policy allows the s3:GetObject action`,
  });
  const guard: PolicyStatement = { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blocked' } } };
  const decoded = (): Denial => denialOf(userRecord());

  it.each<[string, Record<string, string> | undefined, ValidationVerdict]>([
    ['tagged team=blocked: the Deny applies', { team: 'blocked' }, 'simulated-deny'],
    ['tagged team=data: the Deny does not apply', { team: 'data' }, 'simulated-allow'],
    ['no team tag at all: the Deny does not apply', {}, 'simulated-allow'],
    ['tags not read: unknown', undefined, 'unknown-context'],
  ])('%s', (_name, tags, verdict) => {
    const policies = { ...userWith('dev', [inline('guard', guard)]), ...(tags ? { userTags: tags } : {}) };
    expect(proposeFix(decoded(), policies, { catalog }).validated).toBe(verdict);
  });
});

describe('a wildcard the service writes in its message is not the resource', () => {
  it('ec2:GetPasswordData "on resource: …instance/*" with instanceId: the instance, exact', () => {
    const parts: RecordParts = {
      eventSource: 'ec2.amazonaws.com',
      eventName: 'GetPasswordData',
      action: 'ec2:GetPasswordData',
      resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*`,
      requestParameters: { instanceId: 'i-0abc1234def567890' },
    };
    const denial = decode(parts);
    expect(denial.resource).toBe(`arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abc1234def567890`);
    const p = proposeFix(denial, roleWith(ROLE, []), { catalog });
    expect(resourcesOf(p.statements)).toEqual([`arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abc1234def567890`]);
    expect(p).toMatchObject({ validated: 'simulated-allow', exact: true });
  });

  it("RunInstances names no instance: the message's instance/* stays (the new instance is evaluated as instance/*)", () => {
    const denial = decode({
      eventSource: 'ec2.amazonaws.com',
      eventName: 'RunInstances',
      action: 'ec2:RunInstances',
      resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*`,
      requestParameters: { instanceType: 't3.micro' },
    });
    expect(denial.resource).toBe(`arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*`);
  });
});

describe('a resource in another account: its own policy is the other side, and it is not read', () => {
  it.each<[string, string, ValidationVerdict]>([
    ['a KMS key of another account', 'arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab', 'not-validated'],
    ['a secret of another account', 'arn:aws:secretsmanager:us-east-1:444455556666:secret:shared-AbCdEf', 'not-validated'],
    ["control: a KMS key of the caller's account", `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, 'simulated-allow'],
  ])('%s → %s', (_name, resource, verdict) => {
    const action = resource.includes(':kms:') ? 'kms:Decrypt' : 'secretsmanager:GetSecretValue';
    const denial = decode({ eventSource: `${action.split(':')[0]}.amazonaws.com`, eventName: action.split(':')[1]!, action, resource });
    const p = proposeFix(denial, roleWith(ROLE, []), { catalog });
    expect(resourcesOf(p.statements)).toEqual([resource]);
    expect(p.validated).toBe(verdict);
    expect(isReady(readinessFacts(p))).toBe(verdict === 'simulated-allow');
    if (verdict === 'not-validated')
      expect(p.noteDetails?.find((n) => n.code === 'resource-policy-side-unread')?.params).toEqual({ resource, account: '444455556666' });
  });
});
