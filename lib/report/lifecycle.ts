import type { Incident } from '../incidents/types';
import { incidentColumns } from './labels';
import { DAY_MS } from './period';
import { median, percentile } from './loop';
import type { AgeBucket, OpenIncident, ResolvedIncident, TimeToFix } from './types';

const HOUR_MS = 3_600_000;

/** Age (or time to fix) buckets in whole days: a lead asks "how many are older than a week, a month?". */
export const AGE_BUCKETS: ReadonlyArray<Omit<AgeBucket, 'count'>> = Object.freeze([
  { label: 'under 1 day', minDays: 0, maxDays: 1 },
  { label: '1-6 days', minDays: 1, maxDays: 7 },
  { label: '7-29 days', minDays: 7, maxDays: 30 },
  { label: '30-89 days', minDays: 30, maxDays: 90 },
  { label: '90 days or more', minDays: 90, maxDays: null },
]);

/**
 * Statuses that mean someone fixed the cause. Read as plain strings so that statuses the store adds
 * later (`fixed`) count without a change here; a status for incidents that merely went quiet (`stale`)
 * is deliberately absent: going quiet is not a fix, and counting it would flatter the time to fix.
 */
const FIXED_STATUSES: ReadonlySet<string> = new Set(['resolved', 'fixed']);

export function isFixedStatus(status: string): boolean {
  return FIXED_STATUSES.has(status);
}

/**
 * When an incident was resolved: its own `resolvedAt` when the store records one (a status change after
 * the fix, such as a comment, must not move it), else the time of its last status change.
 */
export function resolvedAtOf(incident: Incident): string | undefined {
  const own = (incident as { resolvedAt?: unknown }).resolvedAt;
  return typeof own === 'string' ? own : (incident.resolution?.at ?? incident.statusChangedAt);
}

/** Counts durations (milliseconds) per {@link AGE_BUCKETS} bucket; every bucket is present, in order. */
export function ageBuckets(durationsMs: readonly number[]): AgeBucket[] {
  const buckets = AGE_BUCKETS.map((b) => ({ ...b, count: 0 }));
  for (const ms of durationsMs) {
    const days = Math.max(0, ms) / DAY_MS;
    const bucket = buckets.find((b) => days >= b.minDays && (b.maxDays === null || days < b.maxDays));
    if (bucket) bucket.count++;
  }
  return buckets;
}

/** Ages of the still-open incidents, measured from first seen to `asOf` (an unreadable first seen counts as new). */
export function openAges(open: readonly OpenIncident[], asOf: Date): AgeBucket[] {
  return ageBuckets(
    open.map((o) => {
      const first = Date.parse(o.firstSeen);
      return Number.isNaN(first) ? 0 : asOf.getTime() - first;
    }),
  );
}

/**
 * The incidents in a fixed status resolved in [from, to), most recently resolved first, with their time
 * to fix. Incidents without a readable resolution time are left out: a time to fix cannot be guessed.
 */
export function timeToFix(fixed: readonly Incident[], from: Date, to: Date): TimeToFix {
  const resolved: ResolvedIncident[] = [];
  const seen = new Set<string>();
  for (const incident of fixed) {
    if (!isFixedStatus(incident.status) || seen.has(incident.fingerprint)) continue;
    const resolvedAt = resolvedAtOf(incident);
    const at = resolvedAt === undefined ? NaN : Date.parse(resolvedAt);
    if (resolvedAt === undefined || Number.isNaN(at) || at < from.getTime() || at >= to.getTime()) continue;
    seen.add(incident.fingerprint);
    // Time to fix is measured from the start of the episode: a reopened incident's clock restarts.
    const first = Date.parse(incident.openedAt ?? incident.firstSeen);
    resolved.push({
      ...incidentColumns(incident),
      resolvedAt,
      hoursToFix: Number.isNaN(first) ? 0 : Math.max(0, Math.floor((at - first) / HOUR_MS)),
    });
  }
  resolved.sort((a, b) => Date.parse(b.resolvedAt) - Date.parse(a.resolvedAt) || (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  const hours = resolved.map((r) => r.hoursToFix).sort((a, b) => a - b);
  return {
    resolved,
    medianHours: median(hours),
    p90Hours: percentile(hours, 0.9),
    maxHours: hours.length === 0 ? null : (hours[hours.length - 1] ?? null),
    buckets: ageBuckets(hours.map((h) => h * HOUR_MS)),
  };
}
