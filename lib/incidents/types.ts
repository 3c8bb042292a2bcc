import type { Denial, Principal, Proposal, Reason } from '../denial/types';

/**
 * The lifecycle (docs/incident-lifecycle.md): `open` → `acknowledged` (someone is on it) → `fixed` (a
 * policy change made the denied call allowed), `resolved` (someone said so), `stale` (not seen for the
 * stale period: quiet, not counted as fixed) or `suppressed` (silenced). An occurrence after `fixed`
 * (later than the fix) reopens it as a regression; after `stale` or `resolved` it reopens it as a comeback.
 */
export const INCIDENT_STATUSES = ['open', 'acknowledged', 'resolved', 'fixed', 'stale', 'suppressed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Statuses that end an episode of the incident: each carries a {@link Resolution}. */
export const CLOSED_STATUSES = ['resolved', 'fixed', 'stale'] as const satisfies readonly IncidentStatus[];
export type ClosedStatus = (typeof CLOSED_STATUSES)[number];

export const ALERT_TRIGGERS = ['opened', 'threshold', 'reopened', 'regression', 'deferred'] as const;
/**
 * Why an alert is (or was) due: a new incident, a count crossing 10/100/1000..., a comeback (of a
 * resolved, stale, acknowledged or expired-suppressed incident), a regression (the same denial after a
 * policy change had fixed it), or one held back by the window.
 */
export type AlertTrigger = (typeof ALERT_TRIGGERS)[number];

export const RESOLUTION_KINDS = ['policy-change', 'manual', 'stale'] as const;
/** How an episode ended: a policy change made the call allowed, someone resolved it, or it went quiet. */
export type ResolutionKind = (typeof RESOLUTION_KINDS)[number];

export const FIX_SCOPES = ['matches-proposal', 'broader-than-proposal', 'other-than-proposal', 'no-proposal'] as const;
/**
 * How the change that fixed an incident compares with the proposal: it grants no more than the proposal
 * (`matches-proposal`), grants more (`broader-than-proposal`, with `beyondProposal`), fixed it some other
 * way (`other-than-proposal`: removed a deny, changed a boundary or an SCP), or there was no proposal.
 */
export type FixScope = (typeof FIX_SCOPES)[number];

/**
 * The end of an episode: set with `fixed` (kind `policy-change`), `resolved` (kind `manual`) and
 * `stale` (kind `stale`). Field names are a public contract (the weekly report and `incidents --json`
 * read them); add fields, never rename them.
 */
export interface Resolution {
  kind: ResolutionKind;
  /** policy-change: the CloudTrail eventID of the change that fixed it. */
  eventId?: string;
  /** ISO UTC: the change's eventTime (policy-change), the command's time (manual), the sweep's time (stale). */
  at: string;
  /** Who: the ARN of the caller that made the change (policy-change), the CLI's user when known (manual). */
  by?: string;
  /** One sentence: what changed (policy-change), why it went quiet (stale: "not seen for 14 days since ..."). */
  reason?: string;
  /** policy-change: the change's API call, e.g. `PutRolePolicy`. */
  change?: string;
  /** policy-change: how the change compares with the proposal. */
  scope?: FixScope;
  /** policy-change with scope `broader-than-proposal`: each thing the change allows beyond the proposal, one phrase each. */
  beyondProposal?: string[];
  /** policy-change: who confirmed the call is now allowed. */
  checkedBy?: Array<'offline-evaluator' | 'iam-simulator'>;
}

/** Regressions of an incident: occurrences (later than the fix) of a `fixed` incident, each reopening it. */
export interface Regressions {
  count: number;
  lastRegressionAt: string;
}

/** Follow-up messages about a policy change (fixed, still denied, or possibly fixed but unconfirmed): one per change event per incident. */
export const FOLLOW_UP_KINDS = ['fixed', 'still-denied', 'unconfirmed'] as const;
export type FollowUpKind = (typeof FOLLOW_UP_KINDS)[number];

export interface FollowUpState {
  /** The change event the last follow-up was about. */
  eventId: string;
  kind: FollowUpKind;
  claimedAt: string;
  /** Absent between claiming and publishing: a retry of the same change event sends it then. */
  sentAt?: string;
}

export interface PendingAlert {
  trigger: AlertTrigger;
  /** The occurrence that claimed the alert; its retry re-sends the alert if publishing failed. */
  eventId: string;
  claimedAt: string;
  /**
   * Who claimed it, when the claimer is a process holding the embedded store's data-dir lock (its lock
   * token): the next lock holder knows that claimer has ended and re-sends at once.
   */
  owner?: string;
  /**
   * Identifies this one claim (random). With it, `claimAlert` accepts a pending claim of the same eventId
   * only when it is this very claim (an SDK retry of the claim), not another delivery of the same event
   * claiming at the same moment.
   */
  claimId?: string;
}

export interface AlertState {
  /** Set between claiming an alert and publishing it: a failed publish leaves it for the retry. */
  pending?: PendingAlert;
  /** A trigger that arrived inside the alert window; sent by the first occurrence after the window. */
  deferred?: AlertTrigger;
  lastAlertAt?: string;
  lastAlertCount?: number;
  alertsSent: number;
}

/** An incident aggregates every occurrence of one fingerprint. */
export interface Incident {
  fingerprint: string;
  status: IncidentStatus;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Distinct values seen, capped (see MAX_DISTINCT_VALUES) so that an item never grows without bound. */
  accounts: string[];
  regions: string[];
  sessions: string[];
  principal: Principal;
  action: string;
  reason: Reason;
  eventSource: string;
  callRegion: string;
  deniedRegion: string;
  resource: string | null;
  /** The latest explanation, with its proposal. */
  latest: Denial;
  proposal?: Proposal;
  statusChangedAt?: string;
  /** ISO time until which a suppressed incident stays silent. */
  suppressedUntil?: string;
  /** Status changes made by people (`incidents ack|resolve|suppress --by --note`), oldest first. */
  statusLog?: StatusLogEntry[];
  alert: AlertState;
  /** Set while the status is `fixed`, `resolved` or `stale`: how and when the episode ended. */
  resolution?: Resolution;
  /** After a reopening: the resolution that ended the previous episode (for a regression, the fix it undid). */
  previousResolution?: Resolution;
  /** Start of the current episode when it is not `firstSeen`: the reopening of a fixed, resolved or stale incident. */
  openedAt?: string;
  regressions?: Regressions;
  /** The last follow-up about a policy change. */
  followUp?: FollowUpState;
}

/**
 * Milliseconds from the start of the episode (`openedAt`, else `firstSeen`) to the policy change that
 * fixed it; null unless the incident is `fixed` by a policy change (manual and stale resolutions are not fixes).
 */
export function timeToFixMs(incident: Pick<Incident, 'status' | 'firstSeen' | 'openedAt' | 'resolution'>): number | null {
  const resolution = incident.resolution;
  if (incident.status !== 'fixed' || resolution?.kind !== 'policy-change') return null;
  const start = Date.parse(incident.openedAt ?? incident.firstSeen);
  const end = Date.parse(resolution.at);
  if (Number.isNaN(start) || Number.isNaN(end)) return null;
  return Math.max(0, end - start);
}

/** One status change made by a person: who, when, to what, and why. Both `by` and `note` are free text (attacker-reachable through a shared table): sanitise on output. */
export interface StatusLogEntry {
  at: string;
  to: IncidentStatus;
  by: string;
  note?: string;
}

/** Longest `by` and `note` kept (a status log never grows an item much). */
export const MAX_STATUS_BY_CHARS = 100;
export const MAX_STATUS_NOTE_CHARS = 1000;

export interface Occurrence {
  fingerprint: string;
  eventId: string;
  eventTime: string;
  accountId: string | null;
  callRegion: string;
  deniedRegion: string;
  sessionName?: string;
  principalArn: string | null;
  /** Epoch seconds after which DynamoDB's TTL removes the occurrence. */
  expiresAt: number;
}

/** Outcome of recording one occurrence: counted exactly once, or recognised as already counted. */
export type RecordOutcome = { kind: 'counted'; incident: Incident; created: boolean } | { kind: 'duplicate'; incident: Incident | null };

/** Default cap on each distinct-values set of an incident (accounts, regions, sessions). */
export const MAX_DISTINCT_VALUES = 50;

/** Occurrences of one fingerprint on one UTC day, from the day rollups. */
export interface DailyCount {
  fingerprint: string;
  /** UTC day, `yyyy-mm-dd`. */
  day: string;
  count: number;
}
