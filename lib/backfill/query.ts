/**
 * The server-side queries of a backfill (Athena over the trail's table, CloudTrail Lake over an event
 * data store) and the mapping of their result rows back to CloudTrail records. The engine filters
 * denials with the same wildcard rules as the deployed EventBridge rule and the decoder
 * (lib/cloudtrail/classify.ts), so the pipeline receives only denials and decides on them as always.
 *
 * Both queries select the same columns under the same aliases; nested identity fields are selected
 * one by one, because a struct printed by either engine is not JSON. Fields that older Athena tables
 * lack (tlsDetails, userIdentity.onBehalfOf, sessionContext.sourceIdentity) are not selected, so the
 * query runs on any CloudTrail table: the decoder then treats the condition keys they carry
 * (aws:SecureTransport, aws:SourceIdentity) as unknown, never as satisfied.
 */
import { parseArn } from '../aws/arn';
import { ACCESS_ERROR_CODE_WILDCARDS } from '../cloudtrail/classify';
import type { Window } from './items';

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** An EventBridge-style wildcard (`*` = anything) as a SQL LIKE on `column`, escaping LIKE's own wildcards. */
export function wildcardToLike(column: string, wildcard: string): string {
  const needsEscape = /[%_\\]/.test(wildcard);
  const pattern = wildcard.replace(/[%_\\]/g, (c) => `\\${c}`).replace(/\*/g, '%');
  return `${column} LIKE ${sqlString(pattern)}${needsEscape ? ` ESCAPE ${sqlString('\\')}` : ''}`;
}

/**
 * Lower-case fragments of every message the decoder reads as an access problem (lib/cloudtrail/classify.ts,
 * lib/bedrock/model-access.ts), matched anywhere and in any case, SDK wrappers included: the engine's
 * filter may be wider than the decoder (the pipeline skips the rest), never narrower.
 */
export const MESSAGE_FRAGMENTS = [
  'access denied',
  'not authorized',
  'on-demand throughput',
  'end of its life',
  'use case details',
  'have access to the model',
  'marketplace',
] as const;

/** The denial filter: an access error code (case-sensitive, like EventBridge and the decoder), or an access message in any case. */
export function denialPredicate(codeColumn: string, messageColumn: string): string {
  const clauses = [
    ...ACCESS_ERROR_CODE_WILDCARDS.map((w) => wildcardToLike(codeColumn, w)),
    ...MESSAGE_FRAGMENTS.map((f) => wildcardToLike(`lower(${messageColumn})`, `*${f}*`)),
  ];
  return `(${clauses.join('\n    OR ')})`;
}

/** Column aliases shared by both queries; the mapper reads them back (case-insensitively: Athena lowercases). */
const SCALARS = [
  'eventID',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'errorCode',
  'errorMessage',
  'sourceIPAddress',
  'userAgent',
  'requestParameters',
  'additionalEventData',
  'requestID',
  'eventType',
  'readOnly',
  'recipientAccountId',
  'vpcEndpointId',
] as const;
const IDENTITY = ['type', 'principalId', 'arn', 'accountId', 'invokedBy', 'userName', 'accessKeyId'] as const;
const SESSION = ['mfaAuthenticated', 'creationDate'] as const;
const ISSUER = ['type', 'principalId', 'arn', 'accountId', 'userName'] as const;

const cap = (s: string): string => s[0]!.toUpperCase() + s.slice(1);

function selectList(name: (path: string) => string): string[] {
  return [
    ...SCALARS.map((c) => `${name(c)} AS ${c}`),
    ...IDENTITY.map((f) => `${name(`userIdentity.${f}`)} AS identity${cap(f)}`),
    ...ISSUER.map((f) => `${name(`userIdentity.sessionContext.sessionIssuer.${f}`)} AS issuer${cap(f)}`),
    ...SESSION.map((f) => `${name(`userIdentity.sessionContext.attributes.${f}`)} AS session${cap(f)}`),
  ];
}

export interface QueryFilter extends Window {
  accounts: string[];
  regions: string[];
}

const IDENTIFIER_RE = /^[A-Za-z0-9_]{1,255}$/;

