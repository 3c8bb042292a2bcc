import type { DailyCount, Incident } from '../incidents/types';
import { ReportPeriodError } from './errors';
import { accountOf, incidentColumns, isFixReady, principalKey, principalLabel, proposalSummary, serviceOf } from './labels';
import { DAY_MS, daysOf, periodLabel } from './period';
import { openAges, timeToFix } from './lifecycle';
import { loopSummary } from './loop';
import type { BreakdownRow, DayCount, OpenIncident, RegionRow, ReportTotals, TopIncident, WeekOverWeek, WeeklyReport, WeeklyReportInput } from './types';

/**
 * Builds the weekly report from what the store returned. Pure and deterministic: every list has a
 * total order (count or age first, then the key or fingerprint), so the same data always renders the
 * same report.
 *
 * Counts in the period come from the day rollups (`daily`), not from `Incident.count`, which is all-time.
 * Breakdowns attribute each incident's period count to its account, denied region, service, reason
 * layer and principal; all of these are part of what makes an incident, so one incident has one value each.
 * @throws ReportPeriodError when `to` is not after `from`.
 */
export function buildWeeklyReport(input: WeeklyReportInput): WeeklyReport {
  const { from, to } = input;
  if (!(to.getTime() > from.getTime())) throw new ReportPeriodError(`report period is empty: ${iso(from)} is not before ${iso(to)}`);
  const asOf = input.asOf ?? to;
  const days = daysOf(from, to);

  // Expected denials (an `expect` rule matched) are counted apart: never in the totals, top list, breakdowns or open list.
  const seen = uniqueByFingerprint(input.incidents);
  const incidents = seen.filter((i) => !isExpected(i));
  const expected = seen.filter(isExpected);
  const expectedFingerprints = new Set(expected.map((i) => i.fingerprint));
  const ownDaily = input.daily.filter((row) => !expectedFingerprints.has(row.fingerprint));
  const allCounts = countsByFingerprint(input.daily, new Set(days));
  const periodCounts = countsByFingerprint(ownDaily, new Set(days));
  const countIn = (fingerprint: string) => periodCounts.get(fingerprint) ?? 0;

  const previousCounts = input.previous ? countsByFingerprint(input.previous.daily.filter((row) => !expectedFingerprints.has(row.fingerprint))) : undefined;
  const top = incidents
    .map((incident) => topIncident(incident, countIn(incident.fingerprint), previousCounts, from, to))
    .sort((a, b) => b.count - a.count || compareText(a.fingerprint, b.fingerprint));

  const stillOpen = uniqueByFingerprint(input.open)
    .filter((i) => (i.status === 'open' || i.status === 'acknowledged') && !isExpected(i))
    .map((incident) => openIncident(incident, asOf))
    .sort((a, b) => compareText(a.firstSeen, b.firstSeen) || compareText(a.fingerprint, b.fingerprint));

  const denials = sum(periodCounts.values());
  const crossRegion = incidents.filter(isCrossRegion);
  const totals: ReportTotals = {
    denials,
    incidentsSeen: incidents.length,
    newIncidents: incidents.filter((i) => within(i.firstSeen, from, to)).length,
    reopened: incidents.filter((i) => wasReopened(i, from, to)).length,
    resolvedSeenAgain: incidents.filter(resolvedButSeenAgain).length,
    crossRegionDenials: sum(crossRegion.map((i) => countIn(i.fingerprint))),
    crossRegionIncidents: crossRegion.filter((i) => countIn(i.fingerprint) > 0).length,
    stillOpen: stillOpen.length,
    fixReady: stillOpen.filter((i) => i.fixReady).length,
    expectedDenials: sum(expected.map((i) => allCounts.get(i.fingerprint) ?? 0)),
  };

  const dayTotals = new Map<string, number>();
  for (const row of ownDaily) dayTotals.set(row.day, (dayTotals.get(row.day) ?? 0) + row.count);
  const daily: DayCount[] = days.map((day) => ({ day, count: dayTotals.get(day) ?? 0 }));

  return {
    period: { from: iso(from), to: iso(to), days, label: periodLabel(days), asOf: iso(asOf) },
    totals,
    top,
    breakdowns: {
      byAccount: breakdown(incidents, countIn, (i) => accountOf(i) ?? 'unknown'),
      byDeniedRegion: regionBreakdown(incidents, countIn),
      byService: breakdown(incidents, countIn, serviceOf),
      byLayer: breakdown(incidents, countIn, (i) => i.reason.layer),
      byPrincipal: breakdown(
        incidents,
        countIn,
        (i) => principalKey(i.principal),
        (i) => principalLabel(i.principal),
      ),
    },
    daily,
    stillOpen,
    weekOverWeek: previousCounts ? weekOverWeek(denials, previousCounts) : null,
    openAges: openAges(stillOpen, asOf),
    timeToFix: timeToFix(input.fixed ?? [], from, to),
    loop: loopSummary({
      seen: incidents,
      expected,
      closed: [...(input.fixed ?? []), ...(input.stale ?? [])],
      countIn: (fingerprint) => allCounts.get(fingerprint) ?? 0,
      ...(input.rules ? { rules: input.rules } : {}),
      from,
      to,
      asOf,
    }),
  };
}

function isExpected(incident: Incident): boolean {
  return incident.latest.expectedBy !== undefined;
}

