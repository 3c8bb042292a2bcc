import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Denial } from '../../denial/types';
import type { IncidentStore, ListFilter, RecordOptions, StatusChangeOptions } from '../ports';
import { MAX_DISTINCT_VALUES } from '../types';
import type { AlertTrigger, DailyCount, FollowUpState, Incident, IncidentStatus, Occurrence, PendingAlert, RecordOutcome } from '../types';
import { DynamoIncidentState } from './incident-state';
import { DynamoIncidentReader } from './queries';
import { DynamoOccurrenceRecorder } from './record-occurrence';
import { DynamoTableProvisioner } from './table';
import { TableAccess } from './table-access';
import { MIN_MARKER_HORIZON_DAYS } from './table-design';

/** Constructor options of {@link DynamoIncidentStore}. */
export interface DynamoIncidentStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /**
   * Days an event marker, which is also the occurrence, is kept after it is recorded (DynamoDB TTL): the
   * marker horizon. At least {@link MIN_MARKER_HORIZON_DAYS} (redeliveries come up to 14 days later, from the
   * on-failure queue); a record older than the horizon may have been counted before, by a marker since expired.
   * Default 90.
   */
  occurrenceTtlDays?: number;
  /**
   * How long a delivery owns an eventID while counting it, in seconds. Must exceed the time one delivery
   * can take (the Lambda timeout): a lease that expires while its owner still runs lets a second delivery
   * take over. The Lambda, and replay against its table, pass `INGEST_COUNTING_LEASE_SECONDS`
   * (lib/incidents/dynamodb/deployed-store.ts, with the timing constants in lib/config.ts). Default 900 (the embedded default: no retries to wait for).
   */
  leaseSeconds?: number;
  /** Cap on each distinct-values set (accounts, regions, sessions). Default {@link MAX_DISTINCT_VALUES}. */
  maxDistinct?: number;
  /** Source of lease owner tokens; injectable for tests. Default `crypto.randomUUID`. */
  randomToken?: () => string;
  /**
   * Set when this store is the only live writer of its table (the embedded default under its data-dir
   * lock): the lock's token. Lease tokens then start with it, and a pending event marker of any other
   * owner was left by a process that has ended, so it is taken over at once, expired or not.
   */
  exclusiveOwner?: string;
  /** Receives problems that were deliberately not raised (best-effort cleanup). Default: ignored. */
  onWarning?: (message: string, details: Record<string, unknown>) => void;
  /**
   * This store is the table's one writer (the embedded default: its data directory is locked to this
   * process), so `recordOccurrences` may count a batch of events with one incident update and
   * unconditional marker writes. Never for a shared table (the deployed one). Default false.
   */
  soleWriter?: boolean;
}

const DEFAULT_TTL_DAYS = 90;
const DEFAULT_LEASE_SECONDS = 900;

/**
 * The incident store on one DynamoDB table (design and exactly-once protocol in ../README.md): a facade
 * over one module per role, each implementing its port(s) from ../ports.ts:
 * - record-occurrence.ts ({@link OccurrenceRecorder}), with event-marker.ts and incident-update.ts;
 * - incident-state.ts (AlertLedger, StatusUpdater, FollowUpLedger);
 * - queries.ts ({@link IncidentReader}, {@link ActivityReader});
 * - table.ts ({@link TableProvisioner}).
 *
 * Any DynamoDB error is raised as `StoreError`; another delivery counting the same event, as
 * `EventInFlightError` (retry later).
 */
export class DynamoIncidentStore implements IncidentStore {
  /** The DynamoDB table this store reads and writes. */
  readonly tableName: string;
  private readonly recorder: DynamoOccurrenceRecorder;
  private readonly state: DynamoIncidentState;
  private readonly reader: DynamoIncidentReader;
  private readonly provisioner: DynamoTableProvisioner;
  private readonly soleWriter: boolean;