/** Checks a database or table name before it goes into SQL (names come from the command line). */
export function checkIdentifier(what: string, name: string): string {
  if (!IDENTIFIER_RE.test(name)) throw new RangeError(`${what} "${name.slice(0, 80)}" is not a valid name (letters, digits and _ only)`);
  return name;
}

function inList(column: string, values: string[], valid: (s: string) => boolean, what: string): string | null {
  if (values.length === 0) return null;
  for (const v of values) if (!valid(v)) throw new RangeError(`${what} "${v.slice(0, 80)}" is not valid`);
  return `${column} IN (${values.map(sqlString).join(', ')})`;
}

const isAccount = (s: string): boolean => /^\d{12}$/.test(s);
const isRegion = (s: string): boolean => /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(s);

export interface AthenaQueryOptions extends QueryFilter {
  database: string;
  table: string;
  /** A partition column holding `yyyy/MM/dd` (the partition-projection layout AWS documents), to scan only the window's days. */
  datePartition?: string;
}

const ymd = (d: Date): string => d.toISOString().slice(0, 10).replace(/-/g, '/');

/** The Athena query over a CloudTrail table as the CloudTrail console or AWS's documented DDL creates it (lower-case columns). */
export function athenaQuery(o: AthenaQueryOptions): string {
  const lower = (path: string): string => path.toLowerCase();
  const where = [
    `eventtime >= ${sqlString(o.since.toISOString().replace('.000Z', 'Z'))}`,
    `eventtime < ${sqlString(o.until.toISOString().replace('.000Z', 'Z'))}`,
    denialPredicate('errorcode', 'errormessage'),
    inList('recipientaccountid', o.accounts, isAccount, 'account'),
    inList('awsregion', o.regions, isRegion, 'region'),
    o.datePartition
      ? `"${checkIdentifier('partition column', o.datePartition)}" BETWEEN ${sqlString(ymd(o.since))} AND ${sqlString(ymd(new Date(o.until.getTime() - 1)))}`
      : null,
  ].filter((c): c is string => c !== null);
  const resources = `json_format(CAST(transform(resources, r -> MAP(ARRAY['ARN', 'accountId', 'type'], ARRAY[r.arn, r.accountid, r.type])) AS JSON)) AS resourcesJson`;
  return [
    `SELECT ${[...selectList(lower), resources].join(',\n  ')}`,
    `FROM "${checkIdentifier('database', o.database)}"."${checkIdentifier('table', o.table)}"`,
    `WHERE ${where.join('\n  AND ')}`,
    'ORDER BY eventtime',
  ].join('\n');
}

/** An event data store's ID, from its ID or its ARN (`arn:aws:cloudtrail:<region>:<account>:eventdatastore/<id>`). */
export function eventDataStoreId(idOrArn: string): string {
  const arn = parseArn(idOrArn);
  const id = arn ? arn.resource.replace(/^eventdatastore\//, '') : idOrArn;
  if (!/^[A-Za-z0-9-]{1,128}$/.test(id)) throw new RangeError(`event data store "${idOrArn.slice(0, 120)}" is not an ID or an event data store ARN`);
  return id;
}

/** Lake compares eventTime as `yyyy-MM-dd HH:mm:ss` text. */
const lakeTime = (d: Date): string => d.toISOString().slice(0, 19).replace('T', ' ');

/** The CloudTrail Lake query over an event data store (camel-case columns, as Lake names them). */
export function lakeQuery(o: QueryFilter & { eventDataStore: string }): string {
  const where = [
    `eventTime >= ${sqlString(lakeTime(o.since))}`,
    `eventTime < ${sqlString(lakeTime(o.until))}`,
    denialPredicate('errorCode', 'errorMessage'),
    inList('recipientAccountId', o.accounts, isAccount, 'account'),
    inList('awsRegion', o.regions, isRegion, 'region'),
  ].filter((c): c is string => c !== null);
  return [
    `SELECT ${selectList((p) => p).join(',\n  ')}`,
    `FROM ${eventDataStoreId(o.eventDataStore)}`,
    `WHERE ${where.join('\n  AND ')}`,
    'ORDER BY eventTime',
  ].join('\n');
}
