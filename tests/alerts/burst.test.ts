/**
 * The storm guarantee of the alert policy, proven against a tiny in-memory model of the incident
 * store's atomic operations (the same semantics the DynamoDB store implements with conditions):
 * record counts each eventId once, setStatus is conditional on `from`, claimAlert refuses while an
 * alert is pending or one was sent at or after windowStart, completeAlert is conditional on the claim.
 * This tests the pure policy's decisions, not DynamoDB.
 */
import fc from 'fast-check';
import { pendingDecisionFor, statusTransitionFor, triggerFor, triggerToDefer, windowStart, type AlertPolicyConfig } from '../../lib/alerts/policy';
import type { AlertTrigger, Incident, PendingAlert } from '../../lib/incidents/types';
import { incident as incidentFixture } from './fixtures';

class ModelStore {
  incident: Incident | null = null;
  private readonly seen = new Set<string>();

  record(eventId: string, now: Date): { kind: 'duplicate'; incident: Incident | null } | { kind: 'counted'; incident: Incident; created: boolean } {
    if (this.seen.has(eventId)) return { kind: 'duplicate', incident: this.snapshot() };
    this.seen.add(eventId);
    const created = this.incident === null;
    this.incident ??= incidentFixture({ count: 0, firstSeen: now.toISOString(), alert: { alertsSent: 0 } });
    this.incident.count += 1;
    this.incident.lastSeen = now.toISOString();
    return { kind: 'counted', incident: this.snapshot() as Incident, created };
  }

  setStatus(to: Incident['status'], from: Incident['status']): boolean {
    if (this.incident === null || this.incident.status !== from) return false;
    this.incident.status = to;
    delete this.incident.suppressedUntil;
    return true;
  }

  claimAlert(claim: PendingAlert, start: Date): boolean {
    const alert = this.incident?.alert;
    if (alert === undefined) return false;
    if (alert.lastAlertAt !== undefined && !(alert.lastAlertAt < start.toISOString())) return false;
    if (alert.pending !== undefined && alert.pending.eventId !== claim.eventId) return false;
    alert.pending = claim;
    return true;
  }

  deferAlert(trigger: AlertTrigger): void {
    if (this.incident && this.incident.alert.deferred === undefined) this.incident.alert.deferred = trigger;
  }

  completeAlert(eventId: string, sentAt: Date, count: number): void {
    const alert = this.incident?.alert;
    if (alert?.pending?.eventId !== eventId) return;
    delete alert.pending;
    delete alert.deferred;
    alert.lastAlertAt = sentAt.toISOString();
    alert.lastAlertCount = count;
    alert.alertsSent += 1;
  }

  private snapshot(): Incident | null {
    return this.incident && { ...this.incident, alert: { ...this.incident.alert } };
  }
}

interface Sent {
  at: number;
  trigger: AlertTrigger;
  count: number;
}

type DeliveryResult = 'done' | 'retry';

/**
 * One delivery of an event through the pipeline, as steps that a scheduler can interleave. It is the
 * wiring the policy is designed for; `fail()` decides whether the publish fails (the delivery is then
 * retried later, as Lambda's async retries would).
 */
function* delivery(
  store: ModelStore,
  eventId: string,
  now: Date,
  config: AlertPolicyConfig,
  sent: Sent[],
  fail: () => boolean,
  state: { publishingSince?: number },
): Generator<void, DeliveryResult, void> {
  const recorded = store.record(eventId, now);
  yield;
  let claim: PendingAlert | null = null;
  const pending = pendingDecisionFor(recorded.incident, eventId, now, config);
  if (pending.kind === 'wait') return 'retry';
  if (pending.kind === 'resend') {
    if (!store.claimAlert(pending.claim, windowStart(now, config))) return 'done';
    claim = pending.claim;
  } else if (recorded.kind === 'duplicate') {
    return 'done';
  } else {
    const snapshot = recorded.incident;
    let reopened = false;
    const transition = statusTransitionFor(snapshot, now);
    if (transition !== null) {
      reopened = store.setStatus(transition.to, transition.from);
      yield;
    }
    const trigger = triggerFor({ incident: snapshot, created: recorded.created, reopened, now }, config);
    if (trigger === null) return 'done';
    claim = { trigger, eventId, claimedAt: now.toISOString() };
    if (!store.claimAlert(claim, windowStart(now, config))) {
      const toDefer = triggerToDefer(trigger, snapshot.alert.deferred);
      if (toDefer !== null) store.deferAlert(toDefer);
      return 'done';
    }
  }
  state.publishingSince = Date.parse(claim.claimedAt);
  yield; // the publish is in flight: other deliveries run meanwhile
  if (fail()) return 'retry';
  const count = store.incident?.count ?? 0;
  sent.push({ at: now.getTime(), trigger: claim.trigger, count });
  store.completeAlert(claim.eventId, now, count);
  return 'done';
}

const RETRY_DELAY = 60_000;

