import { AccountClient } from '@aws-sdk/client-account';
import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { regionOfArn } from '../lib/aws/arn';
import { TableCursorStore } from '../lib/history/table-cursor';
import { AuditorError, UsageError, describeError } from '../lib/errors';
import { cursorIdentity, type BackfillSourceKind, type ResumeMode } from '../lib/backfill/cursor';
import type { Window } from '../lib/backfill/items';
import { athenaQuery, checkIdentifier, eventDataStoreId, lakeQuery } from '../lib/backfill/query';
import { isAccountId, isRegionName } from '../lib/backfill/s3-layout';
import { systemClock, type Clock } from '../lib/backfill/token-bucket';
import { listEnabledRegions, lookupBackfill } from '../lib/history/lookup-backfill';
import { s3Backfill } from '../lib/history/s3-backfill';
import { athenaBackfill, lakeBackfill } from '../lib/history/query-backfill';
import { parseDuration } from './duration';
import type { CliIo } from './io';
import { parseReplayArgs } from './replay';
import { runBackfill, type BackfillPlan } from './backfill-run';
import { formatBytes } from './backfill-progress';
import { BACKFILL_USAGE } from './backfill-usage';

export { BACKFILL_USAGE };

/** What tests inject: a fake clock for the token buckets, backoffs and polls; a fixed jitter; a wall clock for the rate. */
export interface BackfillDeps {
  clock?: Clock;
  random?: () => number;
  tick?: () => number;
  /** Stops the backfill as Ctrl-C does (tests); the command wires SIGINT to it otherwise. */
  signal?: AbortSignal;
}

type Flag = { value: boolean; sources?: BackfillSourceKind[] };
const FLAGS: Record<string, Flag> = {
  since: { value: true },
  until: { value: true },
  resume: { value: false },
  restart: { value: false },
  regions: { value: true },
  accounts: { value: true, sources: ['s3', 'athena', 'lake'] },
  concurrency: { value: true, sources: ['lookup', 's3'] },
  profile: { value: true },
  region: { value: true },
  'event-source': { value: true, sources: ['lookup'] },
  bucket: { value: true, sources: ['s3'] },
  prefix: { value: true, sources: ['s3'] },
  database: { value: true, sources: ['athena'] },
  'trail-table': { value: true, sources: ['athena'] },
  workgroup: { value: true, sources: ['athena'] },
  'output-location': { value: true, sources: ['athena'] },
  catalog: { value: true, sources: ['athena'] },
  'date-partition': { value: true, sources: ['athena'] },
  'event-data-store': { value: true, sources: ['lake'] },
};

const SOURCES: BackfillSourceKind[] = ['lookup', 's3', 'athena', 'lake'];
const LOOKUP_MAX_DAYS = 90;

/** Splits argv into the backfill's own flags and the pipeline's (handed to replay's parser). */
function splitArgs(source: BackfillSourceKind, argv: string[]): { flags: Map<string, string | true>; rest: string[] } {
  const flags = new Map<string, string | true>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const flag = m ? FLAGS[m[1] as string] : undefined;
    if (!m || !flag) {
      rest.push(arg);
      continue;
    }
    const name = m[1] as string;
    if (flag.sources && !flag.sources.includes(source)) {
      const owners = flag.sources.map((s) => `backfill ${s}`).join(', ');
      throw new UsageError(`--${name} is an option of ${owners}, not of backfill ${source}`);
    }
    let value: string | true = true;
    if (flag.value) {
      value = m[2] ?? (argv[++i] as string);
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
    } else if (m[2] !== undefined) throw new UsageError(`--${name} takes no value`);
    flags.set(name, value);
  }
  return { flags, rest };
}

/** `7d`, `12h` (that long before now) or an ISO date or time (`2026-11-01`, `2026-11-01T08:00:00Z`). */
export function parseWhen(text: string, now: Date, flag: string): Date {
  if (/^\d{1,4}[mhdw]$/.test(text.trim())) return new Date(now.getTime() - parseDuration(text));
  // A date or time without a zone is UTC, like CloudTrail's eventTime.
  const m = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(text.trim());
  const time = m ? Date.parse(`${m[1]}${m[2] ?? 'T00:00:00'}${m[3] ?? 'Z'}`) : Number.NaN;
  if (Number.isNaN(time)) throw new UsageError(`${flag} "${text}" is neither a duration (7d, 12h) nor an ISO date (2026-11-01, 2026-11-01T08:00:00Z)`);
  return new Date(time);
}

function list(flags: Map<string, string | true>, name: string, valid: (s: string) => boolean, what: string): string[] {
  const v = flags.get(name);
  if (typeof v !== 'string') return [];
  const items = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) if (!valid(item)) throw new UsageError(`--${name}: "${item.slice(0, 60)}" is not ${what}`);
  return [...new Set(items)].sort();
}

