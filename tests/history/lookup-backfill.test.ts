import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import { mockClient } from 'aws-sdk-client-mock';
import { newCursor, type BackfillCursor } from '../../lib/backfill/cursor';
import { BackfillStats, type BackfillItem } from '../../lib/backfill/items';
import { listEnabledRegions, lookupBackfill, lookupUnit } from '../../lib/history/lookup-backfill';
import { collect, exampleRecords, FakeClock, recordIds, successRecord, throttling } from '../backfill/support';

const cloudtrail = mockClient(CloudTrailClient);
const account = mockClient(AccountClient);
const window = { since: new Date('2026-11-15T00:00:00Z'), until: new Date('2026-11-22T08:00:00Z') };
const now = new Date('2026-11-22T08:00:00Z');

const event = (record: Record<string, unknown>) => ({
  EventId: String(record.eventID),
  EventTime: new Date(String(record.eventTime)),
  CloudTrailEvent: JSON.stringify(record),
});

function run(regions: string[], options: { cursor?: BackfillCursor; clock?: FakeClock; stats?: BackfillStats; concurrency?: number } = {}) {
  const clients = new Map(regions.map((r) => [r, new CloudTrailClient({ region: r })]));
  const stats = options.stats ?? new BackfillStats();
  const items = lookupBackfill({
    clientForRegion: (r) => clients.get(r)!,
    regions,
    window,
    concurrency: options.concurrency ?? 4,
    cursor: options.cursor ?? newCursor('lookup', 'lookup:', window, now),
    stats,
    clock: options.clock ?? new FakeClock(),
    random: () => 0.5,
  });
  return { items, stats };
}

const checkpoints = (items: BackfillItem[]) => items.flatMap((i) => (i.kind === 'checkpoint' ? [i.checkpoint] : []));

beforeEach(() => {
  cloudtrail.reset();
  account.reset();
});

