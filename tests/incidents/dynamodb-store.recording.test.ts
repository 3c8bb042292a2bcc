import { GetItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GUARD_BATCH } from '../../lib/incidents/dynamodb/record-occurrence';
import { DynamoIncidentStore } from '../../lib/incidents/dynamodb/store';
import { EventInFlightError, InvalidOccurrenceError, StoreError } from '../../lib/incidents/errors';
import type { RecordOutcome } from '../../lib/incidents/types';
import { at, makeDenial, sampleProposal } from './fixtures';
import { freshStore, useEmbeddedDynamoDB } from '../support/dynamodb';

const dynamo = useEmbeddedDynamoDB();

const NOW = at('2026-11-20T10:00:00Z');
const minutesAfter = (date: Date, minutes: number): Date => new Date(date.getTime() + minutes * 60_000);

async function rawItem(store: DynamoIncidentStore, pk: string, sk: string) {
  const out = await dynamo.client.send(new GetItemCommand({ TableName: store.tableName, Key: { PK: { S: pk }, SK: { S: sk } }, ConsistentRead: true }));
  return out.Item;
}

/** Another store (another Lambda container) on the same table. */
const freshStoreOn = (tableName: string): DynamoIncidentStore => new DynamoIncidentStore({ client: dynamo.client, tableName });

/** A client that fails the calls `crashes` picks, as a Lambda killed (or a network cut) at that point would. */
function crashingClient(real: DynamoDBClient, crashes: (command: unknown) => boolean): DynamoDBClient {
  return {
    send: (command: unknown) => (crashes(command) ? Promise.reject(new Error('simulated crash')) : real.send(command as never)),
  } as unknown as DynamoDBClient;
}

describe('duplicate delivery', () => {
  test('the same eventID recorded twice is counted once, even long after the lease', async () => {
    const store = await freshStore(dynamo.client);
    const denial = makeDenial({ eventId: 'evt-dup', fingerprint: 'fp-dup' });

    const first = await store.recordOccurrence(denial, NOW);
    const again = await store.recordOccurrence(denial, minutesAfter(NOW, 1));
    const replayedNextMonth = await store.recordOccurrence(denial, minutesAfter(NOW, 60 * 24 * 30));

    expect(first).toMatchObject({ kind: 'counted', created: true, incident: { count: 1, status: 'open' } });
    expect(again).toMatchObject({ kind: 'duplicate', incident: { fingerprint: 'fp-dup', count: 1 } });
    expect(replayedNextMonth.kind).toBe('duplicate');
    expect(await store.occurrences('fp-dup')).toHaveLength(1);
    expect(await store.dailyCounts(at('2026-11-20T00:00:00Z'), at('2026-11-21T00:00:00Z'))).toEqual([{ fingerprint: 'fp-dup', day: '2026-11-20', count: 1 }]);
  });

  test('ten concurrent deliveries of one event: exactly one counts it, the others see a duplicate or an in-flight event', async () => {
    const store = await freshStore(dynamo.client);
    const denial = makeDenial({ eventId: 'evt-race', fingerprint: 'fp-race' });

    const settled = await Promise.allSettled(Array.from({ length: 10 }, () => store.recordOccurrence(denial, NOW)));

    const outcomes = settled.filter((s): s is PromiseFulfilledResult<RecordOutcome> => s.status === 'fulfilled').map((s) => s.value);
    const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as unknown);
    expect(outcomes.filter((o) => o.kind === 'counted')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind !== 'counted').every((o) => o.kind === 'duplicate')).toBe(true);
    for (const failure of failures) expect(failure).toBeInstanceOf(EventInFlightError);
    expect((await store.get('fp-race'))?.count).toBe(1);
    // The retries of the in-flight deliveries find it counted.
    expect((await store.recordOccurrence(denial, NOW)).kind).toBe('duplicate');
  });
});

