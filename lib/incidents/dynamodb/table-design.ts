import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { IncidentStatus } from '../types';

/**
 * The single-table design (see README.md in this folder). Key names and formats are shared with the
 * CloudFormation table in serverless.yml: change them in both places or not at all.
 */

/** The incident's small, hot item: counters, first/last seen, distinct sets, status, alert state. */
export const INCIDENT_SK = 'INCIDENT';
/** The incident's latest explanation (denial and proposal), written only when it changes. */
export const LATEST_SK = 'INCIDENT#LATEST';
export const EVENT_SK = 'EVENT';
export const OCCURRENCE_SK_PREFIX = 'OCC#';
/** Day rollups: written by versions before the write-path rework (issue 10); no longer written or read. */
export const DAY_SK_PREFIX = 'DAY#';

/**
 * GSI listing incident keys by status (KEYS_ONLY). Its sort key is set once (the fingerprint) and never
 * moves, so an occurrence writes nothing to it; readers sort by lastSeen after fetching the items.
 */
export const BY_STATUS_INDEX = 'statusKeys';
/**
 * GSI listing an incident's counted occurrences, newest last: event markers get `GSI3PK`/`GSI3SK` when
 * they are marked counted (sparse: pending markers are not in it). Projects the occurrence fields only.
 */
export const OCCURRENCES_INDEX = 'occurrences';
/** The marker attributes that `OCCURRENCES_INDEX` projects besides its keys. */
export const OCCURRENCE_ATTRIBUTES = [
  'fingerprint',
  'eventId',
  'eventTime',
  'accountId',
  'callRegion',
  'deniedRegion',
  'sessionName',
  'principalArn',
  'expiresAt',
];
/** Epoch-seconds attribute that DynamoDB's TTL reads: event markers (which are the occurrences) carry it. */
export const TTL_ATTRIBUTE = 'expiresAt';
/**
 * Shortest retention of an event marker, in days: it must outlive every redelivery of its event (Lambda's
 * asynchronous retries, about 3 minutes, and the on-failure queue's 14-day retention), or a redelivery
 * could be counted twice.
 */
export const MIN_MARKER_HORIZON_DAYS = 15;

export const incidentPk = (fingerprint: string): string => `INC#${fingerprint}`;
export const eventPk = (eventId: string): string => `EVT#${eventId}`;
export const occurrenceSk = (eventTimeIso: string, eventId: string): string => `${OCCURRENCE_SK_PREFIX}${eventTimeIso}#${eventId}`;
export const daySk = (day: string): string => `${DAY_SK_PREFIX}${day}`;
export const statusGsiPk = (status: IncidentStatus): string => `STATUS#${status}`;
/** The status index's sort key: the fingerprint, set once (items written before issue 10 keep their `<lastSeen>#<fp>`). */
export const statusGsiSk = (fingerprint: string): string => fingerprint;

/**
 * Normalises a timestamp to `Date#toISOString()` form (UTC, milliseconds), so that stored times compare
 * correctly as strings: CloudTrail writes `2026-01-05T10:00:00Z`, which must sort with `...00.500Z`.
 * Returns null when the input is not a date.
 */
export function normalizeIsoTime(value: string): string | null {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** The UTC day (`yyyy-mm-dd`) of a normalised ISO time. */
export function utcDay(isoTime: string): string {
  return isoTime.slice(0, 10);
}

/** Every UTC day that overlaps the half-open range [from, to), oldest first; empty when to <= from. */
export function utcDaysOverlapping(from: Date, to: Date): string[] {
  const days: string[] = [];
  if (to.getTime() <= from.getTime()) return days;
  const cursor = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  while (cursor.getTime() < to.getTime()) {
    days.push(cursor.toISOString().slice(0, 10));
    cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
  return days;
}

/** CreateTable input for the incident table: on-demand, two GSIs (the same schema as serverless.yml). */
export function incidentTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'PK', AttributeType: 'S' },
      { AttributeName: 'SK', AttributeType: 'S' },
      { AttributeName: 'GSI1PK', AttributeType: 'S' },
      { AttributeName: 'GSI1SK', AttributeType: 'S' },
      { AttributeName: 'GSI3PK', AttributeType: 'S' },
      { AttributeName: 'GSI3SK', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: BY_STATUS_INDEX,
        KeySchema: [
          { AttributeName: 'GSI1PK', KeyType: 'HASH' },
          { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: OCCURRENCES_INDEX,
        KeySchema: [
          { AttributeName: 'GSI3PK', KeyType: 'HASH' },
          { AttributeName: 'GSI3SK', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: OCCURRENCE_ATTRIBUTES },
      },
    ],
  };
}
