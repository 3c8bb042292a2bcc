import { BatchWriteItemCommand, DeleteItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoIncidentStore, type DynamoIncidentStoreOptions } from '../../lib/incidents/dynamodb/store';
import { EventInFlightError, InvalidOccurrenceError, StoreError } from '../../lib/incidents/errors';
import type { RecordOutcome } from '../../lib/incidents/types';
import type { Denial } from '../../lib/denial/types';
import { at, makeDenial } from './fixtures';
import { freshStore, useEmbeddedDynamoDB } from '../support/dynamodb';

// Batched counting (README.md, "Batched counting"): a store that is its table's one writer counts several
// events of one incident with one incident update and batched marker writes. Each eventID still counts once.

const dynamo = useEmbeddedDynamoDB();

const NOW = at('2026-11-20T10:00:00Z');
const minutesAfter = (date: Date, minutes: number): Date => new Date(date.getTime() + minutes * 60_000);
const DAY = [at('2026-11-20T00:00:00Z'), at('2026-11-21T00:00:00Z')] as const;

const soleWriter = (options: Partial<Omit<DynamoIncidentStoreOptions, 'client'>> = {}): Promise<DynamoIncidentStore> =>
  freshStore(dynamo.client, { soleWriter: true, ...options });

const storm = (fingerprint: string, ids: readonly string[], minute = 0): Denial[] =>
  ids.map((id, i) => makeDenial({ eventId: id, fingerprint, eventTime: new Date(Date.parse('2026-11-20T09:00:00Z') + (minute + i) * 60_000).toISOString() }));

/** A client that fails the calls `crashes` picks, as a process killed at that point would. */
function crashingClient(real: DynamoDBClient, crashes: (command: unknown) => boolean): DynamoDBClient {
  return {
    send: (command: unknown) => (crashes(command) ? Promise.reject(new Error('simulated crash')) : real.send(command as never)),
  } as unknown as DynamoDBClient;
}

/** Counts the write calls a store makes through `real`. */
function countingClient(real: DynamoDBClient): { client: DynamoDBClient; calls: () => number } {
  let calls = 0;
  const client = {
    send: (command: unknown) => {
      calls++;
      return real.send(command as never);
    },
  } as unknown as DynamoDBClient;
  return { client, calls: () => calls };
}

const kinds = (outcomes: RecordOutcome[]): string[] => outcomes.map((o) => o.kind);
const counts = (outcomes: RecordOutcome[]): Array<number | undefined> => outcomes.map((o) => o.incident?.count);

