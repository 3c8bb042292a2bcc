import { CloudTrailClient, LookupEventsCommand, type LookupAttribute } from '@aws-sdk/client-cloudtrail';

/** What to read from CloudTrail event history (management events, last 90 days, one region per client). */
export interface HistoryQuery {
  since: Date;
  until: Date;
  /** LookupEvents takes one attribute per request: an event source narrows the read the most. */
  eventSource?: string;
  /** Stop after this many records with an error code (protects against reading 90 days by mistake). */
  maxRecords?: number;
}

export type HistoryItem = { record: Record<string, unknown> } | { error: string };

export interface CloudTrailHistoryOptions {
  client: CloudTrailClient;
  /** LookupEvents allows 2 requests per second per account and region: pages are spaced by this much. */
  minIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Reads CloudTrail event history and yields the records that carry an error code. LookupEvents has no
 * server-side errorCode filter, so each page's `CloudTrailEvent` JSON is parsed and filtered here;
 * a string that is not JSON becomes an error item instead of stopping the read.
 */
export class CloudTrailHistory {
  private readonly client: CloudTrailClient;
  private readonly minIntervalMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: CloudTrailHistoryOptions) {
    this.client = options.client;
    this.minIntervalMs = options.minIntervalMs ?? 550;
    this.sleep = options.sleep ?? sleepFor;
  }

  async *failedCalls(query: HistoryQuery): AsyncGenerator<HistoryItem> {
    const attributes: LookupAttribute[] | undefined = query.eventSource ? [{ AttributeKey: 'EventSource', AttributeValue: query.eventSource }] : undefined;
    const max = query.maxRecords ?? Number.POSITIVE_INFINITY;
    let yielded = 0;
    let nextToken: string | undefined;
    let first = true;
    do {
      if (!first) await this.sleep(this.minIntervalMs);
      first = false;
      const page = await this.client.send(
        new LookupEventsCommand({ StartTime: query.since, EndTime: query.until, LookupAttributes: attributes, MaxResults: 50, NextToken: nextToken }),
      );
      for (const event of page.Events ?? []) {
        const raw = event.CloudTrailEvent;
        if (!raw) continue;
        let record: unknown;
        try {
          record = JSON.parse(raw);
        } catch {
          yield { error: `event ${event.EventId ?? '?'}: CloudTrailEvent is not JSON` };
          continue;
        }
        if (typeof record !== 'object' || record === null || !('errorCode' in record)) continue;
        yield { record: record as Record<string, unknown> };
        if (++yielded >= max) return;
      }
      nextToken = page.NextToken;
    } while (nextToken);
  }
}
