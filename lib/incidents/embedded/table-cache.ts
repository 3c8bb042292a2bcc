import dynaliteDb from 'dynalite/db';

/**
 * dynalite reads the table's description from LevelDB on every request (its `getTable`): about a tenth of
 * the embedded default's CPU in a replay, for a value that changes only with CreateTable, UpdateTable,
 * DeleteTable and their status timers. This keeps the description of each table in memory between
 * writes of it, as JSON (every reader gets its own copy, as from LevelDB); a read that overlapped a
 * write of the descriptions is not kept.
 */
export function withTableDescriptionCache<T>(start: () => T): T {
  const create = dynaliteDb.create;
  dynaliteDb.create = (options) => {
    const store = create(options);
    cacheDescriptions(store.tableDb);
    return store;
  };
  try {
    return start();
  } finally {
    dynaliteDb.create = create;
  }
}

type Callback<V> = (err: Error | null | undefined, value?: V) => void;

function cacheDescriptions(tableDb: dynaliteDb.SubDb): void {
  const { get, put, del, batch } = tableDb;
  const cache = new Map<string, string>();
  let generation = 0;
  let writing = 0;
  const begin = (): void => {
    cache.clear();
    generation++;
    writing++;
  };
  tableDb.get = (key: string, callback: Callback<unknown>) => {
    const hit = cache.get(key);
    if (hit !== undefined) {
      process.nextTick(() => callback(null, JSON.parse(hit)));
      return;
    }
    const started = generation;
    const quiet = writing === 0;
    get.call(tableDb, key, (err: Error | null | undefined, value?: unknown) => {
      if (!err && value !== undefined && quiet && writing === 0 && generation === started) cache.set(key, JSON.stringify(value));
      callback(err, value);
    });
  };
  const settle =
    (callback: Callback<unknown> | undefined): Callback<unknown> =>
    (err, value) => {
      writing--;
      cache.clear();
      generation++;
      callback?.(err, value);
    };
  tableDb.put = (key: string, value: unknown, callback?: Callback<unknown>) => {
    begin();
    put.call(tableDb, key, value, settle(callback));
  };
  tableDb.del = (key: string, callback?: Callback<unknown>) => {
    begin();
    del.call(tableDb, key, settle(callback));
  };
  tableDb.batch = (operations: unknown[], callback?: Callback<unknown>) => {
    begin();
    batch.call(tableDb, operations, settle(callback));
  };
}
