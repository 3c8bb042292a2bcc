import { createHash } from 'node:crypto';
import { BatchGetItemCommand, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Denial, Proposal } from '../../denial/types';
import { InvalidOccurrenceError, StoreError } from '../errors';
import type { OccurrenceRecorder, RecordOptions } from '../ports';
import type { Incident, RecordOutcome } from '../types';
import { toItem, type Item } from './attribute-values';
import { claimEvent, markCounted } from './event-marker';
import {
  GUARD_SETS,
  guardedEvents,
  incidentUpdate,
  latestUpdate,
  movesLastSeen,
  NOT_READ,
  stringSetOf,
  type GuardSet,
  type IncidentUpdateInput,
  type Snapshot,
} from './incident-update';
import { fitDenial, fitProposal } from './item-size';
import { incidentFromItem } from './item-mapping';
import { getIncidentItem } from './queries';
import { normalizeIsoTime } from './table-design';
import { CONDITION_FAILED, type TableAccess } from './table-access';
import { eventMarkerKey, incidentKey, latestKey, removePendingEventsUpdate, type MarkerClaim } from './update-expressions';
import { occurrenceOf } from './occurrence-fields';
import { countedMarkerItem, pendingMarkerItem, putMarkers, readMarkerStates } from './marker-batch';

/** Settings of {@link DynamoOccurrenceRecorder}, validated by the store's constructor. */
export interface RecorderSettings {
  leaseMs: number;
  maxDistinct: number;
  /** Days an event marker (which is also the occurrence) is kept after it is recorded: the marker horizon. */
  occurrenceTtlDays: number;
  randomToken: () => string;
  /** See `DynamoIncidentStoreOptions.exclusiveOwner`. */
  exclusiveOwner?: string;
  onWarning: (message: string, details: Record<string, unknown>) => void;
}

const OPERATION = 'recordOccurrence';
/** Bound on optimistic retries of the incident update when concurrent events move first/last seen. */
const MAX_INCIDENT_UPDATE_ATTEMPTS = 25;
/**
 * Step 5 without a write of its own: the eventIDs this store counted are removed from the guard by its
 * next counting update of the same incident (see {@link FinishedGuards}). Entries nobody removes that way
 * (a store that stopped, an owner that died) are removed in one batch once the guard holds this many.
 */
export const GUARD_BATCH = 8;
/** Bound on the eventIDs {@link FinishedGuards} remembers; the oldest incidents' are forgotten (the batch removes them). */
const MAX_FINISHED_GUARDS = 1000;

/**
 * The eventIDs this store counted and marked whose guard entries may still be on their incident, and in
 * which guard set: removable at any time (their markers say counted), so the next update of the
 * incident removes them from that set while adding its own event to the other one.
 */
class FinishedGuards {
  private readonly byIncident = new Map<string, Map<string, GuardSet>>();
  private size = 0;

  add(fingerprint: string, eventId: string, set: GuardSet): void {
    const entries = this.byIncident.get(fingerprint) ?? new Map<string, GuardSet>();
    this.byIncident.delete(fingerprint); // Most recently used last.
    this.byIncident.set(fingerprint, entries);
    if (!entries.has(eventId)) this.size++;
    entries.set(eventId, set);
    while (this.size > MAX_FINISHED_GUARDS) {
      const [oldest, forgotten] = this.byIncident.entries().next().value as [string, Map<string, GuardSet>];
      this.byIncident.delete(oldest);
      this.size -= forgotten.size;
    }
  }

  /** The set holding most of the incident's finished entries, and those entries. */
  cleanup(fingerprint: string): { from: GuardSet; eventIds: string[] } | undefined {
    const entries = [...(this.byIncident.get(fingerprint) ?? new Map<string, GuardSet>()).entries()];
    if (entries.length === 0) return undefined;
    const [first, second] = GUARD_SETS.map((set) => entries.filter(([, s]) => s === set).map(([id]) => id));
    return first!.length >= second!.length ? { from: GUARD_SETS[0], eventIds: first! } : { from: GUARD_SETS[1], eventIds: second! };
  }

