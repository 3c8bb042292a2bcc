import fc from 'fast-check';
import { cidrContains, parseCidr, parseIp } from '../../lib/rules/cidr';
import { wildcardMatch } from '../../lib/rules/wildcard';
import { decide, expiredRules, isExpired } from '../../lib/rules/match';
import { parseRules } from '../../lib/rules/parse';
import { denial, rolePrincipal, ssoPrincipal } from '../support/builders';

/** A straightforward exponential-time reference: the definition of `*` and `?`. */
function reference(p: string, v: string): boolean {
  if (p === '') return v === '';
  if (p[0] === '*') return reference(p.slice(1), v) || (v !== '' && reference(p, v.slice(1)));
  if (v === '') return false;
  return (p[0] === '?' || p[0] === v[0]) && reference(p.slice(1), v.slice(1));
}

describe('wildcardMatch', () => {
  it.each([
    ['s3:Get*', 's3:GetObject', true],
    ['s3:Get*', 's3:PutObject', false],
    ['*', '', true],
    ['?', '', false],
    ['a?c', 'abc', true],
    ['a?c', 'abbc', false],
    ['arn:aws:iam::*:role/scanner-*', 'arn:aws:iam::111122223333:role/scanner-eu', true],
    ['.*', 'anything', false],
    ['[a-z]+', 'abc', false],
    ['(a|b)', 'a', false],
  ])('%s against %s is %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });

  it('agrees with the definition of * and ? on any pattern and value (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', '*', '?', '.', '(', '\\', '[');
    const text = (max: number) => fc.array(alphabet, { maxLength: max }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(text(7), text(9), (p, v) => wildcardMatch(p, v) === reference(p, v)),
      { numRuns: 3000 },
    );
  });

  it('treats every character of a value as data: a value is matched by itself as a pattern only literally', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (v) => {
        const literal = !v.includes('*') && !v.includes('?');
        if (literal) expect(wildcardMatch(v, v)).toBe(true);
        expect(wildcardMatch(v, `${v}x`)).toBe(v.endsWith('*'));
      }),
    );
  });

  it('stays fast on the patterns that make backtracking regexes explode', () => {
    const value = 'a'.repeat(5000);
    expect(wildcardMatch('*a*a*a*a*a*a*a*a*b', value)).toBe(false);
  });

  it('ignores case only when asked (actions)', () => {
    expect(wildcardMatch('S3:getobject', 's3:GetObject')).toBe(false);
    expect(wildcardMatch('S3:get*', 's3:GetObject', { ignoreCase: true })).toBe(true);
  });
});

describe('CIDR ranges', () => {
  it.each([
    ['10.0.0.0/8', '10.255.1.2', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['192.0.2.7', '192.0.2.7', true],
    ['0.0.0.0/0', '203.0.113.9', true],
    ['2001:db8::/32', '2001:db8:1::5', true],
    ['2001:db8::/32', '2001:db9::5', false],
    ['::/0', '2001:db8::1', true],
    ['::/0', '10.0.0.1', false],
    ['192.0.2.0/24', '::ffff:192.0.2.44', true],
    ['10.0.0.0/8', 's3.amazonaws.com', false],
    ['10.0.0.0/8', 'AWS Internal', false],
    ['10.0.0.0/8', '010.0.0.1', false],
  ])('%s contains %s: %s', (range, address, expected) => {
    const cidr = parseCidr(range);
    const ip = parseIp(address);
    expect(cidr).not.toBeNull();
    expect(ip !== null && cidr !== null && cidrContains(cidr, ip)).toBe(expected);
  });

  it.each(['10.0.0.1/8', '10.0.0.0/33', '1.2.3/24', '300.0.0.0/8', '2001:db8::/129', '2001:db8:::/32', 'x', '', '10.0.0.0/', ':::/0'])('rejects %p', (text) => {
    expect(parseCidr(text)).toBeNull();
  });

  const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
  it('an IPv4 address is in a range exactly when its first prefix bits equal the network (property)', () => {
    fc.assert(
      fc.property(v4, v4, fc.nat(32), (a, n, prefix) => {
        const toInt = (q: number[]) => q.reduce((acc, x) => acc * 256 + x, 0);
        const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
        const network = (toInt(n) & mask) >>> 0;
        const netText = [24, 16, 8, 0].map((s) => (network >>> s) & 255).join('.');
        const range = parseCidr(`${netText}/${prefix}`);
        const ip = parseIp(a.join('.'));
        expect(range).not.toBeNull();
        expect(cidrContains(range!, ip!)).toBe((toInt(a) & mask) >>> 0 === network);
      }),
    );
  });

  it('reads every IPv6 spelling of one address alike: full, compressed, upper case (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }), (groups) => {
        const full = groups.map((g) => g.toString(16).padStart(4, '0')).join(':');
        const short = groups
          .map((g) => g.toString(16))
          .join(':')
          .toUpperCase();
        const a = parseIp(full);
        const b = parseIp(short);
        expect(a).toEqual(b);
        if (a!.family === 6) {
          const range = parseCidr(`${full}/128`);
          expect(cidrContains(range!, b!)).toBe(true);
        }
      }),
    );
  });

  it('never throws on arbitrary text (source IPs are attacker-controlled)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        expect(() => parseIp(s)).not.toThrow();
        expect(() => parseCidr(s)).not.toThrow();
      }),
    );
  });
});

