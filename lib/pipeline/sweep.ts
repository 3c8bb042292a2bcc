import { isSilenced, windowPassed } from '../alerts/policy';
import { claimAndPublish, resendPending, type AlertDeps } from './process';

export type SweepDeps = AlertDeps & { clock: () => Date };

export interface SweepResult {
  /** Open incidents looked at. */
  checked: number;
  /** Held-back alerts sent now. */
  sent: number;
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
  // The claim names the sweep run, not an event: if its publish fails, a later sweep (or occurrence) takes the stale claim over.
  const sweepId = `sweep:${now.toISOString()}`;
  for (const incident of open) {
    const { deferred, pending, lastAlertAt } = incident.alert;
    if (pending) {
      if ((await resendPending(incident, sweepId, now, deps)) === 'resent') sent++;
      continue;
    }
    if (!deferred || isSilenced(incident, now) || !windowPassed(lastAlertAt, now, deps.alertPolicy)) continue;
    if ((await claimAndPublish(incident, 'deferred', sweepId, now, deps)) === 'sent') sent++;
  }
  return { checked: open.length, sent };
}
