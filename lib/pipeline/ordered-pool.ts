/**
 * A bounded, order-keeping concurrent driver: runs a task per item with at most `concurrency` tasks
 * running at once, never starts an item before every earlier item that shares one of its keys has
 * finished (records of one incident, or of one event ID, are processed in input order), and hands the
 * results back in input order. At most `window` items are admitted ahead of the oldest unfinished one,
 * so memory stays flat however long the input is. Pure: no I/O, no clock.
 */

export interface OrderedPoolOptions<T, R> {
  /** Tasks running at once (at least 1). */
  concurrency: number;
  /** Items admitted ahead of the oldest one not yet handed back (default: 8 × concurrency). */
  window?: number;
  /** The keys an item must be ordered on; items sharing a key run one at a time, in input order. */
  keys: (item: T) => readonly string[];
  /**
   * Items that must see everything before them done and be done before anything after them starts
   * (a policy change in a replay: the denials before it are judged on the old policies, those after on the new).
   */
  barrier?: (item: T) => boolean;
  run: (item: T) => Promise<R>;
}

/** One item's outcome, in input order: its result, or what its task threw. */
export type PoolResult<T, R> = { item: T; ok: true; value: R } | { item: T; ok: false; error: unknown };

/** A FIFO counting semaphore. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(size: number) {
    this.free = size;
  }
  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * Runs `options.run` over `items` and yields every outcome in input order. A task that throws does not
 * stop the others: its error is yielded in its place (the caller decides). When the caller stops
 * iterating (break, or a throw), admission stops and the tasks already started are awaited, so none is
 * left running against a store the caller is about to close.
 */
export async function* runOrdered<T, R>(items: AsyncIterable<T> | Iterable<T>, options: OrderedPoolOptions<T, R>): AsyncGenerator<PoolResult<T, R>> {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const window = Math.max(concurrency, Math.floor(options.window ?? concurrency * 8));
  const slots = new Slots(concurrency);
  /** The last admitted item's completion for each key. */
  const tails = new Map<string, Promise<void>>();
  const pending: Array<Promise<PoolResult<T, R>>> = [];
  /** Every admitted item not yet finished, and the last barrier: what a barrier, and what follows it, waits for. */
  const running = new Set<Promise<void>>();
  let lastBarrier: Promise<void> | undefined;

  const start = (item: T): Promise<PoolResult<T, R>> => {
    const keys = [...new Set(options.keys(item))];
    const isBarrier = options.barrier?.(item) === true;
    const before = isBarrier ? [...running] : [...keys.map((k) => tails.get(k)), lastBarrier].filter((p): p is Promise<void> => p !== undefined);
    const result = (async (): Promise<PoolResult<T, R>> => {
      await Promise.all(before);
      await slots.acquire();
      try {
        return { item, ok: true, value: await options.run(item) };
      } catch (error) {
        return { item, ok: false, error };
      } finally {
        slots.release();
      }
    })();
    const done = result.then(() => undefined);
    running.add(done);
    void done.then(() => running.delete(done));
    if (isBarrier) lastBarrier = done;
    for (const k of keys) {
      tails.set(k, done);
      // Forget a key once its last item is done, so the map holds only keys in flight.
      void done.then(() => {
        if (tails.get(k) === done) tails.delete(k);
      });
    }
    return result;
  };

  const source = Symbol.asyncIterator in Object(items) ? (items as AsyncIterable<T>)[Symbol.asyncIterator]() : toAsync(items as Iterable<T>);
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && pending.length < window) {
        const next = await source.next();
        if (next.done) exhausted = true;
        else pending.push(start(next.value));
      }
      const head = pending.shift();
      if (!head) return;
      yield await head;
    }
  } finally {
    await Promise.allSettled(pending);
    if (!exhausted) await source.return?.();
  }
}

function toAsync<T>(items: Iterable<T>): AsyncIterator<T> {
  const it = items[Symbol.iterator]();
  return { next: async () => it.next() };
}
