import type { Denial, PolicyStatement, Principal, Reason } from '../../lib/denial/types';
import { asList, policySize } from '../../lib/policy/iam/document';
import { loadActionCatalog } from '../../lib/policy/catalog/iam-data-catalog';
import { proposeFix } from '../../lib/policy/propose/propose';
import { POLICY_QUOTAS } from '../../lib/policy/catalog/quotas';
import { noteCodes, notesWith, paramsOf } from './fixtures/notes';
import {
  ACCOUNT,
  denial as baseDenial,
  fmArn,
  modelDenial,
  profileDenial,
  rolePrincipal,
  SONNET_45,
  ssoPrincipal,
  US_DESTINATIONS,
  userPrincipal,
} from './fixtures/denials';
import { expectProposalInvariants } from './fixtures/invariants';
import { doc, inline, managed, roleWith, userWith } from './fixtures/policies';

const role = rolePrincipal('app-role');
const NOVA = 'amazon.nova-pro-v1:0';

function reason(layer: Reason['layer'], explicit: boolean, extra: Partial<Reason> = {}): Reason {
  return { layer, explicit, summary: 'denied', ...extra };
}

const novaCall = (overrides: Partial<Denial> = {}) => modelDenial(NOVA, 'us-east-1', { principal: role, ...overrides });
const grantNova = inline('nova', { Sid: 'Nova', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: fmArn('us-east-1', NOVA) });

describe('explicit denies', () => {
  const denyStatement: PolicyStatement = { Sid: 'NoBedrock', Effect: 'Deny', Action: 'bedrock:*', Resource: '*' };

  it('points at the denying statement and proposes no Allow', () => {
    const policies = roleWith('app-role', [grantNova, managed('guardrails', denyStatement)]);
    const p = proposeFix(novaCall({ reason: reason('identity', true) }), policies);
    expect(p.statements).toEqual([]);
    expect(p.target).toEqual({ kind: 'identity-policy', name: 'app-role', policyName: 'guardrails', policyArn: `arn:aws:iam::${ACCOUNT}:policy/guardrails` });
    expect(paramsOf(p, 'explicit-deny-statement')).toMatchObject({
      statement: 'NoBedrock',
      policy: 'managed policy guardrails',
      check: expect.stringMatching(/^bedrock:InvokeModel /),
    });
    expect(paramsOf(p, 'explicit-deny-how-to-change')).toMatchObject({ action: 'bedrock:InvokeModel' });
    expect(p.validated).toBe('simulated-deny');
    expect(p.policyAfter).toBeUndefined();
  });

  it('finds a Deny that blocks a destination region even when the message says implicit', () => {
    const guard: PolicyStatement = {
      Sid: 'OnlyUsEast1',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } },
    };
    const d = profileDenial('us', SONNET_45, 'us-east-1', US_DESTINATIONS, { principal: role });
    const p = proposeFix(d, roleWith('app-role', [inline('region-guard', guard)]));
    expect(p.statements).toEqual([]);
    expect(p.target.policyName).toBe('region-guard');
    expect(paramsOf(p, 'explicit-deny-statement')).toEqual({
      statement: 'OnlyUsEast1',
      policy: 'inline policy region-guard',
      check: 'bedrock:InvokeModel on the model in us-east-2 through the profile',
    });
  });

  it('points at a Deny in the permissions boundary', () => {
    const boundary = managed(
      'boundary',
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Sid: 'NoModels', Effect: 'Deny', Action: 'bedrock:Invoke*', Resource: '*' },
    );
    const p = proposeFix(novaCall({ reason: reason('permissions-boundary', true) }), roleWith('app-role', [grantNova], boundary));
    expect(p.target).toMatchObject({ kind: 'permissions-boundary', policyName: 'boundary' });
    expect(paramsOf(p, 'explicit-deny-statement')).toMatchObject({ statement: 'NoModels', policy: 'permissions boundary boundary' });
  });

  it('without policies: names the policy ARN from the message and is not validated', () => {
    const arn = `arn:aws:iam::${ACCOUNT}:policy/DenyBedrock`;
    const p = proposeFix(novaCall({ reason: reason('identity', true, { policyArn: arn }) }), null);
    expect(p).toMatchObject({ statements: [], validated: 'not-validated', target: { kind: 'identity-policy', policyArn: arn, policyName: 'DenyBedrock' } });
    expect(noteCodes(p)).toEqual(['reported-explicit-deny', 'policies-unavailable']);
    expect(paramsOf(p, 'reported-explicit-deny')).toEqual({ policyType: 'identity-based policy', policyArn: arn });
  });

  it('with policies that hold no matching Deny: says so', () => {
    const p = proposeFix(novaCall({ reason: reason('identity', true) }), roleWith('app-role', [grantNova]));
    expect(p.statements).toEqual([]);
    expect(noteCodes(p)).toContain('deny-statement-not-found');
  });
});

