/**
 * Quiet resolution: an incident not seen for the stale period becomes `stale`, with its reason. It is
 * not a fix (no time to fix, not counted as fixed) and sends no alert; any later occurrence reopens it.
 */
import type { Incident, Resolution } from '../incidents/types';
import type { IncidentLister, StatusUpdater } from '../incidents/ports';
import type { PipelineMetric } from './metrics';

export const DEFAULT_STALE_AFTER_DAYS = 14;
const DAY_MS = 86_400_000;

/** Statuses that go stale: nobody closed them, and they stopped happening. */
export const STALEABLE_STATUSES = ['open', 'acknowledged'] as const;

/**
 * The stale resolution for an incident last seen more than `staleAfterDays` before `now`, else null.
 * Pure. An unreadable `lastSeen` never makes an incident stale.
 */
export function staleResolutionFor(
  incident: Pick<Incident, 'status' | 'lastSeen'>,
  now: Date,
  staleAfterDays: number = DEFAULT_STALE_AFTER_DAYS,
): Resolution | null {
  if (!(STALEABLE_STATUSES as readonly string[]).includes(incident.status)) return null;
  const lastSeen = Date.parse(incident.lastSeen);
  if (Number.isNaN(lastSeen) || now.getTime() - lastSeen <= staleAfterDays * DAY_MS) return null;
  const days = Math.floor((now.getTime() - lastSeen) / DAY_MS);
  return {
    kind: 'stale',
    at: now.toISOString(),
    reason: `not seen for ${days} days (since ${new Date(lastSeen).toISOString()}); stale after ${staleAfterDays} days without an occurrence`,
  };
}

export interface StaleSweepDeps {
  store: IncidentLister & StatusUpdater;
  count?: (metric: PipelineMetric, value?: number) => void;
}

export interface StaleSweepResult {
  checked: number;
  /** Fingerprints moved to `stale` now. */
  stale: string[];
}

/**
 * Moves every open or acknowledged incident not seen for the period to `stale`, conditional on its
 * status (a concurrent occurrence or command wins). Runs in the scheduled sweep, at the end of a replay
 * and in `incidents sweep`.
 */
export async function sweepStale(deps: StaleSweepDeps, now: Date, staleAfterDays: number = DEFAULT_STALE_AFTER_DAYS): Promise<StaleSweepResult> {
  if (!(staleAfterDays > 0)) throw new RangeError(`the stale period must be a positive number of days, got ${staleAfterDays}`);
  const stale: string[] = [];
  let checked = 0;
  for (const status of STALEABLE_STATUSES) {
    for (const incident of await deps.store.list({ status })) {
      checked++;
      const resolution = staleResolutionFor(incident, now, staleAfterDays);
      if (!resolution) continue;
      if (await deps.store.setStatus(incident.fingerprint, 'stale', now, { from: status, resolution })) {
        stale.push(incident.fingerprint);
        deps.count?.('IncidentsStale');
      }
    }
  }
  return { checked, stale };
}