describe('batched counting (sole writer)', () => {
  test('a storm is counted once per event, each outcome with the count its event reached, in few calls', async () => {
    const store = await soleWriter();
    const metered = countingClient(dynamo.client);
    const counting = new DynamoIncidentStore({ client: metered.client, tableName: store.tableName, soleWriter: true });
    const denials = storm(
      'fp-storm',
      Array.from({ length: 20 }, (_, i) => `evt-${i}`),
    );

    const outcomes = await counting.recordOccurrences(denials, NOW);

    expect(kinds(outcomes)).toEqual(Array(20).fill('counted'));
    expect(counts(outcomes)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(outcomes.map((o) => o.kind === 'counted' && o.created)).toEqual([true, ...Array(19).fill(false)]);
    // Markers read (1), written pending (1), incident (1), explanation (1), markers counted (1).
    expect(metered.calls()).toBeLessThanOrEqual(6);
    const incident = await store.get('fp-storm');
    expect(incident).toMatchObject({ count: 20, firstSeen: '2026-11-20T09:00:00.000Z', lastSeen: '2026-11-20T09:19:00.000Z' });
    expect(incident?.latest.eventId).toBe('evt-19');
    expect(await store.occurrences('fp-storm', 100)).toHaveLength(20);
    expect(await store.dailyCounts(...DAY)).toEqual([{ fingerprint: 'fp-storm', day: '2026-11-20', count: 20 }]);
  });

  test('replaying the same batch counts nothing twice, batched or one event at a time', async () => {
    const store = await soleWriter();
    const denials = storm('fp-again', ['a', 'b', 'c']);
    await store.recordOccurrences(denials, NOW);

    const again = await store.recordOccurrences(denials, minutesAfter(NOW, 1));
    const single = await store.recordOccurrence(denials[1]!, minutesAfter(NOW, 2));

    expect(kinds(again)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(counts(again)).toEqual([3, 3, 3]);
    expect(single).toMatchObject({ kind: 'duplicate', incident: { count: 3 } });
    expect((await store.get('fp-again'))?.count).toBe(3);
  });

  test('a mixed batch of new events and events already counted one at a time (live ingestion first) counts only the new ones', async () => {
    const store = await soleWriter();
    const denials = storm('fp-mixed', ['m0', 'm1', 'm2', 'm3', 'm4']);
    await store.recordOccurrence(denials[1]!, NOW);
    await store.recordOccurrence(denials[3]!, NOW);

    const outcomes = await store.recordOccurrences(denials, minutesAfter(NOW, 1));

    expect(kinds(outcomes)).toEqual(['counted', 'duplicate', 'counted', 'duplicate', 'counted']);
    expect(outcomes.filter((o) => o.kind === 'counted').map((o) => o.incident?.count)).toEqual([3, 4, 5]);
    expect(outcomes.some((o) => o.kind === 'counted' && o.created)).toBe(false);
    expect((await store.get('fp-mixed'))?.count).toBe(5);
    expect(await store.occurrences('fp-mixed', 100)).toHaveLength(5);
  });

  test('a batch holding one eventID twice, or two incidents, is refused before anything is written', async () => {
    const store = await soleWriter();
    const [a, b] = storm('fp-refused', ['r0', 'r1']);
    const other = makeDenial({ eventId: 'r2', fingerprint: 'fp-other' });

    await expect(store.recordOccurrences([a!, b!, a!], NOW)).rejects.toBeInstanceOf(InvalidOccurrenceError);
    await expect(store.recordOccurrences([a!, other], NOW)).rejects.toBeInstanceOf(InvalidOccurrenceError);
    await expect(store.recordOccurrences([a!, makeDenial({ eventId: 'r3', fingerprint: 'fp-refused', eventTime: 'yesterday' })], NOW)).rejects.toBeInstanceOf(
      InvalidOccurrenceError,
    );

    expect(await store.get('fp-refused')).toBeNull();
    // Nothing was claimed: each event is then counted normally.
    expect(await store.recordOccurrences([a!, b!], NOW)).toMatchObject([{ kind: 'counted' }, { kind: 'counted' }]);
  });

  // `counted`: the incident was already counted when the batch died; `pending`: its markers were left pending.
  const crashPoints: Array<{ name: string; crashes: (command: unknown) => boolean; counted: boolean; pending: boolean }> = [
    {
      name: 'writing the pending markers',
      crashes: (c) => c instanceof BatchWriteItemCommand && JSON.stringify(c.input).includes('"pending"'),
      counted: false,
      pending: false,
    },
    {
      name: 'the incident update',
      crashes: (c) => c instanceof UpdateItemCommand && c.input.ReturnValues === 'ALL_NEW' && c.input.Key?.SK?.S === 'INCIDENT',
      counted: false,
      pending: true,
    },
    {
      name: 'the latest explanation (the incident already counted)',
      crashes: (c) => c instanceof UpdateItemCommand && c.input.Key?.SK?.S === 'INCIDENT#LATEST',
      counted: true,
      pending: true,
    },
    {
      name: 'marking the events counted (every counter already applied)',
      crashes: (c) => c instanceof BatchWriteItemCommand && JSON.stringify(c.input).includes('"counted"'),
      counted: true,
      pending: true,
    },
  ];

  test.each(crashPoints)(
    'a batch that died at $name is finished by the next run after the lease, each event counted once',
    async ({ crashes, counted, pending }) => {
      const store = await soleWriter({ leaseSeconds: 900 });
      const dying = new DynamoIncidentStore({ client: crashingClient(dynamo.client, crashes), tableName: store.tableName, soleWriter: true });
      const denials = storm('fp-crash', ['c0', 'c1', 'c2', 'c3']);

      await expect(dying.recordOccurrences(denials, NOW)).rejects.toBeInstanceOf(StoreError);
      if (pending) {
        // Inside the lease the events are in flight: the run must come back later.
        await expect(store.recordOccurrences(denials, minutesAfter(NOW, 5))).rejects.toBeInstanceOf(EventInFlightError);
      }
      const rerun = await store.recordOccurrences(denials, minutesAfter(NOW, 16));
      const replayed = await store.recordOccurrences(denials, minutesAfter(NOW, 17));

      expect(kinds(rerun)).toEqual(['counted', 'counted', 'counted', 'counted']);
      // Counted before the crash: the run finishes each event's job and reports the incident as it is.
      expect(counts(rerun)).toEqual(counted ? [4, 4, 4, 4] : [1, 2, 3, 4]);
      expect(kinds(replayed)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
      expect((await store.get('fp-crash'))?.count).toBe(4);
      expect(await store.occurrences('fp-crash', 100)).toHaveLength(4);
      expect(await store.dailyCounts(...DAY)).toEqual([{ fingerprint: 'fp-crash', day: '2026-11-20', count: 4 }]);
    },
  );

  test('events counted by a batch that died before marking them are not counted again by live deliveries (one event at a time)', async () => {
    const store = await soleWriter({ leaseSeconds: 900 });
    const dying = new DynamoIncidentStore({
      client: crashingClient(dynamo.client, (c) => c instanceof BatchWriteItemCommand && JSON.stringify(c.input).includes('"counted"')),
      tableName: store.tableName,
      soleWriter: true,
    });
    const denials = storm('fp-live', ['l0', 'l1', 'l2']);
    await expect(dying.recordOccurrences(denials, NOW)).rejects.toBeInstanceOf(StoreError);

    const late = minutesAfter(NOW, 16);
    const outcomes = [
      await store.recordOccurrence(denials[2]!, late),
      await store.recordOccurrence(denials[0]!, late),
      await store.recordOccurrence(denials[1]!, late),
    ];

    expect(kinds(outcomes)).toEqual(['counted', 'counted', 'counted']);
    expect((await store.get('fp-live'))?.count).toBe(3);
    expect(kinds(await store.recordOccurrences(denials, late))).toEqual(['duplicate', 'duplicate', 'duplicate']);
  });

  test('events still in the incident guard whose markers are gone (expired) are not counted again by a batch', async () => {
    const store = await soleWriter();
    const denials = storm('fp-expired', ['x0', 'x1', 'x2']);
    await store.recordOccurrences(denials, NOW);
    for (const id of ['x0', 'x1', 'x2']) {
      await dynamo.client.send(new DeleteItemCommand({ TableName: store.tableName, Key: { PK: { S: `EVT#${id}` }, SK: { S: 'EVENT' } } }));
    }
    // Another process (the previous run stopped): its guard entries are still on the incident.
    const next = new DynamoIncidentStore({ client: dynamo.client, tableName: store.tableName, soleWriter: true });

    const outcomes = await next.recordOccurrences(denials, minutesAfter(NOW, 1));

    expect(counts(outcomes)).toEqual([3, 3, 3]);
    expect((await store.get('fp-expired'))?.count).toBe(3);
  });

  test('a store that is not the sole writer counts a batch one event at a time, with the same outcomes', async () => {
    const shared = await freshStore(dynamo.client);
    const metered = countingClient(dynamo.client);
    const counting = new DynamoIncidentStore({ client: metered.client, tableName: shared.tableName });
    const denials = storm('fp-shared', ['s0', 's1', 's2', 's3']);

    const outcomes = await counting.recordOccurrences(denials, NOW);

    expect(counts(outcomes)).toEqual([1, 2, 3, 4]);
    expect(metered.calls()).toBeGreaterThanOrEqual(12);
  });
});
