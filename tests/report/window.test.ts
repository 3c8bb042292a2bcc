import { chooseReportWindow } from '../../lib/pipeline/weekly-report';
import { formatUtcTime } from '../../lib/report/format';
import { periodEndingWith, periodLabel, daysOf } from '../../lib/report/period';
import type { ActivityReader, IncidentLister } from '../../lib/incidents/ports';
import type { DailyCount, Incident } from '../../lib/incidents/types';
import { makeIncident } from './fixtures';

/** A store holding the given incidents and day rollups, answering as the DynamoDB store does. */
function fakeStore(incidents: Incident[], daily: DailyCount[]): ActivityReader & IncidentLister {
  const byLastSeen = [...incidents].sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : -1));
  return {
    list: async (filter = {}) => byLastSeen.filter((i) => !filter.status || i.status === filter.status).slice(0, filter.limit ?? Infinity),
    listSeenBetween: async () => [],
    dailyCounts: async (from, to) => {
      const days = new Set(daysOf(from, to));
      return daily.filter((d) => days.has(d.day));
    },
  };
}

const NOW = new Date('2026-12-03T09:40:00.000Z');
const label = (w: { from: Date; to: Date }) => periodLabel(daysOf(w.from, w.to));
const seen = (lastSeen: string) => makeIncident({ fingerprint: `fp-${lastSeen}`, lastSeen, firstSeen: lastSeen });

describe('chooseReportWindow', () => {
  it('keeps the days before today when they had denials', async () => {
    const store = fakeStore([seen('2026-12-01T10:00:00.000Z')], [{ fingerprint: 'fp', day: '2026-12-01', count: 2 }]);
    const window = await chooseReportWindow({ store, now: NOW, days: 7 });
    expect(window).toMatchObject({ reason: 'default', now: NOW });
    expect(label(window)).toBe('2026-11-26..2026-12-02');
  });

  it('moves to the week of the latest denial when nothing happened in the days before today (the samples after npm start)', async () => {
    const store = fakeStore([seen('2026-11-20T09:14:03.000Z'), seen('2026-11-21T11:20:31.000Z')], [{ fingerprint: 'fp', day: '2026-11-21', count: 1 }]);
    const window = await chooseReportWindow({ store, now: NOW, days: 7 });
    expect(window).toMatchObject({ reason: 'latest-activity', latestActivity: '2026-11-21T11:20:31.000Z', now: new Date('2026-11-22T00:00:00.000Z') });
    expect(label(window)).toBe('2026-11-15..2026-11-21');
  });

  it('includes today when the only denials are from today', async () => {
    const store = fakeStore([seen('2026-12-03T08:00:00.000Z')], [{ fingerprint: 'fp', day: '2026-12-03', count: 1 }]);
    const window = await chooseReportWindow({ store, now: NOW, days: 3 });
    expect(window.reason).toBe('latest-activity');
    expect(label(window)).toBe('2026-12-01..2026-12-03');
  });

  it('says the store is empty and keeps the default', async () => {
    const window = await chooseReportWindow({ store: fakeStore([], []), now: NOW, days: 7 });
    expect(window).toMatchObject({ reason: 'empty', now: NOW });
  });

  it('keeps the default when the latest denial is inside it (its day rollups expired)', async () => {
    const window = await chooseReportWindow({ store: fakeStore([seen('2026-11-30T08:00:00.000Z')], []), now: NOW, days: 7 });
    expect(window).toMatchObject({ reason: 'default', latestActivity: '2026-11-30T08:00:00.000Z', now: NOW });
  });

  it('keeps the default when the latest time is unreadable', async () => {
    const window = await chooseReportWindow({ store: fakeStore([seen('not a time')], []), now: NOW, days: 7 });
    expect(window.reason).toBe('default');
  });
});

describe('periodEndingWith', () => {
  it('ends with the day of the given time, that day included', () => {
    const period = periodEndingWith(new Date('2026-11-21T23:59:59.999Z'), 7);
    expect(period.to.toISOString()).toBe('2026-11-22T00:00:00.000Z');
    expect(period.from.toISOString()).toBe('2026-11-15T00:00:00.000Z');
  });

  it('refuses an invalid date', () => {
    expect(() => periodEndingWith(new Date('x'), 7)).toThrow(/not a valid date/);
  });
});

describe('formatUtcTime', () => {
  it.each([
    ['2026-11-20T09:14:03.000Z', '2026-11-20 09:14 UTC'],
    ['2026-11-20T09:14:03Z', '2026-11-20 09:14 UTC'],
    ['2026-11-20T10:14:03+01:00', '2026-11-20 09:14 UTC'],
    ['yesterday', 'yesterday'],
    ['', ''],
    ['2026-13-45T00:00:00Z', '2026-13-45T00:00:00Z'],
  ])('%s → %s', (raw, shown) => {
    expect(formatUtcTime(raw)).toBe(shown);
  });
});
