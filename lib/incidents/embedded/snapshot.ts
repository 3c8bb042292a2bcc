import { copyFile, link, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** LevelDB's own files; the lock, marker and LevelDB's LOCK stay behind. */
const COPIED = /^(CURRENT|MANIFEST-\d+|\d+\.(log|ldb|sst)|LOG(\.old)?)$/;
/** Table files are never changed in place by LevelDB (only written whole, then deleted): a hard link is a copy. */
const IMMUTABLE = /\.(ldb|sst)$/;

/**
 * A private copy of a LevelDB directory for a reading command. Opening LevelDB writes (it replays the log
 * into a new table file, compacts, deletes files it considers obsolete), so a reading command opens a copy
 * and the user's directory is never changed by reading it. Table files are hard-linked (copied across
 * file systems); the log and manifest, which LevelDB appends to, are copied.
 */
export async function snapshotLevelDb(dir: string): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), 'access-auditor-read-'));
  for (const name of await readdir(dir)) {
    if (!COPIED.test(name)) continue;
    const from = join(dir, name);
    const to = join(copy, name);
    if (IMMUTABLE.test(name)) {
      try {
        await link(from, to);
        continue;
      } catch {
        // Another file system, or links not allowed: copy it.
      }
    }
    await copyFile(from, to);
  }
  return copy;
}