  /** Forgets entries an update removed. */
  removed(fingerprint: string, eventIds: readonly string[]): void {
    const entries = this.byIncident.get(fingerprint);
    if (!entries) return;
    for (const id of eventIds) if (entries.delete(id)) this.size--;
    if (entries.size === 0) this.byIncident.delete(fingerprint);
  }
}

/** The hash that decides whether the latest explanation changed: its proposal (or its absence). */
export function proposalHash(proposal: Proposal | undefined): string {
  return createHash('sha256')
    .update(proposal === undefined ? 'none' : JSON.stringify(proposal))
    .digest('base64url')
    .slice(0, 16);
}

/** What counting an event did to its incident. */
interface Applied {
  /** The incident item after the update (or as found, when a previous owner had counted the event). */
  item: Item;
  created: boolean;
  /** The event moved lastSeen: it is the incident's latest event. */
  newest: boolean;
  /** A previous owner of the event had already counted it (this delivery finishes its job). */
  alreadyCounted: boolean;
}

/**
 * Counts an occurrence exactly once per eventID, with the event-marker protocol of README.md: claim the
 * event (event-marker.ts), apply the three idempotent writes (incident, day rollup, occurrence), mark the
 * event counted, then remove the eventID guard from the counters (best effort, reported to `onWarning`).
 */
export class DynamoOccurrenceRecorder implements OccurrenceRecorder {
  private readonly finished = new FinishedGuards();

  constructor(
    private readonly table: TableAccess,
    private readonly settings: RecorderSettings,
    /** Reads the incident that a duplicate returns. */
    private readonly getIncident: (fingerprint: string) => Promise<Incident | null>,
  ) {}

  async recordOccurrence(denial: Denial, now: Date, options: RecordOptions = {}): Promise<RecordOutcome> {
    const input = this.storable(denial, now);
    const { eventId, fingerprint } = denial;
    this.warnBeyondHorizon(input.eventTime, eventId, now);
    const claim = await claimEvent(this.table, {
      eventId,
      fingerprint,
      eventTime: input.eventTime,
      now,
      token: options.owner ?? this.ownerToken(),
      exclusiveOwner: this.settings.exclusiveOwner,
      leaseMs: this.settings.leaseMs,
      expiresAt: this.occurrenceExpiry(now),
    });
    if (claim.kind === 'duplicate') {
      // Nothing to write: guards left by its counting are removed in batches (step 5).
      return { kind: 'duplicate', incident: await this.getIncident(claim.marker.fingerprint) };
    }
    // Sequential: whether the latest explanation changed is known from the incident update's result,
    // and the marker turns `counted` only after both succeeded.
    const applied = await this.applyToIncident(input);
    const stored = await this.writeLatest(input, applied);
    await markCounted(this.table, claim.token, now, this.settings.leaseMs, occurrenceOf(denial, input.eventTime));
    const guardSet = GUARD_SETS.find((set) => stringSetOf(applied.item, set).includes(eventId));
    if (guardSet) this.finished.add(fingerprint, eventId, guardSet);
    await this.removeCountedGuards(fingerprint, applied.item);
    return { kind: 'counted', incident: incidentFromItem(applied.item, stored), created: applied.created };
  }

  /** A fresh lease token, prefixed with the exclusive owner's when there is one (so that its successor recognises it). */
  private ownerToken(): string {
    const token = this.settings.randomToken();
    return this.settings.exclusiveOwner === undefined ? token : `${this.settings.exclusiveOwner}/${token}`;
  }

