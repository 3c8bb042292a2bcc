import { randomUUID } from 'node:crypto';
import { readFileSync, statSync, unlinkSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from '../errors';

export const LOCK_FILE = 'access-auditor.lock';

/**
 * What the lock file records about its owner. A PID alone is not an identity: PIDs are reused (PID 1 in
 * every container), so a lock naming a live PID may belong to a process long gone. On Linux the owner is
 * the PID together with its start time (field 22 of /proc/<pid>/stat, clock ticks since boot) and the boot
 * ID (a reboot restarts the tick count); elsewhere only the PID can be checked. The token names this
 * ownership: event leases taken under the lock carry it, so the next owner knows whose leases are dead.
 */
export interface LockOwner {
  pid: number;
  /** Clock ticks after boot at which the owner started; absent where /proc is not available. */
  startTicks?: string;
  bootId?: string;
  token: string;
  acquiredAt: string;
}

/** The data directory, held by this process: its token, and how to let go of it. */
export interface DataDirLock {
  owner: LockOwner;
  /** The owner recorded in a lock this one took over (its process had ended), if any. */
  previous?: LockOwner;
  release(): Promise<void>;
}

/** Reads a /proc file, or undefined where there is none (not Linux, no such process, no permission). */
function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat. The command name (field 2) may hold spaces and parentheses: count from its closing one. */
export function processStartTicks(pid: number): string | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field 22 is fields[19].
  const ticks = fields[19];
  return ticks !== undefined && /^\d+$/.test(ticks) ? ticks : undefined;
}

export function bootId(): string | undefined {
  return readProc('/proc/sys/kernel/random/boot_id')?.trim() || undefined;
}

/** When `pid` started, in epoch milliseconds (Linux: boot time plus its start ticks at USER_HZ, 100 per second). */
function processStartEpochMs(pid: number): number | undefined {
  const ticks = processStartTicks(pid);
  const btime = /^btime (\d+)$/m.exec(readProc('/proc/stat') ?? '')?.[1];
  if (ticks === undefined || btime === undefined) return undefined;
  return Number(btime) * 1000 + Number(ticks) * 10;
}

function pidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Parses the lock file: the JSON owner record, or a bare PID (locks written before the start time was recorded). */
export function parseLockFile(text: string): LockOwner | { pid: number; legacy: true } | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed), legacy: true };
  try {
    const value = JSON.parse(trimmed) as Partial<LockOwner>;
    if (typeof value.pid === 'number' && Number.isInteger(value.pid) && value.pid > 0 && typeof value.token === 'string') return value as LockOwner;
  } catch {
    // A torn write: nobody can be proven to own it.
  }
  return undefined;
}

/** Slack between a legacy lock's modification time and its owner's start time (boot time has one-second precision). */
const LEGACY_START_SLACK_MS = 2000;

/**
 * Whether the process that wrote the lock still runs. A different boot ID means a reboot ended it; a
 * different start time, that its PID now belongs to another process. A legacy lock (a bare PID) has no
 * start time: its PID's current process is its owner only if it started before the lock was written.
 * Without /proc, a running PID is taken as the owner (the one check available).
 */
export function ownerAlive(recorded: LockOwner | { pid: number; legacy: true }, lockMtimeMs: number): boolean {
  if (!pidRunning(recorded.pid)) return false;
  if ('legacy' in recorded) {
    const started = processStartEpochMs(recorded.pid);
    return started === undefined || started <= lockMtimeMs + LEGACY_START_SLACK_MS;
  }
  const currentBoot = bootId();
  if (recorded.bootId !== undefined && currentBoot !== undefined && recorded.bootId !== currentBoot) return false;
  const ticks = processStartTicks(recorded.pid);
  if (recorded.startTicks !== undefined && ticks !== undefined) return recorded.startTicks === ticks;
  return true;
}

function describeOwner(owner: LockOwner | { pid: number; legacy: true }): string {
  return `process ${owner.pid}${owner.pid === process.pid ? ' (this one)' : ''}`;
}

/**
 * Takes the data directory for this process. LevelDB allows one opener, and dynalite reacts to a second
 * one by never answering its requests; the lock file turns that into a clear error. A lock whose owner no
 * longer runs (checked with its start time, so that a reused PID does not keep it) is taken over. The lock
 * is also removed when the process exits without closing the store (process.exit, an uncaught error); a
 * signal is the CLI's to turn into an exit (cli/signals.ts).
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const path = join(dataDir, LOCK_FILE);
  let previous: LockOwner | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const owner: LockOwner = {
      pid: process.pid,
      startTicks: processStartTicks(process.pid),
      bootId: bootId(),
      token: randomUUID(),
      acquiredAt: new Date().toISOString(),
    };
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(JSON.stringify(owner));
      } finally {
        await handle.close();
      }
      return heldLock(path, owner, previous);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StoreError(`could not lock ${dataDir}`, { operation: 'startEmbeddedDynamoDB', cause: err });
      }
    }
    const text = await readFile(path, 'utf8').catch(() => '');
    const recorded = parseLockFile(text);
    let mtimeMs = 0;
    try {
      mtimeMs = statSync(path).mtimeMs;
    } catch {
      continue; // Released meanwhile: try again.
    }
    if (recorded && ownerAlive(recorded, mtimeMs)) {
      throw new StoreError(`${dataDir} is in use by ${describeOwner(recorded)}: stop it or use another --data-dir`, { operation: 'startEmbeddedDynamoDB' });
    }
    if (recorded && !('legacy' in recorded)) previous = recorded;
    await unlink(path).catch(() => undefined);
  }
  throw new StoreError(`could not lock ${dataDir}: another process keeps taking it`, { operation: 'startEmbeddedDynamoDB' });
}

function heldLock(path: string, owner: LockOwner, previous: LockOwner | undefined): DataDirLock {
  // Removes the file only while it is still ours (a takeover by another process after ours was judged dead must stay).
  const releaseSync = (): void => {
    try {
      const current = parseLockFile(readFileSync(path, 'utf8'));
      if (current && 'token' in current && current.token === owner.token) unlinkSync(path);
    } catch {
      // Already gone.
    }
  };
  process.on('exit', releaseSync);
  let released = false;
  return {
    owner,
    previous,
    release: async () => {
      if (released) return;
      released = true;
      process.off('exit', releaseSync);
      releaseSync();
    },
  };
}
