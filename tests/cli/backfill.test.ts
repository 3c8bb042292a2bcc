import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { CloudTrailClient, GetQueryResultsCommand as LakeResultsCommand, LookupEventsCommand, StartQueryCommand } from '@aws-sdk/client-cloudtrail';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { backfillCommand } from '../../cli/backfill';
import { main } from '../../cli/main';
import { athenaRowOf, exampleRecords, FakeBucket, FakeClock, logFile, successRecord } from '../backfill/support';
import { captureIo, jsonLines, tempDir, type CapturedIo } from '../support/cli-io';

const root = join(__dirname, '..', '..');
const s3 = mockClient(S3Client);
const cloudtrail = mockClient(CloudTrailClient);
const athena = mockClient(AthenaClient);
const account = mockClient(AccountClient);
const env = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' };
const now = new Date('2026-11-22T08:00:00Z');
const ids = exampleRecords.map((r) => r.eventID);
const DAY = 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/';

const io = (): CapturedIo => captureIo({ cwd: root, env, now });
const run = (argv: string[], out = io()) => backfillCommand(argv, out, { clock: new FakeClock(), random: () => 0.5 });
const summaryOf = (out: CapturedIo) => jsonLines(out.out()).find((l) => l.kind === 'summary')!;

/** The example records as a single-account trail: one file per record, over two days. */
function trailBucket(): FakeBucket {
  const bucket = new FakeBucket(3);
  exampleRecords.forEach((r, i) => {
    const day = String(r.eventTime).slice(8, 10);
    bucket.put(
      `${DAY}${day}/111122223333_CloudTrail_us-east-1_202611${day}T${String(i).padStart(2, '0')}00Z_f${i}.json.gz`,
      logFile([r, successRecord(`ok-${i}`, String(r.eventTime))]),
    );
  });
  return bucket;
}

function useBucket(bucket: FakeBucket): void {
  s3.on(ListObjectsV2Command).callsFake((input) => bucket.list(input));
  s3.on(GetObjectCommand).callsFake((input) => bucket.get(input));
}

/** The total count over every incident of the data dir: what "counted once" is about. */
async function totalCount(dataDir: string): Promise<number> {
  const out = io();
  expect(await main(['incidents', '--json', '--data-dir', dataDir], out)).toBe(0);
  return jsonLines(out.out()).reduce((sum, i) => sum + Number(i.count), 0);
}

const S3_ARGS = ['s3', '--bucket', 'trail-bucket', '--regions', 'us-east-1', '--since', '2026-11-20', '--until', '2026-11-22', '--json'];

beforeEach(() => {
  s3.reset();
  cloudtrail.reset();
  athena.reset();
  account.reset();
});

