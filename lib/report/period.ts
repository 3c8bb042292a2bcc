import { ReportPeriodError } from './errors';

export const DAY_MS = 86_400_000;

/** A report period: [from, to), whole UTC days. */
export interface PeriodBounds {
  from: Date;
  to: Date;
}

/** UTC midnight at or before `time`. */
export function startOfUtcDay(time: Date): Date {
  return new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate()));
}

/**
 * The `days` whole UTC days before the day of `now`: a Monday 09:00 run with 7 days covers the previous
 * Monday 00:00 to this Monday 00:00. Aligning to days makes the period match the store's day rollups
 * exactly and makes a retried run report the same numbers.
 * @throws ReportPeriodError when `days` is not a whole number of at least 1, or `now` is not a date.
 */
export function reportPeriod(now: Date, days: number): PeriodBounds {
  if (!Number.isInteger(days) || days < 1) throw new ReportPeriodError(`report days must be a whole number >= 1, got ${String(days)}`);
  if (Number.isNaN(now.getTime())) throw new ReportPeriodError('report time is not a valid date');
  const to = startOfUtcDay(now);
  return { from: new Date(to.getTime() - days * DAY_MS), to };
}

/** The `days` whole UTC days ending with the day of `latest`, that day included. */
export function periodEndingWith(latest: Date, days: number): PeriodBounds {
  if (Number.isNaN(latest.getTime())) throw new ReportPeriodError('report time is not a valid date');
  return reportPeriod(new Date(startOfUtcDay(latest).getTime() + DAY_MS), days);
}

/** The period of the same length just before `period`. */
export function previousPeriod(period: PeriodBounds): PeriodBounds {
  const length = period.to.getTime() - period.from.getTime();
  return { from: new Date(period.from.getTime() - length), to: period.from };
}

/** The UTC days (`yyyy-mm-dd`) overlapping [from, to), oldest first. */
export function daysOf(from: Date, to: Date): string[] {
  const days: string[] = [];
  for (let t = startOfUtcDay(from).getTime(); t < to.getTime(); t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** Three-letter English weekday of a `yyyy-mm-dd` UTC day. */
export function weekday(day: string): string {
  const date = new Date(`${day}T00:00:00.000Z`);
  return WEEKDAYS[date.getUTCDay()] ?? '???';
}

/** `first..last` day, inclusive (one day: just that day). */
export function periodLabel(days: readonly string[]): string {
  const first = days[0] ?? '';
  const last = days[days.length - 1] ?? first;
  return first === last ? first : `${first}..${last}`;
}
