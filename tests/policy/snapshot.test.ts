import type { Principal } from '../../lib/denial/types';
import { SnapshotParseError } from '../../lib/policy/errors';
import { parseAuthorizationDetails, principalPoliciesFromSnapshot, SnapshotPolicySource } from '../../lib/policy/sources/snapshot';
import { rolePrincipal, ssoPrincipal, userPrincipal } from './fixtures/denials';
import { exampleSnapshot, otherAccountSnapshot } from './fixtures/snapshot';

const source = SnapshotPolicySource.fromSnapshots([exampleSnapshot(), otherAccountSnapshot()]);

describe('SnapshotPolicySource over the example snapshot', () => {
  it('matches a role with a path by its ARN and returns its inline policy', async () => {
    const p = await source.getPrincipalPolicies(rolePrincipal('support-supervisor-agent-role-dev', '/service-role/'));
    expect(p).toMatchObject({
      arn: 'arn:aws:iam::111122223333:role/service-role/support-supervisor-agent-role-dev',
      kind: 'role',
      path: '/service-role/',
      source: 'snapshot',
    });
    expect(p?.identityPolicies.map((x) => [x.kind, x.name])).toEqual([['inline', 'AmazonBedrockAgentBedrockFoundationModelPolicy_dev']]);
  });

  it('decodes URL-encoded inline policies of SSO roles', async () => {
    const p = await source.getPrincipalPolicies(ssoPrincipal('ClaudeAccess'));
    expect(p?.identityPolicies[0]?.document.Statement[0]).toMatchObject({ Sid: 'BrowseBedrockCatalog', Resource: '*' });
  });

  it('resolves attached managed policies to their default version (URL-encoded or object)', async () => {
    const orders = await source.getPrincipalPolicies(rolePrincipal('orders-api-task-role'));
    expect(orders?.identityPolicies).toEqual([
      expect.objectContaining({ kind: 'managed', name: 'orders-api-bedrock', arn: 'arn:aws:iam::111122223333:policy/orders-api-bedrock', versionId: 'v1' }),
    ]);
    const user = await source.getPrincipalPolicies(userPrincipal('data-pipeline'));
    const managed = user?.identityPolicies.find((x) => x.name === 'BedrockClaudeInvoke');
    expect(managed?.versionId).toBe('v2');
    expect(managed?.document.Statement[0]?.Sid).toBe('InvokeClaudeSonnet45');
  });

  it("adds a user's group policies marked viaGroup", async () => {
    const user = await source.getPrincipalPolicies(userPrincipal('data-pipeline'));
    expect(user?.identityPolicies.map((x) => [x.kind, x.name, x.viaGroup])).toEqual([
      ['managed', 'BedrockClaudeInvoke', undefined],
      ['inline', 'analytics-read', 'analytics'],
    ]);
  });

  it('tolerates a path-less role ARN (from the STS ARN) when name + account are unique', async () => {
    const p = await source.getPrincipalPolicies({ ...rolePrincipal('support-supervisor-agent-role-dev'), roleArn: undefined });
    expect(p?.arn).toBe('arn:aws:iam::111122223333:role/service-role/support-supervisor-agent-role-dev');
  });

  it('does not guess between two roles of the same name', async () => {
    const p: Principal = { type: 'AssumedRole', arn: 'arn:aws:sts::444455556666:assumed-role/twin/s', accountId: '444455556666', managedBy: 'iam' };
    expect(await source.getPrincipalPolicies(p)).toBeNull();
    expect((await source.getPrincipalPolicies({ ...p, roleArn: 'arn:aws:iam::444455556666:role/other/twin' }))?.path).toBe('/other/');
  });

  it.each<[string, Principal]>([
    ['root', { type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333', managedBy: 'root' }],
    ['an AWS service', { type: 'AWSService', arn: null, accountId: null, managedBy: 'aws-service', invokedBy: 'bedrock.amazonaws.com' }],
    ['an unknown role', rolePrincipal('nobody')],
    ['an unknown user', userPrincipal('nobody')],
  ])('returns null for %s', async (_name, principal) => {
    expect(await source.getPrincipalPolicies(principal)).toBeNull();
  });
});

describe('parseAuthorizationDetails', () => {
  it('merges several accounts, picks the default version and keeps the boundary', () => {
    const snap = parseAuthorizationDetails([exampleSnapshot(), otherAccountSnapshot()]);
    const worker = principalPoliciesFromSnapshot(
      snap,
      rolePrincipal('worker', '/apps/', { accountId: '444455556666', roleArn: 'arn:aws:iam::444455556666:role/apps/worker' }),
    );
    expect(worker?.identityPolicies.map((p) => p.name)).toEqual(['inline', 'shared']);
    expect(worker?.identityPolicies[1]?.document.Statement[0]?.Sid).toBe('V3');
    expect(worker?.permissionsBoundary).toMatchObject({ kind: 'managed', name: 'boundary', arn: 'arn:aws:iam::444455556666:policy/boundary' });
    expect(worker?.unresolvedPolicies).toEqual([{ name: 'ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }]);
  });

  it.each([
    ['not an object', 'hello', /expected the JSON object/],
    ['another JSON file', { Records: [] }, /none of UserDetailList/],
    ['a role without Arn', { RoleDetailList: [{ RoleName: 'x' }] }, /RoleDetailList\[0\]: Arn is missing/],
    [
      'a broken inline document',
      { RoleDetailList: [{ RoleName: 'x', Arn: 'arn:aws:iam::1:role/x', RolePolicyList: [{ PolicyName: 'p', PolicyDocument: '%7Bnope' }] }] },
      /role x inline policy p/,
    ],
    ['a policy without default version', { Policies: [{ PolicyName: 'p', Arn: 'arn:aws:iam::1:policy/p', PolicyVersionList: [] }] }, /no default version/],
  ])('rejects %s', (_name, input, message) => {
    expect(() => parseAuthorizationDetails([input], ['file.json'])).toThrow(SnapshotParseError);
    expect(() => parseAuthorizationDetails([input], ['file.json'])).toThrow(message);
  });
});
