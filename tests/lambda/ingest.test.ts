import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetRoleCommand, IAMClient, ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SnsNotifier } from '../../lib/notify/sinks/sns-notifier';
import { DynamoIncidentStore } from '../../lib/incidents/dynamodb/store';
import { createIngestHandler, type IngestResult } from '../../lib/lambda/ingest';
import { lambdaContext } from '../support/lambda-context';
import { freshTableName, useEmbeddedDynamoDB } from '../support/dynamodb';
import { IamPolicySource } from '../../lib/policy/sources/iam-policy-source';
import type { PipelineDeps } from '../../lib/pipeline/process';

const root = join(__dirname, '..', '..');
const record = (name: string) => JSON.parse(readFileSync(join(root, 'examples', 'records', name), 'utf8')) as Record<string, unknown>;
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:access-auditor-alerts';
// Powertools writes through the global console only in dev mode; the tests read what it logs from there.
process.env.POWERTOOLS_DEV = 'true';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

const envelope = (detail: Record<string, unknown>) => ({
  version: '0',
  id: `evb-${String(detail.eventID)}`,
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.bedrock',
  account: '111122223333',
  time: String(detail.eventTime),
  region: String(detail.awsRegion),
  resources: [],
  detail,
});

const context = lambdaContext('access-auditor-dev-ingest');

const sns = mockClient(SNSClient);
const iam = mockClient(IAMClient);
const dynamo = useEmbeddedDynamoDB();
const logs: string[] = [];

beforeEach(() => {
  sns.reset();
  iam.reset();
  logs.length = 0;
});

async function setup(overrides: Partial<PipelineDeps> = {}) {
  const store = new DynamoIncidentStore({ client: dynamo.client, tableName: freshTableName('ingest-test') });
  await store.ensureTable();
  const logger = new Logger({ serviceName: 'access-auditor', logLevel: 'DEBUG' });
  // Powertools writes through console; capture instead of printing during tests.
  jest.spyOn(console, 'info').mockImplementation((l: string) => void logs.push(l));
  jest.spyOn(console, 'warn').mockImplementation((l: string) => void logs.push(l));
  jest.spyOn(console, 'error').mockImplementation((l: string) => void logs.push(l));
  jest.spyOn(console, 'debug').mockImplementation((l: string) => void logs.push(l));
  jest.spyOn(console, 'log').mockImplementation((l: string) => void logs.push(l));
  const metrics = new Metrics({ serviceName: 'access-auditor', namespace: 'AccessAuditor' });
  const handler = createIngestHandler({
    pipeline: {
      store,
      notifier: new SnsNotifier({ client: new SNSClient({ region: 'us-east-1' }), topicArn: TOPIC }),
      topicArn: TOPIC,
      alertPolicy: { windowMinutes: 60 },
      clock: () => new Date('2026-11-22T08:00:00Z'),
      ...overrides,
    },
    logger,
    metrics,
  });
  // Each call is a new invocation unless a request ID is given: Lambda's async retries keep theirs.
  let invocation = 0;
  return {
    store,
    handler: (event: unknown, awsRequestId = `req-${++invocation}`) => handler(event as never, { ...context, awsRequestId }) as Promise<IngestResult>,
  };
}

afterEach(() => jest.restoreAllMocks());

