import type { UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { Denial, Proposal } from '../../denial/types';
import type { IncidentStatus } from '../types';
import { ExpressionContext, stringSet, type Item } from './attribute-values';
import { MAX_DISTINCT_VALUE_LENGTH, truncate } from './item-size';
import { INCIDENT_SK, incidentPk, LATEST_SK, statusGsiPk, statusGsiSk } from './table-design';

/**
 * The incident item's UpdateItem for one occurrence (step 3 of the protocol in README.md): pure, so that
 * the expression it builds can be read and tested without DynamoDB. The update states its assumptions as
 * conditions; `snapshot` says what they are based on.
 */

/** The incident item as last read: absent (undefined), or not read yet on the optimistic first attempt. */
export const NOT_READ = Symbol('not-read');
export type Snapshot = Item | undefined | typeof NOT_READ;

/** What one occurrence brings to its incident. */
export interface IncidentUpdateInput {
  denial: Denial;
  /** The normalised eventTime. */
  eventTime: string;
  /** The denial as stored in `latest` (see item-size.ts). */
  latest: Denial;
  proposal: Proposal | undefined;
  /** Hash of the stored proposal: the latest explanation is rewritten only when it changes (see record-occurrence.ts). */
  latestHash: string;
  /**
   * Counted eventIDs whose guard entries this update removes from one guard set (`from`); the event's own
   * entry then goes to the other set (DynamoDB rejects an ADD and a DELETE of one attribute in one update).
   */
  cleanup?: { from: GuardSet; eventIds: readonly string[] };
  now: Date;
  /**
   * Several events of the incident counted by this one update (the embedded default's replay batches,
   * record-batch.ts): `denial` and `eventTime` are then the newest event's, and the update adds them all.
   */
  batch?: UpdateBatch;
}

/** The events a batched update counts, in input order. */
export interface UpdateBatch {
  eventIds: readonly string[];
  /** The earliest normalised eventTime among them (first seen moves to it). */
  earliestTime: string;
  /** Every event's denial, for the distinct sets. */
  denials: readonly Denial[];
  /**
   * The writer read the incident and found none of the events in its guard, and no one else writes the
   * table (a sole-writer store): the update then carries no guard condition per event, whose parsing
   * dominated the cost of a batch's update on the embedded default.
   */
  guardsChecked?: boolean;
}

/** Whether the update built on `snapshot` treats the event as the newest seen (it then moves lastSeen). */
export function movesLastSeen(eventTime: string, snapshot: Snapshot): boolean {
  const lastSeen = snapshot !== NOT_READ ? snapshot?.lastSeen?.S : undefined;
  return lastSeen === undefined || lastSeen <= eventTime;
}

/**
 * The eventID guard is two string sets: an update adds its event to one and may remove counted events
 * from the other in the same write (see record-occurrence.ts). Items before issue 10 used the first only.
 */
export const GUARD_SETS = ['pendingEvents', 'pendingEventsB'] as const;
export type GuardSet = (typeof GUARD_SETS)[number];

/** Every eventID in an item's guard sets. */
export function guardedEvents(item: Item | undefined): string[] {
  return GUARD_SETS.flatMap((attribute) => stringSetOf(item, attribute));
}

/** The string values of a string-set attribute of an item (empty when absent). */
export function stringSetOf(item: Item | undefined, attribute: string): string[] {
  return item?.[attribute]?.SS ?? [];
}

/** The clauses of one UpdateItem, collected in the order they are written. */
class UpdateParts {
  readonly e = new ExpressionContext();
  readonly sets: string[] = [];
  readonly adds: string[] = [];
  readonly removes: string[] = [];
  readonly deletes: string[] = [];
  readonly conditions: string[] = [];

  expression(): string {
    const clauses = [`SET ${this.sets.join(', ')}`, `ADD ${this.adds.join(', ')}`];
    if (this.removes.length > 0) clauses.push(`REMOVE ${this.removes.join(', ')}`);
    if (this.deletes.length > 0) clauses.push(`DELETE ${this.deletes.join(', ')}`);
    return clauses.join(' ');
  }
}

/**
 * The update of the incident item: the count (an atomic ADD guarded by `pendingEvents`), first-time fields,
 * first/last seen, the latest explanation and the distinct sets, with `ReturnValues: ALL_NEW`.
 * On the first attempt (`snapshot` is {@link NOT_READ}) it assumes the common case: the event is the
 * newest and the sets have room; with a snapshot it moves exactly what the snapshot says this event moves.
 */
export function incidentUpdate(tableName: string, input: IncidentUpdateInput, snapshot: Snapshot, maxDistinct: number): UpdateItemCommandInput {
  const u = new UpdateParts();
  const { batch, cleanup } = input;
  const eventIds = batch?.eventIds ?? [input.denial.eventId];
  setFirstTimeFields(u, input.denial, input.now, eventIds[0]!);
  setLastSeen(u, input, snapshot);
  setFirstSeen(u, batch?.earliestTime ?? input.eventTime, snapshot);
  u.adds.push(`${u.e.path('count')} ${u.e.value(eventIds.length)}`);
  const target: GuardSet = cleanup?.from === 'pendingEvents' ? 'pendingEventsB' : 'pendingEvents';
  u.adds.push(`${u.e.path(target)} ${u.e.raw(stringSet(eventIds))}`);
  if (cleanup && cleanup.eventIds.length > 0) u.deletes.push(`${u.e.path(cleanup.from)} ${u.e.raw(stringSet(cleanup.eventIds))}`);
  addDistinctValues(u, batch?.denials ?? [input.denial], snapshot, maxDistinct);
  const guards = (batch?.guardsChecked ? [] : eventIds).flatMap((eventId) => {
    const eid = u.e.value(eventId);
    return GUARD_SETS.map((attribute) => {
      const pending = u.e.path(attribute);
      return `(attribute_not_exists(${pending}) OR NOT contains(${pending}, ${eid}))`;
    });
  });
  u.conditions.unshift(...guards);
  return {
    TableName: tableName,
    Key: { PK: { S: incidentPk(input.denial.fingerprint) }, SK: { S: INCIDENT_SK } },
    UpdateExpression: u.expression(),
    ConditionExpression: u.conditions.join(' AND '),
    ReturnValues: 'ALL_NEW',
    ...u.e.attributes(),
  };
}

/**
 * Fields set by the occurrence that creates the incident and never changed by later ones. The incident
 * item stays small (it is written on every event): the first-seen description (principal, action,
 * reason, resource, regions) lives in the latest-explanation item (see {@link latestUpdate}), and the
 * fingerprint is the key's.
 */
function setFirstTimeFields(u: UpdateParts, denial: Denial, now: Date, firstEventId: string): void {
  const { e, sets } = u;
  const setOnce = (attribute: string, value: unknown): void => {
    const p = e.path(attribute);
    sets.push(`${p} = if_not_exists(${p}, ${e.value(value)})`);
  };
  setOnce('status', 'open' satisfies IncidentStatus);
  setOnce('GSI1PK', statusGsiPk('open'));
  setOnce('GSI1SK', statusGsiSk(denial.fingerprint));
  setOnce('alert', { alertsSent: 0 });
  setOnce('createdBy', firstEventId);
  setOnce('createdAt', now.toISOString());
}

/** What the latest-explanation item receives: the explanation, and the first-seen description (set once). */
export interface LatestInput {
  denial: Denial;
  /** The normalised eventTime. */
  eventTime: string;
  latest: Denial;
  proposal: Proposal | undefined;
  latestHash: string;
}

/**
 * The latest-explanation item's update (`SK = INCIDENT#LATEST`): the explanation and its hash, never
 * replacing a newer event's (condition on its eventTime), and the incident's first-seen description,
 * set by the first write only. Written on first sight, a new proposal, a comeback, never on a plain repeat.
 */
export function latestUpdate(tableName: string, input: LatestInput): UpdateItemCommandInput {
  const u = new UpdateParts();
  const { e, sets } = u;
  const { denial } = input;
  const setOnce = (attribute: string, value: unknown): void => {
    const p = e.path(attribute);
    sets.push(`${p} = if_not_exists(${p}, ${e.value(value)})`);
  };
  setOnce('principal', denial.principal);
  setOnce('action', denial.action);
  setOnce('reason', denial.reason);
  setOnce('eventSource', denial.eventSource);
  setOnce('callRegion', denial.callRegion);
  setOnce('deniedRegion', denial.deniedRegion);
  setOnce('resource', denial.resource === null ? null : truncate(denial.resource, 2048));
  const t = e.path('eventTime');
  sets.push(`${t} = ${e.value(input.eventTime)}`);
  sets.push(`${e.path('latest')} = ${e.value(JSON.stringify(input.latest))}`);
  sets.push(`${e.path('latestHash')} = ${e.value(input.latestHash)}`);
  if (input.proposal === undefined) u.removes.push(e.path('proposal'));
  else sets.push(`${e.path('proposal')} = ${e.value(JSON.stringify(input.proposal))}`);
  const expression = [`SET ${sets.join(', ')}`, ...(u.removes.length > 0 ? [`REMOVE ${u.removes.join(', ')}`] : [])].join(' ');
  return {
    TableName: tableName,
    Key: { PK: { S: incidentPk(denial.fingerprint) }, SK: { S: LATEST_SK } },
    UpdateExpression: expression,
    ConditionExpression: `attribute_not_exists(${t}) OR ${t} <= ${e.value(input.eventTime)}`,
    ReturnValues: 'ALL_NEW',
    ...e.attributes(),
  };
}

/**
 * When the event is (or is assumed to be) the newest seen: it sets lastSeen and the latest event's ID and
 * time. The latest explanation itself lives in its own item, rewritten only when its hash changes:
 * `latestHashBefore` keeps the previous hash, so that ALL_NEW tells the writer whether to rewrite it.
 * Items written before issue 10 kept `latest` and `proposal` here: they are removed (the writer then
 * finds no previous hash and writes the explanation's own item).
 */
function setLastSeen(u: UpdateParts, input: IncidentUpdateInput, snapshot: Snapshot): void {
  const { e, sets } = u;
  const t = input.eventTime;
  // Names are aliased where used: DynamoDB rejects an expression that declares an unused one.
  if (!movesLastSeen(t, snapshot)) return;
  const lastSeenPath = e.path('lastSeen');
  const hash = e.path('latestHash');
  sets.push(`${lastSeenPath} = ${e.value(t)}`);
  sets.push(`${e.path('latestEventId')} = ${e.value(input.denial.eventId)}`);
  sets.push(`${e.path('latestEventTime')} = ${e.value(input.denial.eventTime)}`);
  sets.push(`${e.path('latestHashBefore')} = if_not_exists(${hash}, ${e.value('')})`);
  sets.push(`${hash} = ${e.value(input.latestHash)}`);
  u.removes.push(e.path('latest'), e.path('proposal'));
  u.conditions.push(`(attribute_not_exists(${lastSeenPath}) OR ${lastSeenPath} <= ${e.value(t)})`);
}

/** First seen: assumed not to move on the first attempt (else the condition fails and a read decides). */
function setFirstSeen(u: UpdateParts, t: string, snapshot: Snapshot): void {
  const { e, sets, conditions } = u;
  const firstSeenPath = (): string => e.path('firstSeen');
  if (snapshot === NOT_READ) {
    sets.push(`${firstSeenPath()} = if_not_exists(${firstSeenPath()}, ${e.value(t)})`);
    conditions.push(`(attribute_not_exists(${firstSeenPath()}) OR ${firstSeenPath()} <= ${e.value(t)})`);
    return;
  }
  const firstSeen = snapshot?.firstSeen?.S;
  if (firstSeen === undefined || firstSeen >= t) {
    sets.push(`${firstSeenPath()} = ${e.value(t)}`);
    conditions.push(`(attribute_not_exists(${firstSeenPath()}) OR ${firstSeenPath()} >= ${e.value(t)})`);
  }
}

/**
 * ADDs the events' new accounts, regions and sessions to the capped distinct sets. Without a snapshot,
 * each value is assumed to be there already or to fit, as a condition; with one, only values that fit
 * the snapshot are added.
 */
function addDistinctValues(u: UpdateParts, denials: readonly Denial[], snapshot: Snapshot, maxDistinct: number): void {
  const { e, adds } = u;
  for (const [attribute, candidates] of [
    ['accounts', denials.map((d) => d.accountId)],
    ['regions', denials.flatMap((d) => [d.callRegion, d.deniedRegion])],
    ['sessions', denials.map((d) => d.principal.sessionName)],
  ] as const) {
    if (snapshot !== NOT_READ) {
      const fresh = newDistinctValues(snapshot ? stringSetOf(snapshot, attribute) : [], candidates, maxDistinct);
      if (fresh.length > 0) adds.push(`${e.path(attribute)} ${e.raw(stringSet(fresh))}`);
      continue;
    }
    const values = newDistinctValues([], candidates, maxDistinct);
    if (values.length === 0) continue;
    const path = e.path(attribute);
    adds.push(`${path} ${e.raw(stringSet(values))}`);
    const max = e.value(maxDistinct);
    for (const value of values) {
      u.conditions.push(`(attribute_not_exists(${path}) OR contains(${path}, ${e.value(value)}) OR size(${path}) < ${max})`);
    }
  }
}

/**
 * Values to ADD to a distinct set: new ones only, while the set has room. On the retry path the room is
 * judged on the snapshot, so concurrent first-time values can overshoot the cap by the number of
 * concurrent writers (and two new regions in one event by one): an accepted approximation that keeps
 * the update a single atomic ADD.
 */
export function newDistinctValues(current: readonly string[], candidates: ReadonlyArray<string | null | undefined>, maxDistinct: number): string[] {
  const have = new Set(current);
  const fresh: string[] = [];
  for (const raw of candidates) {
    if (!raw) continue; // DynamoDB sets cannot hold empty strings.
    const value = truncate(raw, MAX_DISTINCT_VALUE_LENGTH);
    if (have.has(value)) continue;
    if (have.size >= maxDistinct) break;
    have.add(value);
    fresh.push(value);
  }
  return fresh;
}