describe('concurrent events of one fingerprint', () => {
  test('200 different events delivered at once are all counted, with exact first/last seen and day rollups', async () => {
    const store = await freshStore(dynamo.client);
    const base = Date.parse('2026-11-20T23:50:00Z');
    // Spread over midnight and shuffled, so arrival order is not time order.
    const times = Array.from({ length: 200 }, (_, i) => new Date(base + i * 6_000).toISOString());
    const order = times.map((t, i) => ({ t, i, key: (i * 7919) % 200 })).sort((a, b) => a.key - b.key);

    const outcomes = await Promise.all(
      order.map(({ t, i }) => store.recordOccurrence(makeDenial({ eventId: `evt-${i}`, fingerprint: 'fp-many', eventTime: t }), NOW)),
    );

    expect(outcomes.every((o) => o.kind === 'counted')).toBe(true);
    expect(outcomes.filter((o) => o.kind === 'counted' && o.created)).toHaveLength(1);
    const incident = await store.get('fp-many');
    expect(incident).toMatchObject({ count: 200, firstSeen: times[0], lastSeen: times[199] });
    expect(incident?.latest.eventId).toBe('evt-199');
    const days = await store.dailyCounts(at('2026-11-20T00:00:00Z'), at('2026-11-22T00:00:00Z'));
    expect(days).toEqual([
      { fingerprint: 'fp-many', day: '2026-11-20', count: 100 },
      { fingerprint: 'fp-many', day: '2026-11-21', count: 100 },
    ]);
    expect(await store.occurrences('fp-many', 500)).toHaveLength(200);
    // Guard entries are removed in batches, never before their event is marked counted: what is left
    // belongs to counted events, and the next event's batch removes it.
    const guards = await rawItem(store, 'INC#fp-many', 'INCIDENT');
    const left = [...(guards?.pendingEvents?.SS ?? []), ...(guards?.pendingEventsB?.SS ?? [])];
    for (const eventId of left) expect((await rawItem(store, `EVT#${eventId}`, 'EVENT'))?.state).toEqual({ S: 'counted' });
    await store.recordOccurrence(makeDenial({ eventId: 'evt-after', fingerprint: 'fp-many', eventTime: times[199] }), NOW);
    const after = await rawItem(store, 'INC#fp-many', 'INCIDENT');
    expect([...(after?.pendingEvents?.SS ?? []), ...(after?.pendingEventsB?.SS ?? [])].length).toBeLessThan(GUARD_BATCH);
    expect((await store.get('fp-many'))?.count).toBe(201);
  }, 120_000);
});

