import fc from 'fast-check';
import { StringCache } from '../../lib/aws/string-cache';

describe('StringCache: a bounded cache of a pure function of strings', () => {
  it('answers what the function answers, for any sequence of keys, whatever the bound', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 6 }), { maxLength: 200 }), fc.integer({ min: 1, max: 8 }), (keys, limit) => {
        const cache = new StringCache(limit, (k) => `${k.length}:${k}`);
        for (const k of keys) expect(cache.get(k)).toBe(`${k.length}:${k}`);
      }),
    );
  });

  it('keeps undefined and null answers without computing them again', () => {
    let calls = 0;
    const cache = new StringCache<null | undefined>(4, (k) => {
      calls++;
      return k === 'a' ? null : undefined;
    });
    for (let i = 0; i < 3; i++) expect([cache.get('a'), cache.get('b')]).toEqual([null, undefined]);
    expect(calls).toBe(2);
  });

  it('never holds more than two generations of `limit` keys: a long run of distinct keys does not grow it', () => {
    let calls = 0;
    const cache = new StringCache(3, (k) => {
      calls++;
      return k;
    });
    for (let i = 0; i < 1000; i++) cache.get(`k${i}`);
    calls = 0;
    // Everything but the last few was dropped: asking again computes again.
    cache.get('k0');
    cache.get('k999');
    expect(calls).toBe(1);
    const maps = Object.values(cache as unknown as Record<string, unknown>).filter((v): v is Map<string, string> => v instanceof Map);
    expect(maps.reduce((n, m) => n + m.size, 0)).toBeLessThanOrEqual(6);
  });

  it('keeps a key asked about often while distinct keys stream past', () => {
    let hot = 0;
    const cache = new StringCache(4, (k) => {
      if (k === 'hot') hot++;
      return k;
    });
    for (let i = 0; i < 500; i++) {
      cache.get('hot');
      cache.get(`cold-${i}`);
    }
    expect(hot).toBe(1);
  });

  it('computes keys over the length bound every time and keeps none of them', () => {
    let calls = 0;
    const cache = new StringCache(8, (k) => (calls++, k.length), 10);
    const long = 'x'.repeat(11);
    expect([cache.get(long), cache.get(long)]).toEqual([11, 11]);
    expect(calls).toBe(2);
  });
});
