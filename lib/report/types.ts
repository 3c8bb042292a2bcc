import type { DailyCount, Incident, IncidentStatus } from '../incidents/types';
import type { ManagedBy, ReasonLayer, TargetKind, ValidationVerdict } from '../denial/types';

/** What {@link buildWeeklyReport} reads: plain data, already fetched from the store. */
export interface WeeklyReportInput {
  /** Incidents seen in [from, to). */
  incidents: Incident[];
  /** Occurrences per fingerprint and UTC day for the period; days outside [from, to) are ignored. */
  daily: DailyCount[];
  /** Every incident currently `open` or `acknowledged`, whatever its age. */
  open: Incident[];
  /**
   * Incidents in a fixed status ({@link isFixedStatus}: `resolved`, or `fixed` where the store has it),
   * whatever their age; those resolved in [from, to) give the time to fix. Optional: a caller that has
   * none passes nothing and the report says so.
   */
  fixed?: Incident[];
  from: Date;
  to: Date;
  /** The period before, for week-over-week trends. */
  previous?: { daily: DailyCount[] };
  /** When ages are measured; defaults to `to`. */
  asOf?: Date;
}

export interface ReportPeriod {
  /** Inclusive start, ISO time (UTC midnight when built by `reportPeriod`). */
  from: string;
  /** Exclusive end, ISO time. */
  to: string;
  /** The UTC days covered, oldest first (`yyyy-mm-dd`). */
  days: string[];
  /** `first..last` day, inclusive, e.g. `2026-11-16..2026-11-22`. */
  label: string;
  /** When days open are measured. */
  asOf: string;
}

export interface ReportTotals {
  /** Sum of the daily counts in the period. */
  denials: number;
  /** Distinct incidents seen in the period. */
  incidentsSeen: number;
  /** Incidents first seen in the period. */
  newIncidents: number;
  /** Incidents open again now after a status change in the period (resolved, acknowledged or suppressed, then seen again). */
  reopened: number;
  /** Incidents still marked resolved but seen after they were resolved: the fix did not hold. */
  resolvedSeenAgain: number;
  /** Denials in the period where the call region differs from the denied region (Bedrock cross-region inference). */
  crossRegionDenials: number;
  /** Incidents with a cross-region denial in the period. */
  crossRegionIncidents: number;
  /** Incidents open or acknowledged now. */
  stillOpen: number;
  /** Of those, the ones with a proposal confirmed by the simulator. */
  fixReady: number;
}

export interface ProposalSummary {
  kind: TargetKind;
  validated: ValidationVerdict;
  /** False when the fix holds a placeholder to fill in. */
  exact?: boolean;
}

/** One incident ranked by its count in the period. */
export interface TopIncident {
  fingerprint: string;
  action: string;
  /** Display name of the principal (permission set, role, user, service, ARN). */
  principal: string;
  managedBy: ManagedBy;
  accountId: string | null;
  callRegion: string;
  deniedRegion: string;
  layer: ReasonLayer;
  /** Occurrences in the period. */
  count: number;
  /** Occurrences in the previous period; present when the previous period was given. */
  previousCount?: number;
  status: IncidentStatus;
  /** True when first seen in the period. */
  isNew: boolean;
  proposal: ProposalSummary | null;
}

/** One row of a breakdown: denials in the period and distinct incidents, for one key. */
export interface BreakdownRow {
  key: string;
  /** What to show; equal to `key` except for principals (key = ARN, label = name). */
  label: string;
  denials: number;
  incidents: number;
}

export interface RegionRow extends BreakdownRow {
  /** Denials in this denied region for calls made in another region. */
  crossRegionDenials: number;
}

export interface ReportBreakdowns {
  byAccount: BreakdownRow[];
  byDeniedRegion: RegionRow[];
  /** By service: the action's prefix (`bedrock`, `s3`, ...). */
  byService: BreakdownRow[];
  byLayer: BreakdownRow[];
  byPrincipal: BreakdownRow[];
}

export interface DayCount {
  day: string;
  count: number;
}

/** An incident still open (or acknowledged), with its age. */
export interface OpenIncident {
  fingerprint: string;
  action: string;
  principal: string;
  accountId: string | null;
  deniedRegion: string;
  layer: ReasonLayer;
  status: IncidentStatus;
  firstSeen: string;
  lastSeen: string;
  /** Whole days from first seen to the report's `asOf`. */
  daysOpen: number;
  /** All-time occurrences. */
  count: number;
  /** A proposal exists and the simulator confirmed it allows the call. */
  fixReady: boolean;
  proposal: ProposalSummary | null;
}

export interface WeekOverWeek {
  previousDenials: number;
  /** Incidents with at least one occurrence in the previous period. */
  previousIncidents: number;
  /** `denials - previousDenials`. */
  change: number;
  /** Rounded percentage change; null when the previous period had no denials. */
  changePercent: number | null;
}

/** The weekly report: what was denied, where, how often, and what is still open. */
export interface WeeklyReport {
  period: ReportPeriod;
  totals: ReportTotals;
  /** Every incident seen in the period, most denials first (ties: fingerprint). Renderers show the head. */
  top: TopIncident[];
  breakdowns: ReportBreakdowns;
  /** One value per day of the period, oldest first (a sparkline). */
  daily: DayCount[];
  /** Oldest first (ties: fingerprint). */
  stillOpen: OpenIncident[];
  weekOverWeek: WeekOverWeek | null;
  /** How long the still-open incidents have been open, in {@link AGE_BUCKETS}; counts sum to `stillOpen.length`. */
  openAges: AgeBucket[];
  /** Incidents resolved (or fixed) in the period and how long that took. */
  timeToFix: TimeToFix;
}

/** Incidents whose age (or time to fix) falls in [minDays, maxDays). */
export interface AgeBucket {
  label: string;
  minDays: number;
  /** Exclusive; null for the last bucket. */
  maxDays: number | null;
  count: number;
}

/** An incident resolved in the period, with the time from first seen to its resolution. */
export interface ResolvedIncident {
  fingerprint: string;
  action: string;
  principal: string;
  accountId: string | null;
  deniedRegion: string;
  layer: ReasonLayer;
  /** The status it is in now (`resolved`, or another fixed status). */
  status: string;
  firstSeen: string;
  resolvedAt: string;
  /** Whole hours from first seen to resolved (0 when resolved before it was first seen: clocks disagree). */
  hoursToFix: number;
}

export interface TimeToFix {
  /** Resolved in the period, most recently resolved first (ties: fingerprint). */
  resolved: ResolvedIncident[];
  /** Median of `hoursToFix` (the lower middle for an even count); null when nothing was resolved. */
  medianHours: number | null;
  maxHours: number | null;
  /** Times to fix in {@link AGE_BUCKETS}. */
  buckets: AgeBucket[];
}

/** How many rows renderers show; the rest is summarised as "and N more". */
export interface RenderLimits {
  top: number;
  rows: number;
  open: number;
}
