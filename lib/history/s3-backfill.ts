import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { BackfillCursor } from '../backfill/cursor';
import { BackfillStats, logFileItems, type BackfillItem, type Window } from '../backfill/items';
import { orderedMap } from '../backfill/async';
import { pacedCaller, type Clock } from '../backfill/token-bucket';
import {
  accountTrailRoot,
  childNames,
  classifyLogsChildren,
  dayPrefixes,
  isAccountId,
  isLogFileKey,
  isRegionName,
  logsRoot,
  type DayPrefix,
} from '../backfill/s3-layout';

const gunzipAsync = promisify(gunzip);

export interface S3BackfillOptions {
  client: S3Client;
  bucket: string;
  /** The trail's S3 key prefix, when it has one. */
  prefix?: string;
  /** Only these accounts (default: every account found under AWSLogs/). */
  accounts: string[];
  /** Only these regions (default: every region folder found for each account). */
  regions: string[];
  window: Window;
  /** Objects read at once. */
  concurrency: number;
  cursor: BackfillCursor;
  stats: BackfillStats;
  clock: Clock;
  random?: () => number;
}

type ObjectRef = { kind: 'object'; unit: string; key: string } | { kind: 'unit-done'; unit: string };

/**
 * Reads a trail bucket day by day: lists each day's prefix of each account and region, reads the log
 * files in parallel (`concurrency` at once) and hands their denials on in key order, with a checkpoint
 * after each file. A day's position is the last key whose records were all processed, so a resumed
 * read lists from there (ListObjectsV2 StartAfter).
 */
export async function* s3Backfill(options: S3BackfillOptions): AsyncGenerator<BackfillItem> {
  const call = pacedCaller({ clock: options.clock, random: options.random, onRetry: () => void options.stats.retries++ });
  const units = await planPrefixes(options, call);
  for (const problem of units.problems) yield { kind: 'error', error: problem };
  options.stats.totalUnits = units.prefixes.length;
  const refs = listObjects(units.prefixes, options, call);
  const results = orderedMap(refs, options.concurrency, async (ref): Promise<{ ref: ObjectRef; items: BackfillItem[] }> => {
    if (ref.kind === 'unit-done') return { ref, items: [] };
    return { ref, items: await readLogFile(ref.key, options, call) };
  });
  for await (const { ref, items } of results) {
    yield* items;
    if (ref.kind === 'unit-done') {
      options.stats.setUnitFraction(ref.unit, 1);
      yield { kind: 'checkpoint', checkpoint: { unit: ref.unit, done: true } };
    } else {
      yield { kind: 'checkpoint', checkpoint: { unit: ref.unit, position: ref.key, done: false } };
    }
  }
}

type Caller = ReturnType<typeof pacedCaller>;

/** The folder names directly under `parent` (a delimited listing, paged). */
async function listChildren(options: S3BackfillOptions, call: Caller, parent: string): Promise<string[]> {
  const prefixes: string[] = [];
  let token: string | undefined;
  do {
    const page = await call(() =>
      options.client.send(new ListObjectsV2Command({ Bucket: options.bucket, Prefix: parent, Delimiter: '/', ContinuationToken: token })),
    );
    options.stats.pages++;
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix) prefixes.push(p.Prefix);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return childNames(prefixes, parent);
}

/** Finds the accounts (both layouts) and their regions, then every day prefix of the window. */
async function planPrefixes(options: S3BackfillOptions, call: Caller): Promise<{ prefixes: DayPrefix[]; problems: string[] }> {
  const root = logsRoot(options.prefix);
  const top = classifyLogsChildren(await listChildren(options, call, root));
  const roots: Array<{ account: string; root: string }> = top.accounts.map((account) => ({ account, root: accountTrailRoot(root, account) }));
  for (const org of top.orgs) {
    for (const account of (await listChildren(options, call, `${root}${org}/`)).filter(isAccountId)) {
      roots.push({ account, root: accountTrailRoot(root, account, org) });
    }
  }
  const wanted = new Set(options.accounts);
  const chosen = wanted.size > 0 ? roots.filter((r) => wanted.has(r.account)) : roots;
  const problems = [...wanted]
    .filter((a) => !roots.some((r) => r.account === a))
    .map((a) => `s3://${options.bucket}/${root}: no CloudTrail folder for account ${a}`);
  if (roots.length === 0) problems.push(`s3://${options.bucket}/${root}: no account or organization folders: is this the trail's bucket and --prefix?`);
  const withRegions = [];
  for (const r of chosen) {
    const regions = options.regions.length > 0 ? options.regions : (await listChildren(options, call, r.root)).filter(isRegionName);
    withRegions.push({ ...r, regions });
  }
  return { prefixes: dayPrefixes(withRegions, options.window.since, options.window.until), problems };
}

async function* listObjects(prefixes: DayPrefix[], options: S3BackfillOptions, call: Caller): AsyncGenerator<ObjectRef> {
  for (const { prefix } of prefixes) {
    const progress = options.cursor.units[prefix];
    if (progress?.done) {
      options.stats.setUnitFraction(prefix, 1);
      continue;
    }
    let token: string | undefined;
    do {
      const page = await call(() =>
        options.client.send(
          new ListObjectsV2Command({ Bucket: options.bucket, Prefix: prefix, ContinuationToken: token, StartAfter: token ? undefined : progress?.position }),
        ),
      );
      options.stats.pages++;
      for (const object of page.Contents ?? []) {
        if (object.Key && isLogFileKey(object.Key)) yield { kind: 'object', unit: prefix, key: object.Key };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    yield { kind: 'unit-done', unit: prefix };
  }
}

async function readLogFile(key: string, options: S3BackfillOptions, call: Caller): Promise<BackfillItem[]> {
  const where = `s3://${options.bucket}/${key}`;
  const bytes = await call(async () => {
    const object = await options.client.send(new GetObjectCommand({ Bucket: options.bucket, Key: key }));
    if (!object.Body) return new Uint8Array();
    return object.Body.transformToByteArray();
  });
  options.stats.objects++;
  let text: string;
  try {
    const gzipped = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
    text = (gzipped ? await gunzipAsync(bytes) : Buffer.from(bytes)).toString('utf8');
  } catch (err) {
    return [{ kind: 'error', error: `${where}: cannot decompress (${(err as Error).message})` }];
  }
  const { items, seen } = logFileItems(text, where, options.window);
  options.stats.records += seen;
  options.stats.denials += items.filter((i) => i.kind === 'record').length;
  return items;
}
