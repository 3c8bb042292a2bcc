import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DynamoIncidentStore } from '../../lib/incidents/dynamodb/store';
import { StoreError } from '../../lib/incidents/errors';
import { incidentTableDefinition } from '../../lib/incidents/dynamodb/table-design';
import type { PendingAlert } from '../../lib/incidents/types';
import { at, makeDenial } from './fixtures';
import { freshStore, useEmbeddedDynamoDB } from '../support/dynamodb';

const dynamo = useEmbeddedDynamoDB();

const NOW = at('2026-11-20T10:00:00Z');

async function storeWith(incidents: Array<{ fp: string; eventTime: string }>): Promise<DynamoIncidentStore> {
  const store = await freshStore(dynamo.client);
  for (const [i, { fp, eventTime }] of incidents.entries()) {
    await store.recordOccurrence(makeDenial({ eventId: `evt-${fp}-${i}`, fingerprint: fp, eventTime }), NOW);
  }
  return store;
}

describe('ensureTable', () => {
  test('creates the documented schema once and is idempotent', async () => {
    const store = await freshStore(dynamo.client);
    await store.ensureTable();

    const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: store.tableName }));
    const expected = incidentTableDefinition(store.tableName);
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual(expected.KeySchema);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    const indexes = (Table?.GlobalSecondaryIndexes ?? []).map((i) => ({ name: i.IndexName, keys: i.KeySchema, projection: i.Projection?.ProjectionType }));
    expect(indexes.sort((a, b) => String(a.name).localeCompare(String(b.name)))).toEqual([
      {
        name: 'occurrences',
        keys: [
          { AttributeName: 'GSI3PK', KeyType: 'HASH' },
          { AttributeName: 'GSI3SK', KeyType: 'RANGE' },
        ],
        projection: 'INCLUDE',
      },
      {
        name: 'statusKeys',
        keys: [
          { AttributeName: 'GSI1PK', KeyType: 'HASH' },
          { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
        ],
        projection: 'KEYS_ONLY',
      },
    ]);
  });
});

describe('reads', () => {
  test('get returns null for an unknown fingerprint', async () => {
    const store = await freshStore(dynamo.client);
    expect(await store.get('fp-none')).toBeNull();
    expect(await store.occurrences('fp-none')).toEqual([]);
  });

  test('occurrences come newest first and honour the limit', async () => {
    const store = await storeWith([
      { fp: 'fp-o', eventTime: '2026-11-20T08:00:00Z' },
      { fp: 'fp-o', eventTime: '2026-11-20T09:30:00Z' },
      { fp: 'fp-o', eventTime: '2026-11-20T09:00:00Z' },
    ]);

    const recent = await store.occurrences('fp-o', 2);

    expect(recent.map((o) => o.eventTime)).toEqual(['2026-11-20T09:30:00.000Z', '2026-11-20T09:00:00.000Z']);
    expect(recent[0]).toMatchObject({ fingerprint: 'fp-o', eventId: 'evt-fp-o-1', accountId: '111122223333', callRegion: 'us-east-1' });
  });

  test('list reads by status through the index, most recently seen first, with a limit', async () => {
    const store = await storeWith([
      { fp: 'fp-a', eventTime: '2026-11-20T08:00:00Z' },
      { fp: 'fp-b', eventTime: '2026-11-20T09:00:00Z' },
      { fp: 'fp-c', eventTime: '2026-11-20T07:00:00Z' },
      { fp: 'fp-d', eventTime: '2026-11-20T06:00:00Z' },
    ]);
    await store.setStatus('fp-b', 'acknowledged', NOW);
    await store.setStatus('fp-d', 'resolved', NOW);

    expect((await store.list()).map((i) => i.fingerprint)).toEqual(['fp-b', 'fp-a', 'fp-c', 'fp-d']);
    expect((await store.list({ status: 'open' })).map((i) => i.fingerprint)).toEqual(['fp-a', 'fp-c']);
    expect((await store.list({ status: 'acknowledged' })).map((i) => i.fingerprint)).toEqual(['fp-b']);
    expect(await store.list({ status: 'suppressed' })).toEqual([]);
    expect((await store.list({ limit: 2 })).map((i) => i.fingerprint)).toEqual(['fp-b', 'fp-a']);
    expect((await store.list({ status: 'open', limit: 1 })).map((i) => i.fingerprint)).toEqual(['fp-a']);
    expect(await store.list({ limit: 0 })).toEqual([]);
  });

  test('a later occurrence moves the incident up in its status listing', async () => {
    const store = await storeWith([
      { fp: 'fp-old', eventTime: '2026-11-20T08:00:00Z' },
      { fp: 'fp-new', eventTime: '2026-11-20T09:00:00Z' },
    ]);
    await store.recordOccurrence(makeDenial({ eventId: 'evt-late', fingerprint: 'fp-old', eventTime: '2026-11-20T09:30:00Z' }), NOW);

    expect((await store.list({ status: 'open' })).map((i) => i.fingerprint)).toEqual(['fp-old', 'fp-new']);
  });
});

