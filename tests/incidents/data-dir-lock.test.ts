/**
 * Issue 12: the data-dir lock is robust to PID reuse (a PID is an owner only with its start time), and it
 * is released on every way out of the CLI: normal return, process.exit, uncaught error, SIGINT and SIGTERM.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCK_FILE, bootId, lockDataDir, processStartTicks } from '../../lib/incidents/embedded/data-dir-lock';
import { startEmbeddedDynamoDB } from '../../lib/incidents/embedded/embedded-dynamodb';
import { StoreError } from '../../lib/incidents/errors';
import { tempDir } from '../support/cli-io';

const root = join(__dirname, '..', '..');
const linux = existsSync(`/proc/${process.pid}/stat`);
const onLinux = linux ? it : it.skip;

function lockedDir(content: string, mtime?: Date): string {
  const dir = join(tempDir(), 'dynamodb');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, LOCK_FILE), content);
  if (mtime) utimesSync(join(dir, LOCK_FILE), mtime, mtime);
  return dir;
}

describe('the data-dir lock and PID reuse', () => {
  onLinux('takes over a bare-PID lock whose PID now belongs to a process started after the lock was written', async () => {
    // The container case: the lock says "1" (or any PID), and that PID is alive but is another program.
    const dir = lockedDir(String(process.pid), new Date('2001-01-01T00:00:00Z'));
    const dynamo = await startEmbeddedDynamoDB({ dataDir: dir });
    await dynamo.close();
  });

  onLinux('takes over a lock whose PID runs with another start time, and names the dead owner as previous', async () => {
    const dead = { pid: process.pid, startTicks: '1', bootId: bootId(), token: 'dead-owner', acquiredAt: '2026-01-01T00:00:00.000Z' };
    const dir = lockedDir(JSON.stringify(dead));
    const lock = await lockDataDir(dir);
    try {
      expect(lock.previous).toMatchObject({ token: 'dead-owner' });
      expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, startTicks: processStartTicks(process.pid) });
    } finally {
      await lock.release();
    }
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  onLinux('takes over a lock written before a reboot (another boot ID)', async () => {
    const dir = lockedDir(JSON.stringify({ pid: process.pid, startTicks: processStartTicks(process.pid), bootId: 'another-boot', token: 't', acquiredAt: '' }));
    await (await lockDataDir(dir)).release();
  });

  it('refuses a lock whose owner really runs (same PID and start time), naming it', async () => {
    const live = { pid: process.pid, startTicks: processStartTicks(process.pid), bootId: bootId(), token: 'live', acquiredAt: new Date().toISOString() };
    const dir = lockedDir(JSON.stringify(live));
    const error = await lockDataDir(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain(`in use by process ${process.pid} (this one)`);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ token: 'live' });
  });

  it('takes over a lock left by a process that has exited', async () => {
    const exited = spawnSync(process.execPath, ['-e', '']).pid;
    await (await lockDataDir(lockedDir(String(exited)))).release();
  });

  it('is removed when the process exits without closing the store', () => {
    const dir = join(tempDir(), 'dynamodb');
    const child = spawnSync(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(join(root, 'dist/lib/incidents/embedded/data-dir-lock.js'))}).lockDataDir(${JSON.stringify(dir)}).then(() => { throw new Error('boom'); })`,
      ],
      { encoding: 'utf8', cwd: root },
    );
    expect(child.status).not.toBe(0);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});

describe('the CLI and signals', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s during a replay closes the store and releases the data directory (exit %i)', async (signal, code) => {
    const dataDir = join(tempDir(), 'data');
    // Replay from standard input that stays open: the command holds the store until the signal.
    const child = spawn(process.execPath, [join(root, 'bin', 'access-auditor'), 'replay', '--data-dir', dataDir], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const lock = join(dataDir, 'dynamodb', LOCK_FILE);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Waits for the command's own first line (the store is open by then), not for a time.
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', () => {
        if (stderr.includes('access-auditor replay →')) resolve();
      });
      child.once('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    expect(existsSync(lock)).toBe(true);
    const exit = new Promise<number | null>((resolve) => child.once('exit', (status) => resolve(status)));
    child.kill(signal);
    expect(await exit).toBe(code);
    expect(existsSync(lock)).toBe(false);
    child.stdin.end();
  });
});
