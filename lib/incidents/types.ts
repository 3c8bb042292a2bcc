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
