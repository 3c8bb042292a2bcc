import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Notifier } from '../notify/types';
import type { CollectReportDeps } from '../pipeline/weekly-report';
import { runWeeklyReport } from '../pipeline/weekly-report';
import type { RuleSet } from '../rules/types';

export const REPORT_METRICS = ['ReportsSent', 'DenialsInPeriod'] as const;
export type ReportMetric = (typeof REPORT_METRICS)[number];

/** Everything the weekly report handler needs, built once per container (or by a test). */
export interface WeeklyReportDependencies {
  store: CollectReportDeps['store'];
  notifier: Notifier;
  topicArn?: string;
  /** Whole UTC days covered by each report (REPORT_DAYS). */
  days: number;
  /** The packaged rules file: expected denials by rule, expired rules. */
  rules?: RuleSet;
  logger: Logger;
  metrics: Metrics;
  /** Used when the event carries no usable `time`; default the system clock. */
  clock?: () => Date;
}

export interface WeeklyReportResult {
  period: string;
  denials: number;
  incidentsSeen: number;
  stillOpen: number;
  fixReady: number;
}

// Only `time` matters: EventBridge schedule events carry the scheduled time, which keeps a retried or
// redriven invocation on the same period. Anything else (a console test event, `{}`) falls back to the clock.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** The run time of an invocation: the schedule's `time` when the event has one, else the clock. */
export function runTimeOf(event: unknown, clock: () => Date): Date {
  const time = typeof event === 'object' && event !== null ? (event as { time?: unknown }).time : undefined;
  if (typeof time !== 'string' || !ISO_DATE_TIME.test(time)) return clock();
  const parsed = new Date(time);
  return Number.isNaN(parsed.getTime()) ? clock() : parsed;
}

/**
 * The schedule → Lambda adapter: runs the one report pipeline and publishes one message. Store and SNS
 * errors propagate so that the invocation fails and the asynchronous retries (then the on-failure
 * destination) keep it; nothing is swallowed.
 */
export function createWeeklyReportHandler(deps: WeeklyReportDependencies) {
  const { logger, metrics } = deps;
  const clock = deps.clock ?? (() => new Date());

  const weeklyReport = async (event: unknown, _context: Context): Promise<WeeklyReportResult> => {
    const now = runTimeOf(event, clock);
    logger.appendKeys({ runTime: now.toISOString(), reportDays: deps.days });
    try {
      const report = await runWeeklyReport({ store: deps.store, notifier: deps.notifier, topicArn: deps.topicArn, now, days: deps.days, rules: deps.rules });
      metrics.addMetric('ReportsSent' satisfies ReportMetric, MetricUnit.Count, 1);
      metrics.addMetric('DenialsInPeriod' satisfies ReportMetric, MetricUnit.Count, report.totals.denials);
      const result: WeeklyReportResult = {
        period: report.period.label,
        denials: report.totals.denials,
        incidentsSeen: report.totals.incidentsSeen,
        stillOpen: report.totals.stillOpen,
        fixReady: report.totals.fixReady,
      };
      logger.info('Weekly report sent', { ...result });
      return result;
    } catch (err) {
      logger.error('Weekly report failed; the invocation fails so that it is retried', err as Error);
      throw err;
    } finally {
      logger.removeKeys(['runTime', 'reportDays']);
    }
  };

  return middy(weeklyReport)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}

/**
 * Logger and metrics for the report function. Kept here rather than shared with ingest so that the
 * report bundle does not pull in the ingest pipeline.
 */
export function createReportPowertools(serviceName = 'access-auditor', namespace = 'AccessAuditor'): { logger: Logger; metrics: Metrics } {
  return { logger: new Logger({ serviceName }), metrics: new Metrics({ serviceName, namespace }) };
}
