import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreDamagedError } from '../errors';

/** Written next to LevelDB's files when a table is first created there; LevelDB ignores files it did not name. */
export const MARKER_FILE = 'access-auditor-store.json';

/**
 * The data directory's memory of what it held. LevelDB cannot tell a lost database from a new one (with
 * its CURRENT file gone it starts an empty one); the marker can: a directory whose marker names a table
 * that is no longer there is damaged, never new.
 */
export interface StoreMarker {
  createdAt: string;
  tables: string[];
}

export async function readStoreMarker(dataDir: string): Promise<StoreMarker | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, MARKER_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StoreDamagedError(dataDir, `its marker ${MARKER_FILE} cannot be read (${(err as Error).message})`, { cause: err });
  }
  try {
    const value = JSON.parse(text) as Partial<StoreMarker>;
    if (typeof value.createdAt === 'string' && Array.isArray(value.tables) && value.tables.every((t) => typeof t === 'string')) {
      return { createdAt: value.createdAt, tables: value.tables };
    }
  } catch {
    // Reported below.
  }
  throw new StoreDamagedError(dataDir, `its marker ${MARKER_FILE} is not valid`);
}

/** Adds `tableName` to the marker (written to a temporary name, then renamed: never half written). */
export async function writeStoreMarker(dataDir: string, tableName: string, current: StoreMarker | undefined): Promise<StoreMarker> {
  const marker: StoreMarker = { createdAt: current?.createdAt ?? new Date().toISOString(), tables: [...(current?.tables ?? []), tableName] };
  const path = join(dataDir, MARKER_FILE);
  await writeFile(`${path}.tmp`, JSON.stringify(marker, null, 2) + '\n', 'utf8');
  await rename(`${path}.tmp`, path);
  return marker;
}
