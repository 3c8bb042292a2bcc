import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { loadIngestConfig } from '../../lib/config';
import { buildPipelineDeps, defaultClients } from '../../lib/lambda/ingest-dependencies';
import { INGEST_ALERT_LEASE_SECONDS } from '../../lib/config';
import { MAX_WINDOW_MINUTES } from '../../lib/alerts/policy';
import { AlertPolicyConfigError } from '../../lib/alerts/errors';
import { incidentCommands } from '../../lib/notify/alert/commands';
import { accountRoutedSimulator } from '../../lib/policy/sources/account-routed-simulator';
import { assumeRoleClientFactory } from '../../lib/policy/sources/assume-role';

const sts = mockClient(STSClient);
const config = loadIngestConfig({ TABLE_NAME: 'access-auditor-prod-incidents', TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:access-auditor-prod-alerts' });

beforeEach(() => {
  sts.reset();
});

describe('incident commands in production alerts', () => {
  it('address the deployed table and region, not the local embedded store', () => {
    const commands = incidentCommands('access-auditor-prod-incidents', 'eu-west-1');
    expect(commands.ackCommand('0123456789abcdef')).toBe(
      'access-auditor incidents ack 0123456789abcdef --table access-auditor-prod-incidents --region eu-west-1',
    );
    expect(commands.showCommand('0123456789abcdef')).toBe(
      'access-auditor incidents show 0123456789abcdef --table access-auditor-prod-incidents --region eu-west-1',
    );
  });

  it('are wired into the Lambda pipeline with the lease that outlives the function timeout', () => {
    const deps = buildPipelineDeps(config, defaultClients('eu-west-1'));
    expect(deps.ackCommand?.('fp')).toBe('access-auditor incidents ack fp --table access-auditor-prod-incidents --region eu-west-1');
    expect(deps.alertPolicy).toEqual({ windowMinutes: 60, pendingLeaseSeconds: INGEST_ALERT_LEASE_SECONDS });
    expect(deps.simulator).not.toBeNull();
    expect(buildPipelineDeps({ ...config, simulate: false }, defaultClients('eu-west-1')).simulator).toBeNull();
  });

  it('validate the alert policy at the cold start: a bad setting fails fast with a message naming it', () => {
    const clients = defaultClients('eu-west-1');
    expect(() => buildPipelineDeps({ ...config, alertWindowMinutes: MAX_WINDOW_MINUTES + 1 }, clients)).toThrow(AlertPolicyConfigError);
    expect(() => buildPipelineDeps({ ...config, alertWindowMinutes: Number.NaN }, clients)).toThrow(
      `alert windowMinutes must be a number between 0 and ${MAX_WINDOW_MINUTES}, got NaN`,
    );
  });
});

describe('accountRoutedSimulator', () => {
  const request = (account: string) => ({
    policySourceArn: `arn:aws:iam::${account}:role/orders-api-task-role`,
    extraPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Action: 'bedrock:InvokeModel', Resource: '*' }] }],
    action: 'bedrock:InvokeModel',
    resource: 'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
    context: {},
  });

  it('simulates a member account principal with that account client, and a home principal with the home client', async () => {
    const home = new IAMClient({ region: 'us-east-1' });
    const member = new IAMClient({ region: 'us-east-1' });
    const homeMock = mockClient(home);
    const memberMock = mockClient(member);
    for (const m of [homeMock, memberMock])
      m.on(SimulatePrincipalPolicyCommand).resolves({ EvaluationResults: [{ EvalActionName: 'bedrock:InvokeModel', EvalDecision: 'allowed' }] });
    const clientForAccount = jest.fn(async (account: string) => (account === '111122223333' ? null : member));
    const simulator = accountRoutedSimulator(clientForAccount, home);

    expect(await simulator.simulate(request('444455556666'))).toBe('allowed');
    expect(await simulator.simulate(request('111122223333'))).toBe('allowed');

    expect(clientForAccount.mock.calls.map(([a]) => a)).toEqual(['444455556666', '111122223333']);
    expect(memberMock.commandCalls(SimulatePrincipalPolicyCommand).map((c) => c.args[0].input.PolicySourceArn)).toEqual([
      'arn:aws:iam::444455556666:role/orders-api-task-role',
    ]);
    expect(homeMock.commandCalls(SimulatePrincipalPolicyCommand).map((c) => c.args[0].input.PolicySourceArn)).toEqual([
      'arn:aws:iam::111122223333:role/orders-api-task-role',
    ]);
  });

  it('builds the member client from the read role in that account', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333' });
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date('2099-01-01T00:00:00Z') },
    });
    const home = new IAMClient({ region: 'us-east-1' });
    const factory = assumeRoleClientFactory({
      sts: new STSClient({ region: 'us-east-1' }),
      readRoleName: 'access-auditor-read',
      region: 'us-east-1',
      homeClient: home,
    });

    expect(await factory('111122223333')).toBe(home);
    const member = await factory('444455556666');
    expect(member).not.toBe(home);
    const credentials = await (member!.config.credentials as () => Promise<{ accessKeyId: string }>)();
    expect(credentials.accessKeyId).toBe('ASIAEXAMPLE');
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual(['arn:aws:iam::444455556666:role/access-auditor-read']);
  });
});

