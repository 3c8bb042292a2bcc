/**
 * Query result rows (Athena, CloudTrail Lake) back to CloudTrail records, so that the pipeline decodes
 * them exactly like records read from files. Every value is attacker-influenced text: nothing is
 * evaluated, JSON columns are parsed only when they are JSON objects or arrays, anything else is dropped.
 */
import { isObject } from '../aws/json';

/** One result row: column alias → text, null for SQL NULL. */
export type ResultRow = Readonly<Record<string, string | null | undefined>>;

const RECORD_SCALARS: Record<string, string> = {
  eventid: 'eventID',
  eventtime: 'eventTime',
  eventsource: 'eventSource',
  eventname: 'eventName',
  awsregion: 'awsRegion',
  errorcode: 'errorCode',
  errormessage: 'errorMessage',
  sourceipaddress: 'sourceIPAddress',
  useragent: 'userAgent',
  requestid: 'requestID',
  eventtype: 'eventType',
  recipientaccountid: 'recipientAccountId',
  vpcendpointid: 'vpcEndpointId',
};
const IDENTITY_FIELDS: Record<string, string> = {
  type: 'type',
  principalid: 'principalId',
  arn: 'arn',
  accountid: 'accountId',
  invokedby: 'invokedBy',
  username: 'userName',
  accesskeyid: 'accessKeyId',
};

/** Lake prints timestamps as `2026-11-20 08:00:00.000`; CloudTrail records carry `2026-11-20T08:00:00Z`. */
export function normaliseEventTime(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|\+00:00| UTC)?$/.exec(text.trim());
  return m ? `${m[1]}T${m[2]}Z` : text;
}

function jsonValue(text: string): unknown {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    const v = JSON.parse(t) as unknown;
    return isObject(v) || Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function present(v: string | null | undefined): v is string {
  return typeof v === 'string' && v !== '' && v !== 'null';
}

function identityOf(row: Map<string, string>): Record<string, unknown> | undefined {
  const identity: Record<string, unknown> = {};
  const issuer: Record<string, unknown> = {};
  for (const [column, field] of Object.entries(IDENTITY_FIELDS)) {
    const v = row.get(`identity${column}`);
    if (present(v)) identity[field] = v;
    const w = row.get(`issuer${column}`);
    if (present(w)) issuer[field] = w;
  }
  const attributes: Record<string, unknown> = {};
  const mfa = row.get('sessionmfaauthenticated');
  const created = row.get('sessioncreationdate');
  if (present(mfa)) attributes.mfaAuthenticated = mfa;
  if (present(created)) attributes.creationDate = normaliseEventTime(created);
  const session: Record<string, unknown> = {};
  if (Object.keys(issuer).length > 0) session.sessionIssuer = issuer;
  if (Object.keys(attributes).length > 0) session.attributes = attributes;
  if (Object.keys(session).length > 0) identity.sessionContext = session;
  return Object.keys(identity).length > 0 ? identity : undefined;
}

/** Rebuilds the CloudTrail record of one result row (column names in any case). */
export function rowToRecord(row: ResultRow): Record<string, unknown> {
  const cells = new Map<string, string>();
  for (const [k, v] of Object.entries(row)) if (present(v)) cells.set(k.toLowerCase(), v);
  const record: Record<string, unknown> = {};
  for (const [column, field] of Object.entries(RECORD_SCALARS)) {
    const v = cells.get(column);
    if (v !== undefined) record[field] = field === 'eventTime' ? normaliseEventTime(v) : v;
  }
  const readOnly = cells.get('readonly');
  if (readOnly === 'true' || readOnly === 'false') record.readOnly = readOnly === 'true';
  for (const [column, field] of [
    ['requestparameters', 'requestParameters'],
    ['additionaleventdata', 'additionalEventData'],
  ] as const) {
    const v = cells.get(column);
    const parsed = v === undefined ? undefined : jsonValue(v);
    if (parsed !== undefined) record[field] = parsed;
  }
  const resources = cells.get('resourcesjson');
  const parsedResources = resources === undefined ? undefined : jsonValue(resources);
  if (Array.isArray(parsedResources)) record.resources = parsedResources.filter(isObject);
  const identity = identityOf(cells);
  if (identity) record.userIdentity = identity;
  return record;
}

/** A CloudTrail Lake row (`[{column: value}, ...]`, one object per column) as one map. */
export function lakeRow(cells: ReadonlyArray<Readonly<Record<string, string>>>): ResultRow {
  const row: Record<string, string> = {};
  for (const cell of cells) for (const [k, v] of Object.entries(cell)) row[k] = v;
  return row;
}

/** Athena rows (`Data[].VarCharValue`) as maps over the result's column names. */
export function athenaRows(columns: string[], rows: ReadonlyArray<{ Data?: ReadonlyArray<{ VarCharValue?: string }> }>): ResultRow[] {
  return rows.map((r) => {
    const row: Record<string, string | undefined> = {};
    columns.forEach((c, i) => (row[c] = r.Data?.[i]?.VarCharValue));
    return row;
  });
}