function positiveInt(flags: Map<string, string | true>, name: string, fallback: number, max: number): number {
  const v = flags.get(name);
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}`);
  return Number(v);
}

function required(flags: Map<string, string | true>, name: string, source: BackfillSourceKind): string {
  const v = flags.get(name);
  if (typeof v !== 'string' || v === '') throw new UsageError(`backfill ${source} needs --${name}`);
  return v;
}

interface Common {
  source: BackfillSourceKind;
  flags: Map<string, string | true>;
  window: Window;
  mode: ResumeMode;
  regions: string[];
  accounts: string[];
  homeRegion: string;
  profile?: string;
  clock: Clock;
  random?: () => number;
  io: CliIo;
}

function clientConfig(c: Common, region = c.homeRegion) {
  // One attempt per SDK call: the readers retry themselves, through the token bucket (lib/backfill/token-bucket.ts).
  return { region, maxAttempts: 1, ...(c.profile ? { profile: c.profile } : {}) };
}

function parseCommon(source: BackfillSourceKind, flags: Map<string, string | true>, io: CliIo, deps: BackfillDeps): Common {
  if (flags.has('resume') && flags.has('restart')) throw new UsageError('--resume and --restart exclude each other');
  const now = io.now();
  const until = flags.has('until') ? parseWhen(flags.get('until') as string, now, '--until') : now;
  const since = parseWhen((flags.get('since') as string | undefined) ?? '7d', now, '--since');
  if (since.getTime() >= until.getTime()) throw new UsageError(`--since (${since.toISOString()}) must be before --until (${until.toISOString()})`);
  if (source === 'lookup' && since.getTime() < now.getTime() - LOOKUP_MAX_DAYS * 86_400_000) {
    throw new UsageError('CloudTrail event history keeps 90 days: --since must be within the last 90 days (older history: backfill s3, athena or lake)');
  }
  const homeRegion = (flags.get('region') as string | undefined) ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (homeRegion !== undefined && !isRegionName(homeRegion)) throw new UsageError(`--region "${homeRegion.slice(0, 60)}" is not a region name`);
  return {
    source,
    flags,
    window: { since, until },
    mode: flags.has('resume') ? 'resume' : flags.has('restart') ? 'restart' : 'auto',
    regions: list(flags, 'regions', isRegionName, 'a region name (us-east-1)'),
    accounts: list(flags, 'accounts', isAccountId, 'a 12-digit account ID'),
    homeRegion: homeRegion ?? 'us-east-1',
    profile: (flags.get('profile') as string | undefined) ?? io.env.AWS_PROFILE,
    clock: deps.clock ?? systemClock,
    random: deps.random,
    io,
  };
}

async function lookupPlan(c: Common): Promise<BackfillPlan> {
  let regions = c.regions;
  if (regions.length === 0) {
    try {
      regions = await listEnabledRegions(new AccountClient({ ...clientConfig(c), maxAttempts: 3 }));
    } catch (err) {
      throw new AuditorError(
        `cannot list the account's enabled regions (account:ListRegions: ${describeError(err)}); give them with --regions us-east-1,eu-west-1,...`,
      );
    }
  }
  const eventSource = c.flags.get('event-source') as string | undefined;
  const concurrency = positiveInt(c.flags, 'concurrency', 32, 64);
  const clients = new Map<string, CloudTrailClient>();
  return {
    source: 'lookup',
    description: `LookupEvents in ${regions.length} region(s)${eventSource ? ` for ${eventSource}` : ''}`,
    identity: cursorIdentity('lookup', { regions, eventSource, profile: c.profile }),
    window: c.window,
    mode: c.mode,
    read: (cursor, window, stats) =>
      lookupBackfill({
        clientForRegion: (r) => clients.get(r) ?? (clients.set(r, new CloudTrailClient(clientConfig(c, r))), clients.get(r) as CloudTrailClient),
        regions,
        window,
        eventSource,
        concurrency,
        cursor,
        stats,
        clock: c.clock,
        random: c.random,
      }),
    costNote: () => 'LookupEvents is free of charge',
  };
}

function s3Plan(c: Common): BackfillPlan {
  const bucket = required(c.flags, 'bucket', 's3');
  const prefix = c.flags.get('prefix') as string | undefined;
  const concurrency = positiveInt(c.flags, 'concurrency', 8, 64);
  // A bucket in another region than --region answers with a redirect: follow it rather than fail.
  const client = new S3Client({ ...clientConfig(c), followRegionRedirects: true });
  return {
    source: 's3',
    description: `s3://${bucket}/${prefix ? `${prefix.replace(/\/+$/, '')}/` : ''}AWSLogs/`,
    identity: cursorIdentity('s3', { bucket, prefix, accounts: c.accounts, regions: c.regions }),
    window: c.window,
    mode: c.mode,
    read: (cursor, window, stats) =>
      s3Backfill({ client, bucket, prefix, accounts: c.accounts, regions: c.regions, window, concurrency, cursor, stats, clock: c.clock, random: c.random }),
    // S3 Standard request prices in us-east-1: LIST $0.005 and GET $0.0004 per 1,000 requests.
    costNote: (stats) => `S3 requests ≈ $${((stats.pages * 0.005 + stats.objects * 0.0004) / 1000).toFixed(4)} (LIST $0.005, GET $0.0004 per 1,000, us-east-1)`,
  };
}

