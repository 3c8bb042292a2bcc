import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  NoSuchEntityException,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { assumeRoleClientFactory, assumeRoleCredentials } from '../../lib/policy/sources/assume-role';
import { PolicySourceError } from '../../lib/policy/errors';
import { IamPolicySource } from '../../lib/policy/sources/iam-policy-source';
import { contextEntries, IamPolicySimulator } from '../../lib/policy/sources/iam-simulator';
import { rolePrincipal, userPrincipal } from './fixtures/denials';

const enc = (doc: unknown) => encodeURIComponent(JSON.stringify(doc));
const ALLOW_S3 = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
const ALLOW_BEDROCK = { Version: '2012-10-17', Statement: [{ Sid: 'B', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: '*' }] };

const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);

beforeEach(() => {
  iam.reset();
  sts.reset();
});

function mockRole(): void {
  iam.on(GetRoleCommand, { RoleName: 'worker' }).resolves({
    Role: {
      RoleName: 'worker',
      Arn: 'arn:aws:iam::111122223333:role/apps/worker',
      Path: '/apps/',
      RoleId: 'AROA',
      CreateDate: new Date(0),
      PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: 'arn:aws:iam::111122223333:policy/boundary' },
    },
  });
  iam
    .on(ListRolePoliciesCommand, { RoleName: 'worker' })
    .resolves({ PolicyNames: ['first'], IsTruncated: true, Marker: 'm1' })
    .on(ListRolePoliciesCommand, { RoleName: 'worker', Marker: 'm1' })
    .resolves({ PolicyNames: ['second'], IsTruncated: false });
  iam
    .on(GetRolePolicyCommand)
    .callsFake((input: { PolicyName: string }) => ({ RoleName: 'worker', PolicyName: input.PolicyName, PolicyDocument: enc(ALLOW_S3) }));
  iam
    .on(ListAttachedRolePoliciesCommand)
    .resolves({ AttachedPolicies: [{ PolicyName: 'bedrock', PolicyArn: 'arn:aws:iam::111122223333:policy/bedrock' }], IsTruncated: false });
  iam.on(GetPolicyCommand).callsFake((input: { PolicyArn: string }) => ({ Policy: { PolicyName: input.PolicyArn.split('/').pop(), DefaultVersionId: 'v4' } }));
  iam.on(GetPolicyVersionCommand).resolves({ PolicyVersion: { Document: enc(ALLOW_BEDROCK), VersionId: 'v4', IsDefaultVersion: true } });
}