describe('ingest handler', () => {
  it('stores the incident and publishes one alert with the exact SNS shape', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const { store, handler } = await setup();
    const result = await handler(envelope(record('04-bedrock-agent-cross-region-us-east-2.json')));
    expect(result).toMatchObject({ outcome: 'counted', alert: 'sent' });
    const incident = await store.get(String(result.fingerprint));
    expect(incident).toMatchObject({ count: 1, status: 'open', deniedRegion: 'us-east-2', callRegion: 'us-east-1' });
    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ TopicArn: TOPIC, MessageStructure: 'json' });
    expect(JSON.parse(String(published[0]!.Message))).toHaveProperty('default');
    const structured = logs.map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        return {};
      }
    });
    expect(structured.some((l) => l.message === 'Denial recorded' && l.eventId === 'b0e7c1d2-0004-4a6b-9c8d-111122223304')).toBe(true);
    expect(logs.some((l) => l.includes('"_aws"') && l.includes('DenialsProcessed'))).toBe(true);
  });

  it('counts a redelivered event once and alerts once', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const { store, handler } = await setup();
    const event = envelope(record('01-apprunner-no-bedrock-grant.json'));
    const first = await handler(event);
    const again = await handler(event);
    expect(again).toMatchObject({ outcome: 'duplicate', alert: 'none' });
    expect((await store.get(String(first.fingerprint)))?.count).toBe(1);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it('fails the invocation when SNS fails, keeps the alert pending, and the retry sends it once', async () => {
    sns.on(PublishCommand).rejectsOnce(new Error('SNS is down')).resolves({ MessageId: 'm-2' });
    let now = new Date('2026-11-22T08:00:00Z');
    const { store, handler } = await setup({ clock: () => now });
    const event = envelope(record('02-iam-user-wrong-model-id.json'));
    await expect(handler(event, 'first-attempt')).rejects.toThrow(/SNS is down/);
    const fingerprint = (await store.list())[0]!.fingerprint;
    expect((await store.get(fingerprint))?.alert.pending).toMatchObject({ trigger: 'opened', eventId: 'b0e7c1d2-0002-4a6b-9c8d-111122223302' });

    // A redelivery racing the first attempt's publish must not send a second copy: it is retried later.
    now = new Date('2026-11-22T08:00:05Z');
    await expect(handler(event)).rejects.toThrow(/may still be publishing/);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);

    // Lambda's retry, a minute later, finds the event counted and the alert still pending: it sends it.
    now = new Date('2026-11-22T08:01:00Z');
    const retry = await handler(event, 'first-attempt');
    expect(retry).toMatchObject({ outcome: 'duplicate', alert: 'resent' });
    const incident = await store.get(fingerprint);
    expect(incident?.count).toBe(1);
    expect(incident?.alert.pending).toBeUndefined();
    expect(incident?.alert.alertsSent).toBe(1);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);

    expect(await handler(event)).toMatchObject({ outcome: 'duplicate', alert: 'none' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
  });

  it('fails the invocation when DynamoDB fails, and counts the event once when the retry succeeds', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-3' });
    const { store, handler } = await setup();
    const broken = new DynamoIncidentStore({
      client: new DynamoDBClient({
        region: 'us-east-1',
        endpoint: 'http://127.0.0.1:9',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        maxAttempts: 1,
      }),
      tableName: 'unreachable',
    });
    const failing = await setup({ store: broken });
    const event = envelope(record('03-sso-permission-set-no-invoke.json'));
    await expect(failing.handler(event)).rejects.toThrow();
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);

    const retried = await handler(event);
    expect(retried).toMatchObject({ outcome: 'counted' });
    expect((await store.get(String(retried.fingerprint)))?.count).toBe(1);
  });

  it('stores and alerts with the proposal marked not validated when IAM denies the auditor', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-4' });
    const denied = Object.assign(new Error('User: arn:aws:sts::111122223333:assumed-role/auditor/x is not authorized to perform: iam:GetRole'), {
      name: 'AccessDenied',
    });
    iam.on(GetRoleCommand).rejects(denied);
    iam.on(ListRolePoliciesCommand).rejects(denied);
    const policySource = new IamPolicySource({ client: new IAMClient({ region: 'us-east-1' }) });
    const { store, handler } = await setup({ policySource });
    const result = await handler(envelope(record('05-ecs-task-account-id-in-foundation-model-arn.json')));
    expect(result).toMatchObject({ outcome: 'counted', alert: 'sent' });
    const incident = await store.get(String(result.fingerprint));
    expect(incident?.latest.proposal?.validated).toBe('not-validated');
    expect(incident?.latest.proposal?.noteDetails?.map((n) => n.code)).toContain('policies-read-failed');
  });

  it('acknowledges a bad event without retrying it and counts it', async () => {
    const { handler } = await setup();
    await expect(handler({ 'detail-type': 'AWS API Call via CloudTrail', detail: 'garbage' })).resolves.toEqual({ outcome: 'invalid' });
    await expect(handler(envelope({ eventID: 'no-shape', errorCode: 'AccessDenied', recipientAccountId: '111122223333' }))).resolves.toEqual({
      outcome: 'invalid',
    });
    expect(logs.some((l) => l.includes('BadRecords'))).toBe(true);
  });

  // Any principal of the organization may PutEvents on the central bus; only AWS can send "aws." sources,
  // and EventBridge sets `account` to the sender's account. A forged or mismatched envelope is refused.
  it.each([
    ['a forged source', { source: 'attacker.forged' }],
    ['a missing source', { source: undefined }],
    ['another detail-type via CloudTrail', { 'detail-type': 'AWS Console Action via CloudTrail' }],
    ['an account other than the recipient', { account: '444455556666' }],
    ['a missing account', { account: undefined }],
  ])('refuses %s as suspicious, counts it on its own and touches nothing', async (_name, change) => {
    const { handler, store } = await setup();
    const event = { ...envelope(record('01-apprunner-no-bedrock-grant.json')), ...change };
    await expect(handler(event)).resolves.toEqual({ outcome: 'suspicious' });
    expect(logs.some((l) => l.includes('"_aws"') && l.includes('SuspiciousEvents'))).toBe(true);
    expect(logs.some((l) => l.includes('Suspicious event refused') && /"suspicious":\s*true/.test(l))).toBe(true);
    expect(logs.some((l) => l.includes('BadRecords') || l.includes('DenialsProcessed'))).toBe(false);
    expect(iam.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
    expect(await store.list()).toEqual([]);
  });

  it('refuses a record whose recipientAccountId is not the envelope account', async () => {
    const { handler } = await setup();
    const event = envelope({ ...record('01-apprunner-no-bedrock-grant.json'), recipientAccountId: '444455556666' });
    await expect(handler(event)).resolves.toEqual({ outcome: 'suspicious' });
  });
});

