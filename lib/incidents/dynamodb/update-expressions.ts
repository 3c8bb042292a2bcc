import type { AttributeValue, PutItemCommandInput, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { AlertTrigger, IncidentStatus, PendingAlert } from '../types';
import { ExpressionContext, stringSet, toItem } from './attribute-values';
import { dayGsiPk, daySk, EVENT_SK, eventPk, INCIDENT_SK, incidentPk, statusGsiPk } from './table-design';

/**
 * Pure builders of the conditional writes of this adapter (the incident update has its own module,
 * incident-update.ts): each returns the command input, so its expression and condition can be read and
 * tested without DynamoDB. Every name is aliased and every value a placeholder (see ExpressionContext).
 */

export type ItemKey = { PK: { S: string }; SK: { S: string } } & Record<string, AttributeValue>;

export const incidentKey = (fingerprint: string): ItemKey => ({ PK: { S: incidentPk(fingerprint) }, SK: { S: INCIDENT_SK } });
export const dayRollupKey = (fingerprint: string, day: string): ItemKey => ({ PK: { S: incidentPk(fingerprint) }, SK: { S: daySk(day) } });
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
      }),
    },
    ConditionExpression: 'attribute_not_exists(PK)',
  };
}

/** Step 2: takes over a pending marker whose lease expired, conditional on its old owner still holding it. */
export function takeOverMarkerUpdate(tableName: string, claim: Omit<MarkerClaim, 'fingerprint' | 'eventTime'>, previousOwner: string): UpdateItemCommandInput {
  const e = new ExpressionContext();
  return {
    TableName: tableName,
    Key: eventMarkerKey(claim.eventId),
    UpdateExpression: `SET ${e.path('owner')} = ${e.value(claim.owner)}, ${e.path('leaseUntil')} = ${e.value(claim.leaseUntil)}, ${e.path('takenOverAt')} = ${e.value(claim.now.toISOString())} ADD ${e.path('takeovers')} ${e.value(1)}`,
    ConditionExpression: `${e.path('state')} = ${e.value('pending')} AND ${e.path('owner')} = ${e.value(previousOwner)}`,
    ...e.attributes(),
  };
}

/** Step 4: the event is counted, ever; conditional on still owning it. */
export function markCountedUpdate(tableName: string, eventId: string, owner: string, now: Date): UpdateItemCommandInput {
  const e = new ExpressionContext();
  return {
    TableName: tableName,
    Key: eventMarkerKey(eventId),
    UpdateExpression: `SET ${e.path('state')} = ${e.value('counted')}, ${e.path('countedAt')} = ${e.value(now.toISOString())}`,
    ConditionExpression: `${e.path('owner')} = ${e.value(owner)}`,
    ...e.attributes(),
  };
}

// ---------------------------------------------------------------- counters (steps 3 and 5)

/** Step 3 for the day rollup: `ADD count :1` under the same eventID guard as the incident. */
export function dayRollupUpdate(tableName: string, fingerprint: string, day: string, eventId: string): UpdateItemCommandInput {
  const e = new ExpressionContext();
  const pending = e.path('pendingEvents');
  return {
    TableName: tableName,
    Key: dayRollupKey(fingerprint, day),
    UpdateExpression:
      `SET ${e.path('GSI2PK')} = ${e.value(dayGsiPk(day))}, ${e.path('GSI2SK')} = ${e.value(fingerprint)}, ` +
      `${e.path('fingerprint')} = ${e.value(fingerprint)}, ${e.path('day')} = ${e.value(day)} ` +
      `ADD ${e.path('count')} ${e.value(1)}, ${pending} ${e.raw(stringSet([eventId]))}`,
    ConditionExpression: `attribute_not_exists(${pending}) OR NOT contains(${pending}, ${e.value(eventId)})`,
    ...e.attributes(),
  };
}

/** Step 5: removes the eventID guard from a counter item, only if the item exists. */
export function removePendingEventUpdate(tableName: string, key: ItemKey, eventId: string): UpdateItemCommandInput {
  const e = new ExpressionContext();
  return {
    TableName: tableName,
    Key: key,
    UpdateExpression: `DELETE ${e.path('pendingEvents')} ${e.raw(stringSet([eventId]))}`,
    // Without it, an update on a missing key would create a stray item.
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
  options: { from?: IncidentStatus; suppressedUntil?: Date },
): UpdateItemCommandInput {
  const e = new ExpressionContext();
  const sets = [
    `${e.path('status')} = ${e.value(to)}`,
    `${e.path('GSI1PK')} = ${e.value(statusGsiPk(to))}`,
    `${e.path('statusChangedAt')} = ${e.value(changedAt)}`,
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
  return {
    TableName: tableName,
    Key: incidentKey(fingerprint),
    UpdateExpression: expression,
    ConditionExpression: conditions.join(' AND '),
    ...e.attributes(),
  };
}

// ---------------------------------------------------------------- alert state

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
    : `(attribute_not_exists(${pending}) OR ${e.path('alert.pending.eventId')} = ${e.value(claim.eventId)})`;
  return {
    TableName: tableName,
    Key: incidentKey(fingerprint),
    UpdateExpression: `SET ${pending} = ${e.value({ trigger: claim.trigger, eventId: claim.eventId, claimedAt: claim.claimedAt })}`,
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
