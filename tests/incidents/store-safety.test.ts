/**
 * Issue 12, "never lose the store silently": a damaged data directory is refused with a clear sentence
 * (exit 3) and left as it was, reading commands never change it, LevelDB failures never escape as uncaught
 * exceptions, and the lock is released on every way out.
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { main, STORE_FAILURE_EXIT } from '../../cli/main';
import { MARKER_FILE } from '../../lib/incidents/embedded/store-marker';
import { LOCK_FILE } from '../../lib/incidents/embedded/data-dir-lock';
import { captureIo, jsonLines, tempDir } from '../support/cli-io';

const root = join(__dirname, '..', '..');
const recordsDir = join(root, 'examples', 'records');
const NOW = new Date('2026-11-22T08:00:00Z');

/** A data directory with the examples replayed twice (the second open turns LevelDB's log into a table file). */
let populated: string;
beforeAll(async () => {
  populated = join(tempDir(), 'data');
  for (let run = 0; run < 2; run++) {
    const io = captureIo({ cwd: root, now: NOW });
    expect(await main(['replay', '--data-dir', populated, recordsDir], io)).toBe(0);
  }
  expect(readdirSync(join(populated, 'dynamodb')).some((n) => n.endsWith('.ldb'))).toBe(true);
}, 60_000);

function copyOfPopulated(): string {
  const dir = join(tempDir(), 'data');
  cpSync(populated, dir, { recursive: true });
  return dir;
}

const levelDir = (dataDir: string): string => join(dataDir, 'dynamodb');
const tableFile = (dataDir: string): string =>
  join(
    levelDir(dataDir),
    readdirSync(levelDir(dataDir)).find((n) => n.endsWith('.ldb'))!,
  );

/** Every file of the LevelDB directory with its bytes (LevelDB's own LOCK and LOG files aside). */
function contents(dataDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(levelDir(dataDir)).sort()) {
    if (name === 'LOCK' || name.startsWith('LOG')) continue;
    out[name] = readFileSync(join(levelDir(dataDir), name)).toString('base64');
  }
  return out;
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo({ cwd: root, now: NOW });
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const damages: Array<[string, (dataDir: string) => void, RegExp]> = [
  ['CURRENT is missing', (d) => unlinkSync(join(levelDir(d), 'CURRENT')), /its file CURRENT is missing/],
  [
    'the manifest is garbage',
    (d) =>
      writeFileSync(
        join(
          levelDir(d),
          readdirSync(levelDir(d)).find((n) => n.startsWith('MANIFEST-'))!,
        ),
        'garbage',
      ),
    /manifest .* is corrupt/,
  ],
  ['a table file is truncated', (d) => truncateSync(tableFile(d), 1000), /table file \d+\.ldb has 1000 bytes/],
  ['a table file is missing', (d) => unlinkSync(tableFile(d)), /table file \d+\.ldb is missing/],
  [
    'the LevelDB files are gone but the marker remains',
    (d) => {
      for (const name of readdirSync(levelDir(d))) if (name !== MARKER_FILE) rmSync(join(levelDir(d), name));
    },
    /LevelDB files are gone/,
  ],
];

describe('a damaged data directory', () => {
  it.each(damages)('is refused when %s, by reads and by replay, with exit 3, one sentence, and nothing changed', async (_name, damage, problem) => {
    const dataDir = copyOfPopulated();
    damage(dataDir);
    const before = contents(dataDir);
    const alertsBefore = readFileSync(join(dataDir, 'alerts.jsonl'), 'utf8');

    for (const argv of [['incidents', 'list'], ['report'], ['replay', recordsDir]]) {
      const result = await run([...argv, '--data-dir', dataDir]);
      expect(result.code).toBe(STORE_FAILURE_EXIT);
      expect(result.out).not.toContain('No incidents');
      const lines = result.err.split('\n').filter((l) => l.startsWith('access-auditor '));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(problem);
      expect(lines[0]).toContain(levelDir(dataDir));
      expect(lines[0]).toContain('to recover');
    }
    // Not repaired, not recreated, not re-alerted: the evidence is as it was for whoever restores it.
    expect(contents(dataDir)).toStrictEqual(before);
    expect(readFileSync(join(dataDir, 'alerts.jsonl'), 'utf8')).toBe(alertsBefore);
    expect(existsSync(join(levelDir(dataDir), LOCK_FILE))).toBe(false);
  });

  it('met while in use (a corrupt block inside a table file) is a clear exit 3, not an uncaught LevelDB error, and the lock is released', async () => {
    const dataDir = copyOfPopulated();
    const file = tableFile(dataDir);
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(Math.min(3000, size - 200), 0xa5), 0, Math.min(3000, size - 200), 100);
    closeSync(fd);

    for (const argv of [
      ['incidents', 'list'],
      ['replay', recordsDir],
    ]) {
      const result = await run([...argv, '--data-dir', dataDir]);
      expect(result.code).toBe(STORE_FAILURE_EXIT);
      expect(result.err).toMatch(/is damaged \(LevelDB failed: .*\) and access-auditor stopped using it; to recover/);
      expect(existsSync(join(levelDir(dataDir), LOCK_FILE))).toBe(false);
    }
  });
});

describe('reading commands', () => {
  it('never change a byte of the store (LevelDB writes when it opens: they read a private copy)', async () => {
    const dataDir = copyOfPopulated();
    // A store whose newest writes are still in LevelDB's log, which opening it would turn into a table file.
    expect((await run(['incidents', 'ack', '39332a08e49b2e47', '--data-dir', dataDir])).code).toBe(0);
    const before = contents(dataDir);
    const list = await run(['incidents', 'list', '--json', '--data-dir', dataDir]);
    expect(list.code).toBe(0);
    expect(jsonLines(list.out).find((i) => i.fingerprint === '39332a08e49b2e47')).toMatchObject({ status: 'acknowledged' });
    expect((await run(['incidents', 'show', '39332a08e49b2e47', '--data-dir', dataDir])).code).toBe(0);
    expect((await run(['report', '--data-dir', dataDir])).code).toBe(0);
    expect(contents(dataDir)).toStrictEqual(before);
  });

  it('refuse a data directory that has a LevelDB folder but never held the table, creating nothing', async () => {
    const dataDir = join(tempDir(), 'data');
    cpSync(populated, dataDir, { recursive: true });
    for (const name of readdirSync(levelDir(dataDir))) rmSync(join(levelDir(dataDir), name));
    const result = await run(['incidents', 'list', '--data-dir', dataDir]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('no incidents store in');
    expect(readdirSync(levelDir(dataDir))).toStrictEqual([]);
  });
});

describe('the store marker', () => {
  it('is written when the table is first created, and a store from before the marker gets one on its next write', async () => {
    const dataDir = copyOfPopulated();
    expect(JSON.parse(readFileSync(join(levelDir(dataDir), MARKER_FILE), 'utf8'))).toMatchObject({ tables: ['access-auditor-incidents'] });
    unlinkSync(join(levelDir(dataDir), MARKER_FILE));
    expect((await run(['incidents', 'list', '--data-dir', dataDir])).code).toBe(0);
    expect(existsSync(join(levelDir(dataDir), MARKER_FILE))).toBe(false); // A read writes nothing.
    expect((await run(['replay', recordsDir, '--data-dir', dataDir])).code).toBe(0);
    expect(existsSync(join(levelDir(dataDir), MARKER_FILE))).toBe(true);
  });
});
