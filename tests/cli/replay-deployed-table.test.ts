import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../cli/main';
import { INGEST_COUNTING_LEASE_SECONDS } from '../../lib/config';
import { captureIo } from '../support/cli-io';

const dynamodb = mockClient(DynamoDBClient);
const sns = mockClient(SNSClient);
const NOW = new Date('2026-11-22T08:00:00Z');
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:access-auditor-prod-alerts';

beforeEach(() => {
  dynamodb.reset();
  sns.reset();
});
afterAll(() => {
  dynamodb.restore();
  sns.restore();
});

/**
 * `replay --table` against a deployed table that already counted the record: the marker put fails its
 * condition, the marker says counted, and the cleanup of the eventID guard fails (a DynamoDB blip).
 */
function deployedTableThatCountedIt(): void {
  dynamodb.on(PutItemCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
  dynamodb.on(GetItemCommand).callsFake((input: { Key: { PK: { S: string } } }) =>
    input.Key.PK.S.startsWith('EVT#')
      ? {
          Item: {
            state: { S: 'counted' },
            fingerprint: { S: 'fp-1' },
            eventTime: { S: '2026-11-20T09:14:03.000Z' },
            owner: { S: 'lambda-request' },
            leaseUntil: { N: '0' },
          },
        }
      : {},
  );
  dynamodb.on(UpdateItemCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' }));
}

/**
 * `replay --table` counting a record on a deployed table whose incident's eventID guard is full: the
 * batched cleanup of the guard fails (a DynamoDB blip) after the event was counted.
 */
function deployedTableWithAFullGuard(): void {
  const guards = Array.from({ length: 8 }, (_, i) => `evt-${i}`);
  const denial = JSON.stringify({ eventId: 'evt-0', eventTime: '2026-11-20T09:14:03Z', principal: { type: 'AssumedRole', arn: 'arn' }, reason: {} });
  dynamodb.on(PutItemCommand).resolves({});
  dynamodb.on(GetItemCommand).resolves({});
  dynamodb.on(BatchGetItemCommand).callsFake((input: { RequestItems: Record<string, { Keys: Array<{ PK: { S: string } }> }> }) => ({
    Responses: Object.fromEntries(
      Object.entries(input.RequestItems).map(([table, { Keys }]) => [table, Keys.map((k) => ({ PK: k.PK, state: { S: 'counted' } }))]),
    ),
  }));
  dynamodb.on(UpdateItemCommand).callsFake((input: UpdateItemCommandInput) => {
    if ((input.UpdateExpression ?? '').startsWith('DELETE'))
      throw Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    if (input.Key?.SK?.S === 'INCIDENT#LATEST') return { Attributes: { latest: { S: denial } } };
    if (input.Key?.SK?.S !== 'INCIDENT') return {};
    return {
      Attributes: {
        PK: input.Key.PK!,
        status: { S: 'open' },
        count: { N: '9' },
        firstSeen: { S: '2026-11-20T09:00:00.000Z' },
        lastSeen: { S: '2026-11-20T09:14:03.000Z' },
        alert: { M: { alertsSent: { N: '1' }, lastAlertAt: { S: '2026-11-22T07:59:00.000Z' }, lastAlertCount: { N: '1' } } },
        createdBy: { S: 'evt-0' },
        pendingEvents: { SS: guards },
      },
    };
  });
}

describe('replay against a deployed table', () => {
  test('claims events under the Lambda counting lease, not the embedded default', async () => {
    deployedTableThatCountedIt();
    const io = captureIo({ now: NOW });

    await main(['replay', '--table', 'access-auditor-prod-incidents', '--topic-arn', TOPIC, 'examples/records/01-apprunner-no-bedrock-grant.json'], io);

    const claims = dynamodb.commandCalls(PutItemCommand).map((c) => c.args[0].input.Item);
    expect(claims).toHaveLength(1);
    expect(claims[0]?.PK?.S).toMatch(/^EVT#/);
    expect(claims[0]?.leaseUntil).toEqual({ N: String(NOW.getTime() + INGEST_COUNTING_LEASE_SECONDS * 1000) });
  });

  test("reports the store's warnings (a failed cleanup) on stderr instead of dropping them", async () => {
    deployedTableWithAFullGuard();
    const io = captureIo({ now: NOW });

    const code = await main(
      ['replay', '--table', 'access-auditor-prod-incidents', '--topic-arn', TOPIC, 'examples/records/01-apprunner-no-bedrock-grant.json'],
      io,
    );

    expect(code).toBe(0);
    const warnings = io
      .err()
      .split('\n')
      .filter((l) => l.startsWith('warning: '));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: could not remove counted eventIDs from pendingEvents \{"eventIds":\[.+\],"key":"INC#.+\/INCIDENT"/);
  });
});