/**
 * Runs deliveries with at most `concurrency` in flight, advancing one chosen by `pick` at each step.
 * A delivery that asks for a retry comes back one minute later, at most `maxRetries` times (then it is
 * abandoned, like an event in a dead-letter queue). An invocation cannot outlive the function timeout,
 * which the deployment keeps within the pending lease: a publish in flight finishes before any delivery
 * at least one lease later runs.
 */
function run(
  store: ModelStore,
  deliveries: Array<{ eventId: string; at: number }>,
  config: AlertPolicyConfig,
  concurrency: number,
  pick: (inFlight: number) => number,
  options: { fail?: () => boolean; maxRetries?: number } = {},
): Sent[] {
  const sent: Sent[] = [];
  const queue = deliveries.map((d) => ({ ...d, attempt: 0 }));
  const inFlight: Array<{ steps: Generator<void, DeliveryResult, void>; d: (typeof queue)[number]; state: { publishingSince?: number } }> = [];
  const lease = (config.pendingLeaseSeconds ?? 20) * 1000;
  const fail = options.fail ?? (() => false);
  let next = 0;
  while (next < queue.length || inFlight.length > 0) {
    while (inFlight.length < concurrency && next < queue.length) {
      const d = queue[next++] as (typeof queue)[number];
      const state = {};
      inFlight.push({ steps: delivery(store, d.eventId, new Date(d.at), config, sent, fail, state), d, state });
    }
    let i = pick(inFlight.length) % inFlight.length;
    const chosenAt = (inFlight[i] as (typeof inFlight)[number]).d.at;
    const overdue = inFlight.findIndex((f) => f.state.publishingSince !== undefined && f.state.publishingSince + lease <= chosenAt);
    if (overdue >= 0) i = overdue;
    const current = inFlight[i] as (typeof inFlight)[number];
    const step = current.steps.next();
    if (step.done) {
      inFlight.splice(i, 1);
      if (step.value === 'retry' && current.d.attempt < (options.maxRetries ?? 2)) {
        queue.push({ eventId: current.d.eventId, at: current.d.at + RETRY_DELAY, attempt: current.d.attempt + 1 });
      }
    }
  }
  return sent;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CONFIG: AlertPolicyConfig = { windowMinutes: 60, thresholdBase: 10 };
const T0 = Date.parse('2026-11-20T09:00:00Z');
const MINUTE = 60_000;

describe('a burst of 10,000 occurrences of one denial', () => {
  // 10,000 occurrences within 20 minutes, every one delivered twice (EventBridge redelivery).
  const burst = Array.from({ length: 10_000 }, (_, i) => ({ eventId: `e-${i}`, at: T0 + Math.floor((i * 20 * MINUTE) / 10_000) }));
  const withDuplicates = burst.flatMap((d, i) => (i % 3 === 0 ? [d, d] : [d]));

  it.each([
    ['delivered one at a time', 1, 0],
    ['delivered 50 at a time, interleaved at random', 50, 42],
    ['delivered 500 at a time, interleaved at random', 500, 7],
  ])('yields exactly one alert when %s', (_name, concurrency, seed) => {
    const store = new ModelStore();
    const random = mulberry32(seed);
    const sent = run(store, withDuplicates, CONFIG, concurrency, (n) => Math.floor(random() * n));

    expect(sent).toHaveLength(1);
    // Under concurrency the occurrence that reaches 10 can claim before the one that created the incident.
    expect(['opened', 'threshold']).toContain(sent[0]?.trigger);
    expect(store.incident?.count).toBe(10_000);
    expect(store.incident?.alert.alertsSent).toBe(1);
    // The triggers held back during the window are not lost: one alert is owed after it.
    expect(store.incident?.alert.deferred).toBeDefined();
    expect(store.incident?.alert.pending).toBeUndefined();

    // Given the window has passed, when the denial happens again, then exactly one more alert goes out.
    const later = run(
      store,
      [
        { eventId: 'late-1', at: T0 + 81 * MINUTE },
        { eventId: 'late-2', at: T0 + 82 * MINUTE },
      ],
      CONFIG,
      2,
      () => 0,
    );
    expect(later.map((s) => s.trigger)).toEqual(['deferred']);
    expect(store.incident?.alert.deferred).toBeUndefined();
  });
});

describe('at most one alert per fingerprint per window, and no claimed alert lost (property)', () => {
  const arbitraryTimeline = fc.record({
    gaps: fc.array(fc.integer({ min: 0, max: 40 * MINUTE }), { minLength: 1, maxLength: 300 }),
    duplicates: fc.array(fc.nat(), { maxLength: 30 }),
    concurrency: fc.integer({ min: 1, max: 20 }),
    picks: fc.array(fc.nat(), { minLength: 1, maxLength: 64 }),
    failures: fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }),
    windowMinutes: fc.integer({ min: 1, max: 120 }),
  });

  it('holds for any arrival times, redeliveries, interleavings and publish failures', () => {
    fc.assert(
      fc.property(arbitraryTimeline, ({ gaps, duplicates, concurrency, picks, failures, windowMinutes }) => {
        const config: AlertPolicyConfig = { windowMinutes, thresholdBase: 10 };
        let at = T0;
        const deliveries = gaps.map((gap, i) => ({ eventId: `e-${i}`, at: (at += gap) }));
        for (const d of duplicates) {
          const copy = deliveries[d % deliveries.length];
          if (copy) deliveries.splice((d * 7) % deliveries.length, 0, copy);
        }
        let step = 0;
        let publishes = 0;
        let lastPublishFailed = false;
        const store = new ModelStore();
        const sent = run(store, deliveries, config, concurrency, (n) => (picks[step++ % picks.length] ?? 0) % n, {
          fail: () => (lastPublishFailed = failures[publishes++ % failures.length] === true),
        });

        const times = sent.map((s) => s.at).sort((a, b) => a - b);
        for (let i = 1; i < times.length; i++) {
          expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThan(windowMinutes * MINUTE);
        }
        expect(store.incident?.count).toBe(gaps.length);
        expect(store.incident?.alert.alertsSent).toBe(sent.length);
        expect(sent.length).toBeLessThanOrEqual(1 + Math.floor((at - T0) / (windowMinutes * MINUTE)) + 1);
        // A claim may stay pending only when the last publish failed, or when its deliveries were
        // abandoned and no occurrence came after it had become stale (nobody could take it over).
        const pending = store.incident?.alert.pending;
        if (pending !== undefined && !lastPublishFailed) {
          expect(at).toBeLessThan(Date.parse(pending.claimedAt) + 30 * MINUTE);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('without failures, every timeline alerts at its first occurrence', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 90 * MINUTE }), { minLength: 1, maxLength: 100 }), (gaps) => {
        let at = T0;
        const store = new ModelStore();
        const sent = run(
          store,
          gaps.map((gap, i) => ({ eventId: `e-${i}`, at: (at += gap) })),
          CONFIG,
          1,
          () => 0,
        );
        expect(sent[0]).toMatchObject({ at: T0 + (gaps[0] as number), trigger: 'opened' });
      }),
      { numRuns: 100 },
    );
  });
});

