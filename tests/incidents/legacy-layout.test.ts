import { CreateTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoIncidentStore } from '../../lib/incidents/dynamodb/store';
import { StoreError } from '../../lib/incidents/errors';
import { toItem } from '../../lib/incidents/dynamodb/attribute-values';
import { at, freshStore, makeDenial, sampleProposal } from './fixtures';
import { useEmbeddedDynamoDB } from '../support/dynamodb';

/**
 * Tables written before issue 10 keep working: an incident item with its latest denial and proposal
 * inline and a moving `<lastSeen>#<fp>` status sort key, occurrence items under the incident, day rollups.
 * The new code reads them as they are and moves the explanation to its own item on the next event.
 */

const dynamo = useEmbeddedDynamoDB();
const NOW = at('2026-11-20T10:00:00Z');

async function putLegacyIncident(tableName: string): Promise<void> {
  const denial = makeDenial({ eventId: 'evt-old', fingerprint: 'fp-old', eventTime: '2026-11-19T08:00:00Z', proposal: sampleProposal({ notes: ['old'] }) });
  const { proposal, ...latest } = denial;
  const items = [
    {
      PK: 'INC#fp-old',
      SK: 'INCIDENT',
      fingerprint: 'fp-old',
      status: 'open',
      GSI1PK: 'STATUS#open',
      GSI1SK: '2026-11-19T08:00:00.000Z#fp-old',
      count: 2,
      firstSeen: '2026-11-19T07:00:00.000Z',
      lastSeen: '2026-11-19T08:00:00.000Z',
      principal: denial.principal,
      action: denial.action,
      reason: denial.reason,
      eventSource: denial.eventSource,
      callRegion: denial.callRegion,
      deniedRegion: denial.deniedRegion,
      resource: denial.resource,
      latest: JSON.stringify(latest),
      proposal: JSON.stringify(proposal),
      alert: { alertsSent: 1, lastAlertAt: '2026-11-19T07:00:01.000Z', lastAlertCount: 1 },
      createdBy: 'evt-older',
      createdAt: '2026-11-19T07:00:01.000Z',
      updatedAt: '2026-11-19T08:00:01.000Z',
    },
    {
      PK: 'INC#fp-old',
      SK: 'OCC#2026-11-19T07:00:00.000Z#evt-older',
      fingerprint: 'fp-old',
      eventId: 'evt-older',
      eventTime: '2026-11-19T07:00:00.000Z',
      callRegion: 'us-east-1',
      deniedRegion: 'us-east-1',
      expiresAt: 1,
    },
    {
      PK: 'INC#fp-old',
      SK: 'OCC#2026-11-19T08:00:00.000Z#evt-old',
      fingerprint: 'fp-old',
      eventId: 'evt-old',
      eventTime: '2026-11-19T08:00:00.000Z',
      callRegion: 'us-east-1',
      deniedRegion: 'us-east-1',
      expiresAt: 1,
    },
    { PK: 'INC#fp-old', SK: 'DAY#2026-11-19', GSI2PK: 'DAY#2026-11-19', GSI2SK: 'fp-old', fingerprint: 'fp-old', day: '2026-11-19', count: 2 },
    { PK: 'EVT#evt-old', SK: 'EVENT', state: 'counted', fingerprint: 'fp-old', eventTime: '2026-11-19T08:00:00.000Z', owner: 'o', leaseUntil: 0 },
  ];
  for (const item of items) await dynamo.client.send(new PutItemCommand({ TableName: tableName, Item: toItem(item) }));
}

describe('items written before issue 10', () => {
  test('are read as they are: get, list, occurrences, daily counts, incidents seen in a range', async () => {
    const store = await freshStore(dynamo.client);
    await putLegacyIncident(store.tableName);

    expect(await store.get('fp-old')).toMatchObject({
      fingerprint: 'fp-old',
      count: 2,
      latest: { eventId: 'evt-old' },
      proposal: { notes: ['old'] },
      principal: { roleName: 'chat-web' },
    });
    expect((await store.list({ status: 'open' })).map((i) => i.fingerprint)).toEqual(['fp-old']);
    expect((await store.occurrences('fp-old')).map((o) => o.eventId)).toEqual(['evt-old', 'evt-older']);
    expect(await store.dailyCounts(at('2026-11-19T00:00:00Z'), at('2026-11-20T00:00:00Z'))).toEqual([{ fingerprint: 'fp-old', day: '2026-11-19', count: 2 }]);
    expect((await store.listSeenBetween(at('2026-11-19T00:00:00Z'), at('2026-11-20T00:00:00Z'))).map((i) => i.fingerprint)).toEqual(['fp-old']);
    // A redelivery of an event counted by the old code is still a duplicate.
    expect((await store.recordOccurrence(makeDenial({ eventId: 'evt-old', fingerprint: 'fp-old', eventTime: '2026-11-19T08:00:00Z' }), NOW)).kind).toBe(
      'duplicate',
    );
  });

  test('the next event counts on, and moves the explanation out of the incident item', async () => {
    const store = await freshStore(dynamo.client);
    await putLegacyIncident(store.tableName);

    const outcome = await store.recordOccurrence(makeDenial({ eventId: 'evt-new', fingerprint: 'fp-old', eventTime: '2026-11-20T09:00:00Z' }), NOW);

    expect(outcome).toMatchObject({ kind: 'counted', created: false, incident: { count: 3, alert: { alertsSent: 1 } } });
    const incident = await store.get('fp-old');
    expect(incident).toMatchObject({ count: 3, firstSeen: '2026-11-19T07:00:00.000Z', latest: { eventId: 'evt-new' }, proposal: { notes: [] } });
    expect((await store.occurrences('fp-old')).map((o) => o.eventId)).toEqual(['evt-new', 'evt-old', 'evt-older']);
    expect(await store.dailyCounts(at('2026-11-19T00:00:00Z'), at('2026-11-21T00:00:00Z'))).toEqual([
      { fingerprint: 'fp-old', day: '2026-11-19', count: 2 },
      { fingerprint: 'fp-old', day: '2026-11-20', count: 1 },
    ]);
  });
});

describe('a table created before issue 10 (its indexes byStatus and byDay)', () => {
  test('ensureTable names the missing indexes and the migration instead of failing on the first query, and changes nothing', async () => {
    const tableName = `old-indexes-${process.pid}`;
    const gsi = (name: string, pk: string, sk: string) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: pk, KeyType: 'HASH' as const },
        { AttributeName: sk, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    });
    await dynamo.client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [gsi('byStatus', 'GSI1PK', 'GSI1SK'), gsi('byDay', 'GSI2PK', 'GSI2SK')],
      }),
    );

    const error = await new DynamoIncidentStore({ client: dynamo.client, tableName }).ensureTable().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(/lacks the index\(es\) statusKeys, occurrences .*Migrating a table from before issue 10.*nothing was changed/);
  });
});
