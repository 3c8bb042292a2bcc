/**
 * IAM-style wildcards: `*` matches any run of characters (also none), `?` exactly one; every other
 * character is literal. Rules files are reviewed by people, and the values they are matched against
 * (user agents, resource names, ARNs) are written by whoever made the call: never compile either into a
 * regular expression, so no pattern can be a regex and no value can make matching slow (this is the
 * linear-backtracking glob: at most one saved `*` position, O(pattern × value) in the worst case).
 */
export function wildcardMatch(pattern: string, value: string, options: { ignoreCase?: boolean } = {}): boolean {
  const p = options.ignoreCase ? pattern.toLowerCase() : pattern;
  const v = options.ignoreCase ? value.toLowerCase() : value;
  let pi = 0;
  let vi = 0;
  let starAt = -1;
  let starMatched = 0;
  while (vi < v.length) {
    const c = p[pi];
    if (c === '*') {
      starAt = pi++;
      starMatched = vi;
    } else if (c !== undefined && (c === '?' || c === v[vi])) {
      pi++;
      vi++;
    } else if (starAt >= 0) {
      pi = starAt + 1;
      vi = ++starMatched;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}
