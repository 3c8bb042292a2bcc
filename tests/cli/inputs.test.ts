import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { main } from '../../cli/main';
import { captureIo, jsonLines, tempDir } from '../support/cli-io';

const root = join(__dirname, '..', '..');
const examples = join(root, 'examples', 'records');
const records = readdirSync(examples)
  .sort()
  .map((f) => JSON.parse(readFileSync(join(examples, f), 'utf8')) as Record<string, unknown>);
const ids = (out: string) => jsonLines(out).map((l) => l.eventId ?? `error:${String(l.error)}`);

function write(dir: string, path: string, content: string | Buffer): string {
  const full = join(dir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content);
  return full;
}

/** An organization trail's bucket, copied to disk as `aws s3 sync` leaves it. */
function s3Tree(): string {
  const dir = tempDir();
  const base = 'AWSLogs/o-abcdefghij/111122223333';
  const log = (recs: unknown[]) => gzipSync(JSON.stringify({ Records: recs }));
  write(dir, `${base}/CloudTrail/us-east-1/2026/11/20/111122223333_CloudTrail_us-east-1_20261120T0905Z_a.json.gz`, log(records.slice(0, 2)));
  write(dir, `${base}/CloudTrail/us-east-1/2026/11/21/111122223333_CloudTrail_us-east-1_20261121T0905Z_b.json.gz`, log(records.slice(2, 3)));
  write(dir, `${base}/CloudTrail/eu-west-1/2026/11/21/111122223333_CloudTrail_eu-west-1_20261121T0905Z_c.json.gz`, log(records.slice(3, 4)));
  write(dir, 'AWSLogs/o-abcdefghij/444455556666/CloudTrail/us-east-1/2026/11/22/x.json.gz', log(records.slice(4, 5)));
  write(dir, `${base}/CloudTrail-Digest/us-east-1/2026/11/20/111122223333_CloudTrail-Digest_us-east-1_20261120T0905Z.json.gz`, gzipSync('{"digest": true}'));
  return dir;
}

const eventId = (n: number) => String(records[n]?.eventID);

