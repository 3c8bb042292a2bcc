import { isSilenced, windowPassed } from '../alerts/policy';
import { randomUUID } from 'node:crypto';
import type { AlertLedger, IncidentLister } from '../incidents/ports';
import { describeError } from '../errors';
import { claimAndPublish, resendPending, type AlertDeps } from './dispatch-alert';

/** The sweep lists open incidents and claims their alerts. */
export type SweepDeps = Omit<AlertDeps, 'store'> & { store: AlertLedger & IncidentLister; clock: () => Date };

export interface SweepResult {
  /** Open incidents looked at. */
  checked: number;
  /** Held-back alerts sent now. */
  sent: number;
  /** Incidents whose alert could not be sent this time (the next sweep tries again), with the reason. */
  failed: Array<{ fingerprint: string; error: string }>;
}

/**
 * Sends the alerts the window held back, for incidents that have had no occurrence since: without this
 * a resolved incident that came back once, inside the window of its previous alert, would never be
 * announced. Runs on a schedule; the claim is the same conditional write the pipeline uses, so a sweep
 * racing an occurrence (or another sweep) still sends at most one alert per window.
 */
export async function sweepDeferredAlerts(deps: SweepDeps): Promise<SweepResult> {
  const now = deps.clock();
  const open = await deps.store.list({ status: 'open' });
  let sent = 0;
  // The claim names this sweep run, not an event: if its publish fails, a later sweep (or occurrence)
  // takes the stale claim over. Random suffix: two sweeps started in the same millisecond stay distinct.
  const sweepId = `sweep:${now.toISOString()}:${randomUUID().slice(0, 8)}`;
  // A refused claim here means someone else sent it: not a deferral worth counting.
  const quiet: SweepDeps = { ...deps, count: (metric, value) => (metric === 'AlertsDeferred' ? undefined : deps.count?.(metric, value)) };
  const failed: SweepResult['failed'] = [];
  for (const incident of open) {
    const { deferred, pending, lastAlertAt } = incident.alert;
    try {
      if (pending) {
        if ((await resendPending(incident, sweepId, now, quiet)) === 'resent') sent++;
        continue;
      }
      if (!deferred || isSilenced(incident, now) || !windowPassed(lastAlertAt, now, deps.alertPolicy)) continue;
      if ((await claimAndPublish(incident, 'deferred', sweepId, now, quiet)) === 'sent') sent++;
    } catch (err) {
      // One incident's failure (SNS, throttling) must not stop the others; its claim goes stale and is retried.
      failed.push({ fingerprint: incident.fingerprint, error: describeError(err) });
    }
  }
  return { checked: open.length, sent, failed };
}
