import type { Denial, Principal, Proposal, Reason } from '../denial/types';

export const INCIDENT_STATUSES = ['open', 'acknowledged', 'resolved', 'suppressed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const ALERT_TRIGGERS = ['opened', 'threshold', 'reopened', 'deferred'] as const;
/** Why an alert is (or was) due: a new incident, a count crossing 10/100/1000..., a comeback, or one held back by the window. */
export type AlertTrigger = (typeof ALERT_TRIGGERS)[number];

export interface PendingAlert {
  trigger: AlertTrigger;
  /** The occurrence that claimed the alert; its retry re-sends the alert if publishing failed. */
  eventId: string;
  claimedAt: string;
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
  alert: AlertState;
}

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
export type RecordOutcome =
  | { kind: 'counted'; incident: Incident; created: boolean }
  | { kind: 'duplicate'; incident: Incident | null };

/** Default cap on each distinct-values set of an incident (accounts, regions, sessions). */
export const MAX_DISTINCT_VALUES = 50;

/** Occurrences of one fingerprint on one UTC day, from the day rollups. */
export interface DailyCount {
  fingerprint: string;
  /** UTC day, `yyyy-mm-dd`. */
  day: string;
  count: number;
}

/** Options of {@link IncidentStore.recordOccurrence}. */
export interface RecordOptions {
  /**
   * Identifies this delivery across its own retries, e.g. the Lambda `awsRequestId` (Lambda retries an
   * asynchronous invocation with the same request ID). A retry of a delivery that died while counting
   * then resumes its claim at once instead of waiting for the claim's lease to expire.
   */
  owner?: string;
}

export interface ListFilter {
  status?: IncidentStatus;
  limit?: number;
}

/**
 * The incident store port. Every method is safe under concurrent callers: counts use atomic
 * updates and every state change is conditional, so no increment or alert claim is ever lost or doubled.
 */
export interface IncidentStore {
  /** Creates the table when it does not exist (embedded default and tests; deployments create it with CloudFormation). */
  ensureTable(): Promise<void>;
  /**
   * Counts the occurrence once per eventId, ever: a redelivered or replayed event returns `duplicate`.
   * Updates the incident's counters, last/first seen, distinct sets and latest explanation.
   */
  recordOccurrence(denial: Denial, now: Date, options?: RecordOptions): Promise<RecordOutcome>;
  get(fingerprint: string): Promise<Incident | null>;
  list(filter?: ListFilter): Promise<Incident[]>;
  /**
   * Incidents seen in [from, to), without a Scan: those with an occurrence on a UTC day overlapping the
   * range (from the day rollups) whose [firstSeen, lastSeen] overlaps it. Most recently seen first.
   */
  listSeenBetween(from: Date, to: Date): Promise<Incident[]>;
  /** Occurrence counts per fingerprint and UTC day, for every day overlapping [from, to); oldest day first. */
  dailyCounts(from: Date, to: Date): Promise<DailyCount[]>;
  /** Most recent occurrences first. */
  occurrences(fingerprint: string, limit?: number): Promise<Occurrence[]>;
  /**
   * Changes status only if it is still `from` (when given); returns false when the condition failed.
   * `suppressedUntil` is set for `suppressed` and removed otherwise.
   */
  setStatus(fingerprint: string, to: IncidentStatus, now: Date, options?: { from?: IncidentStatus; suppressedUntil?: Date }): Promise<boolean>;
  /**
   * Claims the right to alert: succeeds only when no alert was sent since `windowStart` and none is pending
   * (or the pending one was claimed by this same `eventId`). On success `alert.pending` is set.
   * With `replaces`, it takes over exactly that pending claim (same eventId and claimedAt) and nothing
   * else: a compare-and-swap, so of several callers re-sending one stale alert only one wins.
   */
  claimAlert(fingerprint: string, claim: PendingAlert, windowStart: Date, options?: { replaces?: PendingAlert }): Promise<boolean>;
  /** Records a trigger that fell inside the window, to be sent after it. */
  deferAlert(fingerprint: string, trigger: AlertTrigger): Promise<void>;
  /** Clears `pending` and `deferred`, sets lastAlertAt/lastAlertCount, increments alertsSent. Conditional on pending.eventId. */
  completeAlert(fingerprint: string, eventId: string, sentAt: Date, count: number): Promise<void>;
}
