import { randomUUID } from 'node:crypto';
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
  type KeysAndAttributes,
  type QueryCommandInput,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { Denial } from '../../denial/types';
import { ExpressionContext, fromItem, stringSet, toItem, type Item } from './attribute-values';
import { EventInFlightError, InvalidOccurrenceError, StoreError } from '../errors';
import { fitDenial, fitProposal, MAX_DISTINCT_VALUE_LENGTH, truncate } from './item-size';
import { incidentFromItem, occurrenceFromItem } from './item-mapping';
import {
  BY_DAY_INDEX,
  BY_STATUS_INDEX,
  dayGsiPk,
  daySk,
  EVENT_SK,
  eventPk,
  INCIDENT_SK,
  incidentPk,
  incidentTableDefinition,
  normalizeIsoTime,
  OCCURRENCE_SK_PREFIX,
  occurrenceSk,
  statusGsiPk,
  statusGsiSk,
  TTL_ATTRIBUTE,
  utcDay,
  utcDaysOverlapping,
} from './table-design';
import { INCIDENT_STATUSES, MAX_DISTINCT_VALUES } from '../types';
import type {
  AlertTrigger,
  DailyCount,
  Incident,
  IncidentStatus,
  IncidentStore,
  ListFilter,
  Occurrence,
  PendingAlert,
  RecordOptions,
  RecordOutcome,
} from '../types';

/** Constructor options of {@link DynamoIncidentStore}. */
export interface DynamoIncidentStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Days an occurrence is kept after it is recorded (DynamoDB TTL). Default 90. */
  occurrenceTtlDays?: number;
  /**
   * How long a delivery owns an eventID while counting it, in seconds. Must exceed the Lambda timeout:
   * a lease that expires while its owner still runs lets a second delivery take over. Default 900.
   */
  leaseSeconds?: number;
  /** Cap on each distinct-values set (accounts, regions, sessions). Default {@link MAX_DISTINCT_VALUES}. */
  maxDistinct?: number;
  /** Source of lease owner tokens; injectable for tests. Default `crypto.randomUUID`. */
  randomToken?: () => string;
  /** Receives problems that were deliberately not raised (best-effort cleanup). Default: ignored. */
  onWarning?: (message: string, details: Record<string, unknown>) => void;
}

const DEFAULT_TTL_DAYS = 90;
const DEFAULT_LEASE_SECONDS = 900;
const DEFAULT_OCCURRENCES_LIMIT = 100;
/** Bound on optimistic retries of the incident update when concurrent events move first/last seen. */
const MAX_INCIDENT_UPDATE_ATTEMPTS = 25;
const MAX_CLAIM_ATTEMPTS = 3;
const MAX_BATCH_GET_ATTEMPTS = 8;
const BATCH_GET_SIZE = 100;
const DAY_QUERY_CONCURRENCY = 8;
const TABLE_WAIT_DEADLINE_MS = 5 * 60 * 1000;

const CONDITION_FAILED = Symbol('condition-failed');
type ConditionFailed = typeof CONDITION_FAILED;

type MarkerState = 'pending' | 'counted';

interface EventMarker {
  state: MarkerState;
  fingerprint: string;
  eventTime: string;
  owner: string;
  leaseUntil: number;
}

/** The incident item as last read: absent (undefined), or not read yet on the optimistic first attempt. */
const NOT_READ = Symbol('not-read');
type Snapshot = Item | undefined | typeof NOT_READ;

type EventClaim = { kind: 'owner'; token: string } | { kind: 'duplicate'; marker: EventMarker };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function errorName(err: unknown): string {
  return typeof err === 'object' && err !== null && 'name' in err ? String((err as { name: unknown }).name) : '';
}

function isConditionFailed(err: unknown): boolean {
  return err instanceof ConditionalCheckFailedException || errorName(err) === 'ConditionalCheckFailedException';
}

function stringSetOf(item: Item | undefined, attribute: string): string[] {
  return item?.[attribute]?.SS ?? [];
}

/**
 * The incident store on one DynamoDB table (design in README.md next to this file).
 *
 * **Exactly-once counting without transactions.** `recordOccurrence` gates each eventID with an event
 * marker item and a lease, because dynalite (the embedded default and the test target) has no
 * TransactWriteItems:
 * 1. Put the marker `{state: 'pending', owner: <token>, leaseUntil}` if absent: the caller owns the event.
 * 2. If it exists: `counted` → `duplicate`; `pending` under the caller's own token (an SDK retry, or a
 *    Lambda retry passing the same `owner`) → carry on; `pending` with a live lease → {@link EventInFlightError}
 *    (retryable); `pending` with an expired lease (its owner died) → take it over with an update
 *    conditional on the old owner.
 * 3. As owner, update the incident (count, first/last seen, sets, latest denial), the day rollup and the
 *    occurrence. The two counters carry the eventID in a `pendingEvents` string set, added in the same
 *    atomic update as the increment and guarded by `NOT contains(pendingEvents, :eid)`: an owner that takes
 *    over after a crash finds the eventID there and does not count it again.
 * 4. Mark the marker `counted` (conditional on still owning it), then delete the eventID from the
 *    `pendingEvents` sets (best effort: a leftover entry costs bytes, never a count).
 *
 * Any other DynamoDB error is raised as {@link StoreError}: the event stays pending (or absent), so a retry
 * finishes the job and nothing is half-counted.
 */