const RULES = `
version: 1
rules:
  - id: scanner
    reason: the scanner probes read permissions
    owner: security
    match:
      principal: 'arn:aws:iam::*:role/scanner-*'
      action: ['*:Get*', '*:List*']
    expect: true
  - id: office-low
    reason: office console clicks
    owner: it
    match: { sourceIp: ['192.0.2.0/24', '2001:db8::/32'] }
    severity: low
  - id: everything-bedrock-high
    reason: later severity rule loses to the earlier one
    owner: ml
    match: { action: 'bedrock:*' }
    severity: high
    route: { team: ml }
  - id: old-exception
    reason: temporary while the migration ran
    owner: platform
    expires: 2026-11-20
    match: { account: '111122223333', layer: identity }
    expect: true
  - id: sso-route
    reason: SSO users go to the identity team
    owner: identity
    match: { managedBy: sso, errorCode: 'AccessDenied*' }
    route: { team: identity }
`;

describe('decide: ordered rules, first match wins per effect kind', () => {
  const rules = parseRules(RULES, 'test.yml');
  const now = new Date('2026-11-22T08:00:00Z');
  const scanner = rolePrincipal('scanner-prod');

  it('expect: a matching expect rule marks the denial expected', () => {
    const d = decide(rules, denial({ principal: scanner, action: 's3:GetObject', errorCode: 'AccessDenied' }), now);
    expect(d.expectedBy?.id).toBe('scanner');
  });

  it('expect needs every condition: same principal, another action is not expected', () => {
    expect(decide(rules, denial({ principal: scanner, action: 's3:PutObject' }), now).expectedBy).toBeNull();
  });

  it('severity: the first matching severity rule wins; route comes from the first rule with a route', () => {
    const d = decide(rules, denial({ sourceIPAddress: '2001:db8::7' }), now);
    expect(d.severity).toEqual({ value: 'low', rule: expect.objectContaining({ id: 'office-low' }) });
    expect(d.route?.attributes).toEqual({ team: 'ml' });
    expect(d.matched.map((r) => r.id)).toEqual(['office-low', 'everything-bedrock-high']);
  });

  it('a severity rule later in the file applies when the earlier does not match', () => {
    expect(decide(rules, denial({ sourceIPAddress: '198.51.100.1' }), now).severity?.value).toBe('high');
  });

  it('route by managed-by and an error-code pattern', () => {
    const d = decide(rules, denial({ principal: ssoPrincipal('Dev'), action: 's3:PutObject', errorCode: 'AccessDenied' }), now);
    expect(d.route).toEqual({ attributes: { team: 'identity' }, rule: expect.objectContaining({ id: 'sso-route' }) });
  });

  it('expiry: an expired rule stops matching the day after its expiry date, and is listed as expired', () => {
    const d = denial({ action: 's3:PutObject' });
    const onTheDay = decide(rules, d, new Date('2026-11-20T23:59:59Z'));
    expect(onTheDay.expectedBy?.id).toBe('old-exception');
    const after = decide(rules, d, new Date('2026-11-21T00:00:00Z'));
    expect(after.expectedBy).toBeNull();
    expect(after.expiredMatches.map((r) => r.id)).toEqual(['old-exception']);
    expect(expiredRules(rules, now).map((r) => r.id)).toEqual(['old-exception']);
    expect(isExpired({ expires: undefined }, now)).toBe(false);
  });

  it('a condition whose value the denial lacks never matches (no resource, no source IP)', () => {
    const r = parseRules(
      "version: 1\nrules:\n  - {id: r, reason: r, owner: o, match: {resource: '*'}, expect: true}\n  - {id: ip, reason: r, owner: o, match: {sourceIp: '0.0.0.0/0'}, expect: true}\n",
    );
    expect(decide(r, denial({ resource: null }), now).expectedBy).toBeNull();
    expect(decide(r, denial({ sourceIPAddress: 'bedrock.amazonaws.com' }), now).expectedBy).toBeNull();
    expect(decide(r, denial({ resource: 'arn:aws:s3:::b' }), now).expectedBy?.id).toBe('r');
  });

  it('never lets a value act as a pattern: a user agent full of wildcards and regex matches only what the rule says', () => {
    const r = parseRules("version: 1\nrules:\n  - {id: ua, reason: r, owner: o, match: {account: '*', userAgent: 'scanner/1.*'}, expect: true}\n");
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (ua) => {
        const expected = ua.startsWith('scanner/1.');
        expect(decide(r, denial({ userAgent: ua }), now).expectedBy !== null).toBe(expected);
      }),
    );
    expect(decide(r, denial({ userAgent: '.*' }), now).expectedBy).toBeNull();
    expect(decide(r, denial({ userAgent: '*' }), now).expectedBy).toBeNull();
  });
});
