import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { captureIo, jsonLines, tempDir } from '../support/cli-io';
import { writeExplanations } from '../../cli/explain';
import { buildAnalyzeDeps } from '../../cli/sources';
import type { InputItem } from '../../lib/cloudtrail/input';

const root = join(__dirname, '..', '..');
const recordsDir = join(root, 'examples', 'records');
const ANSI = new RegExp(String.fromCharCode(27) + '\\[');
const exampleFiles = readdirSync(recordsDir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const example = (name: string) => JSON.parse(readFileSync(join(recordsDir, name), 'utf8')) as Record<string, unknown>;

describe('explain --json', () => {
  it('prints one incident object per example record, in input order, with the contract fields', async () => {
    const io = captureIo({ cwd: root });
    const code = await main(['explain', '--json', 'examples/records'], io);
    expect(code).toBe(0);
    const lines = jsonLines(io.out());
    expect(lines.map((l) => l.eventId)).toEqual(exampleFiles.map((f) => example(f).eventID));
    for (const line of lines) {
      for (const field of [
        'eventId',
        'eventTime',
        'eventSource',
        'eventName',
        'accountId',
        'principal',
        'action',
        'callRegion',
        'deniedRegion',
        'resource',
        'reason',
        'fingerprint',
      ]) {
        expect(line).toHaveProperty(field);
      }
      expect(line.principal).toHaveProperty('managedBy');
      expect(line.reason).toHaveProperty('summary');
    }
  });

  it('keeps order across denials, skipped records and unreadable inputs, and exits 1 at the end', async () => {
    const denial = example(exampleFiles[0] as string);
    const success = { ...denial, eventID: 'ok-1', errorCode: undefined, errorMessage: undefined };
    const stdin = [JSON.stringify(denial), JSON.stringify(success), '{"eventID": broken', '[1,2,3]', JSON.stringify({ ...denial, eventID: 'last' })].join('\n');
    const io = captureIo({ stdin, cwd: root });
    const code = await main(['explain', '--json'], io);
    expect(code).toBe(1);
    const lines = jsonLines(io.out());
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatchObject({ eventId: denial.eventID, action: 'bedrock:InvokeModel' });
    expect(lines[1]).toMatchObject({ eventId: 'ok-1' });
    expect(typeof lines[1]!.skipped).toBe('string');
    expect(lines[2]).toMatchObject({ input: 2 });
    expect(typeof lines[2]!.error).toBe('string');
    expect(lines[3]).toMatchObject({ input: 3 });
    expect(lines[4]).toMatchObject({ eventId: 'last' });
  });

  it.each([
    ['a CloudTrail log file', (r: unknown) => JSON.stringify({ Records: [r, r] }), 2],
    [
      'an EventBridge event',
      (r: unknown) => JSON.stringify({ version: '0', id: 'x', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.bedrock', detail: r }),
      1,
    ],
    ['a pretty-printed record', (r: unknown) => JSON.stringify(r, null, 2), 1],
  ])('detects %s by itself', async (_name, wrap, expected) => {
    const io = captureIo({ stdin: wrap(example(exampleFiles[3] as string)), cwd: root });
    expect(await main(['explain', '--json'], io)).toBe(0);
    const lines = jsonLines(io.out());
    expect(lines).toHaveLength(expected);
    expect(lines[0]).toMatchObject({ callRegion: 'us-east-1', deniedRegion: 'us-east-2' });
  });

  it('attaches a proposal checked against the snapshot given with --policies', async () => {
    const io = captureIo({ cwd: root });
    const code = await main(['explain', '--json', '--policies', 'examples/policies/111122223333.json', 'examples/records'], io);
    expect(code).toBe(0);
    for (const line of jsonLines(io.out())) {
      expect(line.proposal).toBeDefined();
      expect((line.proposal as { validated: string }).validated).toBe('simulated-allow');
    }
  });
});

describe('explain (readable)', () => {
  it('explains who, what, where and why without colour when not on a terminal', async () => {
    const io = captureIo({ cwd: root });
    expect(await main(['explain', 'examples/records/04-bedrock-agent-cross-region-us-east-2.json'], io)).toBe(0);
    const text = io.out();
    expect(text).toContain('bedrock:InvokeModel');
    expect(text).toContain('support-supervisor-agent-role-dev');
    expect(text).toContain('called in us-east-1, denied in us-east-2');
    expect(text).not.toMatch(ANSI);
  });

  it('colours on a terminal unless NO_COLOR is set', async () => {
    const tty = captureIo({ cwd: root, tty: true });
    await main(['explain', 'examples/records/01-apprunner-no-bedrock-grant.json'], tty);
    expect(tty.out()).toMatch(ANSI);
    const noColor = captureIo({ cwd: root, tty: true, env: { NO_COLOR: '1' } });
    await main(['explain', 'examples/records/01-apprunner-no-bedrock-grant.json'], noColor);
    expect(noColor.out()).not.toMatch(ANSI);
  });

  it('shows the diff and the Terraform block of the proposal', async () => {
    const io = captureIo({ cwd: root });
    await main(['explain', '--policies', 'examples/policies/111122223333.json', 'examples/records/05-ecs-task-account-id-in-foundation-model-arn.json'], io);
    expect(io.out()).toContain('diff:');
    expect(io.out()).toContain('terraform:');
    expect(io.out()).toMatch(/^\s+-.*111122223333:foundation-model/m);
  });
});

describe('inputs that give no records', () => {
  it('reports a missing file or an empty directory in its place, keeps going, and exits 1', async () => {
    const empty = tempDir();
    mkdirSync(join(empty, 'nested'));
    writeFileSync(join(empty, 'nested', 'notes.txt'), 'not a record file');
    const io = captureIo({ cwd: root });
    const code = await main(['explain', '--json', 'does-not-exist.json', empty, 'examples/records/01-apprunner-no-bedrock-grant.json'], io);
    expect(code).toBe(1);
    const lines = jsonLines(io.out());
    expect(lines[0]).toEqual({ error: 'cannot read does-not-exist.json: no such file or directory', input: 0 });
    expect(lines[1]).toMatchObject({ input: 1, error: `${empty}: no *.json, *.jsonl, *.ndjson (or .gz) files found` });
    expect(lines[2]).toMatchObject({ eventId: 'b0e7c1d2-0001-4a6b-9c8d-111122223301' });
    expect(lines).toHaveLength(3);
  });
});

describe('usage errors', () => {
  it.each([
    [['nope'], 2, /unknown command "nope"/],
    [['explain', '--bogus'], 2, /^access-auditor explain: unknown option --bogus\n/],
    [['explain', '--policies', 'README.md', 'examples/records'], 2, /policy snapshot README.md is not JSON/],
  ])('%j exits %i with a clear message', async (argv, code, message) => {
    const io = captureIo({ cwd: root });
    expect(await main(argv, io)).toBe(code);
    expect(io.err()).toMatch(message);
  });

  it('prints help', async () => {
    const io = captureIo();
    expect(await main(['explain', '--help'], io)).toBe(0);
    expect(io.out()).toContain('Usage: access-auditor explain');
  });
});

describe('explain --json over a storm: one proposal per problem, every line written', () => {
  const storm = (count: number): Array<{ index: number; record: Record<string, unknown> }> => {
    const base = example(exampleFiles[0] as string) as { userIdentity: { arn: string }; errorMessage: string };
    return Array.from({ length: count }, (_, i) => {
      const record = structuredClone(base);
      (record as Record<string, unknown>).eventID = `storm-${i}`;
      record.userIdentity.arn = record.userIdentity.arn.replace(/[^/]+$/, `session-${i}`);
      record.errorMessage = record.errorMessage.replace(/assumed-role\/([^/]+)\/[^ ]+/, `assumed-role/$1/session-${i}`);
      return { index: i, record: record as unknown as Record<string, unknown> };
    });
  };

  it('proposes once for 400 copies from 400 sessions, and writes 400 lines (over several batched writes) equal to a fresh run of each', async () => {
    const items = storm(400);
    const io = captureIo({ cwd: root });
    const writes: string[] = [];
    const write = io.stdout.write;
    io.stdout.write = (chunk: string) => (writes.push(chunk), write(chunk));
    const deps = buildAnalyzeDeps({ policyFiles: ['examples/policies/111122223333.json'], online: false, io });
    expect(await writeExplanations(items, deps, { json: true }, io)).toBe(0);
    expect(deps.proposals).toMatchObject({ misses: 1, hits: 399 });
    const lines = io.out().split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => (JSON.parse(l) as { eventId: string }).eventId)).toEqual(items.map((_, i) => `storm-${i}`));
    expect(writes.length).toBeGreaterThan(1);
    expect(writes.length).toBeLessThan(100);
    // Each line is what a run of that record alone prints.
    for (const i of [0, 199, 399]) {
      const alone = captureIo({ cwd: root });
      const aloneDeps = buildAnalyzeDeps({ policyFiles: ['examples/policies/111122223333.json'], online: false, io: alone });
      await writeExplanations([{ index: 0, record: items[i]!.record }], aloneDeps, { json: true }, alone);
      expect(alone.out()).toBe(`${lines[i]}\n`);
    }
  });

  it('still writes the lines it explained when reading the input fails part way', async () => {
    const io = captureIo({ cwd: root });
    async function* failing(): AsyncGenerator<InputItem> {
      yield* storm(3);
      throw new Error('disk gone');
    }
    const deps = buildAnalyzeDeps({ policyFiles: [], online: false, io });
    await expect(writeExplanations(failing(), deps, { json: true }, io)).rejects.toThrow('disk gone');
    expect(jsonLines(io.out()).map((l) => l.eventId)).toEqual(['storm-0', 'storm-1', 'storm-2']);
  });
});
