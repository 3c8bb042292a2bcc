import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PolicyDocument } from '../../lib/denial/types';
import type { PrincipalPolicies } from '../../lib/policy/ports';
import { applyChangeToPolicies, documentKey, iamChangeTouches, mayTouch } from '../../lib/policy/change/apply';
import type { PolicyChange, PolicyChangeOperation } from '../../lib/policy/change/types';
import { SnapshotPolicySource } from '../../lib/policy/sources/snapshot';
import { rolePrincipal, userPrincipal } from '../support/builders';

const ACCOUNT = '111122223333';
const doc = (action: string): PolicyDocument => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
const change = (operation: PolicyChangeOperation): PolicyChange => ({
  eventId: 'e',
  eventTime: '2026-11-20T00:00:00.000Z',
  eventName: 'PutRolePolicy',
  eventSource: 'iam.amazonaws.com',
  accountId: ACCOUNT,
  region: 'us-east-1',
  by: null,
  operation,
});
const SHARED = `arn:aws:iam::${ACCOUNT}:policy/shared`;
const user: PrincipalPolicies = {
  arn: `arn:aws:iam::${ACCOUNT}:user/u`,
  kind: 'user',
  name: 'u',
  path: '/',
  identityPolicies: [
    { kind: 'inline', name: 'own', document: doc('s3:GetObject') },
    { kind: 'inline', name: 'team', viaGroup: 'g', document: doc('sqs:SendMessage') },
    { kind: 'managed', name: 'shared', arn: SHARED, versionId: 'v1', document: doc('sns:Publish') },
  ],
  source: 'snapshot',
};
const actions = (p: PrincipalPolicies) =>
  p.identityPolicies.map((x) => `${x.viaGroup ? `${x.viaGroup}/` : ''}${x.name}:${JSON.stringify(x.document.Statement[0]?.Action)}`);
const userRef = { kind: 'user' as const, name: 'u', account: ACCOUNT };
const groupRef = { kind: 'group' as const, name: 'g', account: ACCOUNT };

describe('applyChangeToPolicies', () => {
  it.each<[string, PolicyChangeOperation, string[]]>([
    [
      'replaces an inline policy of the user',
      { op: 'put-inline', identity: userRef, policyName: 'own', document: doc('s3:*') },
      ['g/team:"sqs:SendMessage"', 'shared:"sns:Publish"', 'own:"s3:*"'],
    ],
    ['deletes an inline policy of its group', { op: 'delete-inline', identity: groupRef, policyName: 'team' }, ['own:"s3:GetObject"', 'shared:"sns:Publish"']],
    ['detaches a managed policy', { op: 'detach-managed', identity: userRef, policyArn: SHARED }, ['own:"s3:GetObject"', 'g/team:"sqs:SendMessage"']],
    [
      'swaps in a new default version',
      { op: 'new-policy-version', policyArn: SHARED, setAsDefault: true, versionId: 'v2', document: doc('sns:*') },
      ['own:"s3:GetObject"', 'g/team:"sqs:SendMessage"', 'shared:"sns:*"'],
    ],
    [
      'ignores a version that is not the default',
      { op: 'new-policy-version', policyArn: SHARED, setAsDefault: false, document: doc('sns:*') },
      ['own:"s3:GetObject"', 'g/team:"sqs:SendMessage"', 'shared:"sns:Publish"'],
    ],
    [
      'drops the group policies when the user leaves the group',
      { op: 'remove-from-group', user: userRef, group: groupRef },
      ['own:"s3:GetObject"', 'shared:"sns:Publish"'],
    ],
    [
      'leaves another user alone',
      { op: 'put-inline', identity: { ...userRef, name: 'other' }, policyName: 'own', document: doc('*') },
      ['own:"s3:GetObject"', 'g/team:"sqs:SendMessage"', 'shared:"sns:Publish"'],
    ],
  ])('%s', (_label, operation, expected) => {
    expect(actions(applyChangeToPolicies(user, change(operation)))).toEqual(expected);
  });

  it('adds an attached policy from the documents read, and lists it unresolved when none could be read', () => {
    const arn = `arn:aws:iam::${ACCOUNT}:policy/new`;
    const op: PolicyChangeOperation = { op: 'attach-managed', identity: userRef, policyArn: arn };
    const read = applyChangeToPolicies(user, change(op), new Map([[documentKey(arn), { arn, name: 'new', document: doc('kms:Decrypt') }]]));
    expect(actions(read).at(-1)).toBe('new:"kms:Decrypt"');
    expect(applyChangeToPolicies(user, change(op)).unresolvedPolicies).toEqual([{ name: 'new', arn }]);
  });

  it('is idempotent', () => {
    const put = change({ op: 'put-inline', identity: userRef, policyName: 'own', document: doc('s3:*') });
    const once = applyChangeToPolicies(user, put);
    expect(applyChangeToPolicies(once, put)).toEqual(once);
  });
});