describe('explain reads CloudTrail as it is stored', () => {
  it.each<[string, string[], number[]]>([
    // Sorted walk: eu-west-1 before us-east-1.
    ['the whole tree, digests skipped', [], [3, 0, 1, 2, 4]],
    ['--since a day', ['--since', '2026-11-21'], [3, 2, 4]],
    ['--until a day (excluded)', ['--until', '2026-11-21'], [0, 1]],
    ['--accounts', ['--accounts', '444455556666'], [4]],
    ['--account twice', ['--account', '444455556666', '--account', '111122223333'], [3, 0, 1, 2, 4]],
    ['--regions', ['--regions', 'eu-west-1'], [3]],
    ['a duration', ['--since', '2d'], [4]],
  ])('%s', async (_name, flags, expected) => {
    const dir = s3Tree();
    const io = captureIo({ cwd: dir, now: new Date('2026-11-24T10:00:00Z') });
    expect(await main(['explain', 'AWSLogs', '--json', ...flags], io)).toBe(0);
    expect(ids(io.out())).toEqual(expected.map(eventId));
  });

  it('says so when the filters leave nothing', async () => {
    const io = captureIo({ cwd: s3Tree() });
    expect(await main(['explain', 'AWSLogs', '--regions', 'ap-south-1'], io)).toBe(1);
    expect(io.err()).toContain('AWSLogs: no *.json, *.jsonl, *.ndjson (or .gz) files found that match the filters');
  });

  it.each([
    [['--since', 'yesterday'], /--since must be a date/],
    [['--until', '2026-02-30'], /--until must be a date/],
    [['--accounts', '123'], /12-digit account IDs/],
    [['--regions', 'Europe'], /region names like eu-west-1/],
    [['--since', '2026-11-21', '--until', '2026-11-21'], /is not before --until/],
  ])('rejects %j as a usage error', async (flags, message) => {
    const io = captureIo({ cwd: root });
    expect(await main(['explain', 'examples/records', ...flags], io)).toBe(2);
    expect(io.err()).toMatch(message);
  });

  it('reads gzip from a file of any name and from standard input, by its magic bytes', async () => {
    const dir = tempDir();
    const gz = gzipSync(records.map((r) => JSON.stringify(r)).join('\n'));
    write(dir, 'download', gz);
    const fromFile = captureIo({ cwd: dir });
    expect(await main(['explain', 'download', '--json'], fromFile)).toBe(0);
    const fromStdin = captureIo({ cwd: dir, stdinBytes: gz });
    expect(await main(['explain', '-', '--json'], fromStdin)).toBe(0);
    expect(ids(fromStdin.out())).toEqual(records.map((r) => String(r.eventID)));
    expect(fromStdin.out()).toBe(fromFile.out());
  });

  it('names the file and line in every error line', async () => {
    const dir = tempDir();
    write(dir, 'logs/a.jsonl.gz', gzipSync([JSON.stringify(records[0]), '{"broken": ', JSON.stringify({ no: 'record' })].join('\n')));
    const io = captureIo({ cwd: dir });
    expect(await main(['explain', 'logs'], io)).toBe(1);
    const errors = io
      .err()
      .split('\n')
      .filter((l) => l.startsWith('logs/'));
    expect(errors).toEqual([
      expect.stringMatching(/^logs\/a\.jsonl\.gz:2: invalid JSON/),
      expect.stringMatching(/^logs\/a\.jsonl\.gz:3: JSON object is not a CloudTrail record/),
    ]);
  });

  it('a binary file is one line, not one per line of it', async () => {
    const dir = tempDir();
    const noise = Buffer.alloc(1 << 20);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    write(dir, 'core.json', noise);
    const io = captureIo({ cwd: dir });
    expect(await main(['explain', 'core.json'], io)).toBe(1);
    expect(
      io
        .err()
        .split('\n')
        .filter((l) => l.startsWith('core.json')),
    ).toEqual([expect.stringMatching(/^core\.json: binary data.*; skipped$/)]);
  });

  it('text that is not JSON gives a bounded number of lines, then one saying the rest was skipped', async () => {
    const dir = tempDir();
    write(dir, 'notes.json', Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n'));
    const io = captureIo({ cwd: dir });
    expect(await main(['explain', 'notes.json', '--json'], io)).toBe(1);
    const lines = jsonLines(io.out());
    expect(lines).toHaveLength(21);
    expect(lines[20]).toMatchObject({
      error: 'notes.json:21: 20 unreadable lines in a row; skipped the rest of this input (it does not look like CloudTrail JSON)',
    });
  });

  it('a truncated gzip file keeps the records before the damage and says what happened', async () => {
    const dir = tempDir();
    const many = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ ...records[0], eventID: `e${i}` })).join('\n');
    const gz = gzipSync(many);
    write(dir, 'cut.json.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    const io = captureIo({ cwd: dir });
    expect(await main(['explain', 'cut.json.gz', '--json'], io)).toBe(1);
    const lines = jsonLines(io.out());
    expect(lines.length).toBeGreaterThan(10);
    expect(lines[lines.length - 1]).toMatchObject({ error: expect.stringMatching(/^cut\.json\.gz: gzip data is truncated or corrupt/) });
  });

  it('hints on standard error when standard input is a terminal, and reads it', async () => {
    const io = captureIo({ cwd: root, stdin: JSON.stringify(records[0]), stdinIsTTY: true });
    expect(await main(['explain', '--json'], io)).toBe(0);
    expect(io.err()).toContain('reading CloudTrail records from standard input (end with Ctrl-D)');
    expect(ids(io.out())).toEqual([eventId(0)]);
  });

  it('streams standard input: output for early records is written before the input ends', async () => {
    let outputSeenWhileReading = false;
    const io = captureIo({
      cwd: root,
      stdinBytes: async function* () {
        for (let i = 0; i < 50; i++) {
          if (i === 40) outputSeenWhileReading = io.out().split('\n').length > 10;
          yield Buffer.from(JSON.stringify({ ...records[0], eventID: `s${i}` }) + '\n');
        }
      },
    });
    expect(await main(['explain', '--json'], io)).toBe(0);
    expect(outputSeenWhileReading).toBe(true);
    expect(jsonLines(io.out())).toHaveLength(50);
  });

  it('replay reads the same tree with the same filters', async () => {
    const dir = s3Tree();
    const io = captureIo({ cwd: dir });
    expect(await main(['replay', 'AWSLogs', '--json', '--regions', 'us-east-1', '--data-dir', join(dir, 'data')], io)).toBe(0);
    expect(jsonLines(io.out()).map((l) => l.kind)).toEqual(['counted', 'counted', 'counted', 'counted']);
  });
});
