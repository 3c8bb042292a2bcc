import { matchPolicyPattern } from './wildcard';

/** The five fixed segments of an ARN plus the resource part (which may itself contain colons). */
export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** Splits an ARN into its segments; null when the string is not ARN-shaped. */
export function parseArn(value: string): Arn | null {
  if (!value.startsWith('arn:')) return null;
  const parts = value.split(':');
  if (parts.length < 6) return null;
  const [, partition = '', service = '', region = '', account = ''] = parts;
  return { partition, service, region, account, resource: parts.slice(5).join(':') };
}

/**
 * Matching is the evaluator's inner loop and sees the same few patterns and resources over and over
 * (every statement, every check, every record of a batch): parse each string once. Bounded, so a long
 * batch of distinct resources cannot grow it without limit; results are frozen since they are shared.
 */
const PARSED_LIMIT = 4096;
const parsed = new Map<string, Readonly<Arn> | null>();

function parseArnCached(value: string): Readonly<Arn> | null {
  let arn = parsed.get(value);
  if (arn === undefined) {
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    const fresh = parseArn(value);
    arn = fresh ? Object.freeze(fresh) : null;
    parsed.set(value, arn);
  }
  return arn;
}

/** Joins segments back into an ARN string. */
export function formatArn(arn: Arn): string {
  return `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.account}:${arn.resource}`;
}

/**
 * IAM ARN matching: each of the first five segments is matched on its own, so a `*` in the region
 * never swallows the account segment; the resource part is matched as a whole. Case-sensitive.
 * Patterns that are not ARN-shaped (`*`, `arn:aws:s3:*`) fall back to a whole-string match.
 * `${*}`, `${?}` and `${$}` in the pattern are the literal characters (they hold no colon, so
 * splitting on colons keeps them whole).
 */
export function arnMatches(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  const p = parseArnCached(pattern);
  const v = parseArnCached(value);
  if (!v || !pattern.startsWith('arn:')) return matchPolicyPattern(pattern, value);
  if (!p) {
    // A short pattern (`arn:aws:s3:*`): segments still match one by one; the last one covers the rest.
    const ps = pattern.split(':');
    const vs = value.split(':');
    const last = ps.length - 1;
    return ps.every((seg, i) => (i < last ? matchPolicyPattern(seg, vs[i] ?? '') : matchPolicyPattern(seg, vs.slice(i).join(':'))));
  }
  return (
    matchPolicyPattern(p.partition, v.partition) &&
    matchPolicyPattern(p.service, v.service) &&
    matchPolicyPattern(p.region, v.region) &&
    matchPolicyPattern(p.account, v.account) &&
    matchPolicyPattern(p.resource, v.resource)
  );
}

/** The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`), or undefined. */
export function partitionOf(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  return parseArn(value)?.partition || undefined;
}