function iso(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'invalid date' : date.toISOString();
}

/** Code-unit order, not locale order: stable across machines. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/** The store never returns duplicates, but a status change between two list calls could: keep the most recently seen. */
function uniqueByFingerprint(incidents: readonly Incident[]): Incident[] {
  const byFingerprint = new Map<string, Incident>();
  for (const incident of incidents) {
    const kept = byFingerprint.get(incident.fingerprint);
    if (!kept || incident.lastSeen > kept.lastSeen) byFingerprint.set(incident.fingerprint, incident);
  }
  return [...byFingerprint.values()];
}

function countsByFingerprint(daily: readonly DailyCount[], days?: ReadonlySet<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of daily) {
    if (days && !days.has(row.day)) continue;
    counts.set(row.fingerprint, (counts.get(row.fingerprint) ?? 0) + row.count);
  }
  return counts;
}

function within(isoTime: string | undefined, from: Date, to: Date): boolean {
  if (isoTime === undefined) return false;
  const t = Date.parse(isoTime);
  return !Number.isNaN(t) && t >= from.getTime() && t < to.getTime();
}

/**
 * Open now, and its status changed to open during the period after it was first seen. Incidents are
 * created open, so a later change to open is always a comeback (from resolved, acknowledged or an
 * expired suppression). One that came back and was acknowledged again before the report is not counted.
 */
function wasReopened(incident: Incident, from: Date, to: Date): boolean {
  const changed = incident.statusChangedAt;
  return incident.status === 'open' && changed !== undefined && within(changed, from, to) && Date.parse(changed) > Date.parse(incident.firstSeen);
}

/** Resolved, yet seen after it was resolved: the pipeline normally reopens these, so any left means a lost race or a manual resolve after the fact. */
function resolvedButSeenAgain(incident: Incident): boolean {
  const changed = incident.statusChangedAt;
  return incident.status === 'resolved' && changed !== undefined && Date.parse(incident.lastSeen) > Date.parse(changed);
}

function isCrossRegion(incident: Incident): boolean {
  return incident.callRegion !== '' && incident.deniedRegion !== '' && incident.callRegion !== incident.deniedRegion;
}

function proposalOf(incident: Incident) {
  return incident.proposal ?? incident.latest.proposal;
}

function topIncident(incident: Incident, count: number, previous: Map<string, number> | undefined, from: Date, to: Date): TopIncident {
  const top: TopIncident = {
    fingerprint: incident.fingerprint,
    action: incident.action,
    principal: principalLabel(incident.principal),
    managedBy: incident.principal.managedBy,
    accountId: accountOf(incident),
    callRegion: incident.callRegion,
    deniedRegion: incident.deniedRegion,
    layer: incident.reason.layer,
    count,
    status: incident.status,
    isNew: within(incident.firstSeen, from, to),
    proposal: proposalSummary(proposalOf(incident)),
  };
  if (previous) top.previousCount = previous.get(incident.fingerprint) ?? 0;
  return top;
}

function openIncident(incident: Incident, asOf: Date): OpenIncident {
  const first = Date.parse(incident.firstSeen);
  const proposal = proposalOf(incident);
  return {
    ...incidentColumns(incident),
    lastSeen: incident.lastSeen,
    daysOpen: Number.isNaN(first) ? 0 : Math.max(0, Math.floor((asOf.getTime() - first) / DAY_MS)),
    count: incident.count,
    fixReady: isFixReady(proposal),
    proposal: proposalSummary(proposal),
  };
}

function breakdown(
  incidents: readonly Incident[],
  countIn: (fingerprint: string) => number,
  keyOf: (incident: Incident) => string,
  labelOf: (incident: Incident) => string = keyOf,
): BreakdownRow[] {
  const rows = new Map<string, BreakdownRow>();
  for (const incident of incidents) {
    const key = keyOf(incident);
    const row = rows.get(key) ?? { key, label: labelOf(incident), denials: 0, incidents: 0 };
    row.denials += countIn(incident.fingerprint);
    row.incidents += 1;
    rows.set(key, row);
  }
  return [...rows.values()].sort(byDenials);
}

function regionBreakdown(incidents: readonly Incident[], countIn: (fingerprint: string) => number): RegionRow[] {
  const rows = new Map<string, RegionRow>();
  for (const incident of incidents) {
    const key = incident.deniedRegion || 'unknown';
    const row = rows.get(key) ?? { key, label: key, denials: 0, incidents: 0, crossRegionDenials: 0 };
    const count = countIn(incident.fingerprint);
    row.denials += count;
    row.incidents += 1;
    if (isCrossRegion(incident)) row.crossRegionDenials += count;
    rows.set(key, row);
  }
  return [...rows.values()].sort(byDenials);
}

function byDenials(a: BreakdownRow, b: BreakdownRow): number {
  return b.denials - a.denials || b.incidents - a.incidents || compareText(a.key, b.key);
}

function weekOverWeek(denials: number, previous: Map<string, number>): WeekOverWeek {
  const previousDenials = sum(previous.values());
  const change = denials - previousDenials;
  return {
    previousDenials,
    previousIncidents: [...previous.values()].filter((c) => c > 0).length,
    change,
    changePercent: previousDenials === 0 ? null : Math.round((change / previousDenials) * 100),
  };
}
