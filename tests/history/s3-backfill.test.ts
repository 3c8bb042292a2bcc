import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { applyCheckpoint, newCursor, type BackfillCursor } from '../../lib/backfill/cursor';
import { BackfillStats, type BackfillItem } from '../../lib/backfill/items';
import { s3Backfill } from '../../lib/history/s3-backfill';
import { collect, exampleRecords, FakeBucket, FakeClock, logFile, recordIds, successRecord, throttling } from '../backfill/support';

const s3 = mockClient(S3Client);
const window = { since: new Date('2026-11-20T00:00:00Z'), until: new Date('2026-11-22T00:00:00Z') };
const now = new Date('2026-11-22T08:00:00Z');
const [r1, r2, r3, r4, r5, r6] = exampleRecords as Array<Record<string, unknown>>;
const ORG = 'AWSLogs/o-abcdef1234/';

function useBucket(bucket: FakeBucket): void {
  s3.on(ListObjectsV2Command).callsFake((input) => bucket.list(input));
  s3.on(GetObjectCommand).callsFake((input) => bucket.get(input));
}

function run(options: { cursor?: BackfillCursor; accounts?: string[]; regions?: string[]; prefix?: string; stats?: BackfillStats; concurrency?: number } = {}) {
  return s3Backfill({
    client: new S3Client({ region: 'us-east-1' }),
    bucket: 'trail-bucket',
    prefix: options.prefix,
    accounts: options.accounts ?? [],
    regions: options.regions ?? [],
    window,
    concurrency: options.concurrency ?? 3,
    cursor: options.cursor ?? newCursor('s3', 's3:', window, now),
    stats: options.stats ?? new BackfillStats(),
    clock: new FakeClock(),
    random: () => 0.5,
  });
}

/** An organization trail's bucket: two accounts, two regions, two days, with a digest and an out-of-window day. */
function orgBucket(): FakeBucket {
  const key = (account: string, region: string, day: string, n: number) =>
    `${ORG}${account}/CloudTrail/${region}/${day}/${account}_CloudTrail_${region}_${day.replace(/\//g, '')}T0${n}00Z_x${n}.json.gz`;
  return new FakeBucket(2)
    .put(key('111122223333', 'us-east-1', '2026/11/20', 1), logFile([r1, successRecord('ok-1')]))
    .put(key('111122223333', 'us-east-1', '2026/11/20', 2), logFile([r2, r3]))
    .put(key('111122223333', 'us-east-1', '2026/11/20', 3), logFile([r4]))
    .put(key('111122223333', 'us-west-2', '2026/11/21', 1), logFile([r5]))
    .put(key('222233334444', 'us-east-1', '2026/11/21', 1), logFile([r6, successRecord('ok-2', '2026-11-21T12:00:00Z')]))
    .put(key('222233334444', 'us-east-1', '2026/11/19', 1), logFile([{ ...r1, eventID: 'old' }]))
    .put(`${ORG}111122223333/CloudTrail-Digest/us-east-1/2026/11/20/digest.json.gz`, logFile([]));
}

const checkpoints = (items: BackfillItem[]) => items.flatMap((i) => (i.kind === 'checkpoint' ? [i.checkpoint] : []));

beforeEach(() => s3.reset());

