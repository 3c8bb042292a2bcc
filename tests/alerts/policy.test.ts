import {
  alertPolicyConfig,
  DEFAULT_ALERT_POLICY,
  isSilenced,
  isThresholdCount,
  pendingDecisionFor,
  statusTransitionFor,
  triggerFor,
  triggerToDefer,
  windowPassed,
  windowStart,
} from '../../lib/alerts/policy';
import { AlertPolicyConfigError } from '../../lib/alerts/errors';
import type { AlertTrigger, Incident } from '../../lib/incidents/types';
import { incident } from './fixtures';

const NOW = new Date('2026-11-20T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();
const minutesAhead = (m: number) => new Date(NOW.getTime() + m * 60_000).toISOString();

describe('triggerFor', () => {
  const cases: Array<{ name: string; incident: Partial<Incident>; created?: boolean; reopened?: boolean; expected: AlertTrigger | null }> = [
    { name: 'a new incident opens', incident: { count: 1 }, created: true, expected: 'opened' },
    { name: 'a second occurrence is silent', incident: { count: 2, alert: { alertsSent: 1, lastAlertAt: minutesAgo(1) } }, expected: null },
    { name: 'count reaching 10 is a threshold', incident: { count: 10 }, expected: 'threshold' },
    { name: 'count 11 is not', incident: { count: 11 }, expected: null },
    { name: 'count 99 is not', incident: { count: 99 }, expected: null },
    { name: 'count reaching 100 is a threshold', incident: { count: 100 }, expected: 'threshold' },
    { name: 'count 110 is not', incident: { count: 110 }, expected: null },
    { name: 'count 200 is not', incident: { count: 200 }, expected: null },
    { name: 'count reaching 1000 is a threshold', incident: { count: 1000 }, expected: 'threshold' },
    { name: 'count reaching 1,000,000 is a threshold', incident: { count: 1_000_000 }, expected: 'threshold' },
    { name: 'count 1 without creation is not', incident: { count: 1 }, expected: null },
    { name: 'a won reopening alerts', incident: { count: 5, status: 'open' }, reopened: true, expected: 'reopened' },
    { name: 'reopening beats threshold', incident: { count: 100 }, reopened: true, expected: 'reopened' },
    { name: 'creation beats everything', incident: { count: 1 }, created: true, reopened: true, expected: 'opened' },
    { name: 'a lost reopening race falls through to nothing', incident: { count: 7, status: 'resolved' }, expected: null },
    {
      name: 'suppressed until later: silent even at a threshold',
      incident: { count: 100, status: 'suppressed', suppressedUntil: minutesAhead(1) },
      expected: null,
    },
    {
      name: 'suppressed until later: silent even when reopening is claimed',
      incident: { count: 3, status: 'suppressed', suppressedUntil: minutesAhead(60) },
      reopened: true,
      expected: null,
    },
    {
      name: 'suppressed until later: silent even when created',
      incident: { count: 1, status: 'suppressed', suppressedUntil: minutesAhead(60) },
      created: true,
      expected: null,
    },
    { name: 'suppressed without an end: silent', incident: { count: 10, status: 'suppressed' }, expected: null },
    {
      name: 'suppression ended, reopening won',
      incident: { count: 4, status: 'suppressed', suppressedUntil: minutesAgo(1) },
      reopened: true,
      expected: 'reopened',
    },
    {
      name: 'suppression ended exactly now counts as ended',
      incident: { count: 10, status: 'suppressed', suppressedUntil: NOW.toISOString() },
      expected: 'threshold',
    },
    {
      name: 'deferred and the window has passed',
      incident: { count: 57, alert: { alertsSent: 1, deferred: 'threshold', lastAlertAt: minutesAgo(61) } },
      expected: 'deferred',
    },
    {
      name: 'deferred exactly one window ago: the claim would still refuse (strict comparison)',
      incident: { count: 57, alert: { alertsSent: 1, deferred: 'threshold', lastAlertAt: minutesAgo(60) } },
      expected: null,
    },
    {
      name: 'deferred but still inside the window',
      incident: { count: 57, alert: { alertsSent: 1, deferred: 'threshold', lastAlertAt: minutesAgo(59) } },
      expected: null,
    },
    { name: 'deferred and never alerted', incident: { count: 57, alert: { alertsSent: 0, deferred: 'reopened' } }, expected: 'deferred' },
    {
      name: 'deferred but suppressed',
      incident: {
        count: 57,
        status: 'suppressed',
        suppressedUntil: minutesAhead(5),
        alert: { alertsSent: 1, deferred: 'threshold', lastAlertAt: minutesAgo(600) },
      },
      expected: null,
    },
    {
      name: 'threshold beats deferred',
      incident: { count: 1000, alert: { alertsSent: 1, deferred: 'reopened', lastAlertAt: minutesAgo(600) } },
      expected: 'threshold',
    },
  ];

  it.each(cases)('$name', ({ incident: overrides, created = false, reopened = false, expected }) => {
    expect(triggerFor({ incident: incident(overrides), created, reopened, now: NOW })).toBe(expected);
  });

  it('uses the configured window and threshold base', () => {
    const config = alertPolicyConfig({ windowMinutes: 5, thresholdBase: 2 });
    const deferred = incident({ count: 3, alert: { alertsSent: 1, deferred: 'threshold', lastAlertAt: minutesAgo(6) } });
    expect(triggerFor({ incident: deferred, created: false, reopened: false, now: NOW }, config)).toBe('deferred');
    expect(triggerFor({ incident: deferred, created: false, reopened: false, now: NOW })).toBeNull();
    expect(triggerFor({ incident: incident({ count: 8 }), created: false, reopened: false, now: NOW }, config)).toBe('threshold');
    expect(triggerFor({ incident: incident({ count: 10 }), created: false, reopened: false, now: NOW }, config)).toBeNull();
  });

  it('accepts a configuration without a threshold base (default 10)', () => {
    expect(triggerFor({ incident: incident({ count: 100 }), created: false, reopened: false, now: NOW }, { windowMinutes: 5 })).toBe('threshold');
  });
});

describe('isThresholdCount', () => {
  it.each([
    [0, false],
    [1, false],
    [9, false],
    [10, true],
    [11, false],
    [20, false],
    [100, true],
    [101, false],
    [1000, true],
    [10_000, true],
    [100_000_000, true],
    [-10, false],
    [10.5, false],
    [Number.NaN, false],
  ])('%p → %p', (count, expected) => {
    expect(isThresholdCount(count)).toBe(expected);
  });

  it('exactly one count per power of ten in 1..10^6', () => {
    const hits: number[] = [];
    for (let c = 1; c <= 1_000_000; c++) if (isThresholdCount(c)) hits.push(c);
    expect(hits).toEqual([10, 100, 1000, 10_000, 100_000, 1_000_000]);
  });
});

describe('statusTransitionFor', () => {
  it.each<[string, Partial<Incident>, ReturnType<typeof statusTransitionFor>]>([
    ['open stays', { status: 'open' }, null],
    ['resolved comes back', { status: 'resolved' }, { from: 'resolved', to: 'open' }],
    ['acknowledged comes back', { status: 'acknowledged' }, { from: 'acknowledged', to: 'open' }],
    ['suppressed until later stays', { status: 'suppressed', suppressedUntil: minutesAhead(1) }, null],
    ['suppressed without an end stays', { status: 'suppressed' }, null],
    ['suppression ended comes back', { status: 'suppressed', suppressedUntil: minutesAgo(1) }, { from: 'suppressed', to: 'open' }],
    ['suppression ending now comes back', { status: 'suppressed', suppressedUntil: NOW.toISOString() }, { from: 'suppressed', to: 'open' }],
    ['unreadable suppression end comes back', { status: 'suppressed', suppressedUntil: 'soon' }, { from: 'suppressed', to: 'open' }],
  ])('%s', (_name, overrides, expected) => {
    expect(statusTransitionFor(incident(overrides), NOW)).toEqual(expected);
  });

  it('agrees with isSilenced', () => {
    for (const suppressedUntil of [undefined, minutesAgo(5), minutesAhead(5), 'garbage']) {
      const i = incident({ status: 'suppressed', suppressedUntil });
      expect(statusTransitionFor(i, NOW) === null).toBe(isSilenced(i, NOW));
    }
  });
});

describe('window', () => {
  it('starts windowMinutes before now', () => {
    expect(windowStart(NOW).toISOString()).toBe('2026-11-20T11:00:00.000Z');
    expect(windowStart(NOW, { windowMinutes: 15 }).toISOString()).toBe('2026-11-20T11:45:00.000Z');
  });

  it.each([
    [undefined, true],
    [minutesAgo(61), true],
    [minutesAgo(60), false],
    [minutesAgo(59), false],
    ['not a date', true],
  ])('windowPassed(%p) = %p', (lastAlertAt, expected) => {
    expect(windowPassed(lastAlertAt, NOW)).toBe(expected);
  });
});

describe('alertPolicyConfig', () => {
  it('defaults to a 60 minute window and base 10', () => {
    const defaults = { windowMinutes: 60, thresholdBase: 10, pendingLeaseSeconds: 20, stalePendingMinutes: 30 };
    expect(alertPolicyConfig()).toEqual(defaults);
    expect(DEFAULT_ALERT_POLICY).toEqual(defaults);
    expect(alertPolicyConfig({ windowMinutes: 5 })).toEqual({ ...defaults, windowMinutes: 5 });
  });

  it.each([
    [{ windowMinutes: -1 }, /windowMinutes/],
    [{ windowMinutes: Number.NaN }, /windowMinutes/],
    [{ windowMinutes: 100_000 }, /windowMinutes/],
    [{ thresholdBase: 1 }, /thresholdBase/],
    [{ thresholdBase: 2.5 }, /thresholdBase/],
    [{ pendingLeaseSeconds: -1 }, /pendingLeaseSeconds/],
    [{ pendingLeaseSeconds: 120, stalePendingMinutes: 1 }, /stalePendingMinutes/],
  ])('rejects %p', (overrides, message) => {
    expect(() => alertPolicyConfig(overrides)).toThrow(AlertPolicyConfigError);
    expect(() => alertPolicyConfig(overrides)).toThrow(message);
  });
});

describe('triggerToDefer', () => {
  it.each<[AlertTrigger, AlertTrigger | undefined, AlertTrigger | null]>([
    ['threshold', undefined, 'threshold'],
    ['reopened', undefined, 'reopened'],
    ['deferred', undefined, null],
    ['deferred', 'threshold', null],
    ['threshold', 'threshold', null],
    ['threshold', 'reopened', null],
    ['reopened', 'threshold', null],
    // Issue 12: a refused opening claim means the opening alert is claimed already.
    ['opened', undefined, null],
  ])('%s over %p → %p', (trigger, existing, expected) => {
    expect(triggerToDefer(trigger, existing)).toBe(expected);
  });
});

describe('pendingDecisionFor', () => {
  const claim = (eventId: string, secondsAgo: number | 'garbage') => ({
    trigger: 'opened' as const,
    eventId,
    claimedAt: secondsAgo === 'garbage' ? 'garbage' : new Date(NOW.getTime() - secondsAgo * 1000).toISOString(),
  });
  it.each<[string, ReturnType<typeof claim> | undefined, string, 'none' | 'resend' | 'wait']>([
    ['nothing pending', undefined, 'e-1', 'none'],
    ['redelivery of the claimer inside the lease: may race the publish', claim('e-1', 5), 'e-1', 'wait'],
    ['redelivery of the claimer after the lease: the publish failed', claim('e-1', 20), 'e-1', 'resend'],
    ['redelivery of the claimer long after', claim('e-1', 3600), 'e-1', 'resend'],
    ['another event, recent claim', claim('e-1', 600), 'e-2', 'none'],
    ['another event, abandoned claim: takes it over', claim('e-1', 1800), 'e-2', 'resend'],
    ['unreadable claim time counts as old', claim('e-1', 'garbage'), 'e-2', 'resend'],
  ])('%s', (_name, pending, eventId, expected) => {
    const decision = pendingDecisionFor(incident({ alert: { alertsSent: 0, pending } }), eventId, NOW);
    expect(decision.kind).toBe(expected);
    if (decision.kind !== 'none') expect(decision.claim).toEqual(pending);
  });

  it('has nothing to do without an incident', () => {
    expect(pendingDecisionFor(null, 'e-1', NOW)).toEqual({ kind: 'none' });
  });
});

describe('issue 13: fixed and stale incidents', () => {
  const { statusTransitionFor, triggerFor } = jest.requireActual<typeof import('../../lib/alerts/policy')>('../../lib/alerts/policy');
  const now = new Date('2026-11-22T00:00:00Z');
  const fixedAt = '2026-11-21T00:00:00.000Z';
  const resolution = { kind: 'policy-change' as const, at: fixedAt };

  it.each([
    ['an occurrence after the fix reopens it as a regression', '2026-11-21T00:00:01Z', { from: 'fixed', to: 'open', regression: true }],
    ['an occurrence from before the fix changes nothing', '2026-11-20T23:59:59Z', null],
    ['an unreadable time counts as after the fix', 'not a time', { from: 'fixed', to: 'open', regression: true }],
  ])('%s', (_label, occurredAt, expected) => {
    expect(statusTransitionFor({ status: 'fixed', resolution }, now, occurredAt)).toEqual(expected);
  });

  it('reopens a stale incident on any occurrence, without calling it a regression', () => {
    expect(statusTransitionFor({ status: 'stale' }, now, '2020-01-01T00:00:00Z')).toEqual({ from: 'stale', to: 'open' });
  });

  it('alerts a regression as such, and never alerts a fixed incident that was not reopened', () => {
    const incident = { status: 'open', count: 10, alert: { alertsSent: 1 } } as unknown as Parameters<typeof triggerFor>[0]['incident'];
    expect(triggerFor({ incident, created: false, reopened: true, regression: true, now })).toBe('regression');
    expect(triggerFor({ incident: { ...incident, status: 'fixed' }, created: false, reopened: false, now })).toBeNull();
  });
});