describe('lease takeover after a crash', () => {
  const crashPoints: Array<{ name: string; crashes: (command: unknown) => boolean }> = [
    {
      name: 'the incident update',
      crashes: (c) => c instanceof UpdateItemCommand && c.input.ReturnValues === 'ALL_NEW',
    },
    {
      name: 'the latest explanation (the incident already counted)',
      crashes: (c) => c instanceof UpdateItemCommand && c.input.Key?.SK?.S === 'INCIDENT#LATEST',
    },
    {
      name: 'marking the event counted (every counter already applied)',
      crashes: (c) => c instanceof UpdateItemCommand && (c.input.Key?.PK?.S ?? '').startsWith('EVT#'),
    },
  ];

  test.each(crashPoints)('a delivery that died at $name is finished by the next one, counted once', async ({ crashes }) => {
    const store = await freshStore(dynamo.client, { leaseSeconds: 900 });
    const dying = new DynamoIncidentStore({ client: crashingClient(dynamo.client, crashes), tableName: store.tableName });
    const denial = makeDenial({ eventId: 'evt-crash', fingerprint: 'fp-crash' });

    await expect(dying.recordOccurrence(denial, NOW)).rejects.toBeInstanceOf(StoreError);
    // Inside the lease the event is in flight: the retry must come back later.
    await expect(store.recordOccurrence(denial, minutesAfter(NOW, 5))).rejects.toBeInstanceOf(EventInFlightError);
    const takeover = await store.recordOccurrence(denial, minutesAfter(NOW, 16));
    const duplicate = await store.recordOccurrence(denial, minutesAfter(NOW, 17));

    // The dead owner never reported the new incident, so the owner that finishes the event does.
    expect(takeover).toMatchObject({ kind: 'counted', created: true, incident: { count: 1 } });
    expect(duplicate).toMatchObject({ kind: 'duplicate', incident: { count: 1 } });
    expect(await store.occurrences('fp-crash')).toHaveLength(1);
    expect(await store.dailyCounts(at('2026-11-20T00:00:00Z'), at('2026-11-21T00:00:00Z'))).toEqual([{ fingerprint: 'fp-crash', day: '2026-11-20', count: 1 }]);
  });

  test('a retry of the delivery that died (same owner token, as Lambda keeps the request ID) resumes at once', async () => {
    const store = await freshStore(dynamo.client);
    const dying = new DynamoIncidentStore({
      client: crashingClient(dynamo.client, (c) => c instanceof UpdateItemCommand && c.input.Key?.SK?.S === 'INCIDENT#LATEST'),
      tableName: store.tableName,
    });
    const denial = makeDenial({ eventId: 'evt-retry', fingerprint: 'fp-retry' });
    await expect(dying.recordOccurrence(denial, NOW, { owner: 'request-1' })).rejects.toBeInstanceOf(StoreError);

    // Another delivery must wait; the retry of the same invocation must not.
    await expect(store.recordOccurrence(denial, minutesAfter(NOW, 1), { owner: 'request-2' })).rejects.toBeInstanceOf(EventInFlightError);
    const retry = await store.recordOccurrence(denial, minutesAfter(NOW, 1), { owner: 'request-1' });

    expect(retry).toMatchObject({ kind: 'counted', created: true, incident: { count: 1 } });
    expect(await store.occurrences('fp-retry')).toHaveLength(1);
    expect((await store.recordOccurrence(denial, minutesAfter(NOW, 3), { owner: 'request-1' })).kind).toBe('duplicate');
  });

  test('a pending marker whose owner died before counting is taken over and counted by the new owner', async () => {
    const store = await freshStore(dynamo.client, { randomToken: () => 'new-owner' });
    await dynamo.client.send(
      new PutItemCommand({
        TableName: store.tableName,
        Item: {
          PK: { S: 'EVT#evt-orphan' },
          SK: { S: 'EVENT' },
          state: { S: 'pending' },
          fingerprint: { S: 'fp-orphan' },
          eventTime: { S: '2026-11-20T09:14:03.000Z' },
          owner: { S: 'dead-owner' },
          leaseUntil: { N: String(NOW.getTime() - 1) },
        },
      }),
    );

    const outcome = await store.recordOccurrence(makeDenial({ eventId: 'evt-orphan', fingerprint: 'fp-orphan' }), NOW);

    expect(outcome).toMatchObject({ kind: 'counted', created: true, incident: { count: 1 } });
    const marker = await rawItem(store, 'EVT#evt-orphan', 'EVENT');
    expect(marker).toMatchObject({ state: { S: 'counted' }, owner: { S: 'new-owner' }, takeovers: { N: '1' } });
  });

  test('an owner that outlives its lease cannot mark the event: the delivery that took over finishes it, counted once', async () => {
    const store = await freshStore(dynamo.client, { leaseSeconds: 60 });
    let reachedMarker!: () => void;
    const atMarker = new Promise<void>((resolve) => (reachedMarker = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const slowClient = {
      send: async (command: unknown) => {
        if (command instanceof UpdateItemCommand && (command.input.Key?.PK?.S ?? '').startsWith('EVT#')) {
          reachedMarker();
          await released;
        }
        return dynamo.client.send(command as never);
      },
    } as unknown as DynamoDBClient;
    const slow = new DynamoIncidentStore({ client: slowClient, tableName: store.tableName, leaseSeconds: 60 });
    const denial = makeDenial({ eventId: 'evt-slow', fingerprint: 'fp-slow' });

    const slowOutcome = slow.recordOccurrence(denial, NOW).catch((e: unknown) => e);
    await atMarker;
    const takeover = await store.recordOccurrence(denial, minutesAfter(NOW, 2));
    release();

    expect(takeover).toMatchObject({ kind: 'counted', incident: { count: 1 } });
    expect(await slowOutcome).toBeInstanceOf(EventInFlightError);
    expect((await store.get('fp-slow'))?.count).toBe(1);
    expect((await store.recordOccurrence(denial, minutesAfter(NOW, 3))).kind).toBe('duplicate');
  });

  test('the in-flight error names the event and when the lease ends', async () => {
    const store = await freshStore(dynamo.client, { leaseSeconds: 60 });
    const dying = new DynamoIncidentStore({
      client: crashingClient(dynamo.client, (c) => c instanceof UpdateItemCommand && (c.input.Key?.PK?.S ?? '').startsWith('EVT#')),
      tableName: store.tableName,
      leaseSeconds: 60,
    });
    const denial = makeDenial({ eventId: 'evt-lease', fingerprint: 'fp-lease' });
    await expect(dying.recordOccurrence(denial, NOW)).rejects.toThrow(StoreError);

    const error = await store.recordOccurrence(denial, NOW).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EventInFlightError);
    expect(error).toMatchObject({ name: 'EventInFlightError', eventId: 'evt-lease', leaseUntil: '2026-11-20T10:01:00.000Z' });
  });
});

describe('cleanup of the eventID guard', () => {
  test("costs no write of its own: a store's next update of the incident removes the eventIDs it counted", async () => {
    const store = await freshStore(dynamo.client);
    for (let i = 0; i < 3 * GUARD_BATCH; i++) await store.recordOccurrence(makeDenial({ eventId: `evt-own-${i}`, fingerprint: 'fp-own' }), NOW);

    const item = await rawItem(store, 'INC#fp-own', 'INCIDENT');
    // Only the last event's guard is left (the next update removes it).
    expect([...(item?.pendingEvents?.SS ?? []), ...(item?.pendingEventsB?.SS ?? [])]).toEqual([`evt-own-${3 * GUARD_BATCH - 1}`]);
    expect((await store.get('fp-own'))?.count).toBe(3 * GUARD_BATCH);
  });

  test('leftovers of other stores are removed in one batch, best effort: a failure is reported, not raised, and the next batch cleans up', async () => {
    const store = await freshStore(dynamo.client);
    const warnings: Array<{ message: string; details: Record<string, unknown> }> = [];
    // One store per event, as separate Lambda containers: none removes another's guard in its own update.
    const flaky = () =>
      new DynamoIncidentStore({
        client: crashingClient(dynamo.client, (c) => c instanceof UpdateItemCommand && (c.input.UpdateExpression ?? '').startsWith('DELETE')),
        tableName: store.tableName,
        onWarning: (message, details) => warnings.push({ message, details }),
      });
    const denials = Array.from({ length: GUARD_BATCH }, (_, i) => makeDenial({ eventId: `evt-clean-${i}`, fingerprint: 'fp-clean' }));

    for (const denial of denials.slice(0, -1)) await flaky().recordOccurrence(denial, NOW);
    expect(warnings).toEqual([]);
    expect((await rawItem(store, 'INC#fp-clean', 'INCIDENT'))?.pendingEvents?.SS).toHaveLength(GUARD_BATCH - 1);
    const outcome = await flaky().recordOccurrence(denials[GUARD_BATCH - 1]!, NOW);

    expect(outcome).toMatchObject({ kind: 'counted', incident: { count: GUARD_BATCH } });
    expect(warnings.map((w) => w.details.key)).toEqual(['INC#fp-clean/INCIDENT']);
    expect((await rawItem(store, 'INC#fp-clean', 'INCIDENT'))?.pendingEvents?.SS).toHaveLength(GUARD_BATCH);

    // A duplicate writes nothing; the next batch removes every counted eventID.
    expect((await flaky().recordOccurrence(denials[0]!, NOW)).kind).toBe('duplicate');
    await freshStoreOn(store.tableName).recordOccurrence(makeDenial({ eventId: 'evt-clean-next', fingerprint: 'fp-clean' }), NOW);
    const item = await rawItem(store, 'INC#fp-clean', 'INCIDENT');
    expect([...(item?.pendingEvents?.SS ?? []), ...(item?.pendingEventsB?.SS ?? [])]).toEqual([]);
    expect((await store.get('fp-clean'))?.count).toBe(GUARD_BATCH + 1);
  });
});

describe('incident aggregation', () => {
  test('first and last seen are the minimum and maximum whatever the arrival order; latest follows lastSeen', async () => {
    const store = await freshStore(dynamo.client);
    const arrivals = ['2026-11-20T10:00:00Z', '2026-11-20T08:00:00Z', '2026-11-20T12:00:00Z', '2026-11-20T09:00:00Z', '2026-11-20T11:00:00Z'];
    for (const [i, eventTime] of arrivals.entries()) {
      const proposal = sampleProposal({ notes: [`from ${eventTime}`] });
      await store.recordOccurrence(makeDenial({ eventId: `evt-order-${i}`, fingerprint: 'fp-order', eventTime, proposal }), NOW);
    }

    const incident = await store.get('fp-order');

    expect(incident).toMatchObject({
      count: 5,
      firstSeen: '2026-11-20T08:00:00.000Z',
      lastSeen: '2026-11-20T12:00:00.000Z',
      latest: { eventId: 'evt-order-2', eventTime: '2026-11-20T12:00:00Z' },
      proposal: { notes: ['from 2026-11-20T12:00:00Z'] },
    });
    expect(incident?.latest.proposal).toEqual(incident?.proposal);
    const occurrenceTimes = (await store.occurrences('fp-order')).map((o) => o.eventTime);
    expect(occurrenceTimes).toEqual([...occurrenceTimes].sort().reverse());
    expect(occurrenceTimes[0]).toBe('2026-11-20T12:00:00.000Z');
  });

  test('a newer occurrence without a proposal clears the stored one, so latest and proposal never disagree', async () => {
    const store = await freshStore(dynamo.client);
    await store.recordOccurrence(makeDenial({ eventId: 'evt-p1', fingerprint: 'fp-p', eventTime: '2026-11-20T08:00:00Z' }), NOW);
    await store.recordOccurrence(makeDenial({ eventId: 'evt-p2', fingerprint: 'fp-p', eventTime: '2026-11-20T09:00:00Z', proposal: undefined }), NOW);

    const incident = await store.get('fp-p');

    expect(incident?.proposal).toBeUndefined();
    expect(incident?.latest.eventId).toBe('evt-p2');
  });

  test('distinct accounts, regions and sessions are kept once each, capped, without empty values', async () => {
    const store = await freshStore(dynamo.client, { maxDistinct: 3 });
    const inputs: Array<{ account: string | null; region: string; session?: string }> = [
      { account: '111111111111', region: 'us-east-1', session: 's1' },
      { account: '111111111111', region: 'us-east-1', session: 's1' },
      { account: null, region: 'eu-west-1', session: '' },
      { account: '222222222222', region: 'us-west-2', session: 's2' },
      { account: '333333333333', region: 'ap-south-1', session: 's3' },
      { account: '444444444444', region: 'sa-east-1', session: 's4' },
    ];
    for (const [i, input] of inputs.entries()) {
      const base = makeDenial({ eventId: `evt-set-${i}`, fingerprint: 'fp-sets' });
      await store.recordOccurrence(
        {
          ...base,
          accountId: input.account,
          callRegion: input.region,
          deniedRegion: input.region,
          principal: { ...base.principal, sessionName: input.session },
        },
        NOW,
      );
    }

    const incident = await store.get('fp-sets');

    expect(incident?.count).toBe(6);
    expect(incident?.accounts).toEqual(['111111111111', '222222222222', '333333333333']);
    expect(incident?.regions).toEqual(['eu-west-1', 'us-east-1', 'us-west-2']);
    expect(incident?.sessions).toEqual(['s1', 's2', 's3']);
  });

  test('call and denied regions both count as regions seen', async () => {
    const store = await freshStore(dynamo.client);
    await store.recordOccurrence(makeDenial({ eventId: 'evt-xr', fingerprint: 'fp-xr', callRegion: 'us-east-1', deniedRegion: 'us-east-2' }), NOW);
    expect((await store.get('fp-xr'))?.regions).toEqual(['us-east-1', 'us-east-2']);
  });

  test('occurrences, which are the event markers, expire 90 days after they are recorded (TTL attribute expiresAt, epoch seconds)', async () => {
    const store = await freshStore(dynamo.client);
    const monthly = await freshStore(dynamo.client, { occurrenceTtlDays: 30 });
    // An old record replayed today keeps the full retention.
    const denial = makeDenial({ eventId: 'evt-ttl', fingerprint: 'fp-ttl', eventTime: '2026-01-01T00:00:00Z' });
    await store.recordOccurrence(denial, NOW);
    await monthly.recordOccurrence(denial, NOW);

    const [occurrence] = await store.occurrences('fp-ttl');
    const marker = await rawItem(store, 'EVT#evt-ttl', 'EVENT');

    const expected = Date.parse('2026-11-20T10:00:00Z') / 1000 + 90 * 86_400;
    expect(occurrence).toMatchObject({ eventId: 'evt-ttl', eventTime: '2026-01-01T00:00:00.000Z', expiresAt: expected, sessionName: 'session-1' });
    expect(marker?.expiresAt).toEqual({ N: String(expected) });
    expect((await monthly.occurrences('fp-ttl'))[0]?.expiresAt).toBe(Date.parse('2026-11-20T10:00:00Z') / 1000 + 30 * 86_400);
    // Incidents never expire; the marker horizon must outlast every redelivery (the on-failure queue keeps 14 days).
    expect((await rawItem(store, 'INC#fp-ttl', 'INCIDENT'))?.expiresAt).toBeUndefined();
    expect(() => new DynamoIncidentStore({ client: dynamo.client, tableName: store.tableName, occurrenceTtlDays: 14 })).toThrow(RangeError);
  });

  test('a record older than the marker horizon is counted with a warning that an expired marker could count it again', async () => {
    const base = await freshStore(dynamo.client);
    const warnings: string[] = [];
    const store = new DynamoIncidentStore({ client: dynamo.client, tableName: base.tableName, onWarning: (message) => warnings.push(message) });
    await store.recordOccurrence(makeDenial({ eventId: 'evt-recent', fingerprint: 'fp-horizon', eventTime: '2026-09-01T00:00:00Z' }), NOW);
    expect(warnings).toEqual([]);

    const outcome = await store.recordOccurrence(makeDenial({ eventId: 'evt-ancient', fingerprint: 'fp-horizon', eventTime: '2026-01-01T00:00:00Z' }), NOW);

    expect(outcome.kind).toBe('counted');
    expect(warnings).toEqual(["record older than the event marker horizon (90 days): counted again if an earlier count's marker has expired"]);
  });

  test('an oversized proposal is trimmed to fit the 400 KB item limit and says so', async () => {
    const store = await freshStore(dynamo.client);
    const huge = sampleProposal({ terraform: 'x'.repeat(300_000), diff: 'y'.repeat(150_000) });

    const outcome = await store.recordOccurrence(makeDenial({ eventId: 'evt-big', fingerprint: 'fp-big', proposal: huge }), NOW);

    expect(outcome.kind).toBe('counted');
    const stored = (await store.get('fp-big'))?.proposal;
    expect(stored?.terraform).toBeUndefined();
    expect(stored?.statements).toEqual(huge.statements);
    expect(stored?.notes.join(' ')).toMatch(/Trimmed for storage/);
  });

  test('a denial without a parseable eventTime is rejected before the event is claimed', async () => {
    const store = await freshStore(dynamo.client);
    const bad = makeDenial({ eventId: 'evt-bad', fingerprint: 'fp-bad', eventTime: 'yesterday' });

    await expect(store.recordOccurrence(bad, NOW)).rejects.toBeInstanceOf(InvalidOccurrenceError);
    expect(await rawItem(store, 'EVT#evt-bad', 'EVENT')).toBeUndefined();
  });
});