describe('time ranges', () => {
  const seen = [
    { fp: 'fp-mon', eventTime: '2026-11-16T12:00:00Z' },
    { fp: 'fp-mon', eventTime: '2026-11-16T13:00:00Z' },
    { fp: 'fp-wed', eventTime: '2026-11-18T23:59:59Z' },
    { fp: 'fp-span', eventTime: '2026-11-15T10:00:00Z' },
    { fp: 'fp-span', eventTime: '2026-11-19T10:00:00Z' },
    { fp: 'fp-span', eventTime: '2026-11-25T10:00:00Z' },
    { fp: 'fp-next-week', eventTime: '2026-11-24T00:00:00Z' },
  ];

  test('dailyCounts gives one entry per fingerprint and UTC day in range, oldest day first', async () => {
    const store = await storeWith(seen);

    const counts = await store.dailyCounts(at('2026-11-16T00:00:00Z'), at('2026-11-23T00:00:00Z'));

    expect(counts).toEqual([
      { fingerprint: 'fp-mon', day: '2026-11-16', count: 2 },
      { fingerprint: 'fp-wed', day: '2026-11-18', count: 1 },
      { fingerprint: 'fp-span', day: '2026-11-19', count: 1 },
    ]);
    expect(await store.dailyCounts(at('2026-11-23T00:00:00Z'), at('2026-11-16T00:00:00Z'))).toEqual([]);
  });

  test('listSeenBetween returns every incident with an occurrence in the range, including one seen again later', async () => {
    const store = await storeWith(seen);

    const week = await store.listSeenBetween(at('2026-11-16T00:00:00Z'), at('2026-11-23T00:00:00Z'));

    expect(week.map((i) => i.fingerprint)).toEqual(['fp-span', 'fp-wed', 'fp-mon']);
    expect(week.find((i) => i.fingerprint === 'fp-span')?.count).toBe(3);
  });

  test('listSeenBetween trims partial days with first and last seen', async () => {
    const store = await storeWith(seen);

    // Monday 14:00 onwards: fp-mon's occurrences (12:00, 13:00) are before the range on the same day;
    // fp-span was seen before and after the range but not inside it.
    const fromMondayAfternoon = await store.listSeenBetween(at('2026-11-16T14:00:00Z'), at('2026-11-19T00:00:00Z'));

    expect(fromMondayAfternoon.map((i) => i.fingerprint)).toEqual(['fp-wed']);
  });

  test('listSeenBetween reads more than one BatchGetItem chunk (100 keys each)', async () => {
    const store = await freshStore(dynamo.client);
    await Promise.all(
      Array.from({ length: 101 }, (_, i) =>
        store.recordOccurrence(makeDenial({ eventId: `evt-chunk-${i}`, fingerprint: `fp-${i}`, eventTime: '2026-11-20T08:00:00Z' }), NOW),
      ),
    );

    const all = await store.listSeenBetween(at('2026-11-20T00:00:00Z'), at('2026-11-21T00:00:00Z'));

    expect(all).toHaveLength(101);
    expect(new Set(all.map((i) => i.fingerprint)).size).toBe(101);
  });
});