describe('backfill s3 through the pipeline', () => {
  it('counts every denial of the trail once, prints JSON Lines and a summary, and leaves a complete cursor', async () => {
    const dataDir = tempDir();
    useBucket(trailBucket());
    const out = io();
    expect(await run([...S3_ARGS, '--data-dir', dataDir], out)).toBe(0);

    const lines = jsonLines(out.out());
    expect(lines.filter((l) => l.kind === 'counted').map((l) => l.eventId)).toEqual(ids);
    expect(summaryOf(out)).toMatchObject({ source: 's3', complete: true, objects: 6, records: 12, denials: 6, counted: 6, duplicates: 0 });
    expect(out.err()).toMatch(/backfill s3 complete .*6 object\(s\), 12 record\(s\) read, 6 denial\(s\) found/);
    expect(out.err()).toMatch(/S3 requests ≈ \$/);
    expect(await totalCount(dataDir)).toBe(6);
    const cursors = readdirSync(join(dataDir, 'backfill'));
    expect(cursors).toEqual([expect.stringMatching(/^s3-[0-9a-f]{16}\.json$/)]);
    expect(JSON.parse(readFileSync(join(dataDir, 'backfill', cursors[0]!), 'utf8'))).toMatchObject({ complete: true, since: '2026-11-20T00:00:00.000Z' });
  });

  it('resumes after an interruption where it stopped, and counts nothing twice', async () => {
    const dataDir = tempDir();
    const bucket = trailBucket();
    const fourth = [...bucket.objects.keys()].sort()[3]!;
    bucket.failures.set(fourth, [Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })]);
    useBucket(bucket);

    const first = io();
    await expect(run([...S3_ARGS, '--data-dir', dataDir], first)).rejects.toThrow('Access Denied');
    expect(summaryOf(first)).toMatchObject({ complete: false, counted: 3 });
    expect(first.err()).toMatch(/backfill s3 stopped.*\n(.*\n)*.*run the same command again to resume/);
    const readBefore = bucket.gets.length;

    const second = io();
    expect(await run([...S3_ARGS, '--data-dir', dataDir], second)).toBe(0);
    expect(second.err()).toMatch(/resuming the backfill started 2026-11-22T08:00:00.000Z over 2026-11-20T00:00:00.000Z → 2026-11-22T00:00:00.000Z/);
    // Only the objects after the cursor are read again.
    expect(bucket.gets.slice(readBefore).sort()).toEqual([...bucket.objects.keys()].sort().slice(3));
    expect(summaryOf(second)).toMatchObject({ complete: true, counted: 3, duplicates: 0 });
    expect(await totalCount(dataDir)).toBe(6);

    // Starting over reads everything again: all duplicates, still six.
    const third = io();
    expect(await run([...S3_ARGS, '--data-dir', dataDir, '--restart'], third)).toBe(0);
    expect(summaryOf(third)).toMatchObject({ complete: true, counted: 0, duplicates: 6 });
    expect(await totalCount(dataDir)).toBe(6);
  });

  it('stops on Ctrl-C with a summary and a saved cursor (exit 130); the next run finishes, counting nothing twice', async () => {
    const dataDir = tempDir();
    const bucket = trailBucket();
    useBucket(bucket);
    const interrupt = new AbortController();
    s3.on(GetObjectCommand).callsFake((input) => {
      if (bucket.gets.length === 2) interrupt.abort();
      return bucket.get(input);
    });
    const first = io();
    expect(await backfillCommand([...S3_ARGS, '--concurrency', '1', '--data-dir', dataDir], first, { clock: new FakeClock(), signal: interrupt.signal })).toBe(
      130,
    );
    const stopped = summaryOf(first);
    expect(stopped).toMatchObject({ complete: false });
    expect(Number(stopped.counted)).toBeGreaterThan(0);
    expect(Number(stopped.counted)).toBeLessThan(6);

    const second = io();
    expect(await run([...S3_ARGS, '--data-dir', dataDir], second)).toBe(0);
    expect(Number(summaryOf(second).counted) + Number(stopped.counted)).toBe(6);
    expect(await totalCount(dataDir)).toBe(6);
  });

  it('fails with the AWS error alone when nothing could be read (no summary of zeros, no cursor)', async () => {
    const dataDir = tempDir();
    s3.on(ListObjectsV2Command).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    const out = io();
    await expect(run([...S3_ARGS, '--data-dir', dataDir], out)).rejects.toThrow('Access Denied');
    expect(out.out()).toBe('');
    expect(out.err()).not.toMatch(/backfill s3 stopped/);
    expect(readdirSync(dataDir)).not.toContain('backfill');
  });

  it('shows a progress line on a terminal: objects, records, denials, rate and ETA', async () => {
    useBucket(trailBucket());
    let err = '';
    const base = io();
    const tty = { ...base, stderr: { write: (c: string) => (err += c), isTTY: true } };
    let t = 0;
    const tick = () => (t += 300);
    expect(await backfillCommand([...S3_ARGS, '--data-dir', tempDir()], tty, { clock: new FakeClock(), tick })).toBe(0);
    const redraws = err.split('\r\u001b[2K').slice(1);
    expect(redraws.length).toBeGreaterThan(1);
    expect(
      redraws.some((line) => /^\d+ object\(s\) {2}\d+ record\(s\) {2}\d+ denial\(s\) {2}\d+ processed {2}\d+ rec\/s {2}\[[#.]{20}\] \d+% ETA \S+/.test(line)),
    ).toBe(true);
    // The line is cleared before the summary prints.
    expect(err.slice(err.lastIndexOf('\r\u001b[2K'))).toMatch(/backfill s3 complete/);
  });
});

describe('idempotency with replay', () => {
  const lookupEvents = {
    Events: exampleRecords.map((r) => ({ EventId: String(r.eventID), EventTime: new Date(String(r.eventTime)), CloudTrailEvent: JSON.stringify(r) })),
  };
  const columns = Object.keys(athenaRowOf(exampleRecords[0]!));
  const sources: Array<[string, string[], () => void]> = [
    ['lookup', ['lookup', '--regions', 'us-east-1', '--since', '2026-11-20'], () => void cloudtrail.on(LookupEventsCommand).resolves(lookupEvents)],
    ['s3', S3_ARGS.filter((a) => a !== '--json'), () => useBucket(trailBucket())],
    [
      'athena',
      ['athena', '--database', 'trails', '--trail-table', 'cloudtrail_logs', '--since', '2026-11-20', '--output-location', 's3://results/'],
      () => {
        athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
        athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 3e9 } } });
        athena.on(GetQueryResultsCommand).resolves({
          ResultSet: {
            ResultSetMetadata: { ColumnInfo: columns.map((Name) => ({ Name, Type: 'varchar' })) },
            Rows: [
              { Data: columns.map((c) => ({ VarCharValue: c })) },
              ...exampleRecords.map((r) => ({ Data: columns.map((c) => ({ VarCharValue: athenaRowOf(r)[c] })) })),
            ],
          },
        });
      },
    ],
    [
      'lake',
      ['lake', '--event-data-store', 'EXAMPLE-f852-4e8f-8bd1', '--since', '2026-11-20'],
      () => {
        cloudtrail.on(StartQueryCommand).resolves({ QueryId: 'lq-1' });
        const rows = exampleRecords.map((r) => Object.entries(athenaRowOf(r)).flatMap(([k, v]) => (v === undefined ? [] : [{ [k]: v }])));
        cloudtrail
          .on(LakeResultsCommand)
          .resolves({ QueryStatus: 'FINISHED', QueryResultRows: rows, QueryStatistics: { TotalResultsCount: rows.length, BytesScanned: 1e9 } });
      },
    ],
  ];

  it.each(sources)('events replayed from files and backfilled from %s are counted once', async (_name, argv, mock) => {
    const dataDir = tempDir();
    expect(await main(['replay', join(root, 'examples', 'records'), '--data-dir', dataDir], io())).toBe(0);
    expect(await totalCount(dataDir)).toBe(6);
    mock();
    const out = io();
    expect(await run([...argv, '--json', '--data-dir', dataDir], out)).toBe(0);
    expect(summaryOf(out)).toMatchObject({ complete: true, denials: 6, counted: 0, duplicates: 6, incidentsOpened: 0 });
    expect(
      jsonLines(out.out())
        .filter((l) => l.kind === 'duplicate')
        .map((l) => l.eventId),
    ).toEqual(ids);
    expect(await totalCount(dataDir)).toBe(6);
  });
});

