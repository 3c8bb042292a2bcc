import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoIncidentStore } from '../../lib/incidents/dynamodb/store';
import { processRecord, processRecords, type PipelineDeps, type PipelineOutcome } from '../../lib/pipeline/process';
import type { PipelineMetric } from '../../lib/pipeline/metrics';
import { CapturingNotifier } from '../support/builders';
import { freshStore, useEmbeddedDynamoDB } from '../support/dynamodb';

// Replay on the embedded default counts a storm's records in groups (processRecords on a sole-writer
// store): every record's outcome, every alert and every metric must be those of a one-at-a-time run.

const base = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'records', '01-apprunner-no-bedrock-grant.json'), 'utf8')) as Record<
  string,
  unknown
>;
const occurrence = (id: string) => ({ ...base, eventID: id });

const dynamo = useEmbeddedDynamoDB();

async function pipeline(soleWriter: boolean) {
  const store = await freshStore(dynamo.client, { soleWriter });
  const notifier = new CapturingNotifier('m-');
  const metrics = new Map<PipelineMetric, number>();
  const clock = { now: new Date('2026-11-22T08:00:00Z') };
  const deps: PipelineDeps = {
    store,
    notifier,
    alertPolicy: { windowMinutes: 60, pendingLeaseSeconds: 45 },
    clock: () => clock.now,
    count: (m, v = 1) => metrics.set(m, (metrics.get(m) ?? 0) + v),
  };
  return { store, published: notifier.messages, metrics, clock, deps: { ...deps, store } };
}

type Run = Awaited<ReturnType<typeof pipeline>>;

/** What a run produced, comparable across runs. */
const summary = (outcomes: PipelineOutcome[]) =>
  outcomes.map((o) => (o.kind === 'counted' ? { kind: o.kind, count: o.count, created: o.created, reopened: o.reopened, alert: o.alert } : { ...o }));

async function oneAtATime(run: Run, records: unknown[]): Promise<PipelineOutcome[]> {
  const outcomes: PipelineOutcome[] = [];
  for (const record of records) outcomes.push(await processRecord(record, run.deps));
  return outcomes;
}

async function inGroups(run: Run & { store: DynamoIncidentStore }, records: unknown[], size: number): Promise<PipelineOutcome[]> {
  const outcomes: PipelineOutcome[] = [];
  for (let i = 0; i < records.length; i += size) outcomes.push(...(await processRecords(records.slice(i, i + size), run.deps)));
  return outcomes;
}

describe('processRecords: a storm counted in groups', () => {
  it('gives every record the outcome, the alerts and the metrics of a one-at-a-time run (thresholds at 10 and 100 included)', async () => {
    const records = Array.from({ length: 130 }, (_, i) => occurrence(`storm-${i}`));
    const single = await pipeline(false);
    const grouped = await pipeline(true);

    const expected = await oneAtATime(single, records);
    const actual = await inGroups(grouped, records, 20);

    expect(summary(actual)).toEqual(summary(expected));
    expect(grouped.published.map((m) => [m.Subject, m.Message])).toEqual(single.published.map((m) => [m.Subject, m.Message]));
    expect([...grouped.metrics].sort()).toEqual([...single.metrics].sort());
    const first = expected[0];
    expect((await grouped.store.get(first?.kind === 'counted' ? first.fingerprint : ''))?.count).toBe(130);
    expect(grouped.published.length).toBeGreaterThan(0);
  });

  it('replayed again, every record is a duplicate and nothing is counted or alerted twice', async () => {
    const records = Array.from({ length: 40 }, (_, i) => occurrence(`again-${i}`));
    const grouped = await pipeline(true);
    await inGroups(grouped, records, 20);
    const sent = grouped.published.length;

    const again = await inGroups(grouped, records, 20);

    expect(again.map((o) => o.kind)).toEqual(Array(40).fill('duplicate'));
    expect(grouped.published).toHaveLength(sent);
    expect(grouped.metrics.get('DenialsProcessed')).toBe(40);
  });

  it('a comeback of a resolved incident reopens it once, on the group’s first record, as one at a time', async () => {
    const single = await pipeline(false);
    const grouped = await pipeline(true);
    const first = Array.from({ length: 3 }, (_, i) => occurrence(`before-${i}`));
    const later = Array.from({ length: 6 }, (_, i) => occurrence(`after-${i}`));
    const results: Array<ReturnType<typeof summary>> = [];
    for (const [run, group] of [
      [single, false],
      [grouped, true],
    ] as const) {
      const done = group ? await inGroups(run, first, 20) : await oneAtATime(run, first);
      const opened = done[0];
      const fingerprint = opened?.kind === 'counted' ? opened.fingerprint : '';
      run.clock.now = new Date('2026-11-22T09:00:00Z');
      await run.store.setStatus(fingerprint, 'resolved', run.clock.now);
      run.clock.now = new Date('2026-11-22T12:00:00Z');
      results.push(summary(group ? await inGroups(run, later, 20) : await oneAtATime(run, later)));
    }

    expect(results[1]).toEqual(results[0]);
    expect(results[1]!.filter((o) => 'reopened' in o && o.reopened)).toHaveLength(1);
    expect(grouped.published.map((m) => [m.Subject, m.Message])).toEqual(single.published.map((m) => [m.Subject, m.Message]));
  });

  it('records that are not one incident’s denials with distinct event IDs go one at a time', async () => {
    const grouped = await pipeline(true);
    const records = [occurrence('mix-0'), { eventID: 'not-a-denial', eventName: 'GetObject' }, occurrence('mix-0'), occurrence('mix-1')];

    const outcomes = await processRecords(records, grouped.deps);

    expect(outcomes.map((o) => o.kind)).toEqual(['counted', 'skipped', 'duplicate', 'counted']);
  });
});
