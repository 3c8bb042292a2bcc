import fc from 'fast-check';
import { inRange, parseCidr, parseIpAddress } from '../../lib/policy/iam/ip-address';

describe('IP addresses for IpAddress / NotIpAddress', () => {
  it.each<[string, string, boolean | null]>([
    ['192.0.2.7', '192.0.2.0/24', true],
    ['192.0.3.7', '192.0.2.0/24', false],
    ['192.0.2.7', '192.0.2.7', true],
    ['10.1.2.3', '0.0.0.0/0', true],
    ['2001:db8::1', '2001:db8::/32', true],
    ['2001:db9::1', '2001:db8::/32', false],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1/128', true],
    ['::ffff:192.0.2.1', '::ffff:0:0/96', true],
    ['2001:db8::1', '192.0.2.0/24', false],
    ['192.0.2.1', '2001:db8::/32', false],
    ['999.0.0.1', '192.0.2.0/24', null],
    ['192.0.2.1', '192.0.2.0/33', null],
    ['2001:db8::1::2', '2001:db8::/32', null],
    ['2001:db8::1', '2001:db8::/129', null],
  ])('%s in %s → %s', (ip, cidr, expected) => {
    const address = parseIpAddress(ip);
    const range = parseCidr(cidr);
    if (expected === null) expect(address === null || range === null).toBe(true);
    else expect(inRange(address!, range!)).toBe(expected);
  });

  const hextets = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 });
  const value = (groups: number[]) => groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);

  it('reads the full and the compressed form of any IPv6 address alike (property)', () => {
    fc.assert(
      fc.property(hextets, fc.nat(7), fc.nat(8), (groups, from, length) => {
        const full = groups.map((g) => g.toString(16)).join(':');
        expect(parseIpAddress(full)).toEqual({ family: 6, value: value(groups) });
        // Zero a run of groups and write it as `::`.
        const end = Math.min(8, from + Math.max(1, length));
        const zeroed = groups.map((g, i) => (i >= from && i < end ? 0 : g));
        const compressed = `${zeroed
          .slice(0, from)
          .map((g) => g.toString(16))
          .join(':')}::${zeroed
          .slice(end)
          .map((g) => g.toString(16))
          .join(':')}`;
        expect(parseIpAddress(compressed)).toEqual({ family: 6, value: value(zeroed) });
      }),
    );
  });

  it('a range contains exactly the addresses that share its first bits (property)', () => {
    fc.assert(
      fc.property(hextets, hextets, fc.integer({ min: 0, max: 128 }), (a, b, bits) => {
        const addr = parseIpAddress(a.map((g) => g.toString(16)).join(':'))!;
        const range = parseCidr(`${b.map((g) => g.toString(16)).join(':')}/${bits}`)!;
        const shift = BigInt(128 - bits);
        expect(inRange(addr, range)).toBe(value(a) >> shift === value(b) >> shift);
      }),
    );
  });

  it('never throws on any text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        parseIpAddress(text);
        parseCidr(text);
      }),
    );
  });
});
