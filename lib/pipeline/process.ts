import type { Denial } from '../denial/types';
import type { AlertTrigger, Incident, IncidentStore, PendingAlert, RecordOutcome } from '../incidents/types';
import { InvalidOccurrenceError } from '../incidents/errors';
import type { Notifier } from '../notify/types';
import { renderAlert } from '../notify/alert/render';
import { isSilenced, pendingDecisionFor, statusTransitionFor, triggerFor, triggerToDefer, windowStart, type AlertPolicyConfig } from '../alerts/policy';
import { AuditorError } from '../errors';
import { analyzeRecord, type AnalyzeDeps } from './analyze';

/**
 * Counters the pipeline reports; the Lambda maps them to EMF metrics, the CLI to a summary line.
 * `DenialsProcessed` counts occurrences counted for the first time (redeliveries are `Duplicates`);
 * `Retries` counts invocations failed on purpose so that Lambda retries them (an event or alert in flight
 * elsewhere); `Failures` counts everything else that failed.
 */
export const PIPELINE_METRICS = ['DenialsProcessed', 'IncidentsOpened', 'AlertsSent', 'AlertsDeferred', 'Duplicates', 'RecordsSkipped', 'BadRecords', 'Retries', 'Failures'] as const;
export type PipelineMetric = (typeof PIPELINE_METRICS)[number];

export interface PipelineDeps extends AnalyzeDeps {
  store: IncidentStore;
  notifier: Notifier;
  alertPolicy: AlertPolicyConfig;
  clock: () => Date;
  topicArn?: string;
  /** The commands alerts print; by default they address the embedded default store. */
  ackCommand?: (fingerprint: string) => string;
  showCommand?: (fingerprint: string) => string;
  count?: (metric: PipelineMetric, value?: number) => void;
}

export type AlertOutcome = 'sent' | 'resent' | 'deferred' | 'none';

/** What claiming and publishing an alert needs: the pipeline's dependencies without the analysis. */
export type AlertDeps = Pick<PipelineDeps, 'store' | 'notifier' | 'alertPolicy' | 'topicArn' | 'ackCommand' | 'showCommand' | 'count'>;

export type PipelineOutcome =
  | { kind: 'skipped'; eventId: string | null; reason: string }
  | { kind: 'invalid'; eventId: string | null; message: string }
  | { kind: 'duplicate'; eventId: string; fingerprint: string; alert: AlertOutcome }
  | { kind: 'counted'; eventId: string; fingerprint: string; created: boolean; reopened: boolean; count: number; alert: AlertOutcome; denial: Denial };

export interface ProcessOptions {
  /**
   * Identifies this delivery to the store's counting lease. The Lambda passes its request ID, which an
   * async retry keeps, so a retry of an invocation that died mid-count resumes its own claim at once.
   */
  owner?: string;
}

/**
 * One CloudTrail record through the whole product: analyse, count exactly once, alert without storms.
 *
 * Failure semantics: a record that cannot be decoded is an `invalid` outcome (logged and counted by the
 * caller, never retried). Store and notifier errors propagate, so the Lambda invocation fails and the
 * retry / on-failure destination keep the event: the retry finds the event already counted (`duplicate`)
 * and re-sends an alert that was claimed but not published, once.
 */
export async function processRecord(record: unknown, deps: PipelineDeps, options: ProcessOptions = {}): Promise<PipelineOutcome> {
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
  const now = deps.clock();
  let recorded: RecordOutcome;
  try {
    recorded = await deps.store.recordOccurrence(denial, now, options.owner ? { owner: options.owner } : undefined);
  } catch (err) {
    // Retrying a denial the store can never accept would only fill the dead-letter queue.
    if (!(err instanceof InvalidOccurrenceError)) throw err;
    count('BadRecords');
    return { kind: 'invalid', eventId: denial.eventId || null, message: err.message };
  }

  if (recorded.kind === 'duplicate') {
    count('Duplicates');
    const alert = recorded.incident ? await alertForRedelivery(recorded.incident, denial.eventId, now, deps) : 'none';
    return { kind: 'duplicate', eventId: denial.eventId, fingerprint: denial.fingerprint, alert };
  }

  let incident = recorded.incident;
  count('DenialsProcessed');
  if (recorded.created) count('IncidentsOpened');
  // A claim left by an occurrence whose retries ran out is sent first, by whoever comes next.
  const resent = await resendPending(incident, denial.eventId, now, deps);
  let reopened = false;
  const transition = statusTransitionFor(incident, now);
  if (transition) {
    reopened = await deps.store.setStatus(incident.fingerprint, transition.to, now, { from: transition.from });
    if (reopened) incident = { ...incident, status: transition.to, suppressedUntil: undefined };
  }

  const trigger = triggerFor({ incident, created: recorded.created, reopened, now }, deps.alertPolicy);
  const claimed = trigger ? await claimAndPublish(incident, trigger, denial.eventId, now, deps) : 'none';
  // An alert re-sent just now is what went out; a trigger refused right after it waits for the window.
  const alert = resent === 'resent' ? 'resent' : claimed;
  return { kind: 'counted', eventId: denial.eventId, fingerprint: incident.fingerprint, created: recorded.created, reopened, count: incident.count, alert, denial };
}

