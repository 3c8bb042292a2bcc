/**
 * The weekly report use case: read the period's incidents and rollups from the store, aggregate them
 * (../report), and publish one message. The scheduled Lambda and the CLI's `report` command run it.
 */
import type { Notifier } from '../notify/types';
import type { ActivityReader, IncidentLister } from '../incidents/ports';
import { buildWeeklyReport } from '../report/aggregate';
import { INCIDENT_STATUSES } from '../incidents/types';
import { isFixedStatus } from '../report/lifecycle';
import { reportAlertMessage } from '../report/message';
import { periodEndingWith, previousPeriod, reportPeriod } from '../report/period';
import type { WeeklyReport } from '../report/types';

export interface CollectReportDeps {
  /** Activity of the period from the day rollups; open and acknowledged incidents by status. */
  store: ActivityReader & IncidentLister;
  /** The run time; the period is the `days` whole UTC days before its day. */
  now: Date;
  days: number;
  /** When ages of open incidents are measured; defaults to `now`. */
  asOf?: Date;
}

export interface RunReportDeps extends CollectReportDeps {
  notifier: Notifier;
  /** Set on the message; the SNS notifier uses its own topic regardless. */
  topicArn?: string;
}

/**
 * Reads what the report needs and builds it, without publishing (the CLI's `report` command): incidents
 * seen in the period, day rollups for the period and the one before, and every open or acknowledged
 * incident, and the resolved ones (for the time to fix). Store errors propagate.
 */
export async function collectWeeklyReport(deps: CollectReportDeps): Promise<WeeklyReport> {
  const { store } = deps;
  const period = reportPeriod(deps.now, deps.days);
  const before = previousPeriod(period);
  const [incidents, daily, previousDaily, open, acknowledged, fixed] = await Promise.all([
    store.listSeenBetween(period.from, period.to),
    store.dailyCounts(period.from, period.to),
    store.dailyCounts(before.from, before.to),
    store.list({ status: 'open' }),
    store.list({ status: 'acknowledged' }),
    Promise.all(INCIDENT_STATUSES.filter(isFixedStatus).map((status) => store.list({ status }))),
  ]);
  return buildWeeklyReport({
    incidents,
    daily,
    open: [...open, ...acknowledged],
    fixed: fixed.flat(),
    from: period.from,
    to: period.to,
    previous: { daily: previousDaily },
    // Ages are measured at the run, so an incident first seen this morning is 0 days old, not negative.
    asOf: deps.asOf ?? deps.now,
  });
}

/** The report window {@link chooseReportWindow} picked, and why. */
export interface ReportWindow {
  /** Give as `now` to {@link collectWeeklyReport}: the window is the `days` whole UTC days before its day. */
  now: Date;
  from: Date;
  to: Date;
  /**
   * `default`: the days before `now` (they had denials, or the store has none at all: `empty`);
   * `latest-activity`: nothing was denied in the default window, so the window ends with the day of
   * the latest occurrence in the store.
   */
  reason: 'default' | 'latest-activity' | 'empty';
  /** The most recent occurrence in the store (ISO time), when there is one. */
  latestActivity?: string;
}

/**
 * Picks a window that shows something when the caller named none: the `days` before `now` when they had
 * denials, else the `days` up to and including the day of the latest occurrence (replayed samples or an
 * old trail are dated in the past: the default window would report zeros). Reads one period of day
 * rollups and the most recently seen incident.
 */
export async function chooseReportWindow(deps: Pick<CollectReportDeps, 'store' | 'now' | 'days'>): Promise<ReportWindow> {
  const period = reportPeriod(deps.now, deps.days);
  const fallback: ReportWindow = { now: deps.now, ...period, reason: 'default' };
  const daily = await deps.store.dailyCounts(period.from, period.to);
  if (daily.some((d) => d.count > 0)) return fallback;
  const [latest] = await deps.store.list({ limit: 1 });
  if (!latest) return { ...fallback, reason: 'empty' };
  const at = new Date(latest.lastSeen);
  // An unreadable time, or the latest occurrence already inside the default window (its day rollups expired):
  // moving would not show more.
  if (Number.isNaN(at.getTime())) return { ...fallback, latestActivity: latest.lastSeen };
  const inside = at.getTime() >= period.from.getTime() && at.getTime() < period.to.getTime();
  if (inside) return { ...fallback, latestActivity: latest.lastSeen };
  const moved = periodEndingWith(at, deps.days);
  return { now: moved.to, ...moved, reason: 'latest-activity', latestActivity: latest.lastSeen };
}

/**
 * The scheduled job: builds the report for the `days` whole UTC days before `now` and publishes it as
 * ONE message (email text plus chat notification). Store and notifier errors propagate, so the
 * scheduled invocation fails and is retried; a retry reports the same period.
 */
export async function runWeeklyReport(deps: RunReportDeps): Promise<WeeklyReport> {
  const report = await collectWeeklyReport(deps);
  await deps.notifier.publish(reportAlertMessage(report, deps.topicArn));
  return report;
}
