/**
 * What a path in CloudTrail's S3 layout says about the records under it, and whether a filter wants
 * them. The layout: `AWSLogs/[o-orgid/]<account>/CloudTrail/<region>/<YYYY>/<MM>/<DD>/` and objects named
 * `<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz`. A directory can be judged from the
 * part of the layout it has (a year folder before --since is skipped whole), so an organization's
 * bucket copied to disk is not walked where it is not wanted.
 */

export interface LogPathInfo {
  account?: string;
  region?: string;
  /** The date range the path covers: one day for a day folder or a log file, a month, a year. */
  from?: string;
  /** Exclusive end of the range, YYYY-MM-DD. */
  to?: string;
  /** Digest files (`CloudTrail-Digest`): signatures, not records. */
  digest: boolean;
}

export interface LogPathFilter {
  accounts?: ReadonlySet<string>;
  regions?: ReadonlySet<string>;
  /** Inclusive, YYYY-MM-DD. */
  since?: string;
  /** Exclusive, YYYY-MM-DD. */
  until?: string;
}

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const FILE_NAME = /^(\d{12})_CloudTrail(-Digest|-Insight)?_([a-z]{2}(?:-[a-z]+)+-\d+)_(\d{4})(\d{2})(\d{2})T\d{4}Z/;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The day after a YYYY-MM-DD date. */
function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The range of year / month / day folders below the region: as far as the path goes. */
function dateRange(parts: string[]): { from?: string; to?: string } {
  const [y, m, d] = parts;
  if (!y || !/^\d{4}$/.test(y)) return {};
  const year = Number(y);
  if (!m || !/^\d{2}$/.test(m) || Number(m) < 1 || Number(m) > 12) return { from: `${y}-01-01`, to: `${year + 1}-01-01` };
  const month = Number(m);
  const monthStart = `${y}-${m}-01`;
  const monthEnd = month === 12 ? `${year + 1}-01-01` : `${y}-${pad(month + 1)}-01`;
  if (!d || !/^\d{2}$/.test(d) || Number(d) < 1 || Number(d) > 31) return { from: monthStart, to: monthEnd };
  const day = `${y}-${m}-${d}`;
  return { from: day, to: nextDay(day) };
}

/** Reads account, region and dates from a path's folders and its file name (the file name wins). */
export function parseLogPath(path: string): LogPathInfo {
  const parts = path.split(/[\\/]+/).filter((p) => p !== '');
  const info: LogPathInfo = { digest: parts.some((p) => p === 'CloudTrail-Digest') };
  // `<account>/CloudTrail[-Digest|-Insight]/<region>/YYYY/MM/DD`, wherever it sits in the path.
  const at = parts.findIndex((p, i) => /^CloudTrail(-Digest|-Insight)?$/.test(p) && ACCOUNT.test(parts[i - 1] ?? ''));
  if (at > 0) {
    info.account = parts[at - 1];
    const region = parts[at + 1];
    if (region && REGION.test(region)) {
      info.region = region;
      Object.assign(info, dateRange(parts.slice(at + 2, at + 5)));
    }
  }
  const name = FILE_NAME.exec(parts[parts.length - 1] ?? '');
  if (name) {
    const [, account, kind, region, y, m, d] = name as unknown as string[];
    const day = `${y}-${m}-${d}`;
    Object.assign(info, { account, region, from: day, to: nextDay(day) });
    if (kind === '-Digest') info.digest = true;
  }
  return info;
}

/**
 * Whether a path (a folder or a file) may hold records the filter wants. What the path does not say
 * is not held against it: a file outside the layout is always read.
 */
export function pathWanted(info: LogPathInfo, filter: LogPathFilter): boolean {
  if (info.digest) return false;
  if (filter.accounts && info.account && !filter.accounts.has(info.account)) return false;
  if (filter.regions && info.region && !filter.regions.has(info.region)) return false;
  if (filter.since && info.to && info.to <= filter.since) return false;
  if (filter.until && info.from && info.from >= filter.until) return false;
  return true;
}

/** True when the filter restricts anything. */
export function filterIsActive(filter: LogPathFilter): boolean {
  return Boolean(filter.accounts || filter.regions || filter.since || filter.until);
}