describe('ingest handler on its schedule', () => {
  it('sweeps held-back alerts when EventBridge Scheduler ticks', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-5' });
    let now = new Date('2026-11-22T08:00:00Z');
    const { store, handler } = await setup({ clock: () => now });
    const first = await handler(envelope(record('01-apprunner-no-bedrock-grant.json')));
    await store.setStatus(String(first.fingerprint), 'resolved', now);
    now = new Date('2026-11-22T08:30:00Z');
    expect(await handler(envelope({ ...record('01-apprunner-no-bedrock-grant.json'), eventID: 'back-again' }))).toMatchObject({ alert: 'deferred' });
    const tick = {
      version: '0',
      id: 't-1',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '111122223333',
      time: '2026-11-22T09:15:00Z',
      region: 'us-east-1',
      resources: [],
      detail: {},
    };

    now = new Date('2026-11-22T09:15:00Z');
    expect(await handler(tick)).toEqual({ outcome: 'sweep', alert: 'sent' });
    expect(await handler(tick)).toEqual({ outcome: 'sweep', alert: 'none' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
  });
});

describe('functions/ingest entry point', () => {
  it('fails the cold start with the missing variable named', () => {
    const saved = { ...process.env };
    delete process.env.TABLE_NAME;
    process.env.TOPIC_ARN = TOPIC;
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module must load inside isolateModules
        expect(() => require('../../functions/ingest')).toThrow(/TABLE_NAME is required/);
      });
    } finally {
      process.env = saved;
    }
  });

  it('builds the handler once from a valid environment', () => {
    const saved = { ...process.env };
    Object.assign(process.env, { TABLE_NAME: 'access-auditor-dev-incidents', TOPIC_ARN: TOPIC, AWS_REGION: 'us-east-1' });
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module must load inside isolateModules
        const mod = require('../../functions/ingest') as { handler: unknown };
        expect(typeof mod.handler).toBe('function');
      });
    } finally {
      process.env = saved;
    }
  });
});