describe('setStatus', () => {
  test('moves the incident between statuses, conditionally on `from`', async () => {
    const store = await storeWith([{ fp: 'fp-s', eventTime: '2026-11-20T08:00:00Z' }]);

    expect(await store.setStatus('fp-s', 'acknowledged', NOW, { from: 'open' })).toBe(true);
    expect(await store.setStatus('fp-s', 'resolved', NOW, { from: 'open' })).toBe(false);
    expect((await store.get('fp-s'))?.status).toBe('acknowledged');
    expect(await store.setStatus('fp-s', 'resolved', at('2026-11-20T11:00:00Z'), { from: 'acknowledged' })).toBe(true);

    const incident = await store.get('fp-s');
    expect(incident).toMatchObject({ status: 'resolved', statusChangedAt: '2026-11-20T11:00:00.000Z' });
    expect((await store.list({ status: 'acknowledged' })).map((i) => i.fingerprint)).toEqual([]);
    expect((await store.list({ status: 'resolved' })).map((i) => i.fingerprint)).toEqual(['fp-s']);
  });

  test('suppressedUntil is set for suppressed and removed by the next change', async () => {
    const store = await storeWith([{ fp: 'fp-sup', eventTime: '2026-11-20T08:00:00Z' }]);

    await store.setStatus('fp-sup', 'suppressed', NOW, { suppressedUntil: at('2026-11-27T10:00:00Z') });
    expect(await store.get('fp-sup')).toMatchObject({ status: 'suppressed', suppressedUntil: '2026-11-27T10:00:00.000Z' });

    await store.setStatus('fp-sup', 'open', NOW, { from: 'suppressed' });
    expect((await store.get('fp-sup'))?.suppressedUntil).toBeUndefined();
  });

  test('an unknown fingerprint is not created', async () => {
    const store = await freshStore(dynamo.client);
    expect(await store.setStatus('fp-ghost', 'resolved', NOW)).toBe(false);
    expect(await store.get('fp-ghost')).toBeNull();
  });

  test('a new occurrence keeps the status set by an operator', async () => {
    const store = await storeWith([{ fp: 'fp-keep', eventTime: '2026-11-20T08:00:00Z' }]);
    await store.setStatus('fp-keep', 'acknowledged', NOW);

    const outcome = await store.recordOccurrence(makeDenial({ eventId: 'evt-keep-2', fingerprint: 'fp-keep', eventTime: '2026-11-20T09:00:00Z' }), NOW);

    expect(outcome).toMatchObject({ kind: 'counted', created: false, incident: { status: 'acknowledged', count: 2 } });
    expect((await store.list({ status: 'acknowledged' })).map((i) => i.fingerprint)).toEqual(['fp-keep']);
  });
});

