/**
 * Issue 12, fault injection: a process dies at every step of the exactly-once protocol (before and after
 * each DynamoDB call, and before publishing), then the record is delivered again. Whatever the step, the
 * incident counts the event once and its opening alert goes out exactly once, except in the one window
 * no store can close: after the publish and before the store records it sent, where the alert goes out a
 * second time (at least once, never lost).
 *
 * Two ways back: the embedded default, where the re-run holds the data-dir lock after the dead process
 * (its leases and claims are taken over at once, no wait), and the deployed table, where the re-run is a
 * Lambda retry after the leases (counting 900 s, alert 20 s) ran out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoIncidentStore } from '../../lib/incidents/dynamodb/store';
import { alertPolicyConfig } from '../../lib/alerts/policy';
import { processRecord, type ProcessDeps } from '../../lib/pipeline/process';
import { freshStore, useEmbeddedDynamoDB } from '../support/dynamodb';
import { faultyDynamoClient, FaultyNotifier, isCrash, ProcessCrash, type Fault } from '../support/faults';

const record = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'records', '01-apprunner-no-bedrock-grant.json'), 'utf8')) as Record<
  string,
  unknown
>;
const T0 = new Date('2026-11-22T08:00:00Z');
const dynamo = useEmbeddedDynamoDB();

function deps(store: DynamoIncidentStore, notifier: FaultyNotifier, now: Date, exclusiveOwner?: string): ProcessDeps {
  return { store, notifier, alertPolicy: alertPolicyConfig({ windowMinutes: 60 }), clock: () => now, ...(exclusiveOwner ? { exclusiveOwner } : {}) };
}

/** The calls a clean first delivery makes, to crash at each of them. */
let cleanCalls: string[];
beforeAll(async () => {
  const table = await freshStore(dynamo.client);
  const faulty = faultyDynamoClient(dynamo.endpoint, () => undefined);
  const store = new DynamoIncidentStore({ client: faulty.client, tableName: table.tableName });
  const notifier = new FaultyNotifier();
  expect(await processRecord(record, deps(store, notifier, T0))).toMatchObject({ kind: 'counted', created: true, alert: 'sent' });
  cleanCalls = [...faulty.calls];
  faulty.client.destroy();
  // claim, count, explanation, mark, alert claim, alert completion: the protocol's six writes.
  expect(cleanCalls.filter((c) => c !== 'GetItemCommand')).toHaveLength(6);
});

type Mode = 'embedded' | 'deployed';
const steps = (): Array<[string, number, Fault]> =>
  cleanCalls.flatMap((command, index) => [
    [`before call ${index} (${command})`, index, 'crash-before'],
    [`after call ${index} (${command})`, index, 'crash-after'],
  ]);

async function crashThenRerun(mode: Mode, crashAt: number, fault: Fault): Promise<{ count: number; alerts: number; crashed: boolean }> {
  const table = await freshStore(dynamo.client);
  const first = faultyDynamoClient(dynamo.endpoint, ({ index }) => (index === crashAt ? fault : undefined));
  const dying = new FaultyNotifier();
  const exclusive = mode === 'embedded';
  const store1 = new DynamoIncidentStore({ client: first.client, tableName: table.tableName, ...(exclusive ? { exclusiveOwner: 'lock-of-run-1' } : {}) });
  const outcome = await processRecord(record, deps(store1, dying, T0, exclusive ? 'lock-of-run-1' : undefined)).catch((e: unknown) => e);
  first.client.destroy();
  const crashed = isCrash(outcome);

  // The re-run: the next replay under the lock a second later, or the Lambda retry after every lease.
  const later = new Date(T0.getTime() + (exclusive ? 1_000 : 901_000));
  const store2 = new DynamoIncidentStore({ client: dynamo.client, tableName: table.tableName, ...(exclusive ? { exclusiveOwner: 'lock-of-run-2' } : {}) });
  const notifier2 = new FaultyNotifier();
  await processRecord(record, deps(store2, notifier2, later, exclusive ? 'lock-of-run-2' : undefined));
  const incident = await store2.get((await store2.list())[0]!.fingerprint);
  return { count: incident!.count, alerts: dying.messages.length + notifier2.messages.length, crashed };
}

describe.each<[Mode]>([['embedded'], ['deployed']])('a crash at every step, then a re-run (%s)', (mode) => {
  it('crashes at each call of a clean delivery, and the re-run counts once and alerts once', async () => {
    const results: Array<[string, { count: number; alerts: number; crashed: boolean }]> = [];
    for (const [name, index, fault] of steps()) results.push([name, await crashThenRerun(mode, index, fault)]);
    const completion = cleanCalls.length - 1; // The last call records the alert sent.
    for (const [name, result] of results) {
      expect([name, result.crashed]).toStrictEqual([name, true]);
      expect([name, result.count]).toStrictEqual([name, 1]);
      // Published, then died before recording it: the one at-least-once window.
      const expectedAlerts = name === `before call ${completion} (${cleanCalls[completion]})` ? 2 : 1;
      expect([name, result.alerts]).toStrictEqual([name, expectedAlerts]);
    }
  }, 120_000);

  it('a crash just before publishing: the re-run sends the alert once', async () => {
    const table = await freshStore(dynamo.client);
    const exclusive = mode === 'embedded';
    const store1 = new DynamoIncidentStore({ client: dynamo.client, tableName: table.tableName, ...(exclusive ? { exclusiveOwner: 'run-1' } : {}) });
    const dying = new FaultyNotifier();
    dying.failWith = new ProcessCrash('died before publishing');
    await expect(processRecord(record, deps(store1, dying, T0, exclusive ? 'run-1' : undefined))).rejects.toThrow(ProcessCrash);

    const later = new Date(T0.getTime() + (exclusive ? 1_000 : 21_000));
    const store2 = new DynamoIncidentStore({ client: dynamo.client, tableName: table.tableName, ...(exclusive ? { exclusiveOwner: 'run-2' } : {}) });
    const notifier = new FaultyNotifier();
    expect(await processRecord(record, deps(store2, notifier, later, exclusive ? 'run-2' : undefined))).toMatchObject({ kind: 'duplicate', alert: 'resent' });
    expect(notifier.messages).toHaveLength(1);
    expect(await processRecord(record, deps(store2, notifier, later, exclusive ? 'run-2' : undefined))).toMatchObject({ kind: 'duplicate', alert: 'none' });
    expect(notifier.messages).toHaveLength(1);
  });
});

describe('the deployed table keeps its leases', () => {
  it('a re-run inside the counting lease of a dead delivery is told to retry later, not allowed to count', async () => {
    const table = await freshStore(dynamo.client);
    const first = faultyDynamoClient(dynamo.endpoint, ({ index }) => (index === 0 ? 'crash-after' : undefined));
    const store1 = new DynamoIncidentStore({ client: first.client, tableName: table.tableName });
    expect(isCrash(await processRecord(record, deps(store1, new FaultyNotifier(), T0)).catch((e: unknown) => e))).toBe(true);
    first.client.destroy();
    // Without the data-dir lock nothing proves the first delivery dead: its lease holds.
    const store2 = new DynamoIncidentStore({ client: dynamo.client, tableName: table.tableName });
    await expect(processRecord(record, deps(store2, new FaultyNotifier(), new Date(T0.getTime() + 1_000)))).rejects.toMatchObject({
      name: 'EventInFlightError',
    });
  });
});