describe('principals', () => {
  it('SSO role without policies: the permission set, with sso-admin commands', () => {
    const d = modelDenial(NOVA, 'us-east-1', { principal: ssoPrincipal('DataScience', 'aaaabbbbccccdddd', 'eu-west-2') });
    const p = proposeFix(d, null);
    expect(p.target).toEqual({ kind: 'sso-permission-set', name: 'DataScience' });
    // Without the current inline policy, a put command would overwrite it: only the statements are given.
    expect(p.cli).toBeUndefined();
    expect(p.policyAfter?.Statement).toEqual(p.statements);
    expect(noteCodes(p)).toContain('permission-set-merge-first');
    expect(p.validated).toBe('not-validated');
  });

  it('SSO role with known policies: the complete inline policy and the sso-admin commands', () => {
    const d = modelDenial(NOVA, 'us-east-1', { principal: ssoPrincipal('DataScience') });
    const existing = inline('AwsSSOInlinePolicy', { Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' });
    const p = proposeFix(d, roleWith('AWSReservedSSO_DataScience_0a1b2c3d4e5f6789', [existing], undefined, '/aws-reserved/sso.amazonaws.com/us-east-1/'));
    expect(p.target).toEqual({ kind: 'sso-permission-set', name: 'DataScience', policyName: 'AwsSSOInlinePolicy' });
    expect(p.policyAfter?.Statement.map((s) => s.Sid)).toEqual(['Read', 'AccessAuditorInvokeFoundationModel']);
    expect(p.cli).toMatch(
      /aws sso-admin put-inline-policy-to-permission-set --instance-arn <INSTANCE_ARN> --permission-set-arn <PERMISSION_SET_ARN> --inline-policy file:\/\/permission-set-DataScience.json/,
    );
    expect(p.cli).toMatch(
      /aws sso-admin provision-permission-set --instance-arn <INSTANCE_ARN> --permission-set-arn <PERMISSION_SET_ARN> --target-type AWS_ACCOUNT --target-id 111122223333/,
    );
    expect(p.validated).toBe('simulated-allow');
  });

  it('SSO role recognised from its name alone', () => {
    const principal: Principal = { ...rolePrincipal('AWSReservedSSO_Ops_0123456789abcdef'), managedBy: 'unknown' };
    expect(proposeFix(modelDenial(NOVA, 'us-east-1', { principal }), null).target).toEqual({ kind: 'sso-permission-set', name: 'Ops' });
  });

  it('service-linked role: nothing to edit', () => {
    const principal = rolePrincipal('AWSServiceRoleForAmazonBedrock', '/aws-service-role/bedrock.amazonaws.com/', { managedBy: 'service-linked' });
    const p = proposeFix(modelDenial(NOVA, 'us-east-1', { principal }), null);
    expect(p).toMatchObject({ target: { kind: 'service-linked-role', name: 'AWSServiceRoleForAmazonBedrock' }, statements: [], validated: 'not-validated' });
    expect(p.noteDetails?.[0]).toMatchObject({ code: 'service-linked-role', params: { role: 'AWSServiceRoleForAmazonBedrock' } });
  });

  it('root: explains instead of proposing', () => {
    const principal: Principal = { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, managedBy: 'root' };
    const p = proposeFix(modelDenial(NOVA, 'us-east-1', { principal }), null);
    expect(p).toMatchObject({ target: { kind: 'none' }, statements: [] });
    expect(noteCodes(p)).toEqual(['root-user', 'root-use-role']);
  });

  it('an AWS service caller: the statements it would need, no target policy', () => {
    const principal: Principal = { type: 'AWSService', arn: null, accountId: null, managedBy: 'aws-service', invokedBy: 'bedrock.amazonaws.com' };
    const p = proposeFix(modelDenial(NOVA, 'us-east-1', { principal }), null);
    expect(p.target).toEqual({ kind: 'none' });
    expect(p.statements).toHaveLength(1);
  });
});

describe('organization policies', () => {
  const scpArn = 'arn:aws:organizations::999988887777:policy/o-abc/service_control_policy/p-123';

  it('SCP: organization admin, policy ARN, no statements', () => {
    const p = proposeFix(novaCall({ reason: reason('scp', true, { policyArn: scpArn }) }), null);
    expect(p).toMatchObject({ target: { kind: 'scp', policyArn: scpArn }, statements: [], validated: 'not-validated' });
    expect(paramsOf(p, 'org-policy-explicit-deny')).toEqual({ policyType: 'service control policy', action: 'bedrock:InvokeModel', policyArn: scpArn });
    expect(paramsOf(p, 'org-admin-only')).toEqual({});
  });

  it('SCP on a geographic cross-region call: exempt bedrock:InferenceProfileArn or add the destination', () => {
    const d = profileDenial('us', SONNET_45, 'us-east-1', US_DESTINATIONS, {
      principal: role,
      deniedRegion: 'us-west-2',
      resource: fmArn('us-west-2', SONNET_45),
      reason: reason('scp', true),
    });
    const p = proposeFix(d, roleWith('app-role', []));
    expect(paramsOf(p, 'scp-region-guardrail')).toEqual({ region: 'us-west-2', partition: 'aws', inference: 'regional' });
    expect(paramsOf(p, 'identity-also-denies')).toMatchObject({ principal: 'app-role', policyType: 'service control policy' });
  });

  it('SCP on a global call: also "unspecified"', () => {
    const d = profileDenial('global', SONNET_45, 'us-east-1', US_DESTINATIONS, {
      principal: role,
      deniedRegion: 'unspecified',
      resource: `arn:aws:bedrock:::foundation-model/${SONNET_45}`,
      reason: reason('scp', false),
    });
    expect(paramsOf(proposeFix(d, null), 'scp-region-guardrail')).toEqual({ region: 'unspecified', partition: 'aws', inference: 'global' });
  });

  it('RCP', () => {
    const p = proposeFix(novaCall({ reason: reason('rcp', true) }), null);
    expect(p.target.kind).toBe('rcp');
    expect(paramsOf(p, 'org-policy-explicit-deny')).toMatchObject({ policyType: 'resource control policy' });
    expect(paramsOf(p, 'layer-not-read')).toEqual({ policyType: 'resource control policy' });
  });
});

describe('other layers', () => {
  it('permissions boundary: the boundary statement, changed in place', () => {
    const boundary = managed('dev-boundary', { Sid: 'Basics', Effect: 'Allow', Action: ['s3:*', 'logs:*'], Resource: '*' });
    const policies = roleWith('app-role', [grantNova], boundary);
    const p = proposeFix(novaCall({ reason: reason('permissions-boundary', false) }), policies);
    expect(p.target).toEqual({
      kind: 'permissions-boundary',
      name: 'app-role',
      policyName: 'dev-boundary',
      policyArn: `arn:aws:iam::${ACCOUNT}:policy/dev-boundary`,
    });
    expect(p.statements.map((s) => s.Resource)).toEqual([fmArn('us-east-1', NOVA)]);
    expect(p.policyAfter?.Statement.map((s) => s.Sid)).toEqual(['Basics', 'AccessAuditorInvokeFoundationModel']);
    expect(p.cli).toMatch(/create-policy-version --policy-arn arn:aws:iam::111122223333:policy\/dev-boundary/);
    expect(p.validated).toBe('simulated-allow');
  });

  it('permissions boundary when the identity policies do not allow either: simulated-deny with the reason', () => {
    const boundary = managed('dev-boundary', { Effect: 'Allow', Action: 's3:*', Resource: '*' });
    const p = proposeFix(novaCall({ reason: reason('permissions-boundary', false) }), roleWith('app-role', [], boundary));
    expect(p.validated).toBe('simulated-deny');
    expect(noteCodes(p)).toContain('check-not-allowed');
    expect(noteCodes(p)).toContain('boundary-caps-only');
  });

  it('an identity fix that a boundary still blocks is reported', () => {
    const boundary = managed('dev-boundary', { Effect: 'Allow', Action: 's3:*', Resource: '*' });
    const p = proposeFix(novaCall(), roleWith('app-role', [], boundary));
    expect(p.validated).toBe('simulated-deny');
    expect(paramsOf(p, 'check-denied-by-boundary')).toMatchObject({ stage: 'after-change', boundary: 'dev-boundary' });
  });

  it('permissions boundary, policies unknown: the statements, the ARN from the message, no overwriting command', () => {
    const arn = `arn:aws:iam::${ACCOUNT}:policy/dev-boundary`;
    const p = proposeFix(novaCall({ reason: reason('permissions-boundary', false, { policyArn: arn }) }), null);
    expect(p.target).toEqual({ kind: 'permissions-boundary', name: 'app-role', policyArn: arn });
    expect(p.cli).toBeUndefined();
    expect(p.validated).toBe('not-validated');
    expect(noteCodes(p)).toContain('boundary-merge-first');
  });

  it('an unknown layer is treated as the identity policies, and says so', () => {
    const p = proposeFix(novaCall({ reason: reason('unknown', false) }), roleWith('app-role', []));
    expect(p.target.kind).toBe('identity-policy');
    expect(noteCodes(p)[0]).toBe('layer-unknown');
  });

  it('session policy: whoever passes it must include the statements', () => {
    const p = proposeFix(novaCall({ reason: reason('session', false) }), null);
    expect(p.target.kind).toBe('session-policy');
    expect(p.statements).toHaveLength(1);
    expect(paramsOf(p, 'session-policy-missing')).toEqual({ principal: 'app-role' });
    expect(noteCodes(p)).toContain('session-policy-not-read');
  });

  it('resource-based policy: a statement for the resource owner', () => {
    const d = baseDenial({
      principal: role,
      action: 'kms:Decrypt',
      eventSource: 'kms.amazonaws.com',
      eventName: 'Decrypt',
      resource: `arn:aws:kms:us-east-1:444455556666:key/1234`,
      reason: reason('resource', false),
    });
    const p = proposeFix(d, null);
    expect(p.target).toMatchObject({ kind: 'resource-policy', name: 'the owner of KMS key arn:aws:kms:us-east-1:444455556666:key/1234 (key policy)' });
    expect(p.statements).toEqual([
      {
        Sid: 'AccessAuditorAllowPrincipal',
        Effect: 'Allow',
        Principal: { AWS: role.roleArn },
        Action: 'kms:Decrypt',
        Resource: 'arn:aws:kms:us-east-1:444455556666:key/1234',
      },
    ]);
  });

  it('role trust policy: an sts:AssumeRole statement for the role owner', () => {
    const d = baseDenial({
      principal: role,
      action: 'sts:AssumeRole',
      eventSource: 'sts.amazonaws.com',
      resource: 'arn:aws:iam::444455556666:role/deployer',
      reason: reason('resource', false, { policyType: 'role trust policy' }),
    });
    const p = proposeFix(d, null);
    expect(p.statements).toEqual([{ Sid: 'AccessAuditorAllowAssumeRole', Effect: 'Allow', Principal: { AWS: role.roleArn }, Action: 'sts:AssumeRole' }]);
    expect(paramsOf(p, 'trust-policy-missing')).toMatchObject({ principal: role.roleArn });
  });

  it('VPC endpoint policy: a statement for the endpoint owner, limited to the principal', () => {
    const p = proposeFix(novaCall({ reason: reason('vpc-endpoint', false) }), null);
    expect(p.target.kind).toBe('vpc-endpoint-policy');
    expect(p.statements[0]).toMatchObject({ Principal: '*', Action: 'bedrock:InvokeModel', Condition: { ArnEquals: { 'aws:PrincipalArn': role.roleArn } } });
    expect(paramsOf(p, 'vpc-endpoint-missing')).toEqual({ action: 'bedrock:InvokeModel' });
  });
});

describe('model access', () => {
  const onDemand = (overrides: Partial<Denial> = {}) =>
    modelDenial('anthropic.claude-3-5-sonnet-20241022-v2:0', 'us-east-1', {
      principal: role,
      errorCode: 'ValidationException',
      errorMessage:
        'Invocation of model ID anthropic.claude-3-5-sonnet-20241022-v2:0 with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.',
      reason: reason('model-access', false),
      ...overrides,
    });

  it('on-demand not supported: call the profile of the geography, with what that call needs', () => {
    const p = proposeFix(onDemand(), null);
    expect(p.target).toEqual({ kind: 'model-access', name: 'anthropic.claude-3-5-sonnet-20241022-v2:0' });
    expect(p.noteDetails?.[0]).toMatchObject({
      code: 'on-demand-use-profile',
      params: { profile: 'us.anthropic.claude-3-5-sonnet-20241022-v2:0', geography: 'us' },
    });
    expect(p.statements.map((s) => s.Sid)).toEqual(['AccessAuditorInferenceProfile', 'AccessAuditorModelThroughProfile']);
    expect(p.statements[0]?.Resource).toBe(`arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.anthropic.claude-3-5-sonnet-20241022-v2:0`);
  });

  it('on-demand with policies that already allow the profile call: only the model ID changes', () => {
    const all = inline('all-claude', {
      Effect: 'Allow',
      Action: 'bedrock:InvokeModel',
      Resource: ['arn:aws:bedrock:*:*:inference-profile/*', 'arn:aws:bedrock:*::foundation-model/*'],
    });
    const p = proposeFix(onDemand(), roleWith('app-role', [all]));
    expect(p.statements).toEqual([]);
    expect(p.validated).toBe('simulated-allow');
    expect(paramsOf(p, 'profile-call-already-allowed')).toEqual({ principal: 'app-role' });
  });

  it('EU region suggests the eu profile', () => {
    const p = proposeFix(onDemand({ callRegion: 'eu-west-3', deniedRegion: 'eu-west-3' }), null);
    expect(p.noteDetails?.[0]).toMatchObject({ code: 'on-demand-use-profile', params: { profile: expect.stringMatching(/^eu\.anthropic/) } });
  });

  it('Legacy model: a lifecycle block, no statements', () => {
    const p = proposeFix(
      novaCall({
        errorCode: 'ResourceNotFoundException',
        errorMessage:
          'Access denied. This Model is marked by provider as Legacy and you have not been actively using the model in the last 30 days. Please upgrade to an active model on Amazon Bedrock',
        reason: reason('model-access', false),
      }),
      null,
    );
    expect(p).toMatchObject({ target: { kind: 'model-access' }, statements: [] });
    expect(noteCodes(p)).toEqual(['model-legacy', 'upgrade-model']);
  });

  it('Marketplace: Subscribe and ViewSubscriptions on "*" in the identity policy', () => {
    const d = novaCall({
      action: 'aws-marketplace:Subscribe',
      resource: null,
      errorMessage: `User: ${role.arn} is not authorized to perform: aws-marketplace:Subscribe on resource: * because no identity-based policy allows the action.`,
    });
    const p = proposeFix(d, roleWith('app-role', []));
    expect(p.target).toMatchObject({ kind: 'identity-policy', name: 'app-role' });
    expect(p.statements).toEqual([
      { Sid: 'AccessAuditorMarketplaceSubscribe', Effect: 'Allow', Action: 'aws-marketplace:Subscribe', Resource: '*' },
      { Sid: 'AccessAuditorMarketplaceViewSubscriptions', Effect: 'Allow', Action: 'aws-marketplace:ViewSubscriptions', Resource: '*' },
    ]);
    expect(noteCodes(p)).toContain('marketplace-product-condition');
    expect(p.validated).toBe('simulated-allow');
    expectProposalInvariants(p);
  });

  it('Marketplace message from the model-access error', () => {
    const d = novaCall({
      errorMessage:
        'Model access is denied due to IAM user or service role is not authorized to perform the required AWS Marketplace actions (aws-marketplace:ViewSubscriptions, aws-marketplace:Subscribe) to enable access to this model.',
      reason: reason('model-access', false),
    });
    expect(proposeFix(d, null).statements.map((s) => s.Action)).toEqual(['aws-marketplace:Subscribe', 'aws-marketplace:ViewSubscriptions']);
  });
});

describe('quotas', () => {
  function bulk(name: string, size: number): ReturnType<typeof inline> {
    const resources: string[] = [];
    const base = { Sid: 'Bulk', Effect: 'Allow' as const, Action: 's3:GetObject', Resource: resources };
    for (let i = 0; policySize(doc(base)) < size; i++) resources.push(`arn:aws:s3:::bucket-${String(i).padStart(4, '0')}/*`);
    return inline(name, base);
  }

  it('a role whose inline policies would pass 10,240 characters gets a new managed policy', () => {
    const policies = roleWith('app-role', [bulk('big', POLICY_QUOTAS.roleInlineTotal - 100)]);
    const p = proposeFix(novaCall(), policies);
    expect(p.target.policyName).toBeUndefined();
    expect(p.cli).toMatch(/aws iam create-policy --policy-name access-auditor-bedrock-nova-pro/);
    expect(p.cli).toMatch(/aws iam attach-role-policy --role-name app-role --policy-arn arn:aws:iam::111122223333:policy\/access-auditor-bedrock-nova-pro/);
    expect(paramsOf(p, 'quota-new-managed-policy')).toMatchObject({ limit: 10240, policy: 'access-auditor-bedrock-nova-pro' });
    expect(p.validated).toBe('simulated-allow');
  });

  it('a user is limited to 2,048 characters of inline policy', () => {
    const user = userPrincipal('dev');
    const policies = userWith('dev', [bulk('big', POLICY_QUOTAS.userInlineTotal - 50)]);
    const p = proposeFix(modelDenial(NOVA, 'us-east-1', { principal: user }), policies);
    expect(p.cli).toMatch(/aws iam attach-user-policy --user-name dev/);
    expect(paramsOf(p, 'quota-new-managed-policy')).toMatchObject({ limit: 2048 });
  });

  it('a near-miss edit that would overflow a managed policy goes to a new managed policy', () => {
    const big = bulk('x', POLICY_QUOTAS.managed - 60).document.Statement[0]!;
    const near = managed('shared', big, { Sid: 'Nova', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: fmArn('us-west-2', NOVA) });
    const p = proposeFix(novaCall(), roleWith('app-role', [near]));
    expect(paramsOf(p, 'quota-new-managed-policy')).toMatchObject({ what: 'managed policy shared', limit: 6144, size: expect.any(Number) });
    expect(paramsOf(p, 'near-miss-no-room')).toEqual({ statement: 'Nova', policy: 'managed policy shared' });
    expect(p.target.policyName).toBeUndefined();
    expect(p.cli).toMatch(/create-policy --policy-name/);
    expect(p.validated).toBe('simulated-allow');
  });

  it('stays within the quota when there is room', () => {
    const p = proposeFix(novaCall(), roleWith('app-role', [bulk('big', 5000)]));
    expect(p.cli).toMatch(/put-role-policy/);
  });
});

describe('non-Bedrock actions and the resource rule', () => {
  it('uses the denied resource', () => {
    const d = baseDenial({
      principal: role,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::reports/2026/q3.csv',
      eventSource: 's3.amazonaws.com',
      eventName: 'GetObject',
    });
    const p = proposeFix(d, roleWith('app-role', []));
    expect(p.statements).toEqual([{ Sid: 'AccessAuditorGetObject', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/2026/q3.csv' }]);
    expect(p.validated).toBe('simulated-allow');
  });

  it('builds the ARN from iam-data when the message names no resource', async () => {
    const catalog = await loadActionCatalog(['sqs:SendMessage']);
    const d = baseDenial({ principal: role, action: 'SQS:SendMessage', resource: null, callRegion: 'eu-west-1', deniedRegion: 'eu-west-1' });
    const p = proposeFix(d, null, { catalog });
    expect(p.statements[0]).toMatchObject({ Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:eu-west-1:${ACCOUNT}:<QueueName>` });
    expect(paramsOf(p, 'resource-needs-input')).toEqual({ resource: `arn:aws:sqs:eu-west-1:${ACCOUNT}:<QueueName>`, placeholders: '<QueueName>' });
    expect(notesWith(p, 'resource-from-arn-format').map((n) => n.params)).toEqual([expect.not.objectContaining({ named: expect.anything() })]);
    expectProposalInvariants(p, catalog);
  });

  it('never falls back to Resource "*" for an action it does not know', () => {
    const d = baseDenial({ principal: role, action: 'newservice:DoThing', resource: null });
    const p = proposeFix(d, null);
    expect(asList(p.statements[0]?.Resource)).toEqual([`arn:aws:newservice:us-east-1:${ACCOUNT}:<RESOURCE>`]);
    expect(paramsOf(p, 'resource-format-unknown')).toEqual({ action: 'newservice:DoThing', resource: `arn:aws:newservice:us-east-1:${ACCOUNT}:<RESOURCE>` });
  });

  it('an action without resource type gets "*" (iam-data says so)', async () => {
    const catalog = await loadActionCatalog(['ec2:DescribeInstances']);
    const d = baseDenial({ principal: role, action: 'ec2:DescribeInstances', resource: null });
    expect(proposeFix(d, null, { catalog }).statements[0]?.Resource).toBe('*');
  });

  it.each([
    ['sts:GetCallerIdentity needs no permission', { action: 'sts:GetCallerIdentity', resource: null }, 'no-permission-needed'],
    [
      'an AWS managed KMS key cannot be granted to',
      { action: 'kms:Decrypt', resource: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/aws/s3` },
      'aws-managed-kms-key',
    ],
  ] as const)('%s: nothing proposed, and it says why', (_name, parts, code) => {
    const p = proposeFix(baseDenial({ principal: role, ...parts }), roleWith('app-role', []));
    expect(p).toMatchObject({ target: { kind: 'none' }, statements: [], validated: 'not-validated' });
    expect(p.noteDetails?.map((n) => n.code)).toEqual([code]);
  });
  it('a customer managed key alias is still granted to (control)', () => {
    const p = proposeFix(
      baseDenial({ principal: role, action: 'kms:Decrypt', resource: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/app-key` }),
      roleWith('app-role', []),
    );
    expect(p.target.kind).not.toBe('none');
  });
});
