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
