import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertMessage } from '../../lib/notify/types';
import { DynamoIncidentStore } from '../../lib/incidents/dynamodb/store';
import { EventInFlightError } from '../../lib/incidents/errors';
import { processRecord, type PipelineDeps, type PipelineOutcome } from '../../lib/pipeline/process';
import { AlertInFlightError } from '../../lib/pipeline/dispatch-alert';
import type { PipelineMetric } from '../../lib/pipeline/metrics';
import { sweepDeferredAlerts } from '../../lib/pipeline/sweep';
import { CapturingNotifier } from '../support/builders';
import { freshStore, useEmbeddedDynamoDB } from '../support/dynamodb';

const base = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'records', '01-apprunner-no-bedrock-grant.json'), 'utf8')) as Record<
  string,
  unknown
>;
const occurrence = (id: string) => ({ ...base, eventID: id });

const dynamo = useEmbeddedDynamoDB();

async function pipeline(start: Date) {
  const store = await freshStore(dynamo.client);
  const notifier = new CapturingNotifier('m-');
  const published = notifier.messages;
  const metrics = new Map<PipelineMetric, number>();
  const clock = { now: start };
  const deps: PipelineDeps = {
    store,
    notifier,
    alertPolicy: { windowMinutes: 60, pendingLeaseSeconds: 45 },
    clock: () => clock.now,
    count: (m, v = 1) => metrics.set(m, (metrics.get(m) ?? 0) + v),
  };
  return { store, published, metrics, clock, deps };
}

/**
 * What a Lambda retry does: try again until the delivery is neither in flight nor racing a publish,
 * after a growing, jittered pause (as Lambda waits between retries), so that retrying deliveries do not
 * keep the shared event loop and dynalite busy while the delivery they wait for needs them.
 */
async function deliverWithRetries(record: unknown, deps: PipelineDeps): Promise<PipelineOutcome> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await processRecord(record, deps);
    } catch (err) {
      if (!(err instanceof EventInFlightError) && !(err instanceof AlertInFlightError)) throw err;
    }
    const ceilingMs = Math.min(200, 5 * 2 ** attempt);
    await new Promise((resolve) => setTimeout(resolve, ceilingMs / 2 + (Math.random() * ceilingMs) / 2));
  }
}

