import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { main } from '../../cli/main';
import { captureIo, jsonLines, tempDir } from '../support/cli-io';

const examples = join(__dirname, '..', '..', 'examples', 'records');
const record = JSON.parse(readFileSync(join(examples, readdirSync(examples).sort()[0] ?? ''), 'utf8')) as Record<string, unknown>;
const jsonl = (n: number, prefix = 'e') => Array.from({ length: n }, (_, i) => JSON.stringify({ ...record, eventID: `${prefix}${i}` })).join('\n') + '\n';

function write(dir: string, path: string, content: Buffer): void {
  const full = join(dir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content);
}

async function explain(file: string, content: Buffer): Promise<{ code: number; ids: string[]; errors: string[] }> {
  const dir = tempDir();
  write(dir, file, content);
  const io = captureIo({ cwd: dir });
  const code = await main(['explain', file, '--json'], io);
  const lines = jsonLines(io.out());
  return {
    code,
    ids: lines.filter((l) => l.eventId !== undefined).map((l) => String(l.eventId)),
    errors: lines.filter((l) => l.error !== undefined).map((l) => String(l.error)),
  };
}

/** The complete lines a tolerant gunzip recovers from damaged data: what the reader owes the user. */
function recoverableIds(damaged: Buffer): string[] {
  const text = gunzipSync(damaged, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  return complete
    .split('\n')
    .filter(Boolean)
    .map((l) => String((JSON.parse(l) as { eventID: string }).eventID));
}

describe('damaged gzip loses no record that was decompressed before the damage', () => {
  it('a small file whose gzip trailer (CRC, size) is cut keeps both records', async () => {
    const gz = gzipSync(jsonl(2));
    const result = await explain('cut.json.gz', gz.subarray(0, gz.length - 8));
    expect(result.ids).toEqual(['e0', 'e1']);
    expect(result.errors).toEqual([expect.stringMatching(/^cut\.json\.gz: gzip data is truncated or corrupt/)]);
    expect(result.code).toBe(1);
  });

  it('concatenated members (cat a.gz b.gz) with the second cut keep all of the first and what of the second could be read', async () => {
    const second = gzipSync(jsonl(2, 'b'));
    const result = await explain('cat.json.gz', Buffer.concat([gzipSync(jsonl(2, 'a')), second.subarray(0, second.length - 4)]));
    expect(result.ids).toEqual(['a0', 'a1', 'b0', 'b1']);
    expect(result.errors).toHaveLength(1);
  });

  it.each([0.3, 0.5, 0.9, 0.99])('a file cut at %p of its length keeps every complete record before the cut', async (fraction) => {
    const gz = gzipSync(jsonl(400));
    const cut = gz.subarray(0, Math.floor(gz.length * fraction));
    const result = await explain('cut.json.gz', cut);
    expect(result.ids).toEqual(recoverableIds(cut));
    expect(result.errors.some((e) => /truncated or corrupt/.test(e))).toBe(true);
  });
});