function athenaPlan(c: Common): BackfillPlan {
  const database = required(c.flags, 'database', 'athena');
  const table = required(c.flags, 'trail-table', 'athena');
  const datePartition = c.flags.get('date-partition') as string | undefined;
  const workGroup = c.flags.get('workgroup') as string | undefined;
  const outputLocation = c.flags.get('output-location') as string | undefined;
  const catalog = c.flags.get('catalog') as string | undefined;
  for (const [what, name] of [
    ['database', database],
    ['--trail-table', table],
    ['--date-partition', datePartition],
  ] as const) {
    if (name !== undefined) guard(() => checkIdentifier(what, name));
  }
  if (outputLocation !== undefined && !outputLocation.startsWith('s3://')) throw new UsageError('--output-location must be an s3:// URI');
  const client = new AthenaClient(clientConfig(c));
  return {
    source: 'athena',
    description: `Athena table ${database}.${table}${workGroup ? ` (work group ${workGroup})` : ''}`,
    identity: cursorIdentity('athena', { database, table, datePartition, workGroup, catalog, accounts: c.accounts, regions: c.regions, region: c.homeRegion }),
    window: c.window,
    mode: c.mode,
    read: (cursor, window, stats) =>
      athenaBackfill({
        client,
        query: athenaQuery({ database, table, datePartition, accounts: c.accounts, regions: c.regions, ...window }),
        workGroup,
        outputLocation,
        catalog,
        cursor,
        stats,
        clock: c.clock,
        random: c.random,
      }),
    // Athena: $5 per TB scanned, at least 10 MB per query.
    costNote: (stats) =>
      stats.bytesScanned > 0 ? `Athena ≈ $${((Math.max(stats.bytesScanned, 10e6) / 1e12) * 5).toFixed(4)} ($5 per TB scanned, 10 MB minimum)` : null,
  };
}

function lakePlan(c: Common): BackfillPlan {
  const store = required(c.flags, 'event-data-store', 'lake');
  guard(() => eventDataStoreId(store));
  const client = new CloudTrailClient(clientConfig(c));
  return {
    source: 'lake',
    description: `CloudTrail Lake event data store ${store}`,
    identity: cursorIdentity('lake', { store, accounts: c.accounts, regions: c.regions, region: c.homeRegion }),
    window: c.window,
    mode: c.mode,
    read: (cursor, window, stats) =>
      lakeBackfill({
        client,
        query: lakeQuery({ eventDataStore: store, accounts: c.accounts, regions: c.regions, ...window }),
        cursor,
        stats,
        clock: c.clock,
        random: c.random,
      }),
    costNote: (stats) => (stats.bytesScanned > 0 ? `CloudTrail Lake bills per GB scanned: ${formatBytes(stats.bytesScanned)} (see docs/backfill.md)` : null),
  };
}

function guard(check: () => unknown): void {
  try {
    check();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export async function backfillCommand(argv: string[], io: CliIo, deps: BackfillDeps = {}): Promise<number> {
  const [name, ...args] = argv;
  if (!name || !SOURCES.includes(name as BackfillSourceKind)) {
    throw new UsageError(name ? `unknown backfill source "${name.slice(0, 40)}": use lookup, s3, athena or lake` : 'which source? lookup, s3, athena or lake');
  }
  const source = name as BackfillSourceKind;
  const { flags, rest } = splitArgs(source, args);
  const replay = parseReplayArgs(rest);
  if (replay.paths.length > 0)
    throw new UsageError(`unexpected argument "${replay.paths[0]!.slice(0, 60)}": backfill reads from AWS, not from files (use replay)`);
  const common = parseCommon(source, flags, io, deps);
  if (Boolean(replay.table) !== Boolean(replay.topicArn)) {
    throw new UsageError('--table and --topic-arn go together: give both to backfill the deployed table, or neither for the embedded default');
  }
  const plan = source === 'lookup' ? await lookupPlan(common) : source === 's3' ? s3Plan(common) : source === 'athena' ? athenaPlan(common) : lakePlan(common);
  // Against a deployed table the cursor lives in it, in the region the runtime opens it in (cli/runtime.ts).
  const tableRegion = io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? regionOfArn(replay.topicArn);
  const cursorStore = replay.table
    ? new TableCursorStore(
        new DynamoDBClient({ region: tableRegion, ...(common.profile ? { profile: common.profile } : {}) }),
        replay.table,
        source,
        plan.identity,
      )
    : undefined;
  // The first Ctrl-C stops reading and lets the run save its cursor and print its summary; a second one kills.
  const interrupt = new AbortController();
  const onSigint = (): void => {
    io.stderr.write('\ninterrupted: finishing the records in flight and saving the cursor (Ctrl-C again to quit at once)\n');
    interrupt.abort();
  };
  if (!deps.signal) process.once('SIGINT', onSigint);
  try {
    return await runBackfill(plan, { replay, tick: deps.tick, cursorStore, signal: deps.signal ?? interrupt.signal }, io);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
