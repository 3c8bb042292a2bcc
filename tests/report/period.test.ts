import { ReportPeriodError } from '../../lib/report/errors';
import { daysOf, previousPeriod, reportPeriod, weekday } from '../../lib/report/period';

describe('reportPeriod', () => {
  it.each([
    ['Monday 09:00, 7 days', '2026-11-23T09:00:00Z', 7, '2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z'],
    ['exactly midnight', '2026-11-23T00:00:00Z', 7, '2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z'],
    ['one minute before midnight', '2026-11-22T23:59:00Z', 7, '2026-11-15T00:00:00.000Z', '2026-11-22T00:00:00.000Z'],
    ['one day', '2026-03-01T12:00:00Z', 1, '2026-02-28T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
    ['across a year end', '2027-01-02T05:00:00Z', 7, '2026-12-26T00:00:00.000Z', '2027-01-02T00:00:00.000Z'],
  ])('%s', (_name, now, days, from, to) => {
    const period = reportPeriod(new Date(now), days);
    expect([period.from.toISOString(), period.to.toISOString()]).toEqual([from, to]);
    expect(daysOf(period.from, period.to)).toHaveLength(days);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %s days', (days) => {
    expect(() => reportPeriod(new Date('2026-11-23T09:00:00Z'), days)).toThrow(ReportPeriodError);
  });

  it('refuses an invalid time', () => {
    expect(() => reportPeriod(new Date('nope'), 7)).toThrow(ReportPeriodError);
  });

  it('gives the period before of the same length', () => {
    const before = previousPeriod(reportPeriod(new Date('2026-11-23T09:00:00Z'), 7));
    expect([before.from.toISOString(), before.to.toISOString()]).toEqual(['2026-11-09T00:00:00.000Z', '2026-11-16T00:00:00.000Z']);
  });

  it('names weekdays in UTC', () => {
    expect(['2026-11-16', '2026-11-22'].map(weekday)).toEqual(['Mon', 'Sun']);
  });
});
