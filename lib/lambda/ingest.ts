import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { processRecord, type PipelineDeps, type PipelineOutcome } from '../pipeline/process';
import type { PipelineMetric } from '../pipeline/metrics';
import { RetryLaterError } from '../errors';
import { isScheduledEvent, parseCloudTrailEvent } from './event';
import { sweepDeferredAlerts } from '../pipeline/sweep';
import type { PolicyChangeDeps } from '../pipeline/policy-change';
import { DEFAULT_STALE_AFTER_DAYS, sweepStale } from '../pipeline/stale';
import { isSuccessfulPolicyChange } from '../policy/change/decode';
import { handlePolicyChange } from './policy-change';

/** Everything the ingest handler needs, built once per container (or by a test). */
export interface IngestDependencies {
  pipeline: Omit<PipelineDeps, 'count'>;
  /** The policy-change loop: successful IAM, Identity Center and Organizations policy changes (the second rule). */
  policyChange?: Omit<PolicyChangeDeps, 'count'>;
  /** Days without an occurrence after which the scheduled sweep marks an incident stale (default 14). */
  staleAfterDays?: number;
  logger: Logger;
  metrics: Metrics;
}

export interface IngestResult {
  outcome: PipelineOutcome['kind'] | 'sweep' | 'policy-change' | 'suspicious';
  fingerprint?: string;
  alert?: string;
}

/**
 * The EventBridge → Lambda adapter. It validates the envelope, runs the one pipeline, and lets store and
 * SNS errors propagate so that Lambda's retries and the on-failure destination keep the event. A record
 * that cannot be decoded is logged, counted in `BadRecords` and acknowledged: retrying it cannot help. An
 * event that is not a CloudTrail delivery (forged source, detail-type or account) is logged as suspicious,
 * counted in `SuspiciousEvents` and acknowledged without being decoded.
 */
/** The 15-minute tick: held-back alerts whose window passed, then quiet resolution (stale incidents). */
async function scheduledSweeps(deps: IngestDependencies, count: (metric: PipelineMetric, value?: number) => void): Promise<IngestResult> {
  const { logger } = deps;
  const swept = await sweepDeferredAlerts({ ...deps.pipeline, count });
  logger.info('Swept held-back alerts', { checked: swept.checked, sent: swept.sent, failed: swept.failed.length });
  // Not thrown: a retried tick would re-sweep everything, and a failed tick in the failure queue
  // cannot be replayed; the failed claims go stale and the next tick sends them.
  for (const f of swept.failed) logger.error('Held-back alert not sent; the next sweep retries it', { fingerprint: f.fingerprint, reason: f.error });
  if (swept.failed.length > 0) count('Failures', swept.failed.length);
  // Quiet resolution: open incidents not seen for the stale period go stale (no alert).
  const stale = await sweepStale({ store: deps.pipeline.store, count }, deps.pipeline.clock(), deps.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS);
  if (stale.stale.length > 0) logger.info('Incidents went stale', { stale: stale.stale });
  return { outcome: 'sweep', alert: swept.sent > 0 ? 'sent' : 'none' };
}

export function createIngestHandler(deps: IngestDependencies) {
  const { logger, metrics } = deps;
  const count = (metric: PipelineMetric, value = 1) => metrics.addMetric(metric, MetricUnit.Count, value);

  const ingest = async (event: unknown, context: Context): Promise<IngestResult> => {
    if (isScheduledEvent(event)) return scheduledSweeps(deps, count);
    const parsed = parseCloudTrailEvent(event);
    if (parsed.kind === 'invalid') {
      logger.warn('Bad event: not an EventBridge CloudTrail event', { reason: parsed.reason });
      count('BadRecords');
      return { outcome: 'invalid' };
    }
    if (parsed.kind === 'suspicious') {
      // Acknowledged, not retried: a forged event stays forged. Its own metric so an alarm can tell an
      // attempt from noise; the fields are the few that prove the mismatch, bounded.
      logger.warn('Suspicious event refused: not a CloudTrail delivery', {
        suspicious: true,
        reason: parsed.reason,
        source: parsed.source,
        account: parsed.account,
        recipientAccountId: parsed.recipientAccountId,
      });
      count('SuspiciousEvents');
      return { outcome: 'suspicious' };
    }
    logger.appendKeys({ eventId: parsed.eventId ?? 'unknown', eventName: parsed.eventName ?? 'unknown' });
    try {
      if (deps.policyChange && isSuccessfulPolicyChange(parsed.record)) {
        const handled = await handlePolicyChange(parsed.record, deps.policyChange, logger, count);
        return { outcome: handled.outcome };
      }
      const outcome = await processRecord(parsed.record, { ...deps.pipeline, count }, { owner: context.awsRequestId });
      switch (outcome.kind) {
        case 'counted':
          logger.info('Denial recorded', {
            fingerprint: outcome.fingerprint,
            count: outcome.count,
            created: outcome.created,
            alert: outcome.alert,
            action: outcome.denial.action,
            layer: outcome.denial.reason.layer,
          });
          return { outcome: outcome.kind, fingerprint: outcome.fingerprint, alert: outcome.alert };
        case 'duplicate':
          logger.info('Event already counted', { fingerprint: outcome.fingerprint, alert: outcome.alert });
          return { outcome: outcome.kind, fingerprint: outcome.fingerprint, alert: outcome.alert };
        case 'skipped':
          logger.debug('Not an access problem', { reason: outcome.reason });
          return { outcome: outcome.kind };
        case 'invalid':
          logger.warn('Bad record', { reason: outcome.message });
          return { outcome: outcome.kind };
      }
    } catch (err) {
      if (err instanceof RetryLaterError) {
        // Planned: another invocation holds this event or its alert right now (EventInFlightError,
        // AlertInFlightError); Lambda's retry will find it done.
        count('Retries');
        logger.warn('Event in flight elsewhere; failing so that Lambda retries it later', { reason: (err as Error).message });
      } else {
        count('Failures');
        logger.error('Processing failed; the invocation fails so that the event is retried', err as Error);
      }
      throw err;
    } finally {
      logger.removeKeys(['eventId', 'eventName']);
    }
  };

  return middy(ingest)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}

export function createPowertools(serviceName = 'access-auditor', namespace = 'AccessAuditor'): { logger: Logger; metrics: Metrics } {
  return { logger: new Logger({ serviceName }), metrics: new Metrics({ serviceName, namespace }) };
}