export class DynamoIncidentStore implements IncidentStore {
  private readonly client: DynamoDBClient;
  /** The DynamoDB table this store reads and writes. */
  readonly tableName: string;
  private readonly occurrenceTtlDays: number;
  private readonly leaseMs: number;
  private readonly maxDistinct: number;
  private readonly randomToken: () => string;
  private readonly onWarning: (message: string, details: Record<string, unknown>) => void;

  constructor(options: DynamoIncidentStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.occurrenceTtlDays = options.occurrenceTtlDays ?? DEFAULT_TTL_DAYS;
    this.leaseMs = (options.leaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000;
    this.maxDistinct = options.maxDistinct ?? MAX_DISTINCT_VALUES;
    this.randomToken = options.randomToken ?? randomUUID;
    this.onWarning = options.onWarning ?? (() => undefined);
    if (!(this.occurrenceTtlDays > 0)) throw new RangeError('occurrenceTtlDays must be positive');
    if (!(this.leaseMs > 0)) throw new RangeError('leaseSeconds must be positive');
    if (!(this.maxDistinct >= 0)) throw new RangeError('maxDistinct must not be negative');
  }

  // ---------------------------------------------------------------- table

  /**
   * Creates the table with the exact schema of `serverless.yml` when it is missing, waits until it and its
   * indexes are ACTIVE, and enables TTL on `expiresAt` (dynalite does not implement TTL: tolerated).
   */
  async ensureTable(): Promise<void> {
    const op = 'ensureTable';
    const exists = await this.run(op, 'DescribeTable', async () => {
      try {
        await this.client.send(new DescribeTableCommand({ TableName: this.tableName }));
        return true;
      } catch (err) {
        if (errorName(err) === 'ResourceNotFoundException') return false;
        throw err;
      }
    });
    if (!exists) {
      await this.run(op, 'CreateTable', async () => {
        try {
          await this.client.send(new CreateTableCommand(incidentTableDefinition(this.tableName)));
        } catch (err) {
          // Another process created it first.
          if (errorName(err) !== 'ResourceInUseException') throw err;
        }
      });
    }
    await this.waitUntilActive();
    await this.enableTtl();
  }

  private async waitUntilActive(): Promise<void> {
    const deadline = Date.now() + TABLE_WAIT_DEADLINE_MS;
    for (let attempt = 0; ; attempt++) {
      const output = await this.run('ensureTable', 'DescribeTable', () =>
        this.client.send(new DescribeTableCommand({ TableName: this.tableName })),
      );
      const table = output.Table;
      const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
      if (table?.TableStatus === 'ACTIVE' && indexesActive) return;
      if (Date.now() > deadline) {
        throw new StoreError(`table ${this.tableName} did not become ACTIVE (status ${table?.TableStatus ?? 'unknown'})`, {
          operation: 'ensureTable/DescribeTable',
        });
      }
      await sleep(Math.min(2000, 20 * 2 ** attempt));
    }
  }

  private async enableTtl(): Promise<void> {
    await this.run('ensureTable', 'UpdateTimeToLive', async () => {
      try {
        const described = await this.client.send(new DescribeTimeToLiveCommand({ TableName: this.tableName }));
        const status = described.TimeToLiveDescription?.TimeToLiveStatus;
        if (status === 'ENABLED' || status === 'ENABLING') return;
        await this.client.send(
          new UpdateTimeToLiveCommand({
            TableName: this.tableName,
            TimeToLiveSpecification: { Enabled: true, AttributeName: TTL_ATTRIBUTE },
          }),
        );
      } catch (err) {
        const name = errorName(err);
        // dynalite does not implement TTL (UpdateTimeToLive is an unknown operation there); expiry is a
        // cost concern, not a correctness one, so the embedded default runs without it.
        if (name === 'UnknownOperationException') return;
        // Two processes enabling TTL at once.
        if (name === 'ValidationException' && /already enabled/i.test(err instanceof Error ? err.message : '')) return;
        throw err;
      }
    });
  }

  // ---------------------------------------------------------------- recording

  /** Counts the occurrence exactly once per eventID (see the class documentation for the protocol). */
  async recordOccurrence(denial: Denial, now: Date, options: RecordOptions = {}): Promise<RecordOutcome> {
    if (!denial.eventId) throw new InvalidOccurrenceError('denial has no eventId');
    if (!denial.fingerprint) throw new InvalidOccurrenceError(`denial ${denial.eventId} has no fingerprint`);
    const eventTime = normalizeIsoTime(denial.eventTime);
    if (eventTime === null) throw new InvalidOccurrenceError(`denial ${denial.eventId} has an invalid eventTime ${JSON.stringify(denial.eventTime)}`);
    // Sizes are checked before the event is claimed, so an unstorable denial never leaves a pending marker.
    let latest: Denial;
    try {
      latest = fitDenial(denial);
    } catch (err) {
      throw new InvalidOccurrenceError(`denial ${denial.eventId} is too large to store`, { cause: err });
    }
    const proposal = denial.proposal === undefined ? undefined : fitProposal(denial.proposal);

    const claim = await this.claimEvent(denial.eventId, denial.fingerprint, eventTime, now, options.owner ?? this.randomToken());
    if (claim.kind === 'duplicate') {
      const { fingerprint, eventTime: markerTime } = claim.marker;
      await this.cleanupPending(fingerprint, utcDay(markerTime), denial.eventId);
      return { kind: 'duplicate', incident: await this.get(fingerprint) };
    }

    const fp = denial.fingerprint;
    // The three writes are independent and each is idempotent under its guard, so they run together;
    // the marker turns `counted` only after all of them succeeded.
    const [applied] = await Promise.all([
      this.applyToIncident(denial, eventTime, latest, proposal, now),
      this.applyToDay(fp, utcDay(eventTime), denial.eventId),
      this.putOccurrence(denial, eventTime, now),
    ]);
    await this.markCounted(denial.eventId, claim.token, now);
    await this.cleanupPending(fp, utcDay(eventTime), denial.eventId);
    return { kind: 'counted', incident: applied.incident, created: applied.created };
  }

  /** Steps 1–2 of the protocol: become the owner of the eventID, or learn that it is counted or in flight. */
  private async claimEvent(eventId: string, fingerprint: string, eventTime: string, now: Date, token: string): Promise<EventClaim> {
    const op = 'recordOccurrence';
    const key = { PK: { S: eventPk(eventId) }, SK: { S: EVENT_SK } };
    const leaseUntil = now.getTime() + this.leaseMs;
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      const put = await this.conditional(op, 'PutItem', () =>
        this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: {
              ...key,
              ...toItem({
                state: 'pending' satisfies MarkerState,
                fingerprint,
                eventTime,
                owner: token,
                leaseUntil,
                createdAt: now.toISOString(),
              }),
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        ),
      );
      if (put !== CONDITION_FAILED) return { kind: 'owner', token };

      const marker = await this.readMarker(eventId);
      if (marker === null) continue; // Removed by hand between our two calls: claim it again.
      if (marker.state === 'counted') return { kind: 'duplicate', marker };
      // Our own claim: the SDK retried a put whose response was lost, or this is a retry of a delivery
      // (same owner token) that died while counting. Every later step is idempotent, so carry on.
      if (marker.owner === token) return { kind: 'owner', token };
      if (marker.leaseUntil > now.getTime()) throw new EventInFlightError(eventId, new Date(marker.leaseUntil));

      const e = new ExpressionContext();
      const takeover = await this.conditional(op, 'UpdateItem', () =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: `SET ${e.path('owner')} = ${e.value(token)}, ${e.path('leaseUntil')} = ${e.value(leaseUntil)}, ${e.path('takenOverAt')} = ${e.value(now.toISOString())} ADD ${e.path('takeovers')} ${e.value(1)}`,
            ConditionExpression: `${e.path('state')} = ${e.value('pending')} AND ${e.path('owner')} = ${e.value(marker.owner)}`,
            ...e.attributes(),
          }),
        ),
      );
      if (takeover !== CONDITION_FAILED) return { kind: 'owner', token };
      // Someone else took over or finished meanwhile: look again.
    }
    throw new EventInFlightError(eventId, new Date(leaseUntil), 'the event marker kept changing');
  }

  private async readMarker(eventId: string): Promise<EventMarker | null> {
    const output = await this.run('recordOccurrence', 'GetItem', () =>
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { PK: { S: eventPk(eventId) }, SK: { S: EVENT_SK } },
          ConsistentRead: true,
        }),
      ),
    );
    if (!output.Item) return null;
    const m = fromItem(output.Item);
    return {
      state: m.state === 'counted' ? 'counted' : 'pending',
      fingerprint: String(m.fingerprint ?? ''),
      eventTime: String(m.eventTime ?? ''),
      owner: String(m.owner ?? ''),
      leaseUntil: typeof m.leaseUntil === 'number' ? m.leaseUntil : 0,
    };
  }

  private async getIncidentItem(fingerprint: string, op: string): Promise<Item | undefined> {
    const output = await this.run(op, 'GetItem', () =>
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { PK: { S: incidentPk(fingerprint) }, SK: { S: INCIDENT_SK } },
          ConsistentRead: true,
        }),
      ),
    );
    return output.Item;
  }

  /**
   * Step 3 for the incident item. The count is an atomic ADD; first/last seen are min/max even for
   * out-of-order events, and the distinct sets stay capped, through conditions that state what the update
   * assumes. The first attempt assumes the common case (the event is the newest, the sets have room) without
   * reading; when a condition fails, a consistent read decides which of first/last seen this event moves and
   * which values still fit, and the update is retried conditional on that. First/last seen only move one
   * way, so a clause found stale is never needed again and the retries end.
   */
  private async applyToIncident(
    denial: Denial,
    t: string,
    latest: Denial,
    proposal: Denial['proposal'],
    now: Date,
  ): Promise<{ incident: Incident; created: boolean }> {
    const op = 'recordOccurrence';
    const fp = denial.fingerprint;
    const eid = denial.eventId;
    let snapshot: Snapshot = NOT_READ;
    for (let attempt = 0; attempt < MAX_INCIDENT_UPDATE_ATTEMPTS; attempt++) {
      if (snapshot !== NOT_READ && snapshot && stringSetOf(snapshot, 'pendingEvents').includes(eid)) {
        // Counted by a previous owner that died before marking the event: do not count again.
        return { incident: incidentFromItem(snapshot), created: snapshot.createdBy?.S === eid };
      }
      const update = this.incidentUpdate(denial, t, latest, proposal, now, snapshot);
      const output = await this.conditional(op, 'UpdateItem', () => this.client.send(new UpdateItemCommand(update)));
      if (output !== CONDITION_FAILED) {
        const item = output.Attributes ?? {};
        return { incident: incidentFromItem(item), created: item.createdBy?.S === eid };
      }
      snapshot = await this.getIncidentItem(fp, op);
    }
    throw new StoreError(`incident ${fp}: gave up after ${MAX_INCIDENT_UPDATE_ATTEMPTS} contended updates`, {
      operation: `${op}/UpdateItem`,
    });
  }

  private incidentUpdate(
    denial: Denial,
    t: string,
    latest: Denial,
    proposal: Denial['proposal'],
    now: Date,
    snapshot: Snapshot,
  ): UpdateItemCommandInput {
    const fp = denial.fingerprint;
    const known = snapshot !== NOT_READ;
    const e = new ExpressionContext();
    const sets: string[] = [];
    const adds: string[] = [];
    const removes: string[] = [];
    const conditions: string[] = [];
    const setOnce = (attribute: string, value: unknown): void => {
      const p = e.path(attribute);
      sets.push(`${p} = if_not_exists(${p}, ${e.value(value)})`);
    };

    setOnce('fingerprint', fp);
    setOnce('status', 'open' satisfies IncidentStatus);
    setOnce('GSI1PK', statusGsiPk('open'));
    setOnce('principal', denial.principal);
    setOnce('action', denial.action);
    setOnce('reason', denial.reason);
    setOnce('eventSource', denial.eventSource);
    setOnce('callRegion', denial.callRegion);
    setOnce('deniedRegion', denial.deniedRegion);
    setOnce('resource', denial.resource === null ? null : truncate(denial.resource, 2048));
    setOnce('alert', { alertsSent: 0 });
    setOnce('createdBy', denial.eventId);
    setOnce('createdAt', now.toISOString());
    sets.push(`${e.path('updatedAt')} = ${e.value(now.toISOString())}`);

    const lastSeen = known ? snapshot?.lastSeen?.S : undefined;
    const firstSeen = known ? snapshot?.firstSeen?.S : undefined;
    // Names are aliased where used: DynamoDB rejects an expression that declares an unused one.
    if (lastSeen === undefined || lastSeen <= t) {
      const lastSeenPath = e.path('lastSeen');
      // This event is the newest seen: it sets lastSeen and becomes the latest explanation.
      sets.push(`${lastSeenPath} = ${e.value(t)}`);
      sets.push(`${e.path('GSI1SK')} = ${e.value(statusGsiSk(t, fp))}`);
      sets.push(`${e.path('latest')} = ${e.value(JSON.stringify(latest))}`);
      if (proposal === undefined) removes.push(e.path('proposal'));
      else sets.push(`${e.path('proposal')} = ${e.value(JSON.stringify(proposal))}`);
      conditions.push(`(attribute_not_exists(${lastSeenPath}) OR ${lastSeenPath} <= ${e.value(t)})`);
    }
    const firstSeenPath = (): string => e.path('firstSeen');
    if (!known) {
      // Assumed: not older than the first occurrence (else the condition fails and a read decides).
      sets.push(`${firstSeenPath()} = if_not_exists(${firstSeenPath()}, ${e.value(t)})`);
      conditions.push(`(attribute_not_exists(${firstSeenPath()}) OR ${firstSeenPath()} <= ${e.value(t)})`);
    } else if (firstSeen === undefined || firstSeen >= t) {
      sets.push(`${firstSeenPath()} = ${e.value(t)}`);
      conditions.push(`(attribute_not_exists(${firstSeenPath()}) OR ${firstSeenPath()} >= ${e.value(t)})`);
    }

    adds.push(`${e.path('count')} ${e.value(1)}`);
    adds.push(`${e.path('pendingEvents')} ${e.raw(stringSet([denial.eventId]))}`);
    for (const [attribute, candidates] of [
      ['accounts', [denial.accountId]],
      ['regions', [denial.callRegion, denial.deniedRegion]],
      ['sessions', [denial.principal.sessionName]],
    ] as const) {
      if (known) {
        const fresh = this.newDistinctValues(snapshot ? stringSetOf(snapshot, attribute) : [], candidates);
        if (fresh.length > 0) adds.push(`${e.path(attribute)} ${e.raw(stringSet(fresh))}`);
        continue;
      }
      const values = this.newDistinctValues([], candidates);
      if (values.length === 0) continue;
      const path = e.path(attribute);
      adds.push(`${path} ${e.raw(stringSet(values))}`);
      // Assumed: each value is already there or the set has room.
      const max = e.value(this.maxDistinct);
      for (const value of values) {
        conditions.push(`(attribute_not_exists(${path}) OR contains(${path}, ${e.value(value)}) OR size(${path}) < ${max})`);
      }
    }
    const pending = e.path('pendingEvents');
    conditions.unshift(`(attribute_not_exists(${pending}) OR NOT contains(${pending}, ${e.value(denial.eventId)}))`);

    const clauses = [`SET ${sets.join(', ')}`, `ADD ${adds.join(', ')}`];
    if (removes.length > 0) clauses.push(`REMOVE ${removes.join(', ')}`);
    return {
      TableName: this.tableName,
      Key: { PK: { S: incidentPk(fp) }, SK: { S: INCIDENT_SK } },
      UpdateExpression: clauses.join(' '),
      ConditionExpression: conditions.join(' AND '),
      ReturnValues: 'ALL_NEW',
      ...e.attributes(),
    };
  }

  /**
   * Values to ADD to a distinct set: new ones only, while the set has room. On the retry path the room is
   * judged on the snapshot, so concurrent first-time values can overshoot the cap by the number of
   * concurrent writers (and two new regions in one event by one): an accepted approximation that keeps
   * the update a single atomic ADD.
   */
  private newDistinctValues(current: readonly string[], candidates: ReadonlyArray<string | null | undefined>): string[] {
    const have = new Set(current);
    const fresh: string[] = [];
    for (const raw of candidates) {
      if (!raw) continue; // DynamoDB sets cannot hold empty strings.
      const value = truncate(raw, MAX_DISTINCT_VALUE_LENGTH);
      if (have.has(value)) continue;
      if (have.size >= this.maxDistinct) break;
      have.add(value);
      fresh.push(value);
    }
    return fresh;
  }

  /** Step 3 for the day rollup: the same eventID guard as the incident, so the rollup is exact too. */
  private async applyToDay(fingerprint: string, day: string, eventId: string): Promise<void> {
    const e = new ExpressionContext();
    const pending = e.path('pendingEvents');
    await this.conditional('recordOccurrence', 'UpdateItem', () =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { PK: { S: incidentPk(fingerprint) }, SK: { S: daySk(day) } },
          UpdateExpression:
            `SET ${e.path('GSI2PK')} = ${e.value(dayGsiPk(day))}, ${e.path('GSI2SK')} = ${e.value(fingerprint)}, ` +
            `${e.path('fingerprint')} = ${e.value(fingerprint)}, ${e.path('day')} = ${e.value(day)} ` +
            `ADD ${e.path('count')} ${e.value(1)}, ${pending} ${e.raw(stringSet([eventId]))}`,
          ConditionExpression: `attribute_not_exists(${pending}) OR NOT contains(${pending}, ${e.value(eventId)})`,
          ...e.attributes(),
        }),
      ),
    );
    // A failed condition means an earlier owner already counted this eventID in the rollup.
  }

  /** Step 3 for the occurrence: a put by key, idempotent. */
  private async putOccurrence(denial: Denial, eventTime: string, now: Date): Promise<void> {
    const occurrence: Occurrence = {
      fingerprint: denial.fingerprint,
      eventId: denial.eventId,
      eventTime,
      accountId: denial.accountId,
      callRegion: denial.callRegion,
      deniedRegion: denial.deniedRegion,
      principalArn: denial.principal.arn,
      expiresAt: this.occurrenceExpiry(now),
    };
    if (denial.principal.sessionName) occurrence.sessionName = denial.principal.sessionName;
    await this.run('recordOccurrence', 'PutItem', () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            PK: { S: incidentPk(denial.fingerprint) },
            SK: { S: occurrenceSk(eventTime, denial.eventId) },
            ...toItem({ ...occurrence }),
          },
        }),
      ),
    );
  }

  /**
   * TTL of an occurrence: counted from when it is recorded, not from its eventTime, so that a backfill or
   * replay of old records keeps them readable for the whole retention period.
   */
  occurrenceExpiry(now: Date): number {
    return Math.floor(now.getTime() / 1000) + this.occurrenceTtlDays * 86_400;
  }

  /** Step 4: the event is counted, ever. Conditional on still owning it, so a lost lease cannot overwrite a new owner. */
  private async markCounted(eventId: string, token: string, now: Date): Promise<void> {
    const e = new ExpressionContext();
    const result = await this.conditional('recordOccurrence', 'UpdateItem', () =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { PK: { S: eventPk(eventId) }, SK: { S: EVENT_SK } },
          UpdateExpression: `SET ${e.path('state')} = ${e.value('counted')}, ${e.path('countedAt')} = ${e.value(now.toISOString())}`,
          ConditionExpression: `${e.path('owner')} = ${e.value(token)}`,
          ...e.attributes(),
        }),
      ),
    );
    if (result === CONDITION_FAILED) {
      // Our lease expired and another delivery took over; it will mark the event (its counters see our guard).
      throw new EventInFlightError(eventId, new Date(now.getTime() + this.leaseMs), 'the lease was lost to another delivery');
    }
  }

  /** Removes the eventID guard from the incident and the day rollup. Best effort: a leftover entry is harmless. */
  private async cleanupPending(fingerprint: string, day: string, eventId: string): Promise<void> {
    const keys = [
      { PK: { S: incidentPk(fingerprint) }, SK: { S: INCIDENT_SK } },
      { PK: { S: incidentPk(fingerprint) }, SK: { S: daySk(day) } },
    ];
    await Promise.all(
      keys.map(async (key) => {
        const e = new ExpressionContext();
        try {
          await this.conditional('recordOccurrence', 'UpdateItem', () =>
            this.client.send(
              new UpdateItemCommand({
                TableName: this.tableName,
                Key: key,
                UpdateExpression: `DELETE ${e.path('pendingEvents')} ${e.raw(stringSet([eventId]))}`,
                // Without it, an update on a missing key would create a stray item.
                ConditionExpression: `attribute_exists(${e.path('PK')})`,
                ...e.attributes(),
              }),
            ),
          );
        } catch (err) {
          this.onWarning('could not remove a counted eventID from pendingEvents', {
            eventId,
            key: `${key.PK.S}/${key.SK.S}`,
            error: err instanceof Error ? err.message : String(err),
          });
        }
      }),
    );
  }

  // ---------------------------------------------------------------- reads

  /** The incident, read consistently; null when the fingerprint was never recorded. */
  async get(fingerprint: string): Promise<Incident | null> {
    const item = await this.getIncidentItem(fingerprint, 'get');
    return item ? incidentFromItem(item) : null;
  }

  /** Incidents by status (every status when none is given), most recently seen first, through `byStatus`. */
  async list(filter: ListFilter = {}): Promise<Incident[]> {
    const statuses = filter.status ? [filter.status] : INCIDENT_STATUSES;
    const limit = filter.limit;
    const perStatus = await Promise.all(
      statuses.map((status) =>
        this.queryAll(
          'list',
          {
            TableName: this.tableName,
            IndexName: BY_STATUS_INDEX,
            KeyConditionExpression: 'GSI1PK = :pk',
            ExpressionAttributeValues: { ':pk': { S: statusGsiPk(status) } },
            ScanIndexForward: false,
          },
          limit,
        ),
      ),
    );
    const incidents = perStatus.flat().map(incidentFromItem).sort(byLastSeenDescending);
    return limit === undefined ? incidents : incidents.slice(0, limit);
  }

  /** Most recent occurrences first (default limit 100); expired ones disappear when DynamoDB's TTL deletes them. */
  async occurrences(fingerprint: string, limit = DEFAULT_OCCURRENCES_LIMIT): Promise<Occurrence[]> {
    const items = await this.queryAll(
      'occurrences',
      {
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': { S: incidentPk(fingerprint) }, ':prefix': { S: OCCURRENCE_SK_PREFIX } },
        ScanIndexForward: false,
      },
      limit,
    );
    return items.map(occurrenceFromItem);
  }

  /** Occurrence counts per fingerprint and UTC day from the day rollups (one `byDay` query per day). */
  async dailyCounts(from: Date, to: Date): Promise<DailyCount[]> {
    const days = utcDaysOverlapping(from, to);
    const results: DailyCount[][] = [];
    for (let i = 0; i < days.length; i += DAY_QUERY_CONCURRENCY) {
      const batch = days.slice(i, i + DAY_QUERY_CONCURRENCY);
      results.push(
        ...(await Promise.all(
          batch.map(async (day) => {
            const items = await this.queryAll('dailyCounts', {
              TableName: this.tableName,
              IndexName: BY_DAY_INDEX,
              KeyConditionExpression: 'GSI2PK = :pk',
              ExpressionAttributeValues: { ':pk': { S: dayGsiPk(day) } },
            });
            return items.map((item) => ({
              fingerprint: item.GSI2SK?.S ?? '',
              day,
              count: Number(item.count?.N ?? '0'),
            }));
          }),
        )),
      );
    }
    return results.flat();
  }

  /** Incidents seen in [from, to): the day rollups name the candidates, firstSeen/lastSeen trim partial days. */
  async listSeenBetween(from: Date, to: Date): Promise<Incident[]> {
    const fingerprints = [...new Set((await this.dailyCounts(from, to)).map((c) => c.fingerprint))];
    const incidents = await this.batchGetIncidents(fingerprints);
    const fromIso = from.toISOString();
    const toIso = to.toISOString();
    return incidents.filter((i) => i.firstSeen < toIso && i.lastSeen >= fromIso).sort(byLastSeenDescending);
  }

  private async batchGetIncidents(fingerprints: readonly string[]): Promise<Incident[]> {
    const found: Incident[] = [];
    for (let i = 0; i < fingerprints.length; i += BATCH_GET_SIZE) {
      let request: Record<string, KeysAndAttributes> | undefined = {
        [this.tableName]: {
          Keys: fingerprints.slice(i, i + BATCH_GET_SIZE).map((fp) => ({ PK: { S: incidentPk(fp) }, SK: { S: INCIDENT_SK } })),
        },
      };
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
        if (attempt >= MAX_BATCH_GET_ATTEMPTS) {
          throw new StoreError('BatchGetItem kept returning unprocessed keys', { operation: 'listSeenBetween/BatchGetItem' });
        }
        if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
        const requestItems: Record<string, KeysAndAttributes> = request;
        const output = await this.run('listSeenBetween', 'BatchGetItem', () =>
          this.client.send(new BatchGetItemCommand({ RequestItems: requestItems })),
        );
        found.push(...(output.Responses?.[this.tableName] ?? []).map(incidentFromItem));
        request = output.UnprocessedKeys;
      }
    }
    return found;
  }

  private async queryAll(operation: string, input: QueryCommandInput, limit?: number): Promise<Item[]> {
    const items: Item[] = [];
    // DynamoDB rejects Limit < 1.
    if (limit !== undefined && limit < 1) return items;
    let startKey: Item | undefined;
    do {
      const remaining = limit === undefined ? undefined : limit - items.length;
      const output = await this.run(operation, 'Query', () =>
        this.client.send(
          new QueryCommand({ ...input, ...(remaining !== undefined ? { Limit: remaining } : {}), ExclusiveStartKey: startKey }),
        ),
      );
      items.push(...(output.Items ?? []));
      startKey = output.LastEvaluatedKey;
    } while (startKey && (limit === undefined || items.length < limit));
    return items;
  }

  // ---------------------------------------------------------------- status and alerts

  /**
   * Moves the incident to `to` (and its `byStatus` key with it), only if it exists and, when `from` is
   * given, is still in `from`. `suppressedUntil` is kept only for `suppressed`; a suppression without it
   * lasts until the status changes. Returns false when the condition failed.
   */
  async setStatus(
    fingerprint: string,
    to: IncidentStatus,
    now: Date,
    options: { from?: IncidentStatus; suppressedUntil?: Date } = {},
  ): Promise<boolean> {
    const e = new ExpressionContext();
    const nowIso = now.toISOString();
    const sets = [
      `${e.path('status')} = ${e.value(to)}`,
      `${e.path('GSI1PK')} = ${e.value(statusGsiPk(to))}`,
      `${e.path('statusChangedAt')} = ${e.value(nowIso)}`,
    ];
    let expression: string;
    if (to === 'suppressed' && options.suppressedUntil) {
      sets.push(`${e.path('suppressedUntil')} = ${e.value(options.suppressedUntil.toISOString())}`);
      expression = `SET ${sets.join(', ')}`;
    } else {
      expression = `SET ${sets.join(', ')} REMOVE ${e.path('suppressedUntil')}`;
    }
    const conditions = [`attribute_exists(${e.path('PK')})`];
    if (options.from) conditions.push(`${e.path('status')} = ${e.value(options.from)}`);
    const result = await this.conditional('setStatus', 'UpdateItem', () =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { PK: { S: incidentPk(fingerprint) }, SK: { S: INCIDENT_SK } },
          UpdateExpression: expression,
          ConditionExpression: conditions.join(' AND '),
          ...e.attributes(),
        }),
      ),
    );
    if (result !== CONDITION_FAILED) return true;
    // An SDK retry of a write that did apply fails its own condition: recognise our change.
    const current = await this.getIncidentItem(fingerprint, 'setStatus');
    return current?.status?.S === to && current.statusChangedAt?.S === nowIso;
  }

  /**
   * Claims the right to alert (see the port). Conditional on: the incident exists, no alert sent at or
   * after `windowStart`, and no pending alert other than one claimed by the same eventId (its retry).
   */
  async claimAlert(fingerprint: string, claim: PendingAlert, windowStart: Date, options: { replaces?: PendingAlert } = {}): Promise<boolean> {
    const e = new ExpressionContext();
    const alert = e.path('alert');
    const lastAlertAt = e.path('alert.lastAlertAt');
    const pending = e.path('alert.pending');
    const replaces = options.replaces;
    const pendingCondition = replaces
      ? `${e.path('alert.pending.eventId')} = ${e.value(replaces.eventId)} AND ${e.path('alert.pending.claimedAt')} = ${e.value(replaces.claimedAt)}`
      : `(attribute_not_exists(${pending}) OR ${e.path('alert.pending.eventId')} = ${e.value(claim.eventId)})`;
    const result = await this.conditional('claimAlert', 'UpdateItem', () =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { PK: { S: incidentPk(fingerprint) }, SK: { S: INCIDENT_SK } },
          UpdateExpression: `SET ${pending} = ${e.value({ trigger: claim.trigger, eventId: claim.eventId, claimedAt: claim.claimedAt })}`,
          ConditionExpression:
            `attribute_exists(${alert}) ` +
            `AND (attribute_not_exists(${lastAlertAt}) OR ${lastAlertAt} < ${e.value(windowStart.toISOString())}) ` +
            `AND ${pendingCondition}`,
          ...e.attributes(),
        }),
      ),
    );
    return result !== CONDITION_FAILED;
  }

  /** Keeps the first trigger held back by the window; does nothing when the incident does not exist. */
  async deferAlert(fingerprint: string, trigger: AlertTrigger): Promise<void> {
    const e = new ExpressionContext();
    const deferred = e.path('alert.deferred');
    await this.conditional('deferAlert', 'UpdateItem', () =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { PK: { S: incidentPk(fingerprint) }, SK: { S: INCIDENT_SK } },
          UpdateExpression: `SET ${deferred} = if_not_exists(${deferred}, ${e.value(trigger)})`,
          ConditionExpression: `attribute_exists(${e.path('alert')})`,
          ...e.attributes(),
        }),
      ),
    );
  }

  /**
   * Records a sent alert. Changes nothing when `eventId` does not hold the pending claim, e.g. a retry
   * after this completion already succeeded.
   */
  async completeAlert(fingerprint: string, eventId: string, sentAt: Date, count: number): Promise<void> {
    const e = new ExpressionContext();
    const sent = e.path('alert.alertsSent');
    await this.conditional('completeAlert', 'UpdateItem', () =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { PK: { S: incidentPk(fingerprint) }, SK: { S: INCIDENT_SK } },
          UpdateExpression:
            `SET ${e.path('alert.lastAlertAt')} = ${e.value(sentAt.toISOString())}, ` +
            `${e.path('alert.lastAlertCount')} = ${e.value(count)}, ${sent} = ${sent} + ${e.value(1)} ` +
            `REMOVE ${e.path('alert.pending')}, ${e.path('alert.deferred')}`,
          ConditionExpression: `${e.path('alert.pending.eventId')} = ${e.value(eventId)}`,
          ...e.attributes(),
        }),
      ),
    );
  }

  // ---------------------------------------------------------------- plumbing

  /** Runs one DynamoDB call, wrapping any failure in a StoreError that names the operation. */
  private async run<T>(operation: string, call: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw new StoreError(`${operation}: DynamoDB ${call} on ${this.tableName} failed: ${errorName(err) || 'Error'}: ${(err as Error)?.message ?? String(err)}`, {
        operation: `${operation}/${call}`,
        cause: err,
      });
    }
  }

  /** Like {@link run}, but a failed condition is an expected outcome, returned as a value. */
  private async conditional<T>(operation: string, call: string, fn: () => Promise<T>): Promise<T | ConditionFailed> {
    return this.run(operation, call, async () => {
      try {
        return await fn();
      } catch (err) {
        if (isConditionFailed(err)) return CONDITION_FAILED;
        throw err;
      }
    });
  }
}

function byLastSeenDescending(a: Incident, b: Incident): number {
  if (a.lastSeen !== b.lastSeen) return a.lastSeen < b.lastSeen ? 1 : -1;
  return a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0;
}
