import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { decodePolicyChange, isSuccessfulPolicyChange } from '../../lib/policy/change/decode';
import { describePolicyChange } from '../../lib/policy/change/types';

const root = join(__dirname, '..', '..');
const FIX = JSON.parse(readFileSync(join(root, 'examples', 'changes', '01-put-role-policy-fixes-apprunner.json'), 'utf8')) as Record<string, unknown>;
const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] });
const record = (eventName: string, requestParameters: unknown, extra: Record<string, unknown> = {}) => ({ ...FIX, eventName, requestParameters, ...extra });
const ACCOUNT = '111122223333';
const POLICY = 'arn:aws:iam::111122223333:policy/shared';

describe('decodePolicyChange', () => {
  it.each([
    [
      'PutRolePolicy',
      { roleName: 'r', policyName: 'p', policyDocument: doc },
      { op: 'put-inline', identity: { kind: 'role', name: 'r', account: ACCOUNT }, policyName: 'p' },
    ],
    ['DeleteUserPolicy', { userName: 'u', policyName: 'p' }, { op: 'delete-inline', identity: { kind: 'user', name: 'u', account: ACCOUNT }, policyName: 'p' }],
    [
      'PutGroupPolicy',
      { groupName: 'g', policyName: 'p', policyDocument: doc },
      { op: 'put-inline', identity: { kind: 'group', name: 'g', account: ACCOUNT } },
    ],
    ['AttachRolePolicy', { roleName: 'r', policyArn: POLICY }, { op: 'attach-managed', policyArn: POLICY }],
    ['DetachGroupPolicy', { groupName: 'g', policyArn: POLICY }, { op: 'detach-managed', identity: { kind: 'group', name: 'g', account: ACCOUNT } }],
    [
      'PutUserPermissionsBoundary',
      { userName: 'u', permissionsBoundary: POLICY },
      { op: 'put-boundary', identity: { kind: 'user', name: 'u', account: ACCOUNT } },
    ],
    ['DeleteRolePermissionsBoundary', { roleName: 'r' }, { op: 'delete-boundary', identity: { kind: 'role', name: 'r', account: ACCOUNT } }],
    ['SetDefaultPolicyVersion', { policyArn: POLICY, versionId: 'v4' }, { op: 'set-default-version', policyArn: POLICY, versionId: 'v4' }],
    [
      'AddUserToGroup',
      { userName: 'u', groupName: 'g' },
      { op: 'add-to-group', user: { kind: 'user', name: 'u', account: ACCOUNT }, group: { kind: 'group', name: 'g', account: ACCOUNT } },
    ],
    ['RemoveUserFromGroup', { userName: 'u', groupName: 'g' }, { op: 'remove-from-group' }],
  ])('decodes %s', (eventName, params, expected) => {
    const outcome = decodePolicyChange(record(eventName, params));
    expect(outcome).toMatchObject({ kind: 'change', change: { eventName, accountId: ACCOUNT, operation: expected } });
  });

  it('reads a new policy version, its ID from the response, and whether it became the default', () => {
    const outcome = decodePolicyChange(
      record(
        'CreatePolicyVersion',
        { policyArn: POLICY, policyDocument: doc, setAsDefault: 'true' },
        { responseElements: { policyVersion: { versionId: 'v7' } } },
      ),
    );
    expect(outcome).toMatchObject({
      kind: 'change',
      change: { operation: { op: 'new-policy-version', versionId: 'v7', setAsDefault: true, document: { Statement: [{ Action: 's3:GetObject' }] } } },
    });
    const notDefault = decodePolicyChange(record('CreatePolicyVersion', { policyArn: POLICY, policyDocument: doc }));
    expect(notDefault).toMatchObject({ kind: 'change', change: { operation: { setAsDefault: false } } });
  });

  it('decodes Identity Center and Organizations changes from their event sources', () => {
    const provision = decodePolicyChange(
      record(
        'ProvisionPermissionSet',
        {
          instanceArn: 'arn:aws:sso:::instance/ssoins-1',
          permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1',
          targetType: 'AWS_ACCOUNT',
          targetId: ACCOUNT,
        },
        { eventSource: 'sso.amazonaws.com' },
      ),
    );
    expect(provision).toMatchObject({
      kind: 'change',
      change: { operation: { op: 'permission-set', event: 'ProvisionPermissionSet', targetAccount: ACCOUNT } },
    });
    const scp = decodePolicyChange(record('UpdatePolicy', { policyId: 'p-2kgnabcd', content: doc }, { eventSource: 'organizations.amazonaws.com' }));
    expect(scp).toMatchObject({
      kind: 'change',
      change: { operation: { op: 'organizations-policy', event: 'UpdatePolicy', policyId: 'p-2kgnabcd', document: { Statement: [{}] } } },
    });
    const attach = decodePolicyChange(
      record('AttachPolicy', { policyId: 'p-2kgnabcd', targetId: 'ou-ab12-cdef3456' }, { eventSource: 'organizations.amazonaws.com' }),
    );
    expect(attach).toMatchObject({ kind: 'change', change: { operation: { targetId: 'ou-ab12-cdef3456' } } });
  });

  it('accepts the EventBridge envelope around the record', () => {
    expect(decodePolicyChange({ 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iam', detail: FIX })).toMatchObject({ kind: 'change' });
  });

  it.each([
    ['a failed call', record('PutRolePolicy', { roleName: 'r', policyName: 'p', policyDocument: doc }, { errorCode: 'AccessDenied' }), 'skipped'],
    ['another event', record('CreateRole', { roleName: 'r' }), 'skipped'],
    [
      'an IAM event name from another source',
      record('PutRolePolicy', { roleName: 'r', policyName: 'p', policyDocument: doc }, { eventSource: 'evil.example.com' }),
      'skipped',
    ],
    ['no role name', record('PutRolePolicy', { policyName: 'p', policyDocument: doc }), 'invalid'],
    ['a document that is not JSON', record('PutRolePolicy', { roleName: 'r', policyName: 'p', policyDocument: '{"Statement": [' }), 'invalid'],
    ['a policy ARN of another service', record('AttachRolePolicy', { roleName: 'r', policyArn: 'arn:aws:s3:::bucket' }), 'invalid'],
    [
      'an Organizations policy ID that is not one',
      record('UpdatePolicy', { policyId: '../../etc' }, { eventSource: 'organizations.amazonaws.com' }),
      'invalid',
    ],
    ['no account', record('DeleteRolePolicy', { roleName: 'r', policyName: 'p' }, { recipientAccountId: 'x', userIdentity: {} }), 'invalid'],
    ['no eventTime', record('DeleteRolePolicy', { roleName: 'r', policyName: 'p' }, { eventTime: 'yesterday' }), 'invalid'],
  ])('does not take %s for a change', (_label, input, kind) => {
    expect(decodePolicyChange(input).kind).toBe(kind);
  });

  it('sends only successful changes down the policy-change path', () => {
    expect(isSuccessfulPolicyChange(FIX)).toBe(true);
    expect(isSuccessfulPolicyChange({ ...FIX, errorCode: 'AccessDenied' })).toBe(false);
    expect(isSuccessfulPolicyChange({ ...FIX, eventName: 'GetRole' })).toBe(false);
    expect(isSuccessfulPolicyChange(null)).toBe(false);
  });

  it('never throws, whatever the record holds', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.constantFrom('PutRolePolicy', 'CreatePolicyVersion', 'AttachPolicy', 'ProvisionPermissionSet', 'AddUserToGroup'),
        (params, eventName) => {
          const source =
            eventName === 'AttachPolicy' ? 'organizations.amazonaws.com' : eventName === 'ProvisionPermissionSet' ? 'sso.amazonaws.com' : 'iam.amazonaws.com';
          const outcome = decodePolicyChange(record(eventName, params, { eventSource: source }));
          expect(['change', 'skipped', 'invalid']).toContain(outcome.kind);
          if (outcome.kind === 'change') expect(typeof describePolicyChange(outcome.change)).toBe('string');
        },
      ),
      { numRuns: 300 },
    );
    fc.assert(fc.property(fc.anything(), (value) => void decodePolicyChange(value)));
  });
});