describe('processRecord on dynalite', () => {
  it('turns a burst of one denial, delivered concurrently and partly twice, into one incident, an exact count and one alert', async () => {
    const { store, published, metrics, deps } = await pipeline(new Date('2026-11-22T08:00:00Z'));
    const ids = Array.from({ length: 400 }, (_, i) => `burst-${i}`);
    const deliveries = [...ids, ...ids.filter((_, i) => i % 4 === 0)];
    for (let i = 0; i < deliveries.length; i += 50) {
      await Promise.all(deliveries.slice(i, i + 50).map((id) => deliverWithRetries(occurrence(id), deps)));
    }
    const incidents = await store.list();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.count).toBe(400);
    expect(published).toHaveLength(1);
    expect(metrics.get('DenialsProcessed')).toBe(400);
    expect(metrics.get('Duplicates')).toBe(100);
    // The count crossed 10 and 100 inside the window: held back for the next occurrence after it.
    expect(incidents[0]!.alert.deferred).toBeDefined();
    // Hundreds of DynamoDB round trips on a shared event loop: generous on a loaded 2-core CI machine.
  }, 120_000);

  it('follows an incident through its life: open, threshold deferred, window passes, acknowledged, reopened, suppressed', async () => {
    const { store, published, clock, deps } = await pipeline(new Date('2026-11-22T08:00:00Z'));
    const subjects = () => published.map((m) => m.Subject);

    const first = await processRecord(occurrence('life-0'), deps);
    expect(first).toMatchObject({ kind: 'counted', created: true, alert: 'sent' });
    for (let i = 1; i < 10; i++) await processRecord(occurrence(`life-${i}`), deps);
    expect(published).toHaveLength(1);

    clock.now = new Date('2026-11-22T09:30:00Z');
    expect(await processRecord(occurrence('life-10'), deps)).toMatchObject({ kind: 'counted', count: 11, alert: 'sent' });
    expect(published).toHaveLength(2);

    const fingerprint = (first as { fingerprint: string }).fingerprint;
    expect(await store.setStatus(fingerprint, 'acknowledged', clock.now)).toBe(true);
    clock.now = new Date('2026-11-22T11:00:00Z');
    expect(await processRecord(occurrence('life-11'), deps)).toMatchObject({ kind: 'counted', alert: 'sent' });
    expect((await store.get(fingerprint))?.status).toBe('open');
    expect(published).toHaveLength(3);

    expect(await store.setStatus(fingerprint, 'suppressed', clock.now, { suppressedUntil: new Date('2026-11-23T11:00:00Z') })).toBe(true);
    clock.now = new Date('2026-11-22T13:00:00Z');
    expect(await processRecord(occurrence('life-12'), deps)).toMatchObject({ kind: 'counted', alert: 'none' });
    expect(published).toHaveLength(3);

    clock.now = new Date('2026-11-23T12:00:00Z');
    expect(await processRecord(occurrence('life-13'), deps)).toMatchObject({ kind: 'counted', alert: 'sent' });
    expect((await store.get(fingerprint))?.status).toBe('open');
    expect(published).toHaveLength(4);
    expect(subjects().every((s) => s.length < 100)).toBe(true);
  });

  it('recovers the opening alert of an incident counted by a delivery that failed before claiming it', async () => {
    const { store, published, deps } = await pipeline(new Date('2026-11-22T08:00:00Z'));
    const failingClaim = {
      ...deps,
      store: Object.assign(Object.create(store) as DynamoIncidentStore, { claimAlert: async () => Promise.reject(new Error('DynamoDB throttled')) }),
    };
    await expect(processRecord(occurrence('lost-1'), failingClaim)).rejects.toThrow(/throttled/);
    expect(published).toHaveLength(0);

    expect(await processRecord(occurrence('lost-1'), deps)).toMatchObject({ kind: 'duplicate', alert: 'sent' });
    expect(published).toHaveLength(1);
    expect((await store.list())[0]).toMatchObject({ count: 1 });
  });

  it('reports records that are not denials or cannot be stored without throwing', async () => {
    const { published, metrics, deps } = await pipeline(new Date('2026-11-22T08:00:00Z'));
    expect(await processRecord({ ...base, eventID: 'ok', errorCode: undefined, errorMessage: undefined }, deps)).toMatchObject({ kind: 'skipped' });
    expect(await processRecord({ eventSource: 'bedrock.amazonaws.com', errorCode: 'AccessDenied' }, deps)).toMatchObject({ kind: 'invalid' });
    expect(published).toHaveLength(0);
    expect(metrics.get('BadRecords')).toBe(1);
    expect(metrics.get('RecordsSkipped')).toBe(1);
  });
});

describe('sweepDeferredAlerts on dynalite', () => {
  it('announces a comeback held back by the window once, even with no later occurrence', async () => {
    const { store, published, clock, deps } = await pipeline(new Date('2026-11-22T08:00:00Z'));
    const first = (await processRecord(occurrence('sweep-0'), deps)) as { fingerprint: string };
    await store.setStatus(first.fingerprint, 'resolved', clock.now);
    clock.now = new Date('2026-11-22T08:20:00Z');
    expect(await processRecord(occurrence('sweep-1'), deps)).toMatchObject({ alert: 'deferred' });

    clock.now = new Date('2026-11-22T08:45:00Z');
    expect(await sweepDeferredAlerts(deps)).toEqual({ checked: 1, sent: 0, failed: [] });
    clock.now = new Date('2026-11-22T09:05:00Z');
    expect(await sweepDeferredAlerts(deps)).toEqual({ checked: 1, sent: 1, failed: [] });
    expect(await sweepDeferredAlerts(deps)).toEqual({ checked: 1, sent: 0, failed: [] });
    expect(published).toHaveLength(2);
    const alert = (await store.get(first.fingerprint))?.alert;
    expect(alert?.alertsSent).toBe(2);
    expect(alert?.deferred).toBeUndefined();
    expect(alert?.pending).toBeUndefined();
  });

  it('takes over a claim whose publish failed and was never retried', async () => {
    const { store, published, clock, deps } = await pipeline(new Date('2026-11-22T08:00:00Z'));
    const failing = { ...deps, notifier: { publish: async () => Promise.reject(new Error('SNS down')) } };
    await expect(processRecord(occurrence('stuck-0'), failing)).rejects.toThrow(/SNS down/);
    expect((await store.list())[0]!.alert.pending).toBeDefined();

    clock.now = new Date('2026-11-22T08:10:00Z');
    expect((await sweepDeferredAlerts(deps)).sent).toBe(0);
    clock.now = new Date('2026-11-22T08:40:00Z');
    expect((await sweepDeferredAlerts(deps)).sent).toBe(1);
    expect(published).toHaveLength(1);
    const alert = (await store.list())[0]!.alert;
    expect(alert.alertsSent).toBe(1);
    expect(alert.pending).toBeUndefined();
  });
});