describe('IamPolicySource', () => {
  it('reads a role: inline (paginated), attached managed at the default version, boundary; documents decoded', async () => {
    mockRole();
    const source = new IamPolicySource({ client: new IAMClient({ region: 'us-east-1' }) });
    const p = await source.getPrincipalPolicies(rolePrincipal('worker', '/apps/'));
    expect(p).toEqual({
      arn: 'arn:aws:iam::111122223333:role/apps/worker',
      kind: 'role',
      name: 'worker',
      path: '/apps/',
      identityPolicies: [
        { kind: 'inline', name: 'first', document: ALLOW_S3 },
        { kind: 'inline', name: 'second', document: ALLOW_S3 },
        { kind: 'managed', name: 'bedrock', arn: 'arn:aws:iam::111122223333:policy/bedrock', versionId: 'v4', document: ALLOW_BEDROCK },
      ],
      permissionsBoundary: { kind: 'managed', name: 'boundary', arn: 'arn:aws:iam::111122223333:policy/boundary', versionId: 'v4', document: ALLOW_BEDROCK },
      source: 'iam',
    });
    expect(iam.commandCalls(GetRoleCommand).map((c) => c.args[0].input)).toEqual([{ RoleName: 'worker' }]);
    // Two pages: the paginator passed the marker of the first one.
    expect(iam.commandCalls(ListRolePoliciesCommand)).toHaveLength(2);
    expect(iam.commandCalls(GetRolePolicyCommand).map((c) => c.args[0].input)).toEqual([
      { RoleName: 'worker', PolicyName: 'first' },
      { RoleName: 'worker', PolicyName: 'second' },
    ]);
    expect(iam.commandCalls(GetPolicyVersionCommand).map((c) => c.args[0].input)).toEqual([
      { PolicyArn: 'arn:aws:iam::111122223333:policy/bedrock', VersionId: 'v4' },
      { PolicyArn: 'arn:aws:iam::111122223333:policy/boundary', VersionId: 'v4' },
    ]);
  });

  it('reads a user with its groups', async () => {
    iam
      .on(GetUserCommand)
      .resolves({ User: { UserName: 'dev', Arn: 'arn:aws:iam::111122223333:user/dev', Path: '/', UserId: 'AIDA', CreateDate: new Date(0) } });
    iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: ['own'] });
    iam.on(GetUserPolicyCommand).resolves({ UserName: 'dev', PolicyName: 'own', PolicyDocument: enc(ALLOW_S3) });
    iam.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [] });
    iam
      .on(ListGroupsForUserCommand)
      .resolves({ Groups: [{ GroupName: 'team', Path: '/', GroupId: 'G', Arn: 'arn:aws:iam::111122223333:group/team', CreateDate: new Date(0) }] });
    iam.on(ListGroupPoliciesCommand).resolves({ PolicyNames: ['team-inline'] });
    iam.on(GetGroupPolicyCommand).resolves({ GroupName: 'team', PolicyName: 'team-inline', PolicyDocument: enc(ALLOW_BEDROCK) });
    iam.on(ListAttachedGroupPoliciesCommand).resolves({ AttachedPolicies: [{ PolicyName: 'shared', PolicyArn: 'arn:aws:iam::111122223333:policy/shared' }] });
    iam.on(GetPolicyCommand).resolves({ Policy: { PolicyName: 'shared', DefaultVersionId: 'v1' } });
    iam.on(GetPolicyVersionCommand).resolves({ PolicyVersion: { Document: enc(ALLOW_S3) } });
    const p = await new IamPolicySource({ client: new IAMClient({}) }).getPrincipalPolicies(userPrincipal('dev'));
    expect(p?.identityPolicies.map((x) => [x.kind, x.name, x.viaGroup])).toEqual([
      ['inline', 'own', undefined],
      ['inline', 'team-inline', 'team'],
      ['managed', 'shared', 'team'],
    ]);
    expect(iam.commandCalls(GetGroupPolicyCommand)[0]?.args[0].input).toEqual({ GroupName: 'team', PolicyName: 'team-inline' });
  });

  it('caches per principal for the TTL, with an injected clock', async () => {
    mockRole();
    let now = new Date('2026-11-21T10:00:00Z');
    const source = new IamPolicySource({ client: new IAMClient({}), cacheTtlSeconds: 60, clock: () => now });
    await source.getPrincipalPolicies(rolePrincipal('worker', '/apps/'));
    await source.getPrincipalPolicies(rolePrincipal('worker', '/apps/'));
    expect(iam.commandCalls(GetRoleCommand)).toHaveLength(1);
    now = new Date('2026-11-21T10:01:01Z');
    await source.getPrincipalPolicies(rolePrincipal('worker', '/apps/'));
    expect(iam.commandCalls(GetRoleCommand)).toHaveLength(2);
  });

  it('returns null for a missing role and for principals without IAM identity', async () => {
    iam.on(GetRoleCommand).rejects(new NoSuchEntityException({ message: 'not found', $metadata: {} }));
    const source = new IamPolicySource({ client: new IAMClient({}) });
    expect(await source.getPrincipalPolicies(rolePrincipal('gone'))).toBeNull();
    expect(await source.getPrincipalPolicies({ type: 'Root', arn: 'arn:aws:iam::1:root', accountId: '1', managedBy: 'root' })).toBeNull();
    expect(await source.getPrincipalPolicies({ type: 'AWSService', arn: null, accountId: null, managedBy: 'aws-service' })).toBeNull();
  });

  it('wraps other failures and does not cache them', async () => {
    iam.on(GetRoleCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    const source = new IamPolicySource({ client: new IAMClient({}) });
    await expect(source.getPrincipalPolicies(rolePrincipal('worker'))).rejects.toThrow(PolicySourceError);
    mockRole();
    expect((await source.getPrincipalPolicies(rolePrincipal('worker', '/apps/')))?.name).toBe('worker');
  });

  it('reads another account through clientForAccount', async () => {
    mockRole();
    const other = new IAMClient({ region: 'us-east-1' });
    const home = new IAMClient({ region: 'us-east-1' });
    const asked: string[] = [];
    const source = new IamPolicySource({
      client: home,
      clientForAccount: async (account) => {
        asked.push(account);
        return account === '444455556666' ? other : null;
      },
    });
    await source.getPrincipalPolicies({ ...rolePrincipal('worker'), accountId: '444455556666', roleArn: 'arn:aws:iam::444455556666:role/apps/worker' });
    expect(asked).toEqual(['444455556666']);
    expect(iam.commandCalls(GetRoleCommand)[0]?.thisValue).toBe(other);
  });
});