describe('assumeRoleClientFactory after an STS failure', () => {
  it('asks again for the home account instead of failing for the rest of the container', async () => {
    sts.on(GetCallerIdentityCommand).rejectsOnce(new Error('Throttling: Rate exceeded')).resolves({ Account: '111122223333' });
    const home = new IAMClient({ region: 'us-east-1' });
    const factory = assumeRoleClientFactory({
      sts: new STSClient({ region: 'us-east-1' }),
      readRoleName: 'access-auditor-read',
      region: 'us-east-1',
      homeClient: home,
    });
    await expect(factory('111122223333')).rejects.toThrow(/Rate exceeded/);
    expect(await factory('111122223333')).toBe(home);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(2);
  });
});

describe('cross-account reads in the Lambda', () => {
  const request = (account: string) => ({
    policySourceArn: `arn:aws:iam::${account}:role/attacker-chosen`,
    extraPolicies: [],
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::bucket/key',
    context: {},
  });

  beforeEach(() => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333' });
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date('2099-01-01T00:00:00Z') },
    });
  });

  // A principal of any account can call into a watched account; its event names that account. Without a
  // bound, the auditor would assume a "read role" the caller created in an account the caller owns.
  it('never assumes a role in an account neither listed nor in the organization', async () => {
    const deps = buildPipelineDeps(config, defaultClients('eu-west-1'));
    await expect(deps.simulator!.simulate(request('444455556666'))).rejects.toThrow(/444455556666 is neither named in READ_ACCOUNTS nor in the organization/);
    await expect(
      deps.policySource!.getPrincipalPolicies({
        type: 'AssumedRole',
        arn: 'arn:aws:sts::444455556666:assumed-role/attacker-chosen/s',
        accountId: '444455556666',
        roleName: 'attacker-chosen',
        roleArn: 'arn:aws:iam::444455556666:role/attacker-chosen',
        managedBy: 'customer',
      } as never),
    ).rejects.toThrow(/neither named in READ_ACCOUNTS/);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('assumes the read role of a listed account, and of any account in organization mode (IAM keeps it inside)', async () => {
    for (const env of [{ READ_ACCOUNTS: '444455556666' }, { ORG_ID: 'o-abcdefghij' }]) {
      sts.resetHistory();
      const configured = loadIngestConfig({ TABLE_NAME: 'access-auditor-prod-incidents', TOPIC_ARN: config.topicArn, ...env });
      const deps = buildPipelineDeps(configured, defaultClients('eu-west-1'));
      await deps.simulator!.simulate(request('444455556666')).catch(() => undefined);
      expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual(['arn:aws:iam::444455556666:role/access-auditor-read']);
    }
  });
});
