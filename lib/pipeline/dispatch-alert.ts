/**
 * Dispatching an alert: claim it in the store (at most one per fingerprint per window, none while one is
 * pending), render it, publish it, and record it sent; or defer it when the window refuses the claim.
 * Shared by the record pipeline (./process) and the scheduled sweep (./sweep).
 */
import { randomUUID } from 'node:crypto';
import type { AlertTrigger, Incident, PendingAlert } from '../incidents/types';
import type { AlertLedger } from '../incidents/ports';
import type { Notifier } from '../notify/types';
import { renderAlert } from '../notify/alert/render';
import { isSilenced, pendingDecisionFor, triggerToDefer, windowStart, type AlertPolicyConfig } from '../alerts/policy';
import { RetryLaterError } from '../errors';
import type { PipelineMetric } from './metrics';
import type { RuleSet } from '../rules/types';
import { decide } from '../rules/match';
import { isExpectedIncident } from '../rules/expected';

export type AlertOutcome = 'sent' | 'resent' | 'deferred' | 'none';

/** What claiming and publishing an alert needs. */
export interface AlertDeps {
  store: AlertLedger;
  notifier: Notifier;
  alertPolicy: AlertPolicyConfig;
  topicArn?: string;
  /** The commands alerts print; by default they address the embedded default store. */
  ackCommand?: (fingerprint: string) => string;
  showCommand?: (fingerprint: string) => string;
  count?: (metric: PipelineMetric, value?: number) => void;
  /** The rules file: `severity` and `route` rules shape each alert; incidents of expected denials never alert. */
  rules?: RuleSet;
  /**
   * Set when this process is the only live writer of the store (the embedded default under its data-dir
   * lock): the lock's token. Claims carry it, and a pending claim with any other owner was made by a
   * process that has ended, so it is re-sent at once instead of after its lease.
   */
  exclusiveOwner?: string;
}

/** Thrown while the first delivery of an event may still be publishing its alert: the retry comes later. */
export class AlertInFlightError extends RetryLaterError {
  override name = 'AlertInFlightError';
}

/**
 * A redelivered event (Lambda retry, dead-letter redrive, replay) re-sends the alert it claimed but did
 * not publish. One more case is recovered here: an incident that was counted but never alerted (the
 * first delivery failed between counting and claiming), so even the `opened` alert is never lost.
 */
export async function alertForRedelivery(incident: Incident, eventId: string, now: Date, deps: AlertDeps): Promise<AlertOutcome> {
  if (isExpectedIncident(incident)) return 'none';
  const resent = await resendPending(incident, eventId, now, deps);
  if (resent !== 'none' || incident.alert.pending) return resent;
  const neverAlerted = incident.alert.alertsSent === 0 && !incident.alert.lastAlertAt && !incident.alert.deferred;
  if (!neverAlerted || isSilenced(incident, now)) return 'none';
  // The delivery that counted the event may be claiming this very alert right now: a refused claim here
  // means it is being (or was) sent, so nothing is deferred (a deferred 'opened' would be sent again later).
  const claim = claimOf('opened', eventId, now, deps);
  if (!(await deps.store.claimAlert(incident.fingerprint, claim, windowStart(now, deps.alertPolicy)))) return 'none';
  await publish(incident, claim, now, deps);
  return 'sent';
}

/** Re-sends a claimed alert that was never published, when its claimer retries or the claim went stale. */
export async function resendPending(incident: Incident, eventId: string, now: Date, deps: AlertDeps): Promise<AlertOutcome> {
  if (isExpectedIncident(incident)) return 'none';
  const { exclusiveOwner } = deps;
  const claimerEnded = (claim: PendingAlert): boolean => exclusiveOwner !== undefined && claim.owner !== exclusiveOwner;
  const decision = pendingDecisionFor(incident, eventId, now, deps.alertPolicy, claimerEnded);
  if (decision.kind === 'none') return 'none';
  if (decision.kind === 'wait')
    throw new AlertInFlightError(`the alert for ${incident.fingerprint} claimed by event ${eventId} may still be publishing; retry later`);
  // Take over exactly the claim we saw (compare-and-swap on it): of several callers re-sending one alert,
  // only one wins. The claim then names this caller, whose own retry re-sends it if this publish fails.
  const claim = claimOf(decision.claim.trigger, eventId, now, deps);
  if (!(await deps.store.claimAlert(incident.fingerprint, claim, windowStart(now, deps.alertPolicy), { replaces: decision.claim }))) return 'none';
  await publish(incident, claim, now, deps);
  return 'resent';
}

/** Claims the alert (at most one per window, none while one is pending) and sends it, or defers it. */
export async function claimAndPublish(incident: Incident, trigger: AlertTrigger, eventId: string, now: Date, deps: AlertDeps): Promise<AlertOutcome> {
  // Whatever asks (a redelivery, the sweep, a follow-up), an incident of expected denials never alerts.
  if (isExpectedIncident(incident)) return 'none';
  const claim = claimOf(trigger, eventId, now, deps);
  if (await deps.store.claimAlert(incident.fingerprint, claim, windowStart(now, deps.alertPolicy))) {
    await publish(incident, claim, now, deps);
    return 'sent';
  }
  const toDefer = triggerToDefer(trigger, incident.alert.deferred);
  if (toDefer) await deps.store.deferAlert(incident.fingerprint, toDefer);
  deps.count?.('AlertsDeferred');
  return 'deferred';
}

function claimOf(trigger: AlertTrigger, eventId: string, now: Date, deps: AlertDeps): PendingAlert {
  // A fresh claimId per claim: two deliveries of one event never pass for each other's retry.
  const claim: PendingAlert = { trigger, eventId, claimedAt: now.toISOString(), claimId: randomUUID() };
  if (deps.exclusiveOwner !== undefined) claim.owner = deps.exclusiveOwner;
  return claim;
}

async function publish(incident: Incident, claim: PendingAlert, now: Date, deps: AlertDeps): Promise<void> {
  // Rules are applied when the alert goes out, so an edited (or expired) rule shapes the next alert.
  const decision = deps.rules ? decide(deps.rules, incident.latest, now) : null;
  const message = renderAlert({
    incident,
    trigger: claim.trigger,
    topicArn: deps.topicArn,
    ackCommand: deps.ackCommand,
    showCommand: deps.showCommand,
    ...(decision?.severity ? { severity: decision.severity.value } : {}),
    ...(decision?.route ? { route: decision.route.attributes } : {}),
  });
  await deps.notifier.publish(message);
  await deps.store.completeAlert(incident.fingerprint, claim.eventId, now, incident.count);
  deps.count?.('AlertsSent');
}
