import type { Denial } from '../denial/types';
import type {
  AlertTrigger,
  DailyCount,
  FollowUpState,
  Incident,
  IncidentStatus,
  Occurrence,
  PendingAlert,
  RecordOutcome,
  Regressions,
  Resolution,
} from './types';

/**
 * The incident store's ports, one per role, so that each caller (and each test fake) depends only on
 * what it uses. Every method is safe under concurrent callers: counts use atomic updates and every state
 * change is conditional, so no increment or alert claim is ever lost or doubled. The one adapter,
 * `DynamoIncidentStore` (dynamodb/store.ts), implements them all ({@link IncidentStore}).
 *
 * | Port | Used by |
 * |---|---|
 * | {@link OccurrenceRecorder} | the pipeline (`processRecord`) |
 * | {@link StatusUpdater} | the pipeline (reopening), the CLI's `ack`/`resolve`/`suppress` |
 * | {@link AlertLedger} | the pipeline's alerts and the deferred-alert sweep |
 * | {@link FollowUpLedger} | the policy-change loop's follow-up messages (lib/pipeline/policy-change.ts) |
 * | {@link IncidentLister} / {@link IncidentReader} | the sweep and the report (list); the CLI's `incidents` (all reads) |
 * | {@link ActivityReader} | the weekly report |
 * | {@link TableProvisioner} | the CLI's embedded default and tests (deployments create the table with CloudFormation) |
 */

/** Options of {@link OccurrenceRecorder.recordOccurrence}. */
export interface RecordOptions {
  /**
   * Identifies this delivery across its own retries, e.g. the Lambda `awsRequestId` (Lambda retries an
   * asynchronous invocation with the same request ID). A retry of a delivery that died while counting
   * then resumes its claim at once instead of waiting for the claim's lease to expire.
   */
  owner?: string;
}

/** Counts occurrences, exactly once per eventID. */
export interface OccurrenceRecorder {
  /**
   * Counts the occurrence once per eventId, ever: a redelivered or replayed event returns `duplicate`.
   * Updates the incident's counters, last/first seen, distinct sets and latest explanation.
   * Throws `EventInFlightError` (retry later) while another delivery of the same event is counting it.
   */
  recordOccurrence(denial: Denial, now: Date, options?: RecordOptions): Promise<RecordOutcome>;
}

/** Counts several occurrences of one incident at once (replay on the embedded default). */
export interface BatchOccurrenceRecorder {
  /**
   * Counts distinct events of one incident, in input order, each once per eventId as
   * {@link OccurrenceRecorder.recordOccurrence} does, and returns one outcome per denial: a counted event's
   * incident carries the count that event reached. Fewer writes only where the store is its table's one
   * writer, which then validates every denial before writing anything (InvalidOccurrenceError); elsewhere
   * one event at a time.
   */
  recordOccurrences(denials: readonly Denial[], now: Date): Promise<RecordOutcome[]>;
}

/** Options of {@link StatusUpdater.setStatus}. */
export interface StatusChangeOptions {
  /** Change only if the incident is still in this status. */
  from?: IncidentStatus;
  /** For `suppressed`: silent until then (without it, until the status changes). */
  suppressedUntil?: Date;
  /** A person's change: appended to the incident's `statusLog` with `note` (the pipeline's own changes carry none). */
  by?: string;
  note?: string;
  /** For `fixed`, `resolved` and `stale`: how the episode ended (stored as `resolution`). */
  resolution?: Resolution;
  /**
   * For the reopening of a `fixed`, `resolved` or `stale` incident: its resolution moves to
   * `previousResolution`, `openedAt` becomes `at`, and for a regression `regressions` is set to the
   * given value (the caller's count plus one: the `from` condition makes its read safe).
   */
  reopening?: { previous?: Resolution; at: string; regressions?: Regressions };
}