describe('publish failures', () => {
  it('a failed publish is sent by the retry of its own event, once', () => {
    const store = new ModelStore();
    let failuresLeft = 1;
    const sent = run(store, [{ eventId: 'e-0', at: T0 }], CONFIG, 1, () => 0, { fail: () => failuresLeft-- > 0 });
    expect(sent).toEqual([{ at: T0 + RETRY_DELAY, trigger: 'opened', count: 1 }]);
    expect(store.incident?.alert.pending).toBeUndefined();
  });

  it('a redelivery racing the first publish waits instead of sending a second alert', () => {
    const store = new ModelStore();
    // Both copies in flight at once; the scheduler always advances the newest.
    const sent = run(
      store,
      [
        { eventId: 'e-0', at: T0 },
        { eventId: 'e-0', at: T0 + 1000 },
      ],
      CONFIG,
      2,
      (n) => n - 1,
    );
    expect(sent).toHaveLength(1);
  });

  it('an abandoned claim is taken over by a later occurrence once it is stale', () => {
    const store = new ModelStore();
    run(store, [{ eventId: 'e-0', at: T0 }], CONFIG, 1, () => 0, { fail: () => true, maxRetries: 0 });
    expect(store.incident?.alert.pending?.eventId).toBe('e-0');
    expect(run(store, [{ eventId: 'e-1', at: T0 + 10 * MINUTE }], CONFIG, 1, () => 0)).toEqual([]);
    const sent = run(store, [{ eventId: 'e-2', at: T0 + 31 * MINUTE }], CONFIG, 1, () => 0);
    expect(sent.map((s) => s.trigger)).toEqual(['opened']);
    expect(store.incident?.alert.pending).toBeUndefined();
  });
});

describe('reopening under concurrency', () => {
  it('alerts once when many occurrences race to bring back a resolved incident', () => {
    const store = new ModelStore();
    run(store, [{ eventId: 'first', at: T0 }], CONFIG, 1, () => 0);
    (store.incident as Incident).status = 'resolved';
    const comeback = Array.from({ length: 40 }, (_, i) => ({ eventId: `back-${i}`, at: T0 + 3 * 60 * MINUTE + i }));
    const sent = run(store, comeback, CONFIG, 40, (n) => n - 1);
    expect(sent.map((s) => s.trigger)).toEqual(['reopened']);
    expect(store.incident?.status).toBe('open');
  });

  it('stays silent while suppressed, and alerts once when the suppression has ended', () => {
    const store = new ModelStore();
    run(store, [{ eventId: 'first', at: T0 }], CONFIG, 1, () => 0);
    Object.assign(store.incident as Incident, { status: 'suppressed', suppressedUntil: new Date(T0 + 24 * 60 * MINUTE).toISOString() });
    const during = Array.from({ length: 120 }, (_, i) => ({ eventId: `quiet-${i}`, at: T0 + 2 * 60 * MINUTE + i * 10 * MINUTE }));
    expect(run(store, during, CONFIG, 4, () => 0)).toEqual([]);
    const after = [{ eventId: 'after', at: T0 + 25 * 60 * MINUTE }];
    expect(run(store, after, CONFIG, 1, () => 0).map((s) => s.trigger)).toEqual(['reopened']);
  });
});
