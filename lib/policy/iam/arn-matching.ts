import { arnSegments, shortArnSegments } from '../../aws/arn';
import { matchPolicyPattern } from './wildcard';

/**
 * IAM ARN matching: each of the first five segments is matched on its own, so a `*` in the region
 * never swallows the account segment; the resource part is matched as a whole. Case-sensitive.
 * Patterns that are not ARN-shaped (`*`, `arn:aws:s3:*`) fall back to a whole-string match.
 * `${*}`, `${?}` and `${$}` in the pattern are the literal characters (they hold no colon, so
 * splitting on colons keeps them whole).
 */
export function arnMatches(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  const p = arnSegments(pattern);
  const v = arnSegments(value);
  if (!v || !pattern.startsWith('arn:')) return matchPolicyPattern(pattern, value);
  if (!p) {
    // A short pattern (`arn:aws:s3:*`): segments still match one by one; the last one covers the rest.
    const ps = shortArnSegments(pattern);
    const vs = shortArnSegments(value);
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
