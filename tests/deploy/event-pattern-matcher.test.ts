import fc from 'fast-check';
import { countOperators, matchesPattern, PatternError, wildcardRegExp } from './event-pattern-matcher';

describe('event pattern interpreter', () => {
  const cases: { name: string; pattern: Record<string, unknown>; event: unknown; expected: boolean }[] = [
    { name: 'exact string', pattern: { source: ['aws.iam'] }, event: { source: 'aws.iam' }, expected: true },
    { name: 'exact string is case-sensitive', pattern: { source: ['aws.iam'] }, event: { source: 'AWS.IAM' }, expected: false },
    { name: 'any value of the list', pattern: { source: ['aws.s3', 'aws.iam'] }, event: { source: 'aws.iam' }, expected: true },
    { name: 'missing field fails', pattern: { detail: { errorCode: ['AccessDenied'] } }, event: { detail: {} }, expected: false },
    { name: 'every field must match', pattern: { a: ['1'], b: ['2'] }, event: { a: '1', b: '3' }, expected: false },
    {
      name: 'nested objects',
      pattern: { detail: { userIdentity: { type: ['IAMUser'] } } },
      event: { detail: { userIdentity: { type: 'IAMUser' } } },
      expected: true,
    },
    { name: 'nested pattern over a scalar fails', pattern: { detail: { type: ['x'] } }, event: { detail: 'x' }, expected: false },
    { name: 'leaf over an object fails', pattern: { detail: ['x'] }, event: { detail: { x: 1 } }, expected: false },
    { name: 'event array: any element', pattern: { resources: ['arn:b'] }, event: { resources: ['arn:a', 'arn:b'] }, expected: true },
    { name: 'event array of objects', pattern: { d: { r: { t: ['role'] } } }, event: { d: { r: [{ t: 'user' }, { t: 'role' }] } }, expected: true },
    { name: 'numbers compare as numbers', pattern: { n: [5] }, event: { n: 5.0 }, expected: true },
    { name: 'number does not equal its string', pattern: { n: [5] }, event: { n: '5' }, expected: false },
    { name: 'null literal', pattern: { n: [null] }, event: { n: null }, expected: true },
    { name: 'prefix', pattern: { m: [{ prefix: 'Access denied' }] }, event: { m: 'Access denied. Legacy model' }, expected: true },
    { name: 'prefix is case-sensitive', pattern: { m: [{ prefix: 'Access denied' }] }, event: { m: 'Access Denied' }, expected: false },
    { name: 'prefix ignoring case', pattern: { m: [{ prefix: { 'equals-ignore-case': 'access denied' } }] }, event: { m: 'Access Denied' }, expected: true },
    { name: 'prefix never matches a number', pattern: { m: [{ prefix: '1' }] }, event: { m: 12 }, expected: false },
    { name: 'suffix', pattern: { c: [{ suffix: 'Exception' }] }, event: { c: 'AccessDeniedException' }, expected: true },
    { name: 'equals-ignore-case', pattern: { c: [{ 'equals-ignore-case': 'accessdenied' }] }, event: { c: 'AccessDenied' }, expected: true },
    { name: 'wildcard around', pattern: { c: [{ wildcard: '*AccessDenied*' }] }, event: { c: 'Client.AccessDeniedException' }, expected: true },
    { name: 'wildcard matches empty runs', pattern: { c: [{ wildcard: '*AccessDenied*' }] }, event: { c: 'AccessDenied' }, expected: true },
    {
      name: 'wildcard anchored at both ends',
      pattern: { c: [{ wildcard: '*UnauthorizedOperation' }] },
      event: { c: 'UnauthorizedOperationX' },
      expected: false,
    },
    { name: 'wildcard with an escaped star', pattern: { c: [{ wildcard: 'a\\*b' }] }, event: { c: 'a*b' }, expected: true },
    { name: 'escaped star is literal', pattern: { c: [{ wildcard: 'a\\*b' }] }, event: { c: 'axxb' }, expected: false },
    { name: 'wildcard spans newlines', pattern: { m: [{ wildcard: '*throughput*' }] }, event: { m: 'line\non-demand throughput\n' }, expected: true },
    { name: 'regex characters are literal', pattern: { m: [{ wildcard: 'a.c*' }] }, event: { m: 'abc' }, expected: false },
    { name: 'anything-but a value', pattern: { c: [{ 'anything-but': 'ThrottlingException' }] }, event: { c: 'AccessDenied' }, expected: true },
    { name: 'anything-but excludes', pattern: { c: [{ 'anything-but': ['A', 'B'] }] }, event: { c: 'B' }, expected: false },
    { name: 'anything-but needs the field', pattern: { c: [{ 'anything-but': 'A' }] }, event: {}, expected: false },
    { name: 'anything-but prefix', pattern: { c: [{ 'anything-but': { prefix: 'Throttl' } }] }, event: { c: 'Throttling' }, expected: false },
    { name: 'exists true', pattern: { c: [{ exists: true }] }, event: { c: 'x' }, expected: true },
    { name: 'exists true on a missing field', pattern: { c: [{ exists: true }] }, event: {}, expected: false },
    { name: 'exists false on a missing field', pattern: { c: [{ exists: false }] }, event: {}, expected: true },
    { name: 'exists false on a present field', pattern: { c: [{ exists: false }] }, event: { c: 'x' }, expected: false },
    { name: 'numeric range', pattern: { n: [{ numeric: ['>', 0, '<=', 5] }] }, event: { n: 5 }, expected: true },
    { name: 'numeric out of range', pattern: { n: [{ numeric: ['>', 0, '<=', 5] }] }, event: { n: 6 }, expected: false },
    { name: '$or: one alternative suffices', pattern: { d: { $or: [{ a: ['1'] }, { b: ['2'] }] } }, event: { d: { b: '2' } }, expected: true },
    { name: '$or: none matches', pattern: { d: { $or: [{ a: ['1'] }, { b: ['2'] }] } }, event: { d: { a: '2', b: '1' } }, expected: false },
    {
      name: '$or combines with siblings (AND)',
      pattern: { d: { s: ['x'], $or: [{ a: ['1'] }, { b: ['2'] }] } },
      event: { d: { s: 'y', a: '1' } },
      expected: false,
    },
    {
      name: '$or alternative with several fields',
      pattern: { d: { $or: [{ a: ['1'], b: ['2'] }, { c: ['3'] }] } },
      event: { d: { a: '1', b: '9' } },
      expected: false,
    },
  ];

  it.each(cases)('$name', ({ pattern, event, expected }) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
  });

  it.each([
    ['a scalar leaf', { source: 'aws.iam' }],
    ['an unknown operator', { ip: [{ cidr: '10.0.0.0/8' }] }],
    ['a matcher with two operators', { c: [{ prefix: 'a', suffix: 'b' }] }],
    ['$or with one alternative', { $or: [{ a: ['1'] }] }],
    ['an empty matcher list', { a: [] }],
    ['consecutive wildcards', { a: [{ wildcard: 'a**' }] }],
  ])('rejects %s', (_name, pattern) => {
    expect(() => matchesPattern(pattern, { source: 'aws.iam', ip: '10.0.0.1', a: 'a', c: 'ab' })).toThrow(PatternError);
  });

  it('wildcard *X* is "contains X" (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '.', '(', '\n', 'é') });
    fc.assert(
      fc.property(
        text,
        text.filter((s) => s.length > 0),
        (value, needle) => {
          expect(wildcardRegExp(`*${needle}*`).test(value)).toBe(value.includes(needle));
        },
      ),
    );
  });

  it('prefix is "starts with" (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (value, prefix) => {
        expect(matchesPattern({ v: [{ prefix }] }, { v: value })).toBe(value.startsWith(prefix));
      }),
    );
  });

  it('counts operators by kind', () => {
    expect(countOperators({ a: ['x', { wildcard: '*y' }], b: { $or: [{ c: [{ prefix: 'p' }] }, { d: [{ wildcard: 'z*' }] }] } })).toEqual({
      exact: 1,
      wildcard: 2,
      prefix: 1,
      $or: 1,
    });
  });
});
