import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { captureIo, jsonLines, tempDir } from '../support/cli-io';

const root = join(__dirname, '..', '..');
const recordsDir = join(root, 'examples', 'records');
const examples = readdirSync(recordsDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(recordsDir, f), 'utf8')) as Record<string, unknown>);

/**
 * Interleaved fingerprints, repeats from new events (out of time order, so first/last seen move both
 * ways), and redeliveries of the same event ID, some right after the first delivery and some far after.
 */
function mixedRecords(prefix: string, count: number): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < count; i++) {
    const base = examples[(i * 7) % 4]!;
    const minute = String((i * 37) % 60).padStart(2, '0');
    out.push({ ...base, eventID: `${prefix}-${i}`, eventTime: `2026-11-20T1${i % 10}:${minute}:00Z` });
    if (i % 5 === 0) out.push(out[out.length - 1]!);
    if (i % 9 === 0 && i > 0) out.push(out[Math.floor(i / 2)]!);
  }
  return out;
}

async function replay(dataDir: string, file: string, concurrency: number, now: string) {
  const io = captureIo({ cwd: root, now: new Date(now) });
  const code = await main(['replay', '--json', '--concurrency', String(concurrency), '--data-dir', dataDir, file], io);
  expect(code).toBe(0);
  return { lines: jsonLines(io.out()), err: io.err() };
}

async function incidents(dataDir: string) {
  const io = captureIo({ cwd: root });
  expect(await main(['incidents', 'list', '--json', '--data-dir', dataDir], io)).toBe(0);
  return jsonLines(io.out())
    .map((i) => ({ fingerprint: i.fingerprint, status: i.status, count: i.count, firstSeen: i.firstSeen, lastSeen: i.lastSeen }))
    .sort((a, b) => String(a.fingerprint).localeCompare(String(b.fingerprint)));
}

describe('replay with records in flight concurrently', () => {
  it('counts, orders and alerts exactly as a one-at-a-time replay, comebacks included', async () => {
    const dir = tempDir();
    const first = join(dir, 'first.jsonl');
    const second = join(dir, 'second.jsonl');
    const firstRecords = mixedRecords('a', 40);
    writeFileSync(first, firstRecords.map((r) => JSON.stringify(r)).join('\n'));
    // The second file redelivers some events of the first and brings new ones after a resolve.
    writeFileSync(second, [...firstRecords.slice(0, 8), ...mixedRecords('b', 20)].map((r) => JSON.stringify(r)).join('\n'));

    const runs = [];
    for (const concurrency of [1, 16]) {
      const dataDir = join(dir, `data-${concurrency}`);
      const one = await replay(dataDir, first, concurrency, '2026-11-22T08:00:00Z');
      const afterOne = await incidents(dataDir);
      const resolved = String(afterOne[0]!.fingerprint);
      expect(await main(['incidents', 'resolve', resolved, '--data-dir', dataDir], captureIo({ cwd: root, now: new Date('2026-11-22T08:30:00Z') }))).toBe(0);
      const two = await replay(dataDir, second, concurrency, '2026-11-22T10:00:00Z');
      const alerts = jsonLines(readFileSync(join(dataDir, 'alerts.jsonl'), 'utf8')).map((a) => a.Subject);
      // Standard error names the data dir, and alerts of different incidents print as they complete.
      runs.push({ one: one.lines, two: two.lines, afterOne, afterTwo: await incidents(dataDir), alerts: alerts.sort(), resolved });
    }
    const [sequential, concurrent] = runs;
    expect(sequential!.one).toHaveLength(firstRecords.length);
    // Duplicates, comebacks and deferred alerts all happened, so the comparison means something.
    const kinds = [...sequential!.one, ...sequential!.two].map((l) => l.kind);
    expect(kinds).toContain('duplicate');
    expect(sequential!.two.some((l) => l.reopened === true)).toBe(true);
    expect(sequential!.one.some((l) => l.alert === 'deferred')).toBe(true);

    expect(concurrent!.one).toEqual(sequential!.one);
    expect(concurrent!.two).toEqual(sequential!.two);
    expect(concurrent!.afterOne).toEqual(sequential!.afterOne);
    expect(concurrent!.afterTwo).toEqual(sequential!.afterTwo);
    expect(concurrent!.alerts).toEqual(sequential!.alerts);
    const total = (rows: Array<{ count: unknown }>) => rows.reduce((sum, r) => sum + Number(r.count), 0);
    expect(total(concurrent!.afterTwo)).toBe(new Set([...firstRecords, ...mixedRecords('b', 20)].map((r) => r.eventID)).size);
    // Four replays and their listings on dynalite: slow on a loaded 2-core machine.
  }, 120_000);

  it('refuses a concurrency outside 1..256', async () => {
    const io = captureIo({ cwd: root });
    expect(await main(['replay', '--concurrency', '0', '--data-dir', tempDir(), 'examples/records'], io)).toBe(2);
    expect(io.err()).toMatch(/--concurrency must be a whole number from 1 to 256/);
  });
});