describe('alert claims', () => {
  const claim = (eventId: string, claimedAt = '2026-11-20T10:00:00.000Z'): PendingAlert => ({ trigger: 'opened', eventId, claimedAt });
  const windowStartFor = (now: Date): Date => new Date(now.getTime() - 60 * 60_000);

  test('the first claim wins, a second claim by another event fails, the same event can claim again', async () => {
    const store = await storeWith([{ fp: 'fp-al', eventTime: '2026-11-20T08:00:00Z' }]);

    expect(await store.claimAlert('fp-al', claim('evt-1'), windowStartFor(NOW))).toBe(true);
    expect(await store.claimAlert('fp-al', claim('evt-2'), windowStartFor(NOW))).toBe(false);
    expect(await store.claimAlert('fp-al', claim('evt-1', '2026-11-20T10:05:00.000Z'), windowStartFor(NOW))).toBe(true);

    expect((await store.get('fp-al'))?.alert).toEqual({
      alertsSent: 0,
      pending: { trigger: 'opened', eventId: 'evt-1', claimedAt: '2026-11-20T10:05:00.000Z' },
    });
  });

  test('after an alert is sent, claims fail inside the window and succeed after it', async () => {
    const store = await storeWith([{ fp: 'fp-win', eventTime: '2026-11-20T08:00:00Z' }]);
    await store.claimAlert('fp-win', claim('evt-1'), windowStartFor(NOW));
    await store.completeAlert('fp-win', 'evt-1', NOW, 1);

    const inWindow = at('2026-11-20T10:30:00Z');
    const afterWindow = at('2026-11-20T11:00:01Z');
    expect(await store.claimAlert('fp-win', claim('evt-2'), windowStartFor(inWindow))).toBe(false);
    // The event that sent the alert cannot re-send it either: nothing is pending any more.
    expect(await store.claimAlert('fp-win', claim('evt-1'), windowStartFor(inWindow))).toBe(false);
    expect(await store.claimAlert('fp-win', claim('evt-3'), windowStartFor(afterWindow))).toBe(true);
  });

  test('defer keeps the first trigger; complete clears pending and deferred and counts the alert', async () => {
    const store = await storeWith([{ fp: 'fp-def', eventTime: '2026-11-20T08:00:00Z' }]);
    await store.claimAlert('fp-def', claim('evt-1'), windowStartFor(NOW));
    await store.deferAlert('fp-def', 'threshold');
    await store.deferAlert('fp-def', 'reopened');
    expect((await store.get('fp-def'))?.alert.deferred).toBe('threshold');

    await store.completeAlert('fp-def', 'evt-1', NOW, 12);
    // A retried completion (or one by a stranger) changes nothing.
    await store.completeAlert('fp-def', 'evt-1', at('2026-11-20T10:10:00Z'), 99);
    await store.completeAlert('fp-def', 'evt-2', at('2026-11-20T10:10:00Z'), 99);

    expect((await store.get('fp-def'))?.alert).toEqual({ alertsSent: 1, lastAlertAt: '2026-11-20T10:00:00.000Z', lastAlertCount: 12 });
  });

  test('only one of many concurrent claims wins', async () => {
    const store = await storeWith([{ fp: 'fp-cc', eventTime: '2026-11-20T08:00:00Z' }]);

    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.claimAlert('fp-cc', claim(`evt-${i}`), windowStartFor(NOW))));

    expect(results.filter(Boolean)).toHaveLength(1);
  });

  test('claims and deferrals on an unknown fingerprint fail without creating it', async () => {
    const store = await freshStore(dynamo.client);
    expect(await store.claimAlert('fp-ghost', claim('evt-1'), windowStartFor(NOW))).toBe(false);
    await store.deferAlert('fp-ghost', 'opened');
    await store.completeAlert('fp-ghost', 'evt-1', NOW, 1);
    expect(await store.get('fp-ghost')).toBeNull();
  });
});

describe('DynamoDB failures surface as StoreError', () => {
  test('a missing table', async () => {
    const store = new DynamoIncidentStore({ client: dynamo.client, tableName: 'no-such-table' });

    const error = await store.recordOccurrence(makeDenial({ eventId: 'evt-x', fingerprint: 'fp-x' }), NOW).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ name: 'StoreError', operation: 'recordOccurrence/PutItem' });
    expect((error as StoreError).cause).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  test('an endpoint nobody listens on', async () => {
    const port = await closedPort();
    const client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    const store = new DynamoIncidentStore({ client, tableName: 'incidents' });
    try {
      await expect(store.get('fp')).rejects.toBeInstanceOf(StoreError);
      await expect(store.recordOccurrence(makeDenial({ eventId: 'evt-y', fingerprint: 'fp-y' }), NOW)).rejects.toBeInstanceOf(StoreError);
      await expect(store.ensureTable()).rejects.toMatchObject({ name: 'StoreError', operation: 'ensureTable/DescribeTable' });
    } finally {
      client.destroy();
    }
  });
});

/** A loopback port that was free a moment ago: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