  /**
   * Counts several events of one incident (distinct eventIDs, in input order) with one incident update:
   * the markers read in one BatchGetItem and written pending, then counted, 25 per BatchWriteItem. Only
   * for a store that is its table's one writer (the embedded default holds its data directory's lock):
   * the marker writes are unconditional. Protocol and crash cases: README.md, "Batched counting".
   * Returns one outcome per denial, each with the count that event reached, as one at a time.
   */
  async recordBatch(denials: readonly Denial[], now: Date): Promise<RecordOutcome[]> {
    const inputs = denials.map((denial) => this.storable(denial, now));
    const ids = inputs.map((input) => input.denial.eventId);
    const fingerprint = inputs[0]?.denial.fingerprint;
    if (inputs.some((input) => input.denial.fingerprint !== fingerprint) || new Set(ids).size !== ids.length) {
      throw new InvalidOccurrenceError('a batch holds distinct events of one incident');
    }
    if (fingerprint === undefined) return [];
    for (const input of inputs) this.warnBeyondHorizon(input.eventTime, input.denial.eventId, now);
    const states = await readMarkerStates(this.table, ids);
    const token = this.settings.randomToken();
    // A pending marker is a delivery that died mid-count: the per-event protocol (lease, takeover) finishes it.
    if ([...states.values()].some((state) => state !== 'counted')) return this.oneByOne(denials, now, token);
    const fresh = inputs.filter((input) => !states.has(input.denial.eventId));
    const claims = fresh.map((input) => this.claimOf(input, now, token));
    let counted: { applied: Applied; incident: Incident } | undefined;
    if (fresh.length > 0) {
      await putMarkers(
        this.table,
        claims.map((claim) => pendingMarkerItem(this.table.tableName, claim)),
      );
      const newest = fresh.reduce((a, b) => (b.eventTime >= a.eventTime ? b : a));
      const earliestTime = fresh.reduce((t, input) => (input.eventTime < t ? input.eventTime : t), newest.eventTime);
      // Read first (this store is the only writer, so it stays true until the update): an update built on
      // what it read needs no condition per event, and a guard already holding one of them (counted, then
      // its marker lost) sends the batch one event at a time, as the events' owner.
      const read = await getIncidentItem(this.table, fingerprint, OPERATION);
      const batch = { eventIds: claims.map((c) => c.eventId), earliestTime, denials: fresh.map((i) => i.denial), guardsChecked: true };
      const input: IncidentUpdateInput = { ...newest, batch };
      if (guardedEvents(read).some((id) => batch.eventIds.includes(id))) return this.oneByOne(denials, now, token);
      const applied = await this.applyToIncident(input, read);
      const stored = await this.writeLatest(input, applied);
      await putMarkers(
        this.table,
        fresh.map((input, i) => countedMarkerItem(this.table.tableName, claims[i]!, occurrenceOf(input.denial, input.eventTime))),
      );
      const guardSet = GUARD_SETS.find((set) => stringSetOf(applied.item, set).includes(claims[0]!.eventId)) ?? GUARD_SETS[0];
      for (const claim of claims) this.finished.add(fingerprint, claim.eventId, guardSet);
      await this.removeCountedGuards(fingerprint, applied.item, new Set(claims.map((c) => c.eventId)));
      counted = { applied, incident: incidentFromItem(applied.item, stored) };
    }
    const duplicateOf = states.size > 0 ? await this.getIncident(fingerprint) : null;
    let position = 0;
    let newest = '';
    return inputs.map((input): RecordOutcome => {
      if (states.has(input.denial.eventId) || !counted) return { kind: 'duplicate', incident: duplicateOf };
      const mine = position++;
      // As one at a time: the count this event reached (the batch's events were added in input order),
      // and, while the batch moves lastSeen, this event as the latest one when it is the newest so far.
      const count = counted.incident.count - (fresh.length - 1 - mine);
      let incident: Incident = { ...counted.incident, count };
      if (counted.applied.newest && input.eventTime >= newest) {
        newest = input.eventTime;
        incident = { ...incident, lastSeen: newest, latest: { ...incident.latest, eventId: input.denial.eventId, eventTime: input.denial.eventTime } };
      }
      return { kind: 'counted', incident, created: counted.applied.created && mine === 0 };
    });
  }

  private async oneByOne(denials: readonly Denial[], now: Date, owner: string): Promise<RecordOutcome[]> {
    const outcomes: RecordOutcome[] = [];
    for (const denial of denials) outcomes.push(await this.recordOccurrence(denial, now, { owner }));
    return outcomes;
  }

  private claimOf(input: IncidentUpdateInput, now: Date, owner: string): MarkerClaim {
    const { eventId, fingerprint } = input.denial;
    return {
      eventId,
      fingerprint,
      eventTime: input.eventTime,
      owner,
      leaseUntil: now.getTime() + this.settings.leaseMs,
      now,
      expiresAt: this.occurrenceExpiry(now),
    };
  }