describe('lookupBackfill', () => {
  it('pages through a region newest first, hands on only the denials, and checkpoints each page at its oldest event', async () => {
    const [a, b, c] = exampleRecords.slice(3) as Array<Record<string, unknown>>;
    cloudtrail
      .on(LookupEventsCommand)
      .resolvesOnce({ Events: [event(c!), event(successRecord('ok-1', '2026-11-21T09:00:00Z')), event(b!)], NextToken: 'page-2' })
      .resolvesOnce({ Events: [event(a!)] });
    const { items, stats } = run(['us-east-1']);
    const out = await collect(items);

    expect(recordIds(out)).toEqual([c!.eventID, b!.eventID, a!.eventID]);
    expect(checkpoints(out)).toEqual([
      { unit: lookupUnit('us-east-1'), position: new Date(String(b!.eventTime)).toISOString(), done: false },
      { unit: lookupUnit('us-east-1'), done: true },
    ]);
    // The checkpoint comes after the records of its page.
    expect(out.map((i) => i.kind)).toEqual(['record', 'record', 'checkpoint', 'record', 'checkpoint']);
    expect(cloudtrail.commandCalls(LookupEventsCommand).map((call) => call.args[0].input.NextToken)).toEqual([undefined, 'page-2']);
    expect(cloudtrail.commandCalls(LookupEventsCommand)[0]!.args[0].input).toMatchObject({ StartTime: window.since, EndTime: window.until, MaxResults: 50 });
    expect(stats).toMatchObject({ pages: 2, records: 4, denials: 3 });
    expect(stats.fraction()).toBe(1);
  });

  it('retries a throttled request with backoff and counts the retry', async () => {
    cloudtrail
      .on(LookupEventsCommand)
      .rejectsOnce(throttling())
      .rejectsOnce(throttling())
      .resolves({ Events: [event(exampleRecords[0]!)] });
    const clock = new FakeClock();
    const { items, stats } = run(['us-east-1'], { clock });
    expect(recordIds(await collect(items))).toEqual([exampleRecords[0]!.eventID]);
    expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(3);
    expect(stats.retries).toBe(2);
    expect(clock.sleeps.filter((ms) => ms >= 375)).toEqual([375, 750]);
  });

  it('reads regions in parallel and never sends one region more than 2 requests in any second (fake clock)', async () => {
    const clock = new FakeClock();
    const sent: Array<{ region: string; at: number }> = [];
    cloudtrail.on(LookupEventsCommand).callsFake(async (input: { NextToken?: string }, getClient) => {
      sent.push({ region: await getClient().config.region(), at: clock.now() });
      const page = Number(input.NextToken ?? 0);
      return { Events: [], NextToken: page < 5 ? String(page + 1) : undefined };
    });
    const regions = ['eu-west-1', 'us-east-1', 'us-west-2'];
    await collect(run(regions, { clock, concurrency: 3 }).items);

    for (const region of regions) {
      const times = sent.filter((s) => s.region === region).map((s) => s.at);
      expect(times).toHaveLength(6);
      for (const t of times) expect(times.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(2);
    }
    // Parallel: every region had sent its first request before any region finished.
    expect(
      sent
        .slice(0, 3)
        .map((s) => s.region)
        .sort(),
    ).toEqual(regions);
  });

  it('resumes a region from its position (events up to that time) and skips regions already done', async () => {
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [event(exampleRecords[0]!)] });
    const cursor = newCursor('lookup', 'lookup:', window, now);
    cursor.units[lookupUnit('us-east-1')] = { done: false, position: '2026-11-20T10:00:00.000Z' };
    cursor.units[lookupUnit('eu-west-1')] = { done: true };
    const stats = new BackfillStats();
    const out = await collect(run(['eu-west-1', 'us-east-1'], { cursor, stats }).items);

    const calls = cloudtrail.commandCalls(LookupEventsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input.EndTime).toEqual(new Date('2026-11-20T10:00:00.000Z'));
    expect(calls[0]!.args[0].input.StartTime).toEqual(window.since);
    expect(checkpoints(out)).toEqual([{ unit: lookupUnit('us-east-1'), done: true }]);
    expect(stats.fraction()).toBe(1);
  });

  it('reads a region whole again when its saved position is not a time, rather than skip it', async () => {
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [] });
    const cursor = newCursor('lookup', 'lookup:', window, now);
    cursor.units[lookupUnit('us-east-1')] = { done: false, position: 'not a time' };
    await collect(run(['us-east-1'], { cursor }).items);
    expect(cloudtrail.commandCalls(LookupEventsCommand)[0]!.args[0].input.EndTime).toEqual(window.until);
  });

  it('passes the event source, reports an event that is not JSON, and drops records outside the window', async () => {
    const late = { ...exampleRecords[0]!, eventID: 'late', eventTime: '2026-11-23T00:00:00Z' };
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [{ EventId: 'bad', CloudTrailEvent: '{nope' }, event(late), event(exampleRecords[1]!)] });
    const regions = ['us-east-1'];
    const clients = new CloudTrailClient({ region: 'us-east-1' });
    const out = await collect(
      lookupBackfill({
        clientForRegion: () => clients,
        regions,
        window,
        eventSource: 'bedrock.amazonaws.com',
        concurrency: 1,
        cursor: newCursor('lookup', 'lookup:', window, now),
        stats: new BackfillStats(),
        clock: new FakeClock(),
      }),
    );
    expect(out.filter((i) => i.kind === 'error')).toEqual([{ kind: 'error', error: 'us-east-1: event bad: CloudTrailEvent is not JSON' }]);
    expect(recordIds(out)).toEqual([exampleRecords[1]!.eventID]);
    expect(cloudtrail.commandCalls(LookupEventsCommand)[0]!.args[0].input.LookupAttributes).toEqual([
      { AttributeKey: 'EventSource', AttributeValue: 'bedrock.amazonaws.com' },
    ]);
  });
});

describe('listEnabledRegions', () => {
  it('pages through account:ListRegions for enabled regions', async () => {
    account
      .on(ListRegionsCommand)
      .resolvesOnce({ Regions: [{ RegionName: 'us-west-2' }, { RegionName: 'us-east-1' }], NextToken: 'n' })
      .resolvesOnce({ Regions: [{ RegionName: 'eu-west-1' }] });
    expect(await listEnabledRegions(new AccountClient({ region: 'us-east-1' }))).toEqual(['eu-west-1', 'us-east-1', 'us-west-2']);
    expect(account.commandCalls(ListRegionsCommand)[0]!.args[0].input.RegionOptStatusContains).toEqual(['ENABLED', 'ENABLED_BY_DEFAULT']);
  });
});