  constructor(options: DynamoIncidentStoreOptions) {
    this.tableName = options.tableName;
    this.soleWriter = options.soleWriter ?? false;
    const occurrenceTtlDays = options.occurrenceTtlDays ?? DEFAULT_TTL_DAYS;
    const leaseMs = (options.leaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000;
    const maxDistinct = options.maxDistinct ?? MAX_DISTINCT_VALUES;
    if (!(occurrenceTtlDays >= MIN_MARKER_HORIZON_DAYS)) {
      throw new RangeError(`occurrenceTtlDays must be at least ${MIN_MARKER_HORIZON_DAYS} (the event marker horizon)`);
    }
    if (!(leaseMs > 0)) throw new RangeError('leaseSeconds must be positive');
    if (!(maxDistinct >= 0)) throw new RangeError('maxDistinct must not be negative');
    const table = new TableAccess(options.client, options.tableName);
    this.reader = new DynamoIncidentReader(table);
    this.state = new DynamoIncidentState(table);
    this.provisioner = new DynamoTableProvisioner(table);
    this.recorder = new DynamoOccurrenceRecorder(
      table,
      {
        leaseMs,
        maxDistinct,
        occurrenceTtlDays,
        randomToken: options.randomToken ?? randomUUID,
        exclusiveOwner: options.exclusiveOwner,
        onWarning: options.onWarning ?? (() => undefined),
      },
      (fingerprint) => this.reader.get(fingerprint),
    );
  }

  ensureTable(options?: { create?: boolean }): Promise<boolean> {
    return this.provisioner.ensureTable(options);
  }

  recordOccurrence(denial: Denial, now: Date, options?: RecordOptions): Promise<RecordOutcome> {
    return this.recorder.recordOccurrence(denial, now, options);
  }

  async recordOccurrences(denials: readonly Denial[], now: Date): Promise<RecordOutcome[]> {
    if (this.soleWriter) return this.recorder.recordBatch(denials, now);
    const outcomes: RecordOutcome[] = [];
    for (const denial of denials) outcomes.push(await this.recorder.recordOccurrence(denial, now));
    return outcomes;
  }

  /** Epoch seconds at which an occurrence recorded at `now` expires (DynamoDB TTL). */
  occurrenceExpiry(now: Date): number {
    return this.recorder.occurrenceExpiry(now);
  }

  get(fingerprint: string): Promise<Incident | null> {
    return this.reader.get(fingerprint);
  }

  list(filter?: ListFilter): Promise<Incident[]> {
    return this.reader.list(filter);
  }

  occurrences(fingerprint: string, limit?: number): Promise<Occurrence[]> {
    return this.reader.occurrences(fingerprint, limit);
  }

  listSeenBetween(from: Date, to: Date): Promise<Incident[]> {
    return this.reader.listSeenBetween(from, to);
  }

  dailyCounts(from: Date, to: Date): Promise<DailyCount[]> {
    return this.reader.dailyCounts(from, to);
  }

  setStatus(fingerprint: string, to: IncidentStatus, now: Date, options?: StatusChangeOptions): Promise<boolean> {
    return this.state.setStatus(fingerprint, to, now, options);
  }

  claimAlert(fingerprint: string, claim: PendingAlert, windowStart: Date, options?: { replaces?: PendingAlert }): Promise<boolean> {
    return this.state.claimAlert(fingerprint, claim, windowStart, options);
  }

  deferAlert(fingerprint: string, trigger: AlertTrigger): Promise<void> {
    return this.state.deferAlert(fingerprint, trigger);
  }

  completeAlert(fingerprint: string, eventId: string, sentAt: Date, count: number): Promise<void> {
    return this.state.completeAlert(fingerprint, eventId, sentAt, count);
  }

  claimFollowUp(fingerprint: string, claim: Omit<FollowUpState, 'sentAt'>): Promise<boolean> {
    return this.state.claimFollowUp(fingerprint, claim);
  }

  completeFollowUp(fingerprint: string, eventId: string, sentAt: Date): Promise<void> {
    return this.state.completeFollowUp(fingerprint, eventId, sentAt);
  }
}