  /**
   * A record older than the marker horizon may have been counted before by a marker that has expired
   * since: it is counted (a first sighting must be), with a warning that a second count is possible.
   */
  private warnBeyondHorizon(eventTime: string, eventId: string, now: Date): void {
    const horizonMs = this.settings.occurrenceTtlDays * 86_400_000;
    if (Date.parse(eventTime) >= now.getTime() - horizonMs) return;
    this.settings.onWarning(
      `record older than the event marker horizon (${this.settings.occurrenceTtlDays} days): counted again if an earlier count's marker has expired`,
      {
        eventId,
        eventTime,
      },
    );
  }

  /**
   * Validates the denial and fits it into the item size. Checked before the event is claimed, so that an
   * unstorable denial never leaves a pending marker.
   */
  private storable(denial: Denial, now: Date): IncidentUpdateInput {
    if (!denial.eventId) throw new InvalidOccurrenceError('denial has no eventId');
    if (!denial.fingerprint) throw new InvalidOccurrenceError(`denial ${denial.eventId} has no fingerprint`);
    const eventTime = normalizeIsoTime(denial.eventTime);
    if (eventTime === null) throw new InvalidOccurrenceError(`denial ${denial.eventId} has an invalid eventTime ${JSON.stringify(denial.eventTime)}`);
    let latest: Denial;
    try {
      latest = fitDenial(denial);
    } catch (err) {
      throw new InvalidOccurrenceError(`denial ${denial.eventId} is too large to store`, { cause: err });
    }
    const proposal = denial.proposal === undefined ? undefined : fitProposal(denial.proposal);
    return { denial, eventTime, latest, proposal, latestHash: proposalHash(proposal), now };
  }

  /**
   * Step 3 for the incident item (the update is built by incident-update.ts). The first attempt reads
   * nothing and assumes the common case; when a condition fails, a consistent read decides which of
   * first/last seen this event moves and which values still fit, and the update is retried conditional on
   * that. First/last seen only move one way, so a clause found stale is never needed again and the retries end.
   */
  private async applyToIncident(counting: IncidentUpdateInput, read: Snapshot = NOT_READ): Promise<Applied> {
    let input = counting;
    const { fingerprint: fp, eventId: eid } = input.denial;
    const eventIds = input.batch?.eventIds ?? [eid];
    let snapshot: Snapshot = read;
    const cleanup = this.finished.cleanup(fp);
    if (cleanup) input = { ...input, cleanup };
    for (let attempt = 0; attempt < MAX_INCIDENT_UPDATE_ATTEMPTS; attempt++) {
      if (snapshot !== NOT_READ && snapshot && guardedEvents(snapshot).some((id) => eventIds.includes(id))) {
        // Counted by a previous owner that died before marking the event: do not count again.
        return { item: snapshot, created: snapshot.createdBy?.S === eid, newest: snapshot.latestEventId?.S === eid, alreadyCounted: true };
      }
      const update = incidentUpdate(this.table.tableName, input, snapshot, this.settings.maxDistinct);
      const output = await this.table.conditional(OPERATION, 'UpdateItem', () => this.table.client.send(new UpdateItemCommand(update)));
      if (output !== CONDITION_FAILED) {
        const item = output.Attributes ?? {};
        if (cleanup) this.finished.removed(fp, cleanup.eventIds);
        return { item, created: item.createdBy?.S === eventIds[0], newest: movesLastSeen(input.eventTime, snapshot), alreadyCounted: false };
      }
      snapshot = await getIncidentItem(this.table, fp, OPERATION);
    }
    throw new StoreError(`incident ${fp}: gave up after ${MAX_INCIDENT_UPDATE_ATTEMPTS} contended updates`, {
      operation: `${OPERATION}/UpdateItem`,
    });
  }

