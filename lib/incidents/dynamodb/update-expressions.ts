import type { AttributeValue, PutItemCommandInput, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { AlertTrigger, FollowUpState, IncidentStatus, Occurrence, PendingAlert } from '../types';
import { CLOSED_STATUSES, MAX_STATUS_BY_CHARS, MAX_STATUS_NOTE_CHARS } from '../types';
import type { StatusChangeOptions } from '../ports';
import { ExpressionContext, stringSet, toItem } from './attribute-values';
import { EVENT_SK, eventPk, INCIDENT_SK, incidentPk, LATEST_SK, occurrenceSk, statusGsiPk } from './table-design';

/**
 * Pure builders of the conditional writes of this adapter (the incident update has its own module,
 * incident-update.ts): each returns the command input, so its expression and condition can be read and
 * tested without DynamoDB. Every name is aliased and every value a placeholder (see ExpressionContext).
 */

export type ItemKey = { PK: { S: string }; SK: { S: string } } & Record<string, AttributeValue>;

export const incidentKey = (fingerprint: string): ItemKey => ({ PK: { S: incidentPk(fingerprint) }, SK: { S: INCIDENT_SK } });
export const latestKey = (fingerprint: string): ItemKey => ({ PK: { S: incidentPk(fingerprint) }, SK: { S: LATEST_SK } });
export const eventMarkerKey = (eventId: string): ItemKey => ({ PK: { S: eventPk(eventId) }, SK: { S: EVENT_SK } });

// ---------------------------------------------------------------- event marker (steps 1, 2 and 4)

/** What a new pending marker holds. */
export interface MarkerClaim {
  eventId: string;
  fingerprint: string;
  eventTime: string;
  owner: string;
  /** Epoch milliseconds. */
  leaseUntil: number;
  now: Date;
  /** Epoch seconds at which DynamoDB's TTL removes the marker (the marker horizon). */
  expiresAt: number;
}

/** Step 1: the pending marker, put only if there is none. */
export function claimMarkerPut(tableName: string, claim: MarkerClaim): PutItemCommandInput {
  return {
    TableName: tableName,
    Item: {
      ...eventMarkerKey(claim.eventId),
      ...toItem({
        state: 'pending',
        fingerprint: claim.fingerprint,
        eventTime: claim.eventTime,
        owner: claim.owner,
        leaseUntil: claim.leaseUntil,
        createdAt: claim.now.toISOString(),
        expiresAt: claim.expiresAt,
      }),
    },
    ConditionExpression: 'attribute_not_exists(PK)',
  };
}

/** Step 2: takes over a pending marker whose lease expired, conditional on its old owner still holding it. */
export function takeOverMarkerUpdate(
  tableName: string,
  claim: Omit<MarkerClaim, 'fingerprint' | 'eventTime' | 'expiresAt'>,
  previousOwner: string,
): UpdateItemCommandInput {
  const e = new ExpressionContext();
  return {
    TableName: tableName,
    Key: eventMarkerKey(claim.eventId),
    UpdateExpression: `SET ${e.path('owner')} = ${e.value(claim.owner)}, ${e.path('leaseUntil')} = ${e.value(claim.leaseUntil)}, ${e.path('takenOverAt')} = ${e.value(claim.now.toISOString())} ADD ${e.path('takeovers')} ${e.value(1)}`,
    ConditionExpression: `${e.path('state')} = ${e.value('pending')} AND ${e.path('owner')} = ${e.value(previousOwner)}`,
    ...e.attributes(),
  };
}

/** What a counted marker records about its occurrence (the `occurrences` index projects it); the marker's TTL is its expiry. */
export type OccurrenceFields = Omit<Occurrence, 'expiresAt'>;

/**
 * Step 4: the event is counted (until the marker horizon); conditional on still owning it. The same write
 * records the occurrence on the marker and gives it the `occurrences` index keys: the marker is the occurrence.
 */
export function markCountedUpdate(tableName: string, eventId: string, owner: string, now: Date, occurrence: OccurrenceFields): UpdateItemCommandInput {
  const e = new ExpressionContext();
  const sets = [`${e.path('state')} = ${e.value('counted')}`, `${e.path('countedAt')} = ${e.value(now.toISOString())}`];
  sets.push(`${e.path('GSI3PK')} = ${e.value(incidentPk(occurrence.fingerprint))}`);
  sets.push(`${e.path('GSI3SK')} = ${e.value(occurrenceSk(occurrence.eventTime, occurrence.eventId))}`);
  for (const [name, value] of Object.entries(occurrence)) {
    if (value !== undefined) sets.push(`${e.path(name)} = ${e.value(value)}`);
  }
  return {
    TableName: tableName,
    Key: eventMarkerKey(eventId),
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: `${e.path('owner')} = ${e.value(owner)}`,
    ...e.attributes(),
  };
}

// ---------------------------------------------------------------- counters (steps 3 and 5)

/**
 * Step 5, the fallback batch: removes counted eventIDs from the incident's guard sets (`pendingEvents`,
 * `pendingEventsB`), only if the item exists (an update on a missing key would create a stray item).
 */
export function removePendingEventsUpdate(tableName: string, key: ItemKey, eventIds: Readonly<Record<string, readonly string[]>>): UpdateItemCommandInput {
  const e = new ExpressionContext();
  const deletes = Object.entries(eventIds)
    .filter(([, ids]) => ids.length > 0)
    .map(([attribute, ids]) => `${e.path(attribute)} ${e.raw(stringSet(ids))}`);
  return {
    TableName: tableName,
    Key: key,
    UpdateExpression: `DELETE ${deletes.join(', ')}`,
    ConditionExpression: `attribute_exists(${e.path('PK')})`,
    ...e.attributes(),
  };
}

// ---------------------------------------------------------------- status

/** Moves the incident (and its `byStatus` key) to `to`, if it exists and, with `from`, is still in `from`. */
export function statusUpdate(
  tableName: string,
  fingerprint: string,
  to: IncidentStatus,
  changedAt: string,
  options: StatusChangeOptions,
): UpdateItemCommandInput {
  const e = new ExpressionContext();
  const sets = [
    `${e.path('status')} = ${e.value(to)}`,
    `${e.path('GSI1PK')} = ${e.value(statusGsiPk(to))}`,
    `${e.path('statusChangedAt')} = ${e.value(changedAt)}`,
  ];
  if (options.by !== undefined) {
    const entry = {
      at: changedAt,
      to,
      by: options.by.slice(0, MAX_STATUS_BY_CHARS),
      ...(options.note ? { note: options.note.slice(0, MAX_STATUS_NOTE_CHARS) } : {}),
    };
    sets.push(`${e.path('statusLog')} = list_append(if_not_exists(${e.path('statusLog')}, ${e.value([])}), ${e.value([entry])})`);
  }
  const removes: string[] = [];
  if (to === 'suppressed' && options.suppressedUntil) sets.push(`${e.path('suppressedUntil')} = ${e.value(options.suppressedUntil.toISOString())}`);
  else removes.push(e.path('suppressedUntil'));
  const closed = (CLOSED_STATUSES as readonly IncidentStatus[]).includes(to);
  // A closed status without a resolution (a CLI older than the contract) must not keep another episode's.
  if (closed && options.resolution) sets.push(`${e.path('resolution')} = ${e.value(options.resolution)}`);
  else removes.push(e.path('resolution'));
  const reopening = options.reopening;
  if (reopening && !closed) {
    if (reopening.previous) sets.push(`${e.path('previousResolution')} = ${e.value(reopening.previous)}`);
    sets.push(`${e.path('openedAt')} = ${e.value(reopening.at)}`);
    if (reopening.regressions) sets.push(`${e.path('regressions')} = ${e.value(reopening.regressions)}`);
  }
  let expression = `SET ${sets.join(', ')}`;
  if (removes.length > 0) expression += ` REMOVE ${removes.join(', ')}`;
  const conditions = [`attribute_exists(${e.path('PK')})`];
  if (options.from) conditions.push(`${e.path('status')} = ${e.value(options.from)}`);
  return {
    TableName: tableName,
    Key: incidentKey(fingerprint),
    UpdateExpression: expression,
    ConditionExpression: conditions.join(' AND '),
    ...e.attributes(),
  };
}

// ---------------------------------------------------------------- follow-ups about policy changes

/**
 * Claims the follow-up about change `eventId`: conditional on the incident existing and this event's
 * follow-up not being sent already (a claim of the same event without `sentAt` is re-claimed by its retry).
 */
export function claimFollowUpUpdate(tableName: string, fingerprint: string, claim: Omit<FollowUpState, 'sentAt'>): UpdateItemCommandInput {
  const e = new ExpressionContext();
  const followUp = e.path('followUp');
  const eventId = e.path('followUp.eventId');
  const value = e.value(claim.eventId);
  return {
    TableName: tableName,
    Key: incidentKey(fingerprint),
    UpdateExpression: `SET ${followUp} = ${e.value({ eventId: claim.eventId, kind: claim.kind, claimedAt: claim.claimedAt })}`,
    ConditionExpression:
      `attribute_exists(${e.path('PK')}) AND (attribute_not_exists(${followUp}) OR ${eventId} <> ${value} ` +
      `OR attribute_not_exists(${e.path('followUp.sentAt')}))`,
    ...e.attributes(),
  };
}

/** Marks the follow-up of `eventId` sent; conditional on that event holding the claim. */
export function completeFollowUpUpdate(tableName: string, fingerprint: string, eventId: string, sentAt: Date): UpdateItemCommandInput {
  const e = new ExpressionContext();
  return {
    TableName: tableName,
    Key: incidentKey(fingerprint),
    UpdateExpression: `SET ${e.path('followUp.sentAt')} = ${e.value(sentAt.toISOString())}`,
    ConditionExpression: `${e.path('followUp.eventId')} = ${e.value(eventId)}`,
    ...e.attributes(),
  };
}

// ---------------------------------------------------------------- alert state

/** The pending claim is this one: same eventId and, when the claim has one, same claimId (an SDK retry of this claim). */
function sameClaim(e: ExpressionContext, claim: PendingAlert): string {
  const sameEvent = `${e.path('alert.pending.eventId')} = ${e.value(claim.eventId)}`;
  return claim.claimId === undefined ? sameEvent : `(${sameEvent} AND ${e.path('alert.pending.claimId')} = ${e.value(claim.claimId)})`;
}

/**
 * Claims the alert: the incident exists, no alert was sent at or after `windowStart`, and no claim is
 * pending other than one by the same eventId, or, with `replaces`, exactly that claim (a compare-and-swap).
 */
export function claimAlertUpdate(
  tableName: string,
  fingerprint: string,
  claim: PendingAlert,
  windowStart: Date,
  replaces?: PendingAlert,
): UpdateItemCommandInput {
  const e = new ExpressionContext();
  const alert = e.path('alert');
  const lastAlertAt = e.path('alert.lastAlertAt');
  const pending = e.path('alert.pending');
  const pendingCondition = replaces
    ? `${e.path('alert.pending.eventId')} = ${e.value(replaces.eventId)} AND ${e.path('alert.pending.claimedAt')} = ${e.value(replaces.claimedAt)}`
    : `(attribute_not_exists(${pending}) OR ${sameClaim(e, claim)})`;
  return {
    TableName: tableName,
    Key: incidentKey(fingerprint),
    UpdateExpression: `SET ${pending} = ${e.value({ trigger: claim.trigger, eventId: claim.eventId, claimedAt: claim.claimedAt, ...(claim.owner === undefined ? {} : { owner: claim.owner }), ...(claim.claimId === undefined ? {} : { claimId: claim.claimId }) })}`,
    ConditionExpression:
      `attribute_exists(${alert}) ` +
      `AND (attribute_not_exists(${lastAlertAt}) OR ${lastAlertAt} < ${e.value(windowStart.toISOString())}) ` +
      `AND ${pendingCondition}`,
    ...e.attributes(),
  };
}

/** Keeps the first deferred trigger; only on an existing incident. */
export function deferAlertUpdate(tableName: string, fingerprint: string, trigger: AlertTrigger): UpdateItemCommandInput {
  const e = new ExpressionContext();
  const deferred = e.path('alert.deferred');
  return {
    TableName: tableName,
    Key: incidentKey(fingerprint),
    UpdateExpression: `SET ${deferred} = if_not_exists(${deferred}, ${e.value(trigger)})`,
    ConditionExpression: `attribute_exists(${e.path('alert')})`,
    ...e.attributes(),
  };
}

/** Records a sent alert and clears `pending`/`deferred`; conditional on `eventId` holding the claim. */
export function completeAlertUpdate(tableName: string, fingerprint: string, eventId: string, sentAt: Date, count: number): UpdateItemCommandInput {
  const e = new ExpressionContext();
  const sent = e.path('alert.alertsSent');
  return {
    TableName: tableName,
    Key: incidentKey(fingerprint),
    UpdateExpression:
      `SET ${e.path('alert.lastAlertAt')} = ${e.value(sentAt.toISOString())}, ` +
      `${e.path('alert.lastAlertCount')} = ${e.value(count)}, ${sent} = ${sent} + ${e.value(1)} ` +
      `REMOVE ${e.path('alert.pending')}, ${e.path('alert.deferred')}`,
    ConditionExpression: `${e.path('alert.pending.eventId')} = ${e.value(eventId)}`,
    ...e.attributes(),
  };
}
