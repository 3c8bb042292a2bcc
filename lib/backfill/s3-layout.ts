/**
 * Where a trail writes its log files in S3, and how a backfill walks them by date:
 *
 *   single-account trail   [prefix/]AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<file>.json.gz
 *   organization trail     [prefix/]AWSLogs/<o-org-id>/<account>/CloudTrail/<region>/YYYY/MM/DD/<file>.json.gz
 *
 * A backfill lists one day's prefix per account and region (ListObjectsV2 with Prefix), so a window
 * of a few days never lists the bucket's whole history. Names found in a listing are untrusted text:
 * only those of the documented shapes are followed.
 */

const ACCOUNT_RE = /^\d{12}$/;
const ORG_RE = /^o-[a-z0-9]{10,32}$/;
const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const DAY_MS = 86_400_000;

export const isAccountId = (s: string): boolean => ACCOUNT_RE.test(s);
export const isOrgId = (s: string): boolean => ORG_RE.test(s);
export const isRegionName = (s: string): boolean => REGION_RE.test(s);

/** `[prefix/]AWSLogs/`: a trail's S3 key prefix, when it has one, comes first. */
export function logsRoot(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return `${trimmed ? `${trimmed}/` : ''}AWSLogs/`;
}

/** The folder names directly under `parent`, from a delimited listing's CommonPrefixes. */
export function childNames(commonPrefixes: ReadonlyArray<string | undefined>, parent: string): string[] {
  const names: string[] = [];
  for (const p of commonPrefixes) {
    if (!p?.startsWith(parent) || !p.endsWith('/')) continue;
    const name = p.slice(parent.length, -1);
    if (name && !name.includes('/')) names.push(name);
  }
  return names;
}

/** What lies under `AWSLogs/`: accounts (single-account trails) and organization IDs (organization trails). */
export function classifyLogsChildren(names: string[]): { accounts: string[]; orgs: string[] } {
  return { accounts: names.filter(isAccountId).sort(), orgs: names.filter(isOrgId).sort() };
}

/** `…AWSLogs/[<org>/]<account>/CloudTrail/`: where one account's regions are. */
export function accountTrailRoot(root: string, account: string, orgId?: string): string {
  return `${root}${orgId ? `${orgId}/` : ''}${account}/CloudTrail/`;
}

/** The UTC days that the window [since, until) touches, as YYYY/MM/DD. */
export function daysOf(since: Date, until: Date): string[] {
  const days: string[] = [];
  const last = until.getTime() - 1;
  for (let t = Math.floor(since.getTime() / DAY_MS) * DAY_MS; t <= last; t += DAY_MS) {
    const d = new Date(t);
    days.push(`${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`);
  }
  return days;
}

/** One unit of an S3 backfill: a day's folder of one account and region. */
export interface DayPrefix {
  account: string;
  region: string;
  day: string;
  prefix: string;
}

/**
 * Every day prefix to list, ordered by day, then account, then region: an interrupted run has
 * finished whole days, and the cursor's done prefixes read as a date.
 */
export function dayPrefixes(accountRoots: ReadonlyArray<{ account: string; root: string; regions: string[] }>, since: Date, until: Date): DayPrefix[] {
  const out: DayPrefix[] = [];
  for (const day of daysOf(since, until)) {
    for (const { account, root, regions } of [...accountRoots].sort((a, b) => a.account.localeCompare(b.account))) {
      for (const region of [...regions].sort()) out.push({ account, region, day, prefix: `${root}${region}/${day}/` });
    }
  }
  return out;
}

/** True for a log file of the trail (not a digest, not a folder marker). */
export function isLogFileKey(key: string): boolean {
  return /\.json(\.gz)?$/.test(key) && !key.includes('/CloudTrail-Digest/');
}