describe('a stale alert claim is taken over by exactly one caller', () => {
  async function stuckClaim() {
    const setup = await pipeline(new Date('2026-11-22T08:00:00Z'));
    const failing = { ...setup.deps, notifier: { publish: async () => Promise.reject(new Error('SNS down')) } };
    await expect(processRecord(occurrence('stale-0'), failing)).rejects.toThrow(/SNS down/);
    setup.clock.now = new Date('2026-11-22T09:00:00Z');
    // A slow publish widens the race window, as a real SNS call would.
    setup.deps.notifier = { publish: async (m) => (await new Promise((r) => setTimeout(r, 50)), setup.published.push(m), { messageId: 'm' }) };
    return setup;
  }

  it('when twenty occurrences arrive at once', async () => {
    const { store, published, deps } = await stuckClaim();
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => processRecord(occurrence(`stale-${i + 1}`), deps)));
    expect(published).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'counted' && o.alert === 'resent')).toHaveLength(1);
    expect((await store.list())[0]!.alert).toMatchObject({ alertsSent: 1 });
  });

  it('when two sweeps overlap', async () => {
    const { published, deps } = await stuckClaim();
    const [a, b] = await Promise.all([sweepDeferredAlerts(deps), sweepDeferredAlerts(deps)]);
    expect(a.sent + b.sent).toBe(1);
    expect(published).toHaveLength(1);
  });
});

describe('a sweep with one failing alert', () => {
  it('sends the others and reports the failure instead of throwing', async () => {
    const { store, published, clock, deps } = await pipeline(new Date('2026-11-22T08:00:00Z'));
    const fingerprints: string[] = [];
    for (const name of ['01-apprunner-no-bedrock-grant.json', '05-ecs-task-account-id-in-foundation-model-arn.json']) {
      const record = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'records', name), 'utf8')) as Record<string, unknown>;
      const first = (await processRecord(record, deps)) as { fingerprint: string };
      fingerprints.push(first.fingerprint);
      await store.setStatus(first.fingerprint, 'resolved', clock.now);
    }
    clock.now = new Date('2026-11-22T08:10:00Z');
    for (const name of ['01-apprunner-no-bedrock-grant.json', '05-ecs-task-account-id-in-foundation-model-arn.json']) {
      const record = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'records', name), 'utf8')) as Record<string, unknown>;
      expect(await processRecord({ ...record, eventID: `${String(record.eventID)}-again` }, deps)).toMatchObject({ alert: 'deferred' });
    }
    clock.now = new Date('2026-11-22T09:30:00Z');
    const failOn = fingerprints[0]!;
    const notifier = deps.notifier;
    const picky = {
      ...deps,
      notifier: {
        publish: async (m: AlertMessage) => (JSON.parse(m.Message).default.includes(failOn) ? Promise.reject(new Error('SNS throttled')) : notifier.publish(m)),
      },
    };
    const result = await sweepDeferredAlerts(picky);
    expect(result.sent).toBe(1);
    expect(result.failed).toEqual([{ fingerprint: failOn, error: 'Error: SNS throttled' }]);
    expect(published).toHaveLength(3);
  });
});
