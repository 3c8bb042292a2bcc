import { mergeAsync, orderedMap } from '../../lib/backfill/async';
import { collect } from './support';

async function* slowly<T>(items: T[], delays: number[] = []): AsyncGenerator<T> {
  for (const [i, item] of items.entries()) {
    await new Promise((r) => setImmediate(r));
    for (let k = 0; k < (delays[i] ?? 0); k++) await Promise.resolve();
    yield item;
  }
}

describe('mergeAsync', () => {
  it('yields every item of every source, each source in its own order', async () => {
    const out = await collect(mergeAsync([() => slowly(['a1', 'a2', 'a3']), () => slowly(['b1', 'b2']), () => slowly(['c1'])], 2));
    expect([...out].sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'c1']);
    for (const prefix of ['a', 'b']) expect(out.filter((x) => x.startsWith(prefix))).toEqual([...out.filter((x) => x.startsWith(prefix))].sort());
  });

  it('reads at most `concurrency` sources at a time', async () => {
    let open = 0;
    let most = 0;
    const source = (n: number) =>
      async function* () {
        open++;
        most = Math.max(most, open);
        yield* slowly([n]);
        open--;
      };
    await collect(mergeAsync([source(1), source(2), source(3), source(4)], 2));
    expect(most).toBe(2);
  });

  it('stops with the error of a failing source', async () => {
    const failing = async function* () {
      yield 1;
      throw new Error('boom');
    };
    await expect(collect(mergeAsync([failing, () => slowly([2, 3])], 2))).rejects.toThrow('boom');
  });
});

describe('orderedMap', () => {
  it('keeps input order however the calls finish', async () => {
    const delays = [5, 0, 3, 1, 0];
    const out = await collect(
      orderedMap(slowly([0, 1, 2, 3, 4]), 3, async (i) => {
        for (let k = 0; k < delays[i]! * 10; k++) await Promise.resolve();
        return i * 10;
      }),
    );
    expect(out).toEqual([0, 10, 20, 30, 40]);
  });

  it('rethrows a failed call at its place, after the earlier results', async () => {
    const seen: number[] = [];
    const run = async () => {
      for await (const v of orderedMap(slowly([1, 2, 3]), 2, async (i) => {
        if (i === 2) throw new Error('two');
        return i;
      }))
        seen.push(v);
    };
    await expect(run()).rejects.toThrow('two');
    expect(seen).toEqual([1]);
  });
});
