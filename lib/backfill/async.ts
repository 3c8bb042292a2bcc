/** Small async-iteration drivers for the readers: no I/O, no clock. */

/**
 * Interleaves several sources, reading at most `concurrency` of them at a time, each one item ahead
 * at most (a slow consumer slows every source). Items of one source keep their order. A source that
 * throws stops the merge with its error, after the others' pending reads are returned.
 */
export async function* mergeAsync<T>(sources: ReadonlyArray<() => AsyncIterable<T>>, concurrency: number): AsyncGenerator<T> {
  const queue = [...sources];
  const active = new Map<number, { iterator: AsyncIterator<T>; next: Promise<{ id: number; result: IteratorResult<T> }> }>();
  let ids = 0;
  const open = (): void => {
    while (active.size < Math.max(1, concurrency) && queue.length > 0) {
      const iterator = (queue.shift() as () => AsyncIterable<T>)()[Symbol.asyncIterator]();
      const id = ids++;
      active.set(id, { iterator, next: iterator.next().then((result) => ({ id, result })) });
    }
  };
  try {
    open();
    while (active.size > 0) {
      const { id, result } = await Promise.race([...active.values()].map((a) => a.next));
      const entry = active.get(id)!;
      if (result.done) {
        active.delete(id);
        open();
        continue;
      }
      entry.next = entry.iterator.next().then((r) => ({ id, result: r }));
      yield result.value;
    }
  } finally {
    for (const a of active.values()) {
      a.next.catch(() => undefined);
      await a.iterator.return?.();
    }
  }
}

/**
 * Applies `fn` to each item with at most `concurrency` calls in flight and yields the results in input
 * order (objects are fetched in parallel, their records still reach the pipeline in key order). A
 * failed call rethrows at its place, once every earlier result has been yielded.
 */
export async function* orderedMap<A, B>(items: AsyncIterable<A>, concurrency: number, fn: (item: A) => Promise<B>): AsyncGenerator<B> {
  const inFlight: Array<Promise<B>> = [];
  const iterator = items[Symbol.asyncIterator]();
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && inFlight.length < Math.max(1, concurrency)) {
        const next = await iterator.next();
        if (next.done) exhausted = true;
        else {
          const call = fn(next.value);
          call.catch(() => undefined);
          inFlight.push(call);
        }
      }
      const head = inFlight.shift();
      if (!head) return;
      yield await head;
    }
  } finally {
    await Promise.allSettled(inFlight);
    if (!exhausted) await iterator.return?.();
  }
}
