/** Role trust policies: Principal matching, the snapshot and IAM readers. */
import { GetRoleCommand, IAMClient, NoSuchEntityException } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { evaluateTrustPolicy, principalElementMatches, type PrincipalCaller } from '../../lib/policy/iam/principal';
import { SnapshotPolicySource } from '../../lib/policy/sources/snapshot';
import { IamPolicySource } from '../../lib/policy/sources/iam-policy-source';
import { PolicySourceError } from '../../lib/policy/errors';
import type { PolicyDocument } from '../../lib/denial/types';
import { exampleSnapshot, otherAccountSnapshot } from './fixtures/snapshot';

const CALLER: PrincipalCaller = {
  arn: 'arn:aws:iam::111122223333:role/team/app',
  sessionArn: 'arn:aws:sts::111122223333:assumed-role/app/s1',
  account: '111122223333',
};

describe('Principal element: which callers a trust statement names', () => {
  it.each<[string, unknown, boolean]>([
    ['"*"', '*', true],
    ['AWS "*"', { AWS: '*' }, true],
    ['the account ID', { AWS: '111122223333' }, true],
    ['the account root ARN', { AWS: 'arn:aws:iam::111122223333:root' }, true],
    ['another account root', { AWS: 'arn:aws:iam::444455556666:root' }, false],
    ['another account ID', { AWS: ['444455556666'] }, false],
    ['the role ARN with its path', { AWS: 'arn:aws:iam::111122223333:role/team/app' }, true],
    ['the role ARN without its path is another role', { AWS: 'arn:aws:iam::111122223333:role/app' }, false],
    ['the session ARN', { AWS: 'arn:aws:sts::111122223333:assumed-role/app/s1' }, true],
    ['a partial wildcard is not a principal', { AWS: 'arn:aws:iam::111122223333:role/*' }, false],
    ['a service principal', { Service: 'ec2.amazonaws.com' }, false],
    ['a federated provider', { Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com' }, false],
    ['one of a list', { AWS: ['arn:aws:iam::444455556666:root', 'arn:aws:iam::111122223333:role/team/app'] }, true],
  ])('%s', (_name, element, expected) => {
    expect(principalElementMatches(element, CALLER)).toBe(expected);
  });

  const request = { action: 'sts:AssumeRole', resource: null, context: {}, principalArn: CALLER.arn, principalAccount: CALLER.account };
  const trust = (...Statement: PolicyDocument['Statement']): PolicyDocument => ({ Version: '2012-10-17', Statement });

  it.each<[string, PolicyDocument, string, string | undefined]>([
    ['an Allow for the account', trust({ Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'sts:AssumeRole' }), 'allowed', undefined],
    ['an Allow for another action only', trust({ Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'sts:TagSession' }), 'implicitDeny', undefined],
    [
      'a Deny naming the caller wins over the Allow',
      trust(
        { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' },
        { Sid: 'NoApp', Effect: 'Deny', Principal: { AWS: CALLER.arn }, Action: 'sts:*' },
      ),
      'explicitDeny',
      'NoApp',
    ],
    [
      'a Deny naming someone else does not apply',
      trust({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', Principal: { AWS: '444455556666' }, Action: 'sts:*' }),
      'allowed',
      undefined,
    ],
    [
      'NotPrincipal in a Deny spares the caller',
      trust({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }, { Effect: 'Deny', NotPrincipal: { AWS: CALLER.arn }, Action: 'sts:*' }),
      'allowed',
      undefined,
    ],
  ])('%s', (_name, document, decision, denySid) => {
    const result = evaluateTrustPolicy(document, CALLER, request);
    expect(result.decision).toBe(decision);
    if (denySid) expect(result.matchedDeny).toMatchObject({ sid: denySid, index: 1 });
  });

  it('AWS "*" with sts:ExternalId: undetermined when the record does not show it, allowed only at best', () => {
    const document = trust({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'x' } } });
    const result = evaluateTrustPolicy(document, CALLER, { ...request, knowledge: { isAbsenceKnown: () => false } });
    expect(result).toMatchObject({ decision: 'implicitDeny', bestCaseDecision: 'allowed', undetermined: ['sts:ExternalId'] });
  });
});

describe('the snapshot reads trust policies, of every loaded account', () => {
  const withTrust = (snapshot: unknown, trust: unknown) => {
    const copy = JSON.parse(JSON.stringify(snapshot)) as { RoleDetailList: Array<Record<string, unknown>> };
    for (const role of copy.RoleDetailList) role.AssumeRolePolicyDocument = trust;
    return copy;
  };
  const TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'sts:AssumeRole' }] };

  it.each<[string, unknown]>([
    ['URL-encoded (SDK output)', encodeURIComponent(JSON.stringify(TRUST))],
    ['an object (CLI output)', TRUST],
  ])('%s', async (_name, raw) => {
    const source = SnapshotPolicySource.fromSnapshots([exampleSnapshot(), withTrust(otherAccountSnapshot(), raw)]);
    const found = await source.getRoleTrustPolicy('arn:aws:iam::444455556666:role/apps/worker');
    expect(found).toEqual({ roleArn: 'arn:aws:iam::444455556666:role/apps/worker', account: '444455556666', document: TRUST, source: 'snapshot' });
    // An ARN written without the role's path still finds the one role of that name.
    expect((await source.getRoleTrustPolicy('arn:aws:iam::444455556666:role/worker'))?.roleArn).toBe('arn:aws:iam::444455556666:role/apps/worker');
  });

  it('an unknown role, an ambiguous name, a role of an account not loaded, or not a role ARN: null', async () => {
    const source = SnapshotPolicySource.fromSnapshots([withTrust(otherAccountSnapshot(), TRUST)]);
    expect(await source.getRoleTrustPolicy('arn:aws:iam::444455556666:role/nobody')).toBeNull();
    expect(await source.getRoleTrustPolicy('arn:aws:iam::444455556666:role/x/twin')).toBeNull();
    expect(await source.getRoleTrustPolicy('arn:aws:iam::777788889999:role/apps/worker')).toBeNull();
    expect(await source.getRoleTrustPolicy('arn:aws:iam::444455556666:user/worker')).toBeNull();
  });
});

