import { chooseReportWindow, type ReportWindow } from '../lib/pipeline/weekly-report';
import type { ActivityReader, IncidentLister } from '../lib/incidents/ports';
import { formatUtcTime, plural } from '../lib/report/format';
import { daysOf, periodLabel } from '../lib/report/period';
import type { CliIo } from './io';
import { printableLine } from './style';

/**
 * The window when none was given ({@link chooseReportWindow}), announced on standard error so that the
 * report itself (JSON, HTML redirected to a file) stays clean. Ages are measured now, or at the end of a
 * window that ended before now.
 */
export async function announcedWindow(
  store: ActivityReader & IncidentLister,
  io: CliIo,
  days: number,
): Promise<{ now: Date; asOf: Date; window: ReportWindow }> {
  const window = await chooseReportWindow({ store, now: io.now(), days });
  io.stderr.write(`report window: ${describeWindow(window, days)}\n`);
  const asOf = window.now.getTime() < io.now().getTime() ? window.now : io.now();
  return { now: window.now, asOf, window };
}

export function describeWindow(window: ReportWindow, days: number): string {
  const label = periodLabel(daysOf(window.from, window.to));
  const span = plural(days, 'day');
  const other = '--until YYYY-MM-DD for another';
  switch (window.reason) {
    case 'default':
      return `${label}, the ${span} before today (${other})`;
    case 'empty':
      return `${label}, the ${span} before today; the store has no incidents yet`;
    case 'latest-activity':
      return `${label}, the ${span} up to the latest denial (${printableLine(formatUtcTime(window.latestActivity ?? ''))}): nothing was denied in the ${span} before today (${other})`;
  }
}