  /**
   * Step 3 for the latest explanation: its own item, written only when it changes: the incident's first
   * event, a new proposal (its hash differs from the one the incident held), a comeback of a resolved
   * incident, or a delivery finishing the job of one that died. Never replaces a newer event's
   * explanation. Returns the explanation the incident now shows (read back when this event is not the newest).
   */
  private async writeLatest(input: IncidentUpdateInput, applied: Applied): Promise<Item | undefined> {
    const { item } = applied;
    const mine = toItem({ latest: JSON.stringify(input.latest), proposal: input.proposal === undefined ? undefined : JSON.stringify(input.proposal) });
    const changed = item.latestHashBefore?.S !== input.latestHash || item.status?.S === 'resolved';
    if (applied.newest && (applied.created || applied.alreadyCounted || changed)) {
      const update = latestUpdate(this.table.tableName, input);
      const output = await this.table.conditional(OPERATION, 'UpdateItem', () => this.table.client.send(new UpdateItemCommand(update)));
      // A failed condition: a newer event's explanation is already stored; read it below.
      if (output !== CONDITION_FAILED && output.Attributes) return output.Attributes;
    } else if (applied.newest) {
      // The stored explanation has this event's proposal: show this event's (the readers stamp the newest event on it).
      return mine;
    }
    const output = await this.table.run(OPERATION, 'GetItem', () =>
      this.table.client.send(new GetItemCommand({ TableName: this.table.tableName, Key: latestKey(input.denial.fingerprint), ConsistentRead: true })),
    );
    // Not stored yet (its first delivery is still writing it) and not inline in a pre-issue-10 item: show this event's.
    return output.Item ?? (item.latest ? undefined : mine);
  }

  /**
   * TTL of an occurrence: counted from when it is recorded, not from its eventTime, so that a backfill or
   * replay of old records keeps them readable for the whole retention period.
   */
  occurrenceExpiry(now: Date): number {
    return Math.floor(now.getTime() / 1000) + this.settings.occurrenceTtlDays * 86_400;
  }

  /**
   * Step 5, the fallback batch: once the guard holds {@link GUARD_BATCH} eventIDs, those whose markers say
   * counted (or are gone: expired past the horizon) are removed in one write. A guard is never removed
   * before its marker says counted, so a delivery taking over a dead owner still finds it. Best effort: a
   * leftover entry costs bytes, never a count; failures go to `onWarning`.
   */
  private async removeCountedGuards(fingerprint: string, item: Item, own: ReadonlySet<string> = new Set()): Promise<void> {
    // `own`: entries this store just counted, which its next update removes anyway.
    const guards = guardedEvents(item);
    if (guards.filter((id) => !own.has(id)).length < GUARD_BATCH) return;
    try {
      const counted = new Set(await this.countedEvents(guards));
      if (counted.size === 0) return;
      const bySet = Object.fromEntries(GUARD_SETS.map((set) => [set, stringSetOf(item, set).filter((id) => counted.has(id))]));
      const update = removePendingEventsUpdate(this.table.tableName, incidentKey(fingerprint), bySet);
      await this.table.conditional(OPERATION, 'UpdateItem', () => this.table.client.send(new UpdateItemCommand(update)));
      this.finished.removed(fingerprint, [...counted]);
    } catch (err) {
      this.settings.onWarning('could not remove counted eventIDs from pendingEvents', {
        eventIds: guards,
        key: `${incidentKey(fingerprint).PK.S}/${incidentKey(fingerprint).SK.S}`,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  /** The eventIDs among `eventIds` whose markers are counted or gone (one consistent BatchGetItem, up to 100 keys). */
  private async countedEvents(eventIds: readonly string[]): Promise<string[]> {
    const ids = eventIds.slice(0, 100);
    const { tableName } = this.table;
    const output = await this.table.run(OPERATION, 'BatchGetItem', () =>
      this.table.client.send(
        new BatchGetItemCommand({
          RequestItems: {
            [tableName]: { Keys: ids.map(eventMarkerKey), ConsistentRead: true, ProjectionExpression: 'PK, #s', ExpressionAttributeNames: { '#s': 'state' } },
          },
        }),
      ),
    );
    if (Object.keys(output.UnprocessedKeys ?? {}).length > 0) return []; // Try again with the next batch.
    const state = new Map((output.Responses?.[tableName] ?? []).map((m) => [m.PK?.S?.slice('EVT#'.length) ?? '', m.state?.S]));
    return ids.filter((id) => !state.has(id) || state.get(id) === 'counted');
  }
}
