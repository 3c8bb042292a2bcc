import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { identityDigest, parseCursor, type BackfillCursor, type BackfillSourceKind, type CursorStore } from '../lib/backfill/cursor';
import { UsageError } from '../lib/errors';

/** The cursor file of a backfill in the data dir: `<data-dir>/backfill/<source>-<digest of what it reads>.json`. */
export function cursorFilePath(dataDir: string, source: BackfillSourceKind, identity: string): string {
  return join(dataDir, 'backfill', `${source}-${identityDigest(identity)}.json`);
}

/**
 * A cursor kept as a JSON file, replaced atomically (write, then rename) so that an interruption
 * mid-write leaves the previous cursor, never half of one.
 */
export class FileCursorStore implements CursorStore {
  readonly location: string;
  constructor(private readonly path: string) {
    this.location = `file ${path}`;
  }

  async load(): Promise<BackfillCursor | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    const cursor = parseCursor(value);
    if (!cursor) throw new UsageError(`${this.path} is not a backfill cursor: move it away, or give --restart to start over (it is then replaced)`);
    return cursor;
  }

  async save(cursor: BackfillCursor): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    // A state file, not an output line: kept readable (pretty-printed).
    await writeFile(temporary, `${JSON.stringify(cursor, null, 2)}\n`);
    await rename(temporary, this.path);
  }
}