describe('IAM reads a trust policy with iam:GetRole, in the role account', () => {
  const home = mockClient(IAMClient);
  const TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  const ARN = 'arn:aws:iam::444455556666:role/apps/worker';
  beforeEach(() => home.reset());

  it('through the client of the role account, URL-decoded, cached', async () => {
    const member = mockClient(new IAMClient({}));
    member.on(GetRoleCommand, { RoleName: 'worker' }).resolves({
      Role: {
        RoleName: 'worker',
        Path: '/apps/',
        Arn: ARN,
        RoleId: 'AROA',
        CreateDate: new Date(0),
        AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(TRUST)),
      },
    });
    const accounts: string[] = [];
    const source = new IamPolicySource({
      client: new IAMClient({}),
      clientForAccount: async (account) => {
        accounts.push(account);
        return member as unknown as IAMClient;
      },
    });
    expect(await source.getRoleTrustPolicy(ARN)).toEqual({ roleArn: ARN, account: '444455556666', document: TRUST, source: 'iam' });
    await source.getRoleTrustPolicy(ARN);
    expect(accounts).toEqual(['444455556666']);
    expect(member.commandCalls(GetRoleCommand)).toHaveLength(1);
  });

  it('without a client for the role account, a same-named role of the home account is not the role: null', async () => {
    home.on(GetRoleCommand).resolves({
      Role: {
        RoleName: 'worker',
        Path: '/apps/',
        Arn: 'arn:aws:iam::111122223333:role/apps/worker',
        RoleId: 'AROA',
        CreateDate: new Date(0),
        AssumeRolePolicyDocument: JSON.stringify(TRUST),
      },
    });
    const source = new IamPolicySource({ client: new IAMClient({}) });
    expect(await source.getRoleTrustPolicy(ARN)).toBeNull();
  });

  it('a missing role is null; another failure is a PolicySourceError naming the role', async () => {
    const source = new IamPolicySource({ client: new IAMClient({}), cacheTtlSeconds: 0 });
    home.on(GetRoleCommand).rejectsOnce(new NoSuchEntityException({ message: 'no', $metadata: {} }));
    expect(await source.getRoleTrustPolicy(ARN)).toBeNull();
    home.on(GetRoleCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    await expect(source.getRoleTrustPolicy(ARN)).rejects.toThrow(PolicySourceError);
    await expect(source.getRoleTrustPolicy(ARN)).rejects.toThrow(/trust policy of role arn:aws:iam::444455556666:role\/apps\/worker/);
  });
});