describe('assumeRoleClientFactory', () => {
  it('assumes the read role in other accounts and answers null at home', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333' });
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date('2026-11-21T11:00:00Z') },
    });
    const factory = assumeRoleClientFactory({
      sts: new STSClient({}),
      readRoleName: 'access-auditor-read',
      region: 'us-east-1',
      clock: () => new Date('2026-11-21T10:00:00Z'),
    });
    expect(await factory('111122223333')).toBeNull();
    const client = await factory('444455556666');
    expect(client).toBeInstanceOf(IAMClient);
    expect(await factory('444455556666')).toBe(client);
    const creds = await client!.config.credentials();
    expect(creds).toMatchObject({ accessKeyId: 'AKIA', secretAccessKey: 'secret', sessionToken: 'token' });
    await client!.config.credentials();
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      { RoleArn: 'arn:aws:iam::444455556666:role/access-auditor-read', RoleSessionName: 'access-auditor-read' },
    ]);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
  });

  it('uses the given home account and partition', async () => {
    sts
      .on(AssumeRoleCommand)
      .resolves({ Credentials: { AccessKeyId: 'A', SecretAccessKey: 'S', SessionToken: 'T', Expiration: new Date('2026-11-21T12:00:00Z') } });
    const home = new IAMClient({});
    const factory = assumeRoleClientFactory({
      sts: new STSClient({}),
      readRoleName: 'audit/reader',
      partition: 'aws-cn',
      homeAccountId: '1',
      homeClient: home,
      clock: () => new Date('2026-11-21T10:00:00Z'),
    });
    expect(await factory('1')).toBe(home);
    await (await factory('2'))!.config.credentials();
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual(['arn:aws-cn:iam::2:role/audit/reader']);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });

  it('assumeRoleCredentials reuses credentials until five minutes before expiry', async () => {
    sts
      .on(AssumeRoleCommand)
      .resolves({ Credentials: { AccessKeyId: 'A', SecretAccessKey: 'S', SessionToken: 'T', Expiration: new Date('2026-11-21T11:00:00Z') } });
    let now = new Date('2026-11-21T10:00:00Z');
    const provider = assumeRoleCredentials(new STSClient({}), 'arn:aws:iam::2:role/r', { sessionName: 's', durationSeconds: 3600, clock: () => now });
    expect(await provider()).toEqual({ accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T', expiration: new Date('2026-11-21T11:00:00Z') });
    now = new Date('2026-11-21T10:54:00Z');
    await provider();
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    now = new Date('2026-11-21T10:56:00Z');
    await provider();
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      { RoleArn: 'arn:aws:iam::2:role/r', RoleSessionName: 's', DurationSeconds: 3600 },
      { RoleArn: 'arn:aws:iam::2:role/r', RoleSessionName: 's', DurationSeconds: 3600 },
    ]);
  });

  it('fails with PolicySourceError naming the role', async () => {
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const factory = assumeRoleClientFactory({ sts: new STSClient({}), readRoleName: 'reader', homeAccountId: '1' });
    const client = await factory('2');
    await expect(client!.config.credentials()).rejects.toThrow(/cannot assume arn:aws:iam::2:role\/reader/);
  });
});

