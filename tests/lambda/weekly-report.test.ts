import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SnsNotifier } from '../../lib/notify/sinks/sns-notifier';
import { createWeeklyReportHandler, runTimeOf, type WeeklyReportResult } from '../../lib/lambda/weekly-report';
import { TOPIC } from '../report/fixtures';
import { seedWeek } from '../report/store-fixtures';
import { freshStore, useEmbeddedDynamoDB } from '../support/dynamodb';
import { lambdaContext } from '../support/lambda-context';

const context = lambdaContext('access-auditor-dev-weeklyReport', 'req-report-1', 60_000);

/** What an EventBridge schedule (Mondays 09:00 UTC) delivers. */
const scheduledEvent = {
  version: '0',
  id: 'sched-1',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '111122223333',
  time: '2026-11-23T09:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:111122223333:rule/access-auditor-dev-weekly'],
  detail: {},
};

const sns = mockClient(SNSClient);
const dynamo = useEmbeddedDynamoDB();
const logs: string[] = [];

beforeEach(() => {
  sns.reset();
  logs.length = 0;
  // Powertools writes JSON lines to stdout and stderr through its own Console (the global one only with
  // POWERTOOLS_DEV): capture the streams instead of printing during tests.
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logs.push(
        ...String(chunk)
          .split('\n')
          .filter((line) => line !== ''),
      );
      return true;
    });
  }
});
afterEach(() => jest.restoreAllMocks());

async function setup(clock = () => new Date('2026-12-25T12:00:00Z')) {
  const store = await freshStore(dynamo.client);
  await seedWeek(store);
  const handler = createWeeklyReportHandler({
    store,
    notifier: new SnsNotifier({ client: new SNSClient({ region: 'us-east-1' }), topicArn: TOPIC }),
    topicArn: TOPIC,
    days: 7,
    logger: new Logger({ serviceName: 'access-auditor' }),
    metrics: new Metrics({ serviceName: 'access-auditor', namespace: 'AccessAuditor' }),
    clock,
  });
  return (event: unknown) => handler(event as never, context) as Promise<WeeklyReportResult>;
}

const structuredLogs = () =>
  logs.map((l) => {
    try {
      return JSON.parse(l) as Record<string, unknown>;
    } catch {
      return {};
    }
  });

describe('weekly report handler', () => {
  it('reports the week before the scheduled time and publishes one SNS message', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const handler = await setup();

    const result = await handler(scheduledEvent);

    expect(result).toEqual({ period: '2026-11-16..2026-11-22', denials: 5, incidentsSeen: 2, stillOpen: 3, fixReady: 1 });
    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      TopicArn: TOPIC,
      MessageStructure: 'json',
      Subject: '[access-auditor] Weekly report 2026-11-16..2026-11-22: 5 denials, 3 open',
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'weekly-report' } },
    });
    const body = JSON.parse(String(published[0]?.Message)) as Record<string, string>;
    expect(body.email).toContain('ACCESS-AUDITOR WEEKLY REPORT');
    expect(JSON.parse(body.https ?? '{}')).toMatchObject({ version: '1.0', source: 'custom', metadata: { threadId: 'weekly-report' } });
  });

  it('emits ReportsSent and DenialsInPeriod as EMF and logs the result', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const handler = await setup();
    await handler(scheduledEvent);
    const emf = structuredLogs().find((l) => '_aws' in l && 'ReportsSent' in l);
    expect(emf).toMatchObject({ ReportsSent: 1, DenialsInPeriod: 5, service: 'access-auditor' });
    expect(structuredLogs().some((l) => l.message === 'Weekly report sent' && l.denials === 5 && l.runTime === '2026-11-23T09:00:00.000Z')).toBe(true);
  });

  it('uses the clock when the event carries no time (a console test invocation)', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const handler = await setup(() => new Date('2026-11-23T15:30:00Z'));
    expect((await handler({})).period).toBe('2026-11-16..2026-11-22');
  });

  it('fails the invocation when SNS fails, so that it is retried', async () => {
    sns.on(PublishCommand).rejects(new Error('Throttled'));
    const handler = await setup();
    await expect(handler(scheduledEvent)).rejects.toThrow(/SNS Publish .* failed: Error: Throttled/);
    expect(structuredLogs().some((l) => l.level === 'ERROR' && String(l.message).startsWith('Weekly report failed'))).toBe(true);
  });
});

describe('runTimeOf', () => {
  const clock = () => new Date('2030-01-01T00:00:00Z');
  it.each([
    ['a schedule event', { time: '2026-11-23T09:00:00Z' }, '2026-11-23T09:00:00.000Z'],
    ['an event without time', { detail: {} }, '2030-01-01T00:00:00.000Z'],
    ['a time that is not a date', { time: 'next monday' }, '2030-01-01T00:00:00.000Z'],
    ['no event', undefined, '2030-01-01T00:00:00.000Z'],
    ['a time with an offset', { time: '2026-11-23T10:00:00+01:00' }, '2026-11-23T09:00:00.000Z'],
    ['an impossible date', { time: '2026-13-45T09:00:00Z' }, '2030-01-01T00:00:00.000Z'],
    ['a date without a time', { time: '2026-11-23' }, '2030-01-01T00:00:00.000Z'],
    ['a number', { time: 1_700_000_000 }, '2030-01-01T00:00:00.000Z'],
  ])('%s', (_name, event, expected) => {
    expect(runTimeOf(event, clock).toISOString()).toBe(expected);
  });
});
