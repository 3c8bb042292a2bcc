import fc from 'fast-check';
import { runOrdered } from '../../lib/pipeline/ordered-pool';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('runOrdered', () => {
  it('hands results back in input order, runs items of one key one at a time in input order, and bounds the tasks running', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd'), delay: fc.integer({ min: 0, max: 3 }) }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 8 }),
        async (items, concurrency) => {
          let running = 0;
          let peak = 0;
          const runningByKey = new Map<string, number>();
          const startedByKey = new Map<string, number[]>();
          const indexed = items.map((item, index) => ({ ...item, index }));
          const out: number[] = [];
          for await (const r of runOrdered(indexed, {
            concurrency,
            keys: (i) => [i.key],
            run: async (i) => {
              running++;
              peak = Math.max(peak, running);
              expect(runningByKey.get(i.key) ?? 0).toBe(0);
              runningByKey.set(i.key, 1);
              startedByKey.set(i.key, [...(startedByKey.get(i.key) ?? []), i.index]);
              for (let t = 0; t < i.delay; t++) await tick();
              runningByKey.set(i.key, 0);
              running--;
              return i.index;
            },
          })) {
            expect(r.ok).toBe(true);
            if (r.ok) out.push(r.value);
          }
          expect(out).toEqual(indexed.map((i) => i.index));
          expect(peak).toBeLessThanOrEqual(concurrency);
          for (const started of startedByKey.values()) expect(started).toEqual([...started].sort((x, y) => x - y));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('runs items of different keys at the same time', async () => {
    let running = 0;
    let peak = 0;
    const items = Array.from({ length: 20 }, (_, i) => `k${i}`);
    for await (const _ of runOrdered(items, {
      concurrency: 8,
      keys: (k) => [k],
      run: async () => {
        peak = Math.max(peak, ++running);
        await tick();
        running--;
      },
    }));
    expect(peak).toBe(8);
  });

  it('orders on every key an item has', async () => {
    const log: string[] = [];
    const items = [
      { id: 'x', keys: ['a'], delay: 5 },
      { id: 'y', keys: ['b'], delay: 0 },
      { id: 'z', keys: ['b', 'a'], delay: 0 },
    ];
    for await (const _ of runOrdered(items, {
      concurrency: 4,
      keys: (i) => i.keys,
      run: async (i) => {
        for (let t = 0; t < i.delay; t++) await tick();
        log.push(i.id);
      },
    }));
    expect(log.indexOf('z')).toBeGreaterThan(log.indexOf('x'));
  });

  it('yields a failed task in its place and goes on', async () => {
    const results = [];
    for await (const r of runOrdered([1, 2, 3], {
      concurrency: 2,
      keys: () => [],
      run: async (n) => {
        if (n === 2) throw new Error('two');
        return n;
      },
    }))
      results.push(r.ok ? r.value : (r.error as Error).message);
    expect(results).toEqual([1, 'two', 3]);
  });

  it('admits at most `window` items ahead of the oldest unfinished one, and waits for started tasks when the caller stops', async () => {
    let pulled = 0;
    let finished = 0;
    async function* source() {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield i;
      }
    }
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const it = runOrdered(source(), {
      concurrency: 2,
      window: 10,
      keys: () => [],
      run: async (n) => {
        if (n === 0) await gate;
        finished++;
        return n;
      },
    });
    const first = it.next();
    for (let t = 0; t < 20; t++) await tick();
    expect(pulled).toBeLessThanOrEqual(11);
    release();
    expect(await first).toMatchObject({ value: { ok: true, value: 0 } });
    await it.return(undefined);
    expect(finished).toBe(pulled);
    expect(pulled).toBeLessThan(1000);
  });
});
