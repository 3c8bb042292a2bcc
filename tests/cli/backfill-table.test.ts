import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { backfillCommand } from '../../cli/backfill';
import { applyCheckpoint, newCursor } from '../../lib/backfill/cursor';
import { FakeClock } from '../backfill/support';
import { captureIo, jsonLines } from '../support/cli-io';

const dynamodb = mockClient(DynamoDBClient);
const cloudtrail = mockClient(CloudTrailClient);
const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:access-auditor-prod-alerts';
const now = new Date('2026-11-22T08:00:00Z');
const argv = ['lookup', '--regions', 'us-east-1', '--since', '2026-11-20', '--table', 'prod-incidents', '--topic-arn', TOPIC, '--json'];

beforeEach(() => {
  dynamodb.reset();
  cloudtrail.reset();
  sns.reset();
});
afterAll(() => {
  dynamodb.restore();
  cloudtrail.restore();
  sns.restore();
});

const savedCursors = () =>
  dynamodb
    .commandCalls(PutItemCommand)
    .map((c) => c.args[0].input)
    .filter((i) => i.Item?.PK?.S?.startsWith('BACKFILL#'))
    .map((i) => ({ key: i.Item!.PK!.S, cursor: JSON.parse(i.Item!.cursor!.S!) as Record<string, unknown> }));

describe('backfill against the deployed table', () => {
  it('keeps its cursor in the table, in the region the table is opened in', async () => {
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [] });
    dynamodb.on(GetItemCommand).resolves({});
    dynamodb.on(PutItemCommand).resolves({});
    const io = captureIo({ env: { AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' }, now });
    expect(await backfillCommand(argv, io, { clock: new FakeClock() })).toBe(0);

    const get = dynamodb.commandCalls(GetItemCommand)[0]!;
    expect(get.args[0].input).toMatchObject({
      TableName: 'prod-incidents',
      Key: { PK: { S: expect.stringMatching(/^BACKFILL#lookup-[0-9a-f]{16}$/) }, SK: { S: 'CURSOR' } },
      ConsistentRead: true,
    });
    expect(await get.thisValue.config.region()).toBe('eu-west-1');
    const saved = savedCursors();
    expect(saved.at(-1)?.cursor).toMatchObject({ source: 'lookup', complete: true, units: { 'region:us-east-1': { done: true } } });
    expect(jsonLines(io.out()).at(-1)).toMatchObject({ kind: 'summary', cursor: expect.stringMatching(/^table prod-incidents, item BACKFILL#lookup-/) });
  });

  it('resumes from the cursor it finds there', async () => {
    const window = { since: new Date('2026-11-20T00:00:00Z'), until: now };
    const stored = applyCheckpoint(
      newCursor('lookup', 'x', window, new Date('2026-11-22T07:00:00Z')),
      { unit: 'region:us-east-1', position: '2026-11-21T00:00:00.000Z', done: false },
      now,
    );
    dynamodb.on(GetItemCommand).resolves({ Item: { cursor: { S: JSON.stringify(stored) } } });
    dynamodb.on(PutItemCommand).resolves({});
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [] });
    const io = captureIo({ env: { AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' }, now });
    expect(await backfillCommand(argv, io, { clock: new FakeClock() })).toBe(0);
    expect(io.err()).toMatch(/resuming the backfill started 2026-11-22T07:00:00.000Z/);
    expect(cloudtrail.commandCalls(LookupEventsCommand)[0]!.args[0].input.EndTime).toEqual(new Date('2026-11-21T00:00:00.000Z'));
  });

  it('refuses --table without --topic-arn before reading anything', async () => {
    const io = captureIo({ now });
    await expect(backfillCommand(['lookup', '--regions', 'us-east-1', '--table', 't'], io)).rejects.toThrow(/--table and --topic-arn go together/);
    expect(dynamodb.calls()).toHaveLength(0);
    expect(cloudtrail.calls()).toHaveLength(0);
  });
});
