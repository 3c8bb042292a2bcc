import { wildcardMatch } from './wildcard';

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

/** Joins segments back into an ARN string. */
export function formatArn(arn: Arn): string {
  return `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.account}:${arn.resource}`;
}

/**
 * IAM ARN matching: each of the first five segments is matched on its own, so a `*` in the region
 * never swallows the account segment; the resource part is matched as a whole. Case-sensitive.
 * Patterns that are not ARN-shaped (`*`, `arn:aws:s3:*`) fall back to a whole-string match.
 */
export function arnMatches(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  const p = parseArn(pattern);
  const v = parseArn(value);
  if (!v || !pattern.startsWith('arn:')) return wildcardMatch(pattern, value);
  if (!p) {
    // A short pattern (`arn:aws:s3:*`): segments still match one by one; the last one covers the rest.
    const ps = pattern.split(':');
    const vs = value.split(':');
    const last = ps.length - 1;
    return ps.every((seg, i) => (i < last ? wildcardMatch(seg, vs[i] ?? '') : wildcardMatch(seg, vs.slice(i).join(':'))));
  }
  return (
    wildcardMatch(p.partition, v.partition) &&
    wildcardMatch(p.service, v.service) &&
    wildcardMatch(p.region, v.region) &&
    wildcardMatch(p.account, v.account) &&
    wildcardMatch(p.resource, v.resource)
  );
}

/** The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`), or undefined. */
export function partitionOf(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  return parseArn(value)?.partition || undefined;
}