describe('s3Backfill', () => {
  it('finds the accounts and regions of an organization trail and reads the window, day by day, in key order', async () => {
    const bucket = orgBucket();
    useBucket(bucket);
    const stats = new BackfillStats();
    const out = await collect(run({ stats }));

    expect(recordIds(out)).toEqual([r1, r2, r3, r4, r5, r6].map((r) => r!.eventID));
    expect(out.filter((i) => i.kind === 'error')).toEqual([]);
    expect(stats).toMatchObject({ objects: 5, records: 8, denials: 6 });
    expect(stats.totalUnits).toBe(6); // 2 days × (2 regions of one account + 1 of the other)
    expect(stats.fraction()).toBe(1);
    // Listing is by day prefix: nothing outside the window is read, nor any digest.
    expect(bucket.gets.some((k) => k.includes('2026/11/19') || k.includes('Digest'))).toBe(false);
    const listed = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input.Prefix);
    expect(listed).toContain(`${ORG}111122223333/CloudTrail/us-east-1/2026/11/20/`);
    expect(listed).not.toContain(ORG + '111122223333/CloudTrail/us-east-1/');
  });

  it('checkpoints after each object, and marks a day prefix done once listed and read', async () => {
    useBucket(orgBucket());
    const out = await collect(run({ accounts: ['111122223333'], regions: ['us-east-1'] }));
    const day = `${ORG}111122223333/CloudTrail/us-east-1/2026/11/20/`;
    expect(checkpoints(out).filter((c) => c.unit === day)).toEqual([
      { unit: day, position: expect.stringContaining('T0100Z'), done: false },
      { unit: day, position: expect.stringContaining('T0200Z'), done: false },
      { unit: day, position: expect.stringContaining('T0300Z'), done: false },
      { unit: day, done: true },
    ]);
    expect(recordIds(out)).toEqual([r1, r2, r3, r4].map((r) => r!.eventID));
  });

  it('reads a single-account trail under a prefix', async () => {
    const bucket = new FakeBucket().put('trails/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/21/a.json.gz', logFile([r5]));
    useBucket(bucket);
    expect(recordIds(await collect(run({ prefix: 'trails' })))).toEqual([r5!.eventID]);
  });

  it('resumes after the last object processed and skips finished days', async () => {
    const bucket = orgBucket();
    useBucket(bucket);
    const day20 = `${ORG}111122223333/CloudTrail/us-east-1/2026/11/20/`;
    let cursor = newCursor('s3', 's3:', window, now);
    cursor = applyCheckpoint(cursor, { unit: day20, position: `${day20}111122223333_CloudTrail_us-east-1_20261120T0200Z_x2.json.gz`, done: false }, now);
    cursor = applyCheckpoint(cursor, { unit: `${ORG}111122223333/CloudTrail/us-west-2/2026/11/21/`, done: true }, now);
    const out = await collect(run({ cursor }));
    expect(recordIds(out)).toEqual([r4, r6].map((r) => r!.eventID));
    expect(bucket.gets.filter((k) => k.includes('T0100Z_x1') || k.includes('T0200Z'))).toEqual([
      `${ORG}222233334444/CloudTrail/us-east-1/2026/11/21/222233334444_CloudTrail_us-east-1_20261121T0100Z_x1.json.gz`,
    ]);
  });

  it('retries throttled listings and reads (SlowDown) and reports a file that is not a log file by its S3 URI', async () => {
    const bucket = new FakeBucket()
      .put('AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/a.json.gz', logFile([r1]))
      .put('AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/b.json.gz', new Uint8Array([0x1f, 0x8b, 1, 2, 3]))
      .put('AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/c.json', Buffer.from('{"not":"a log"}'));
    bucket.failures.set('AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/a.json.gz', [throttling('SlowDown')]);
    s3.on(ListObjectsV2Command)
      .rejectsOnce(throttling('SlowDown'))
      .callsFake((input) => bucket.list(input));
    s3.on(GetObjectCommand).callsFake((input) => bucket.get(input));
    const stats = new BackfillStats();
    const out = await collect(run({ stats, regions: ['us-east-1'] }));
    expect(recordIds(out)).toEqual([r1!.eventID]);
    expect(out.filter((i) => i.kind === 'error').map((i) => (i as { error: string }).error)).toEqual([
      expect.stringMatching(/^s3:\/\/trail-bucket\/AWSLogs\/111122223333\/CloudTrail\/us-east-1\/2026\/11\/20\/b\.json\.gz: cannot decompress/),
      's3://trail-bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/c.json: not a CloudTrail log file (no "Records" array)',
    ]);
    expect(stats.retries).toBe(2);
  });

  it('says so when an account asked for has no folder, or the bucket holds no trail logs', async () => {
    useBucket(orgBucket());
    const out = await collect(run({ accounts: ['999999999999'] }));
    expect(out).toEqual([{ kind: 'error', error: 's3://trail-bucket/AWSLogs/: no CloudTrail folder for account 999999999999' }]);
    useBucket(new FakeBucket().put('other/file.json', logFile([])));
    expect((await collect(run())).map((i) => i.kind === 'error' && i.error)).toEqual([expect.stringMatching(/no account or organization folders/)]);
  });
});