describe('IamPolicySimulator', () => {
  const request = {
    policySourceArn: 'arn:aws:iam::111122223333:role/app',
    extraPolicies: [ALLOW_BEDROCK as never],
    action: 'bedrock:InvokeModel',
    resource: 'arn:aws:bedrock:us-east-2::foundation-model/m',
    context: { 'aws:RequestedRegion': 'us-east-2', 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.m' },
  };

  it('sends SimulatePrincipalPolicy with the proposed policy and typed context', async () => {
    iam.on(SimulatePrincipalPolicyCommand).resolves({ EvaluationResults: [{ EvalActionName: 'bedrock:InvokeModel', EvalDecision: 'allowed' }] });
    expect(await new IamPolicySimulator({ client: new IAMClient({}) }).simulate(request)).toBe('allowed');
    expect(iam.commandCalls(SimulatePrincipalPolicyCommand)[0]?.args[0].input).toEqual({
      PolicySourceArn: 'arn:aws:iam::111122223333:role/app',
      PolicyInputList: [JSON.stringify(ALLOW_BEDROCK)],
      ActionNames: ['bedrock:InvokeModel'],
      ResourceArns: ['arn:aws:bedrock:us-east-2::foundation-model/m'],
      ContextEntries: [
        { ContextKeyName: 'aws:RequestedRegion', ContextKeyValues: ['us-east-2'], ContextKeyType: 'string' },
        {
          ContextKeyName: 'bedrock:InferenceProfileArn',
          ContextKeyValues: ['arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.m'],
          ContextKeyType: 'string',
        },
      ],
    });
  });

  it.each([
    ['a boundary only', [], [ALLOW_BEDROCK], { PermissionsBoundaryPolicyInputList: [JSON.stringify(ALLOW_BEDROCK)] }],
    [
      'an identity policy and a boundary',
      [ALLOW_S3],
      [ALLOW_BEDROCK],
      { PolicyInputList: [JSON.stringify(ALLOW_S3)], PermissionsBoundaryPolicyInputList: [JSON.stringify(ALLOW_BEDROCK)] },
    ],
    ['an identity policy only', [ALLOW_S3], undefined, { PolicyInputList: [JSON.stringify(ALLOW_S3)] }],
  ])('sends %s as the inputs IAM expects', async (_n, extra, boundary, inputs) => {
    iam.on(SimulatePrincipalPolicyCommand).resolves({ EvaluationResults: [{ EvalActionName: 'bedrock:InvokeModel', EvalDecision: 'allowed' }] });
    const simulated = { ...request, extraPolicies: extra as never[], ...(boundary ? { permissionsBoundaryPolicies: boundary as never[] } : {}), context: {} };
    await new IamPolicySimulator({ client: new IAMClient({}) }).simulate(simulated);
    expect(iam.commandCalls(SimulatePrincipalPolicyCommand)[0]?.args[0].input).toEqual({
      PolicySourceArn: 'arn:aws:iam::111122223333:role/app',
      ...inputs,
      ActionNames: ['bedrock:InvokeModel'],
      ResourceArns: ['arn:aws:bedrock:us-east-2::foundation-model/m'],
    });
  });

  it.each([
    [[{ EvalActionName: 'a', EvalDecision: 'explicitDeny' as const }], 'explicitDeny'],
    [[{ EvalActionName: 'a', EvalDecision: 'implicitDeny' as const }], 'implicitDeny'],
    [[], 'implicitDeny'],
  ])('maps %j to %s', async (results, expected) => {
    iam.on(SimulatePrincipalPolicyCommand).resolves({ EvaluationResults: results });
    expect(await new IamPolicySimulator({ client: new IAMClient({}) }).simulate({ ...request, resource: null, context: {} })).toBe(expected);
    const input = iam.commandCalls(SimulatePrincipalPolicyCommand)[0]?.args[0].input;
    expect(input?.ResourceArns).toBeUndefined();
    expect(input?.ContextEntries).toBeUndefined();
  });

  it('types known non-string keys', () => {
    expect(
      contextEntries({ 'aws:SecureTransport': 'true', 'aws:SourceIp': '1.2.3.4', 'aws:TagKeys': ['a', 'b'], 'aws:CurrentTime': '2026-01-01T00:00:00Z' }).map(
        (e) => e.ContextKeyType,
      ),
    ).toEqual(['boolean', 'ip', 'stringList', 'date']);
  });

  it('wraps failures', async () => {
    iam.on(SimulatePrincipalPolicyCommand).rejects(new Error('boom'));
    await expect(new IamPolicySimulator({ client: new IAMClient({}) }).simulate(request)).rejects.toThrow(PolicySourceError);
  });
});
