import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Clock } from '../../lib/backfill/token-bucket';
import type { BackfillItem } from '../../lib/backfill/items';

/**
 * A clock that never waits: `sleep` moves time forward at once. Concurrent sleepers add up, so time
 * only ever runs ahead of a real clock's: a rate measured on it is never better than the real one.
 */
export class FakeClock implements Clock {
  time = 0;
  readonly sleeps: number[] = [];
  constructor(start = 0) {
    this.time = start;
  }
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
}

const recordsDir = join(__dirname, '..', '..', 'examples', 'records');

/** The shipped example denials (eventTime 2026-11-20/21, account 111122223333). */
export const exampleRecords: Array<Record<string, unknown>> = readdirSync(recordsDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(recordsDir, f), 'utf8')) as Record<string, unknown>);

/** A successful call: read, never handed on. */
export function successRecord(id: string, eventTime = '2026-11-20T12:00:00Z'): Record<string, unknown> {
  return { eventVersion: '1.11', eventID: id, eventTime, eventSource: 's3.amazonaws.com', eventName: 'GetObject', awsRegion: 'us-east-1' };
}

export const logFile = (records: unknown[]): Uint8Array => gzipSync(JSON.stringify({ Records: records }));

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

export const recordIds = (items: BackfillItem[]): unknown[] => items.flatMap((i) => (i.kind === 'record' ? [i.record.eventID] : []));

/** An AWS-SDK-shaped throttling error. */
export function throttling(name = 'ThrottlingException'): Error {
  return Object.assign(new Error('Rate exceeded'), { name, $metadata: { httpStatusCode: 400 } });
}

/**
 * An in-memory S3 bucket behind ListObjectsV2 (Prefix, Delimiter, StartAfter, paging by `pageSize`)
 * and GetObject, for aws-sdk-client-mock's callsFake. `failures` makes the next GetObject of a key throw.
 */
export class FakeBucket {
  readonly objects = new Map<string, Uint8Array>();
  readonly gets: string[] = [];
  readonly failures = new Map<string, Error[]>();
  constructor(private readonly pageSize = 2) {}

  put(key: string, body: Uint8Array): this {
    this.objects.set(key, body);
    return this;
  }

  list(input: { Prefix?: string; Delimiter?: string; StartAfter?: string; ContinuationToken?: string }) {
    const prefix = input.Prefix ?? '';
    const entries: Array<{ key?: string; common?: string }> = [];
    const commons = new Set<string>();
    for (const key of [...this.objects.keys()].sort()) {
      if (!key.startsWith(prefix) || (input.StartAfter && key <= input.StartAfter)) continue;
      const rest = key.slice(prefix.length);
      const cut = input.Delimiter ? rest.indexOf(input.Delimiter) : -1;
      if (cut >= 0) {
        const common = prefix + rest.slice(0, cut + 1);
        if (!commons.has(common)) entries.push({ common });
        commons.add(common);
      } else entries.push({ key });
    }
    const start = Number(input.ContinuationToken ?? 0);
    const page = entries.slice(start, start + this.pageSize);
    const truncated = start + this.pageSize < entries.length;
    return {
      Contents: page.filter((e) => e.key).map((e) => ({ Key: e.key })),
      CommonPrefixes: page.filter((e) => e.common).map((e) => ({ Prefix: e.common })),
      IsTruncated: truncated,
      NextContinuationToken: truncated ? String(start + this.pageSize) : undefined,
    };
  }

  get(input: { Key?: string }) {
    const key = input.Key ?? '';
    const failure = this.failures.get(key)?.shift();
    if (failure) throw failure;
    this.gets.push(key);
    const body = this.objects.get(key);
    if (!body) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    return { Body: { transformToByteArray: async () => body } };
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- records are read field by field, as the query would
type Rec = Record<string, any>;

/** What the Athena query returns for a record: its aliases lower-cased, JSON columns as JSON text. */
export function athenaRowOf(r: Rec): Record<string, string | undefined> {
  const id = r.userIdentity ?? {};
  const issuer = id.sessionContext?.sessionIssuer ?? {};
  const text = (v: unknown) => (v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v));
  return {
    eventid: r.eventID,
    eventtime: r.eventTime,
    eventsource: r.eventSource,
    eventname: r.eventName,
    awsregion: r.awsRegion,
    errorcode: r.errorCode,
    errormessage: r.errorMessage,
    sourceipaddress: r.sourceIPAddress,
    useragent: r.userAgent,
    requestparameters: text(r.requestParameters),
    additionaleventdata: text(r.additionalEventData),
    requestid: r.requestID,
    eventtype: r.eventType,
    readonly: text(r.readOnly),
    recipientaccountid: r.recipientAccountId,
    vpcendpointid: r.vpcEndpointId,
    identitytype: id.type,
    identityprincipalid: id.principalId,
    identityarn: id.arn,
    identityaccountid: id.accountId,
    identityinvokedby: id.invokedBy,
    identityusername: id.userName,
    identityaccesskeyid: id.accessKeyId,
    sessionmfaauthenticated: id.sessionContext?.attributes?.mfaAuthenticated,
    sessioncreationdate: id.sessionContext?.attributes?.creationDate,
    issuertype: issuer.type,
    issuerprincipalid: issuer.principalId,
    issuerarn: issuer.arn,
    issueraccountid: issuer.accountId,
    issuerusername: issuer.userName,
    resourcesjson: r.resources ? JSON.stringify(r.resources.map((x: Rec) => ({ ARN: x.ARN, accountId: x.accountId, type: x.type }))) : undefined,
  };
}
