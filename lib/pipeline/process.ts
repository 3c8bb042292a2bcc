import type { Denial } from '../denial/types';
import type { Incident, IncidentStore, PendingAlert } from '../incidents/types';
import type { Notifier } from '../alerts/types';
import { renderAlert } from '../alerts/render';
import { statusTransitionFor, triggerFor, windowStart, type AlertPolicyConfig } from '../alerts/policy';
import { analyzeRecord, type AnalyzeDeps } from './analyze';

/** Counters the pipeline reports; the Lambda maps them to EMF metrics, the CLI to a summary line. */
export const PIPELINE_METRICS = ['DenialsProcessed', 'IncidentsOpened', 'AlertsSent', 'AlertsDeferred', 'Duplicates', 'RecordsSkipped', 'BadRecords', 'Failures'] as const;
export type PipelineMetric = (typeof PIPELINE_METRICS)[number];

export interface PipelineDeps extends AnalyzeDeps {
  store: IncidentStore;
  notifier: Notifier;
  alertPolicy: AlertPolicyConfig;
  clock: () => Date;
  topicArn?: string;
  ackCommand?: (fingerprint: string) => string;
  count?: (metric: PipelineMetric, value?: number) => void;
}

export type AlertOutcome = 'sent' | 'resent' | 'deferred' | 'none';

export type PipelineOutcome =
  | { kind: 'skipped'; eventId: string | null; reason: string }
  | { kind: 'invalid'; eventId: string | null; message: string }
  | { kind: 'duplicate'; eventId: string; fingerprint: string; alert: AlertOutcome }
  | { kind: 'counted'; eventId: string; fingerprint: string; created: boolean; count: number; alert: AlertOutcome; denial: Denial };

/**
 * One CloudTrail record through the whole product: analyse, count exactly once, alert without storms.
 *
 * Failure semantics: a record that cannot be decoded is an `invalid` outcome (logged and counted by the
 * caller, never retried). Store and notifier errors propagate, so the Lambda invocation fails and the
 * retry / on-failure destination keep the event: the retry finds the event already counted (`duplicate`)
 * and re-sends an alert that was claimed but not published, once.
 */
export async function processRecord(record: unknown, deps: PipelineDeps): Promise<PipelineOutcome> {
  const count = deps.count ?? (() => undefined);
  const analysed = await analyzeRecord(record, deps);
  if (analysed.kind === 'skipped') {
    count('RecordsSkipped');
    return analysed;
  }
  if (analysed.kind === 'error') {
    count('BadRecords');
    return { kind: 'invalid', eventId: analysed.eventId, message: analysed.message };
  }
  const denial = analysed.denial;
  count('DenialsProcessed');
  const now = deps.clock();
  const recorded = await deps.store.recordOccurrence(denial, now);

  if (recorded.kind === 'duplicate') {
    count('Duplicates');
    const alert = recorded.incident ? await resendPendingAlert(recorded.incident, denial.eventId, now, deps) : 'none';
    return { kind: 'duplicate', eventId: denial.eventId, fingerprint: denial.fingerprint, alert };
  }

  let incident = recorded.incident;
  if (recorded.created) count('IncidentsOpened');
  let reopened = false;
  const transition = statusTransitionFor(incident, now);
  if (transition) {
    reopened = await deps.store.setStatus(incident.fingerprint, transition.to, now, { from: transition.from });
    if (reopened) incident = { ...incident, status: transition.to, suppressedUntil: undefined };
  }

  const trigger = triggerFor({ incident, created: recorded.created, reopened, now });
  let alert: AlertOutcome = 'none';
  if (trigger) {
    const claim: PendingAlert = { trigger, eventId: denial.eventId, claimedAt: now.toISOString() };
    if (await deps.store.claimAlert(incident.fingerprint, claim, windowStart(now, deps.alertPolicy))) {
      await publish(incident, claim, now, deps);
      alert = 'sent';
    } else {
      await deps.store.deferAlert(incident.fingerprint, trigger);
      count('AlertsDeferred');
      alert = 'deferred';
    }
  }
  return { kind: 'counted', eventId: denial.eventId, fingerprint: incident.fingerprint, created: recorded.created, count: incident.count, alert, denial };
}

/**
 * Only a retry (or a dead-letter redrive) of the occurrence that claimed an alert re-sends it: the
 * claim names that eventId, so an alert whose publish failed is sent once its event comes back.
 */
async function resendPendingAlert(incident: Incident, eventId: string, now: Date, deps: PipelineDeps): Promise<AlertOutcome> {
  const pending = incident.alert.pending;
  if (!pending || pending.eventId !== eventId) return 'none';
  await publish(incident, pending, now, deps);
  return 'resent';
}

async function publish(incident: Incident, claim: PendingAlert, now: Date, deps: PipelineDeps): Promise<void> {
  const message = renderAlert({ incident, trigger: claim.trigger, topicArn: deps.topicArn, ackCommand: deps.ackCommand });
  await deps.notifier.publish(message);
  await deps.store.completeAlert(incident.fingerprint, claim.eventId, now, incident.count);
  deps.count?.('AlertsSent');
}