describe('resume after an interruption, per source', () => {
  const denied = () => Object.assign(new Error('Access Denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
  const newestFirst = [...exampleRecords].sort((a, b) => String(b.eventTime).localeCompare(String(a.eventTime)));
  const columns = Object.keys(athenaRowOf(exampleRecords[0]!));
  const athenaPage = (records: Array<Record<string, unknown>>, header: boolean) => ({
    ResultSetMetadata: { ColumnInfo: columns.map((Name) => ({ Name, Type: 'varchar' })) },
    Rows: [
      ...(header ? [{ Data: columns.map((c) => ({ VarCharValue: c })) }] : []),
      ...records.map((r) => ({ Data: columns.map((c) => ({ VarCharValue: athenaRowOf(r)[c] })) })),
    ],
  });
  const lakeRows = (records: Array<Record<string, unknown>>) =>
    records.map((r) => Object.entries(athenaRowOf(r)).flatMap(([k, v]) => (v === undefined ? [] : [{ [k]: v }])));

  /** Each source pages the six examples three at a time and fails, once, on its second page. */
  const sources: Array<[string, string[], (failOnce: { armed: boolean }) => void]> = [
    [
      'lookup',
      ['lookup', '--regions', 'us-east-1', '--since', '2026-11-20'],
      (failOnce) => {
        cloudtrail.on(LookupEventsCommand).callsFake((input: { EndTime: Date; NextToken?: string }) => {
          if (input.NextToken && failOnce.armed) {
            failOnce.armed = false;
            throw denied();
          }
          const upTo = newestFirst.filter((r) => Date.parse(String(r.eventTime)) <= input.EndTime.getTime());
          const start = Number(input.NextToken ?? 0);
          const page = upTo.slice(start, start + 3);
          return {
            Events: page.map((r) => ({ EventId: String(r.eventID), EventTime: new Date(String(r.eventTime)), CloudTrailEvent: JSON.stringify(r) })),
            NextToken: start + 3 < upTo.length ? String(start + 3) : undefined,
          };
        });
      },
    ],
    [
      'athena',
      ['athena', '--database', 'trails', '--trail-table', 'cloudtrail_logs', '--since', '2026-11-20'],
      (failOnce) => {
        athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
        athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
        athena.on(GetQueryResultsCommand).callsFake((input: { NextToken?: string }) => {
          if (!input.NextToken) return { ResultSet: athenaPage(exampleRecords.slice(0, 3), true), NextToken: 't-2' };
          if (failOnce.armed) {
            failOnce.armed = false;
            throw denied();
          }
          return { ResultSet: athenaPage(exampleRecords.slice(3), false) };
        });
      },
    ],
    [
      'lake',
      ['lake', '--event-data-store', 'EXAMPLE-f852', '--since', '2026-11-20'],
      (failOnce) => {
        cloudtrail.on(StartQueryCommand).resolves({ QueryId: 'lq-1' });
        cloudtrail.on(LakeResultsCommand).callsFake((input: { NextToken?: string }) => {
          if (!input.NextToken) return { QueryStatus: 'FINISHED', QueryResultRows: lakeRows(exampleRecords.slice(0, 3)), NextToken: 'n-2' };
          if (failOnce.armed) {
            failOnce.armed = false;
            throw denied();
          }
          return { QueryStatus: 'FINISHED', QueryResultRows: lakeRows(exampleRecords.slice(3)) };
        });
      },
    ],
  ];

  it.each(sources)('%s: the second run continues from the cursor and counts nothing twice', async (name, argv, mock) => {
    const dataDir = tempDir();
    const failOnce = { armed: true };
    mock(failOnce);
    const first = io();
    await expect(run([...argv, '--json', '--data-dir', dataDir], first)).rejects.toThrow('Access Denied');
    expect(summaryOf(first)).toMatchObject({ complete: false, counted: 3 });

    const second = io();
    expect(await run([...argv, '--json', '--data-dir', dataDir], second)).toBe(0);
    expect(second.err()).toMatch(/resuming the backfill/);
    expect(summaryOf(second)).toMatchObject({ complete: true });
    expect(Number(summaryOf(second).counted)).toBe(3);
    expect(await totalCount(dataDir)).toBe(6);
    // LookupEvents resumes up to the boundary second, inclusive: its event is read again, and is a duplicate.
    if (name === 'lookup') expect(summaryOf(second).duplicates).toBe(1);
    // Queries are not run (nor paid for) twice.
    if (name === 'athena') expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
    if (name === 'lake') expect(cloudtrail.commandCalls(StartQueryCommand)).toHaveLength(1);
  });
});

describe('backfill lookup', () => {
  it('discovers the enabled regions with account:ListRegions and reads each', async () => {
    account.on(ListRegionsCommand).resolves({ Regions: [{ RegionName: 'us-east-1' }, { RegionName: 'eu-west-1' }] });
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [] });
    const out = io();
    expect(await run(['lookup', '--since', '1d', '--json', '--data-dir', tempDir()], out)).toBe(0);
    const regions = await Promise.all(cloudtrail.commandCalls(LookupEventsCommand).map((c) => c.thisValue.config.region()));
    expect(regions.sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(out.err()).toMatch(/LookupEvents in 2 region\(s\)/);
  });

  it('asks for --regions when the regions cannot be listed', async () => {
    account.on(ListRegionsCommand).rejects(Object.assign(new Error('not authorized to perform: account:ListRegions'), { name: 'AccessDeniedException' }));
    const out = io();
    expect(await main(['backfill', 'lookup', '--data-dir', tempDir()], out)).toBe(3);
    expect(out.err()).toMatch(/cannot list the account's enabled regions .*give them with --regions us-east-1,eu-west-1/);
  });
});

describe('backfill usage', () => {
  it.each([
    [['backfill'], /which source\? lookup, s3, athena or lake/],
    [['backfill', 'ftp'], /unknown backfill source "ftp"/],
    [['backfill', 'lookup', '--bucket', 'b'], /--bucket is an option of backfill s3, not of backfill lookup/],
    [['backfill', 's3'], /backfill s3 needs --bucket/],
    [['backfill', 'athena', '--database', 'd'], /backfill athena needs --trail-table/],
    [['backfill', 'athena', '--database', 'd;drop', '--trail-table', 't'], /is not a valid name/],
    [['backfill', 'lake', '--event-data-store', 'x y'], /not an ID or an event data store ARN/],
    [['backfill', 's3', '--bucket', 'b', '--since', '2026-11-22', '--until', '2026-11-20'], /--since .* must be before --until/],
    [['backfill', 's3', '--bucket', 'b', '--since', 'last week'], /neither a duration .* nor an ISO date/],
    [['backfill', 'lookup', '--since', '100d', '--regions', 'us-east-1'], /event history keeps 90 days/],
    [['backfill', 's3', '--bucket', 'b', '--regions', 'us-east-1,mars-1'], /--regions: "mars-1" is not a region name/],
    [['backfill', 's3', '--bucket', 'b', '--accounts', '12'], /--accounts: "12" is not a 12-digit account ID/],
    [['backfill', 's3', '--bucket', 'b', '--resume', '--restart'], /exclude each other/],
    [['backfill', 's3', '--bucket', 'b', 'extra'], /unexpected argument "extra"/],
    [['backfill', 's3', '--bucket', 'b', '--concurrency', '0'], /--concurrency must be a whole number from 1 to 64/],
    [['backfill', 's3', '--bucket', 'b', '--nope'], /unknown option --nope/],
  ])('%j is a usage error', async (argv, message) => {
    const out = io();
    expect(await main(argv, out)).toBe(2);
    expect(out.err()).toMatch(message);
  });

  it('--resume without an unfinished backfill is an error that names the cursor, and creates nothing', async () => {
    const dataDir = tempDir();
    const out = io();
    expect(await main(['backfill', 's3', '--bucket', 'b', '--resume', '--data-dir', dataDir], out)).toBe(2);
    expect(out.err()).toMatch(/no unfinished backfill to resume for s3:\/\/b\/AWSLogs\/ \(file .*backfill\/s3-[0-9a-f]{16}\.json\)/);
    expect(readdirSync(dataDir)).toEqual([]);
    expect(s3.calls()).toHaveLength(0);
  });

  it('refuses a cursor file it cannot read, unless told to --restart', async () => {
    const dataDir = tempDir();
    useBucket(trailBucket());
    expect(await run([...S3_ARGS, '--data-dir', dataDir])).toBe(0);
    const file = join(dataDir, 'backfill', readdirSync(join(dataDir, 'backfill'))[0]!);
    writeFileSync(file, 'garbage');
    const out = io();
    await expect(run([...S3_ARGS, '--data-dir', dataDir], out)).rejects.toThrow(/is not a backfill cursor: move it away, or give --restart/);
    expect(readFileSync(file, 'utf8')).toBe('garbage');
    expect(await run([...S3_ARGS, '--data-dir', dataDir, '--restart'])).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ complete: true });
  });

  it('is listed in the help, with its own usage', async () => {
    const out = io();
    expect(await main(['--help'], out)).toBe(0);
    expect(out.out()).toMatch(/backfill SOURCE/);
    const usage = io();
    expect(await main(['backfill', '--help'], usage)).toBe(0);
    expect(usage.out()).toMatch(/Usage: access-auditor backfill lookup\|s3\|athena\|lake/);
  });
});
