import { CloudTrailClient, LookupEventsCommand, type LookupAttribute } from '@aws-sdk/client-cloudtrail';
import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import type { BackfillCursor } from '../backfill/cursor';
import { BackfillStats, inWindow, isDenialRecord, type BackfillItem, type Window } from '../backfill/items';
import { mergeAsync } from '../backfill/async';
import { pacedCaller, TokenBucket, type Clock } from '../backfill/token-bucket';
import { isObject } from '../aws/json';

/** LookupEvents: "2 requests per second per account per Region" (CloudTrail quotas). */
export const LOOKUP_EVENTS_PER_SECOND = 2;

export interface LookupBackfillOptions {
  clientForRegion: (region: string) => CloudTrailClient;
  regions: string[];
  window: Window;
  /** LookupEvents takes one attribute: an event source narrows the read the most. */
  eventSource?: string;
  /** Regions read at once; each keeps its own 2 requests/s. */
  concurrency: number;
  cursor: BackfillCursor;
  stats: BackfillStats;
  clock: Clock;
  random?: () => number;
}

export const lookupUnit = (region: string): string => `region:${region}`;

/**
 * Reads event history in every region in parallel, each region paced by its own token bucket.
 * LookupEvents returns the newest events first, so a region's position is the oldest event time of the
 * last finished page: a resumed read asks for events up to that time (inclusive: the events of that
 * second are read again, and counted once, by their event markers).
 */
export function lookupBackfill(options: LookupBackfillOptions): AsyncGenerator<BackfillItem> {
  options.stats.totalUnits = options.regions.length;
  return mergeAsync(
    options.regions.map((region) => () => readRegion(region, options)),
    options.concurrency,
  );
}

function eventItems(events: ReadonlyArray<{ EventId?: string; CloudTrailEvent?: string }>, region: string, options: LookupBackfillOptions) {
  const items: BackfillItem[] = [];
  for (const event of events) {
    if (!event.CloudTrailEvent) continue;
    options.stats.records++;
    let record: unknown;
    try {
      record = JSON.parse(event.CloudTrailEvent);
    } catch {
      items.push({ kind: 'error', error: `${region}: event ${String(event.EventId ?? '?').slice(0, 128)}: CloudTrailEvent is not JSON` });
      continue;
    }
    if (!isObject(record) || !isDenialRecord(record) || !inWindow(record, options.window)) continue;
    options.stats.denials++;
    items.push({ kind: 'record', record });
  }
  return items;
}

async function* readRegion(region: string, options: LookupBackfillOptions): AsyncGenerator<BackfillItem> {
  const unit = lookupUnit(region);
  const { since, until } = options.window;
  const progress = options.cursor.units[unit];
  if (progress?.done) {
    options.stats.setUnitFraction(unit, 1);
    return;
  }
  // A position that is not a time (an edited cursor) restarts the region rather than skip it.
  const saved = Date.parse(progress?.position ?? '');
  const end = Number.isNaN(saved) ? until : new Date(Math.min(saved, until.getTime()));
  const span = Math.max(1, until.getTime() - since.getTime());
  options.stats.setUnitFraction(unit, (until.getTime() - end.getTime()) / span);
  const client = options.clientForRegion(region);
  const bucket = new TokenBucket({ ratePerSecond: LOOKUP_EVENTS_PER_SECOND, clock: options.clock });
  const call = pacedCaller({ clock: options.clock, bucket, random: options.random, onRetry: () => void options.stats.retries++ });
  const attributes: LookupAttribute[] | undefined = options.eventSource ? [{ AttributeKey: 'EventSource', AttributeValue: options.eventSource }] : undefined;
  let nextToken: string | undefined;
  if (end.getTime() > since.getTime()) {
    do {
      const page = await call(() =>
        client.send(new LookupEventsCommand({ StartTime: since, EndTime: end, LookupAttributes: attributes, MaxResults: 50, NextToken: nextToken })),
      );
      options.stats.pages++;
      const events = page.Events ?? [];
      yield* eventItems(events, region, options);
      nextToken = page.NextToken;
      const oldest = events.reduce((min, e) => Math.min(min, e.EventTime?.getTime() ?? min), Number.POSITIVE_INFINITY);
      if (nextToken && Number.isFinite(oldest)) {
        options.stats.setUnitFraction(unit, (until.getTime() - oldest) / span);
        yield { kind: 'checkpoint', checkpoint: { unit, position: new Date(oldest).toISOString(), done: false } };
      }
    } while (nextToken);
  }
  options.stats.setUnitFraction(unit, 1);
  yield { kind: 'checkpoint', checkpoint: { unit, done: true } };
}

/**
 * The regions enabled for the account (`account:ListRegions`, statuses ENABLED and ENABLED_BY_DEFAULT),
 * sorted. Needs no EC2 permission; when it is denied, the caller asks for --regions instead.
 */
export async function listEnabledRegions(client: AccountClient): Promise<string[]> {
  const regions: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListRegionsCommand({ RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'], MaxResults: 50, NextToken: nextToken }),
    );
    for (const r of page.Regions ?? []) if (r.RegionName) regions.push(r.RegionName);
    nextToken = page.NextToken;
  } while (nextToken);
  return regions.sort();
}