/** Moves incidents between statuses. */
export interface StatusUpdater {
  /**
   * Changes status only if it is still `from` (when given); returns false when the condition failed.
   * `suppressedUntil` is set for `suppressed` and removed otherwise; `resolution` is set with a closed
   * status (`fixed`, `resolved`, `stale`) and removed with any other.
   */
  setStatus(fingerprint: string, to: IncidentStatus, now: Date, options?: StatusChangeOptions): Promise<boolean>;
}

/** The alert state of incidents: at most one alert per window, none while one is pending. */
export interface AlertLedger {
  /**
   * Claims the right to alert: succeeds only when no alert was sent since `windowStart` and none is pending
   * (or the pending one was claimed by this same `eventId`, and, when the claim has a `claimId`, is this
   * very claim: an SDK retry, not a concurrent delivery of the same event). On success `alert.pending` is set.
   * With `replaces`, it takes over exactly that pending claim (same eventId and claimedAt) and nothing
   * else: a compare-and-swap, so of several callers re-sending one stale alert only one wins.
   */
  claimAlert(fingerprint: string, claim: PendingAlert, windowStart: Date, options?: { replaces?: PendingAlert }): Promise<boolean>;
  /** Records a trigger that fell inside the window, to be sent after it. */
  deferAlert(fingerprint: string, trigger: AlertTrigger): Promise<void>;
  /** Clears `pending` and `deferred`, sets lastAlertAt/lastAlertCount, increments alertsSent. Conditional on pending.eventId. */
  completeAlert(fingerprint: string, eventId: string, sentAt: Date, count: number): Promise<void>;
}

/**
 * Follow-up messages about policy changes: at most one per change event per incident. The claim is a
 * conditional write on the incident (its `followUp`), so of concurrent deliveries of one change event
 * only one sends; a retry of the claiming event re-sends a claim that was never marked sent.
 */
export interface FollowUpLedger {
  /** Succeeds unless this event's follow-up was already sent (or another event's claim is the same). */
  claimFollowUp(fingerprint: string, claim: Omit<FollowUpState, 'sentAt'>): Promise<boolean>;
  /** Marks the claim of `eventId` sent; changes nothing when another event holds the claim. */
  completeFollowUp(fingerprint: string, eventId: string, sentAt: Date): Promise<void>;
}

export interface ListFilter {
  status?: IncidentStatus;
  limit?: number;
}

/** Lists incidents by status. */
export interface IncidentLister {
  /** Most recently seen first; every status when none is given. */
  list(filter?: ListFilter): Promise<Incident[]>;
}

/** Reads incidents and their occurrences. */
export interface IncidentReader extends IncidentLister {
  get(fingerprint: string): Promise<Incident | null>;
  /** Most recent occurrences first. */
  occurrences(fingerprint: string, limit?: number): Promise<Occurrence[]>;
}

/** Reads activity over a time range, from the day rollups. */
export interface ActivityReader {
  /**
   * Incidents seen in [from, to), without a Scan: those with an occurrence on a UTC day overlapping the
   * range (from the day rollups) whose [firstSeen, lastSeen] overlaps it. Most recently seen first.
   */
  listSeenBetween(from: Date, to: Date): Promise<Incident[]>;
  /** Occurrence counts per fingerprint and UTC day, for every day overlapping [from, to); oldest day first. */
  dailyCounts(from: Date, to: Date): Promise<DailyCount[]>;
}

/** Creates the store's table. */
export interface TableProvisioner {
  /**
   * Creates the table when it does not exist (embedded default and tests; deployments create it with
   * CloudFormation). With `create: false`, only checks: false when the table does not exist.
   */
  ensureTable(options?: { create?: boolean }): Promise<boolean>;
}

/** The whole store, as its adapter implements it; callers take the ports they use instead. */
export type IncidentStore = OccurrenceRecorder & StatusUpdater & AlertLedger & FollowUpLedger & IncidentReader & ActivityReader & TableProvisioner;
