/**
 * The weekly report use case: read the period's incidents and rollups from the store, aggregate them
 * (../report), and publish one message. The scheduled Lambda and the CLI's `report` command run it.
 */
import type { Notifier } from '../notify/types';
import type { ActivityReader, IncidentLister } from '../incidents/ports';
import { buildWeeklyReport } from '../report/aggregate';
import { reportAlertMessage } from '../report/message';
import { previousPeriod, reportPeriod } from '../report/period';
import type { WeeklyReport } from '../report/types';

export interface CollectReportDeps {
  /** Activity of the period from the day rollups; open and acknowledged incidents by status. */
  store: ActivityReader & IncidentLister;
  /** The run time; the period is the `days` whole UTC days before its day. */
  now: Date;
  days: number;
}

export interface RunReportDeps extends CollectReportDeps {
  notifier: Notifier;
  /** Set on the message; the SNS notifier uses its own topic regardless. */
  topicArn?: string;
}

/**
 * Reads what the report needs and builds it, without publishing (the CLI's `report` command): incidents
 * seen in the period, day rollups for the period and the one before, and every open or acknowledged
 * incident. Store errors propagate.
 */
export async function collectWeeklyReport(deps: CollectReportDeps): Promise<WeeklyReport> {
  const { store } = deps;
  const period = reportPeriod(deps.now, deps.days);
  const before = previousPeriod(period);
  const [incidents, daily, previousDaily, open, acknowledged] = await Promise.all([
    store.listSeenBetween(period.from, period.to),
    store.dailyCounts(period.from, period.to),
    store.dailyCounts(before.from, before.to),
    store.list({ status: 'open' }),
    store.list({ status: 'acknowledged' }),
  ]);
  return buildWeeklyReport({
    incidents,
    daily,
    open: [...open, ...acknowledged],
    from: period.from,
    to: period.to,
    previous: { daily: previousDaily },
    // Ages are measured at the run, so an incident first seen this morning is 0 days old, not negative.
    asOf: deps.now,
  });
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
