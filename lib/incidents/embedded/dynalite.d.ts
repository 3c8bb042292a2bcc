// dynalite ships no types; this covers the part access-auditor uses.
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** LevelDB directory; in memory when absent. */
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    ssl?: boolean;
    verbose?: boolean;
    debug?: boolean;
  }

  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}

// dynalite's store factory, wrapped by table-cache.ts: only the table-description sub-database is touched.
declare module 'dynalite/db' {
  type Callback = (err: Error | null | undefined, value?: unknown) => void;
  interface SubDb {
    get(key: string, callback: Callback): void;
    put(key: string, value: unknown, callback?: Callback): void;
    del(key: string, callback?: Callback): void;
    batch(operations: unknown[], callback?: Callback): void;
  }
  interface Store {
    tableDb: SubDb;
  }
  const db: { create(options: object): Store };
  namespace db {
    export type { SubDb };
  }
  export = db;
}