describe('which principals a change touches', () => {
  it('filters cheaply by name and account, then decides on the policies for groups and managed policies', () => {
    const u = userPrincipal('u');
    const r = rolePrincipal('r');
    expect(mayTouch(change({ op: 'delete-boundary', identity: { kind: 'role', name: 'r', account: ACCOUNT } }), r)).toBe(true);
    expect(mayTouch(change({ op: 'delete-boundary', identity: { kind: 'role', name: 'r', account: '444455556666' } }), r)).toBe(false);
    expect(mayTouch(change({ op: 'delete-inline', identity: groupRef, policyName: 'team' }), r)).toBe(false);
    const groupChange = change({ op: 'delete-inline', identity: groupRef, policyName: 'team' });
    expect(iamChangeTouches(groupChange, u, user, null)).toBe(true);
    expect(iamChangeTouches(change({ op: 'delete-inline', identity: { ...groupRef, name: 'other' }, policyName: 'x' }), u, user, user)).toBe(false);
    expect(iamChangeTouches(change({ op: 'set-default-version', policyArn: SHARED, versionId: 'v3' }), u, null, user)).toBe(true);
  });
});

describe('a snapshot follows changes', () => {
  const snapshot = () => JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'policies', '111122223333.json'), 'utf8')) as unknown;

  it('applies a default version listed earlier (SetDefaultPolicyVersion) and group membership', async () => {
    const source = SnapshotPolicySource.fromSnapshots([snapshot()]);
    const arn = 'arn:aws:iam::111122223333:policy/BedrockClaudeInvoke';
    const dataPipeline = userPrincipal('data-pipeline');
    const before = await source.getPrincipalPolicies(dataPipeline);
    await source.applyChange(change({ op: 'new-policy-version', policyArn: arn, versionId: 'v9', setAsDefault: false, document: doc('bedrock:*') }));
    expect((await source.getPrincipalPolicies(dataPipeline))?.identityPolicies.find((p) => p.arn === arn)?.versionId).toBe(
      before?.identityPolicies.find((p) => p.arn === arn)?.versionId,
    );
    await source.applyChange(change({ op: 'set-default-version', policyArn: arn, versionId: 'v9' }));
    const after = await source.getPrincipalPolicies(dataPipeline);
    expect(after?.identityPolicies.find((p) => p.arn === arn)).toMatchObject({ versionId: 'v9', document: doc('bedrock:*') });
    expect(await source.getManagedPolicy(arn, 'v9')).toMatchObject({ versionId: 'v9' });

    await source.applyChange(
      change({
        op: 'remove-from-group',
        user: { kind: 'user', name: 'data-pipeline', account: ACCOUNT },
        group: { kind: 'group', name: 'analytics', account: ACCOUNT },
      }),
    );
    expect((await source.getPrincipalPolicies(dataPipeline))?.identityPolicies.some((p) => p.viaGroup === 'analytics')).toBe(false);
  });
});
