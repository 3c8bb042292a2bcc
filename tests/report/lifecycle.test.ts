import fc from 'fast-check';
import { buildWeeklyReport } from '../../lib/report/aggregate';
import { AGE_BUCKETS, ageBuckets, isFixedStatus, resolvedAtOf, timeToFix } from '../../lib/report/lifecycle';
import type { Incident } from '../../lib/incidents/types';
import { FROM, makeIncident, NOW, sampleWeek, TO } from './fixtures';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** An incident in any status string, as a store with more statuses (`fixed`, `stale`) would return it. */
function withStatus(incident: Incident, status: string, extra: Record<string, unknown> = {}): Incident {
  return { ...incident, status, ...extra } as unknown as Incident;
}

describe('ageBuckets', () => {
  it.each([
    [0, 'under 1 day'],
    [DAY - 1, 'under 1 day'],
    [DAY, '1-6 days'],
    [7 * DAY - 1, '1-6 days'],
    [7 * DAY, '7-29 days'],
    [30 * DAY, '30-89 days'],
    [400 * DAY, '90 days or more'],
    [-5 * DAY, 'under 1 day'],
  ])('puts %d ms in "%s"', (ms, label) => {
    const buckets = ageBuckets([ms]);
    expect(buckets.find((b) => b.count === 1)?.label).toBe(label);
  });

  it('always lists every bucket, in order, and counts every duration once', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -DAY, max: 1000 * DAY })), (durations) => {
        const buckets = ageBuckets(durations);
        expect(buckets.map((b) => b.label)).toEqual(AGE_BUCKETS.map((b) => b.label));
        expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(durations.length);
      }),
    );
  });
});

describe('timeToFix', () => {
  const base = makeIncident({ fingerprint: 'fp-r', firstSeen: '2026-11-16T08:00:00.000Z', lastSeen: '2026-11-16T09:00:00.000Z' });

  it.each([
    ['resolved in the period', 'resolved', { statusChangedAt: '2026-11-18T10:30:00.000Z' }, 50],
    ['fixed (a status the store may add)', 'fixed', { statusChangedAt: '2026-11-17T08:00:00.000Z' }, 24],
    [
      'its own resolvedAt rather than a later status change',
      'resolved',
      { resolvedAt: '2026-11-16T11:00:00.000Z', statusChangedAt: '2026-11-20T00:00:00.000Z' },
      3,
    ],
    ['resolved before first seen (clock skew) as 0', 'resolved', { statusChangedAt: '2026-11-16T07:00:00.000Z' }, 0],
  ])('counts an incident %s', (_name, status, extra, hours) => {
    const result = timeToFix([withStatus(base, status, extra)], FROM, TO);
    expect(result.resolved).toHaveLength(1);
    expect(result.resolved[0]).toMatchObject({ fingerprint: 'fp-r', status, hoursToFix: hours });
    expect(result.medianHours).toBe(hours);
  });

  it.each([
    ['resolved before the period', 'resolved', { statusChangedAt: '2026-11-15T23:59:59.999Z' }],
    ['resolved at the period end (excluded)', 'resolved', { statusChangedAt: TO.toISOString() }],
    ['gone stale, which is not a fix', 'stale', { statusChangedAt: '2026-11-18T00:00:00.000Z' }],
    ['still open', 'open', { statusChangedAt: '2026-11-18T00:00:00.000Z' }],
    ['resolved with no time recorded', 'resolved', {}],
    ['resolved at an unreadable time', 'resolved', { statusChangedAt: 'yesterday' }],
  ])('leaves out an incident %s', (_name, status, extra) => {
    const result = timeToFix([withStatus(base, status, extra)], FROM, TO);
    expect(result).toMatchObject({ resolved: [], medianHours: null, maxHours: null });
    expect(result.buckets.every((b) => b.count === 0)).toBe(true);
  });

  it('orders most recently resolved first, takes the lower median, the longest and counts each fingerprint once', () => {
    const at = (fingerprint: string, resolvedAt: string) => withStatus({ ...base, fingerprint }, 'resolved', { statusChangedAt: resolvedAt });
    const result = timeToFix(
      [
        at('fp-1', '2026-11-16T10:00:00.000Z'),
        at('fp-2', '2026-11-22T08:00:00.000Z'),
        at('fp-3', '2026-11-17T08:00:00.000Z'),
        at('fp-4', '2026-11-19T08:00:00.000Z'),
        at('fp-1', '2026-11-20T00:00:00.000Z'),
      ],
      FROM,
      TO,
    );
    expect(result.resolved.map((r) => r.fingerprint)).toEqual(['fp-2', 'fp-4', 'fp-3', 'fp-1']);
    expect(result.medianHours).toBe(24);
    expect(result.maxHours).toBe(144);
    expect(result.buckets.find((b) => b.label === '1-6 days')?.count).toBe(3);
  });

  it('reads statuses as plain strings', () => {
    expect(['resolved', 'fixed'].map(isFixedStatus)).toEqual([true, true]);
    expect(['open', 'acknowledged', 'suppressed', 'stale'].map(isFixedStatus)).toEqual([false, false, false, false]);
    expect(resolvedAtOf(withStatus(base, 'resolved', { resolvedAt: 42, statusChangedAt: '2026-11-18T00:00:00.000Z' }))).toBe('2026-11-18T00:00:00.000Z');
  });
});

describe('buildWeeklyReport: ages and time to fix', () => {
  it('buckets the still-open incidents by age at asOf and takes the fixed ones it is given', () => {
    const w = sampleWeek();
    const report = buildWeeklyReport({ incidents: w.incidents, daily: w.daily, open: w.open, fixed: [w.c], from: FROM, to: TO, asOf: NOW });
    // fp-b first seen 2026-11-17 (6 days), fp-a 2026-11-10 (13 days), fp-d 2026-10-01 (53 days), fp-e 2026-09-01 (83 days).
    expect(Object.fromEntries(report.openAges.map((b) => [b.label, b.count]))).toEqual({
      'under 1 day': 0,
      '1-6 days': 1,
      '7-29 days': 1,
      '30-89 days': 2,
      '90 days or more': 0,
    });
    expect(report.openAges.reduce((n, b) => n + b.count, 0)).toBe(report.stillOpen.length);
    // fp-c: first seen 2026-11-01, resolved 2026-11-18 00:00: 17 days.
    expect(report.timeToFix.resolved.map((r) => [r.fingerprint, r.hoursToFix])).toEqual([['fp-c', 17 * 24]]);
  });

  it('reports no time to fix when no fixed incidents are given', () => {
    const w = sampleWeek();
    const report = buildWeeklyReport({ incidents: w.incidents, daily: w.daily, open: w.open, from: FROM, to: TO });
    expect(report.timeToFix).toMatchObject({ resolved: [], medianHours: null });
  });
});