/** Thrown while the first delivery of an event may still be publishing its alert: the retry comes later. */
export class AlertInFlightError extends AuditorError {
  override name = 'AlertInFlightError';
}

/**
 * A redelivered event (Lambda retry, dead-letter redrive, replay) re-sends the alert it claimed but did
 * not publish. One more case is recovered here: an incident that was counted but never alerted (the
 * first delivery failed between counting and claiming), so even the `opened` alert is never lost.
 */
async function alertForRedelivery(incident: Incident, eventId: string, now: Date, deps: PipelineDeps): Promise<AlertOutcome> {
  const resent = await resendPending(incident, eventId, now, deps);
  if (resent !== 'none' || incident.alert.pending) return resent;
  const neverAlerted = incident.alert.alertsSent === 0 && !incident.alert.lastAlertAt && !incident.alert.deferred;
  if (!neverAlerted || isSilenced(incident, now)) return 'none';
  return claimAndPublish(incident, 'opened', eventId, now, deps);
}

/** Re-sends a claimed alert that was never published, when its claimer retries or the claim went stale. */
export async function resendPending(incident: Incident, eventId: string, now: Date, deps: AlertDeps): Promise<AlertOutcome> {
  const decision = pendingDecisionFor(incident, eventId, now, deps.alertPolicy);
  if (decision.kind === 'none') return 'none';
  if (decision.kind === 'wait') throw new AlertInFlightError(`the alert for ${incident.fingerprint} claimed by event ${eventId} may still be publishing; retry later`);
  // Take over exactly the claim we saw (compare-and-swap on it): of several callers re-sending one alert,
  // only one wins. The claim then names this caller, whose own retry re-sends it if this publish fails.
  const claim: PendingAlert = { trigger: decision.claim.trigger, eventId, claimedAt: now.toISOString() };
  if (!(await deps.store.claimAlert(incident.fingerprint, claim, windowStart(now, deps.alertPolicy), { replaces: decision.claim }))) return 'none';
  await publish(incident, claim, now, deps);
  return 'resent';
}

/** Claims the alert (at most one per window, none while one is pending) and sends it, or defers it. */
export async function claimAndPublish(incident: Incident, trigger: AlertTrigger, eventId: string, now: Date, deps: AlertDeps): Promise<AlertOutcome> {
  const claim: PendingAlert = { trigger, eventId, claimedAt: now.toISOString() };
  if (await deps.store.claimAlert(incident.fingerprint, claim, windowStart(now, deps.alertPolicy))) {
    await publish(incident, claim, now, deps);
    return 'sent';
  }
  const toDefer = triggerToDefer(trigger, incident.alert.deferred);
  if (toDefer) await deps.store.deferAlert(incident.fingerprint, toDefer);
  deps.count?.('AlertsDeferred');
  return 'deferred';
}

async function publish(incident: Incident, claim: PendingAlert, now: Date, deps: AlertDeps): Promise<void> {
  const message = renderAlert({ incident, trigger: claim.trigger, topicArn: deps.topicArn, ackCommand: deps.ackCommand, showCommand: deps.showCommand });
  await deps.notifier.publish(message);
  await deps.store.completeAlert(incident.fingerprint, claim.eventId, now, incident.count);
  deps.count?.('AlertsSent');
}
