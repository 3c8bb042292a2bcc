import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { IncidentStatus } from '../types';

/**
 * The single-table design (see README.md in this folder). Key names and formats are shared with the
 * CloudFormation table in serverless.yml: change them in both places or not at all.
 */

export const INCIDENT_SK = 'INCIDENT';
export const EVENT_SK = 'EVENT';
export const OCCURRENCE_SK_PREFIX = 'OCC#';
export const DAY_SK_PREFIX = 'DAY#';

/** GSI listing incidents by status, most recently seen last in key order. */
export const BY_STATUS_INDEX = 'byStatus';
/** GSI listing the fingerprints seen on one UTC day. */
export const BY_DAY_INDEX = 'byDay';
/** Epoch-seconds attribute that DynamoDB's TTL reads; only occurrences carry it. */
export const TTL_ATTRIBUTE = 'expiresAt';

export const incidentPk = (fingerprint: string): string => `INC#${fingerprint}`;
export const eventPk = (eventId: string): string => `EVT#${eventId}`;
export const occurrenceSk = (eventTimeIso: string, eventId: string): string => `${OCCURRENCE_SK_PREFIX}${eventTimeIso}#${eventId}`;
export const daySk = (day: string): string => `${DAY_SK_PREFIX}${day}`;
export const statusGsiPk = (status: IncidentStatus): string => `STATUS#${status}`;
export const statusGsiSk = (lastSeenIso: string, fingerprint: string): string => `${lastSeenIso}#${fingerprint}`;
export const dayGsiPk = (day: string): string => `DAY#${day}`;

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

/** CreateTable input for the incident table: on-demand, two GSIs with projection ALL. */
export function incidentTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'PK', AttributeType: 'S' },
      { AttributeName: 'SK', AttributeType: 'S' },
      { AttributeName: 'GSI1PK', AttributeType: 'S' },
      { AttributeName: 'GSI1SK', AttributeType: 'S' },
      { AttributeName: 'GSI2PK', AttributeType: 'S' },
      { AttributeName: 'GSI2SK', AttributeType: 'S' },
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
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: BY_DAY_INDEX,
        KeySchema: [
          { AttributeName: 'GSI2PK', KeyType: 'HASH' },
          { AttributeName: 'GSI2SK', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}
