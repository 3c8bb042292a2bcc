/** Issue 12: `incidents export` and `import` back up and move a store, with nothing lost or counted twice. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { captureIo, jsonLines, tempDir } from '../support/cli-io';

const root = join(__dirname, '..', '..');
const recordsDir = join(root, 'examples', 'records');
const NOW = new Date('2026-11-22T08:00:00Z');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo({ cwd: root, now: NOW });
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

async function exportOf(dataDir: string): Promise<string> {
  const result = await run(['incidents', 'export', '--json', '--data-dir', dataDir]);
  expect(result.code).toBe(0);
  return result.out;
}

/** The export's items in a stable order, header aside. */
const itemsOf = (text: string): string[] =>
  jsonLines(text)
    .slice(1)
    .map((l) => JSON.stringify(l))
    .sort();

describe('incidents export and import', () => {
  let source: string;
  let exported: string;
  beforeAll(async () => {
    source = join(tempDir(), 'source');
    expect((await run(['replay', '--data-dir', source, recordsDir])).code).toBe(0);
    expect((await run(['incidents', 'ack', '39332a08e49b2e47', '--data-dir', source])).code).toBe(0);
    exported = await exportOf(source);
  }, 60_000);

  it('exports every item with a header line: incidents, explanations and the exactly-once markers', () => {
    const lines = jsonLines(exported);
    expect(lines[0]).toMatchObject({ format: 'access-auditor-incidents', version: 1, table: 'access-auditor-incidents' });
    const keys = lines.slice(1).map((l) => (l.item as Record<string, { S: string } | undefined>).SK?.S);
    expect(keys.filter((k) => k === 'INCIDENT')).toHaveLength(6);
    expect(keys.filter((k) => k === 'INCIDENT#LATEST')).toHaveLength(6);
    expect(keys.filter((k) => k === 'EVENT')).toHaveLength(6);
  });

  it('moves a store to a new data directory with full fidelity: same incidents, and a replay there counts nothing twice', async () => {
    const file = join(tempDir(), 'backup.jsonl');
    writeFileSync(file, exported);
    const target = join(tempDir(), 'target');
    const imported = await run(['incidents', 'import', file, '--data-dir', target]);
    expect(imported.code).toBe(0);
    expect(imported.out).toContain('imported 18 item(s)');
    expect(itemsOf(await exportOf(target))).toStrictEqual(itemsOf(exported));
    const sourceList = await run(['incidents', 'list', '--json', '--data-dir', source]);
    const targetList = await run(['incidents', 'list', '--json', '--data-dir', target]);
    expect(targetList.out).toBe(sourceList.out);

    const replay = await run(['replay', '--json', '--data-dir', target, recordsDir]);
    expect(replay.code).toBe(0);
    expect(jsonLines(replay.out).map((l) => l.kind)).toStrictEqual(Array(6).fill('duplicate'));

    // Idempotent: the same file again writes nothing.
    const again = await run(['incidents', 'import', file, '--data-dir', target]);
    expect(again.code).toBe(0);
    expect(again.out).toContain('imported 0 item(s); 18 already identical');
  });

  it('refuses to overwrite different data unless asked, writing nothing; --overwrite replaces it', async () => {
    const target = join(tempDir(), 'target');
    const file = join(tempDir(), 'backup.jsonl');
    writeFileSync(file, exported);
    expect((await run(['incidents', 'import', file, '--data-dir', target])).code).toBe(0);
    expect((await run(['incidents', 'resolve', '39332a08e49b2e47', '--data-dir', target])).code).toBe(0);
    const before = await exportOf(target);

    const refused = await run(['incidents', 'import', file, '--data-dir', target]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/1 item\(s\) of .* differ from what the store holds .*nothing was imported/);
    expect(itemsOf(await exportOf(target))).toStrictEqual(itemsOf(before));

    const forced = await run(['incidents', 'import', file, '--overwrite', '--data-dir', target]);
    expect(forced.code).toBe(0);
    expect(itemsOf(await exportOf(target))).toStrictEqual(itemsOf(exported));
  });

  it.each([
    ['not JSON', 'hello\n'],
    ['no header', '{"item":{"PK":{"S":"INC#x"},"SK":{"S":"INCIDENT"}}}\n'],
    ['a line that is not an item', `${JSON.stringify({ format: 'access-auditor-incidents', version: 1 })}\n{"item":{"PK":"x"}}\n`],
    ['a truncated line', `${JSON.stringify({ format: 'access-auditor-incidents', version: 1 })}\n{"item":{"PK":{"S":"INC#x"},"SK":{"S":"INC`],
  ])('refuses a file with %s before writing anything', async (_name, text) => {
    const target = join(tempDir(), 'target');
    expect((await run(['replay', '--data-dir', target, join(recordsDir, '01-apprunner-no-bedrock-grant.json')])).code).toBe(0);
    const before = await exportOf(target);
    const file = join(tempDir(), 'bad.jsonl');
    writeFileSync(file, text);
    const result = await run(['incidents', 'import', file, '--data-dir', target]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/not an access-auditor|not JSON|not a stored item/);
    expect(itemsOf(await exportOf(target))).toStrictEqual(itemsOf(before));
  });
});
