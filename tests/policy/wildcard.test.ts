import fc from 'fast-check';
import { matchPolicyPattern, wildcardMatch } from '../../lib/policy/iam/wildcard';

/** Reference: a plain recursive matcher over the pattern text (exponential, small inputs only). */
function reference(pattern: string, value: string, escapes: boolean, ignoreCase: boolean): boolean {
  const eq = (a: string, b: string) => a === b || (ignoreCase && a.toUpperCase() === b.toUpperCase());
  const go = (p: number, v: number): boolean => {
    if (p === pattern.length) return v === value.length;
    const escaped = escapes && /^\$\{[*?$]\}/.test(pattern.slice(p, p + 4));
    if (escaped) return v < value.length && eq(pattern[p + 2] as string, value[v] as string) && go(p + 4, v + 1);
    const ch = pattern[p] as string;
    if (ch === '*') return go(p + 1, v) || (v < value.length && go(p, v + 1));
    if (ch === '?') return v < value.length && go(p + 1, v + 1);
    return v < value.length && eq(ch, value[v] as string) && go(p + 1, v + 1);
  };
  return go(0, 0);
}

const patternChars = fc.constantFrom('a', 'b', 'A', '/', '*', '?', '$', '{', '}', '${*}', '${?}', '${$}');
const valueChars = fc.constantFrom('a', 'b', 'A', 'B', '/', '*', '?', '$', '{', '}');
const pattern = fc.array(patternChars, { maxLength: 8 }).map((parts) => parts.join(''));
const value = fc.array(valueChars, { maxLength: 10 }).map((parts) => parts.join(''));

describe('the wildcard matcher agrees with a reference implementation', () => {
  it('matchPolicyPattern (with the ${*} ${?} ${$} escapes), both cases', () => {
    fc.assert(
      fc.property(pattern, value, fc.boolean(), (p, v, ignoreCase) => {
        expect(matchPolicyPattern(p, v, ignoreCase)).toBe(reference(p, v, true, ignoreCase));
      }),
      { numRuns: 2000 },
    );
  });

  it('wildcardMatch (no escapes), both cases', () => {
    fc.assert(
      fc.property(pattern, value, fc.boolean(), (p, v, ignoreCase) => {
        expect(wildcardMatch(p, v, ignoreCase)).toBe(reference(p, v, false, ignoreCase));
      }),
      { numRuns: 2000 },
    );
  });

  it('a value matches the pattern built from it', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(
          matchPolicyPattern(
            v.replace(/[*?$]/g, (ch) => `\${${ch}}`),
            v,
          ),
        ).toBe(true);
      }),
    );
  });

  it.each([
    ['${*}', '*', true],
    ['${*}', 'x', false],
    ['a${?}', 'a?', true],
    ['a${?}', 'ab', false],
    ['${$}{x}', '${x}', true],
    ['a*${*}', 'abc*', true],
    ['*', '', true],
    ['?', '', false],
  ])('%s vs %s', (p, v, expected) => {
    expect(matchPolicyPattern(p, v)).toBe(expected);
  });

  it('many stars against a long value answer at once (no backtracking blow-up)', () => {
    const t = Date.now();
    expect(matchPolicyPattern('b/*/*/*/*/*/*/*.parquet', `b/${'/'.repeat(2000)}`)).toBe(false);
    expect(wildcardMatch('*a*a*a*a*a*a*b', 'a'.repeat(5000))).toBe(false);
    expect(Date.now() - t).toBeLessThan(500);
  });
});
