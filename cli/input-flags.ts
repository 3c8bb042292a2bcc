import { UsageError } from '../lib/errors';
import type { LogPathFilter } from '../lib/cloudtrail/log-path';
import { parseDuration } from './duration';
import type { CliIo } from './io';

/** The options that choose which log files of a directory are read (explain, replay). */
export const INPUT_FILTER_OPTIONS = {
  since: { type: 'string' },
  until: { type: 'string' },
  accounts: { type: 'string', multiple: true },
  account: { type: 'string', multiple: true },
  regions: { type: 'string', multiple: true },
} as const;

export const INPUT_FILTER_HELP = `Directories are read recursively: *.json, *.jsonl, *.ndjson and the same gzipped (.gz; gzip is also
recognised by its content, on standard input too). CloudTrail's S3 layout (AWSLogs/[o-org/]ACCOUNT/
CloudTrail/REGION/YYYY/MM/DD/) is understood; digest files are skipped. Use - for standard input.
  --since WHEN     only log folders and files dated WHEN or later: YYYY-MM-DD, or 7d / 12h ago
  --until DATE     only those dated before DATE (YYYY-MM-DD; that day itself is not included)
  --accounts ID,.. only these accounts' logs (--account ID also works; repeatable)
  --regions R,..   only logs of these regions (not the same as --region, the region of AWS calls)
  Files whose path carries no account, region or date are always read.`;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isDate(value: string): boolean {
  return DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

function list(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** The log-path filter from the parsed options; a malformed value is a usage error naming it. */
export function inputFilter(values: { since?: string; until?: string; accounts?: string[]; account?: string[]; regions?: string[] }, io: CliIo): LogPathFilter {
  const filter: LogPathFilter = {};
  if (values.since !== undefined) {
    if (isDate(values.since)) filter.since = values.since;
    else {
      let ms: number;
      try {
        ms = parseDuration(values.since);
      } catch {
        throw new UsageError(`--since must be a date (YYYY-MM-DD) or a duration (30m, 12h, 7d), got "${values.since}"`);
      }
      filter.since = new Date(io.now().getTime() - ms).toISOString().slice(0, 10);
    }
  }
  if (values.until !== undefined) {
    if (!isDate(values.until)) throw new UsageError(`--until must be a date, YYYY-MM-DD, got "${values.until}"`);
    filter.until = values.until;
  }
  if (filter.since && filter.until && filter.since >= filter.until) throw new UsageError(`--since ${filter.since} is not before --until ${filter.until}`);
  const accounts = [...list(values.accounts), ...list(values.account)];
  const bad = accounts.find((a) => !/^\d{12}$/.test(a));
  if (bad !== undefined) throw new UsageError(`--accounts takes 12-digit account IDs, got "${bad}"`);
  if (accounts.length > 0) filter.accounts = new Set(accounts);
  const regions = list(values.regions);
  const badRegion = regions.find((r) => !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(r));
  if (badRegion !== undefined) throw new UsageError(`--regions takes region names like eu-west-1, got "${badRegion}"`);
  if (regions.length > 0) filter.regions = new Set(regions);
  return filter;
}
