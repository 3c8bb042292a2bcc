import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { runReplay } from '../../cli/replay';
import { AlertPolicyConfigError } from '../../lib/alerts/errors';
import { captureIo, jsonLines, tempDir } from '../support/cli-io';

const root = join(__dirname, '..', '..');
const recordsDir = join(root, 'examples', 'records');
const records = readdirSync(recordsDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(recordsDir, f), 'utf8')) as Record<string, unknown>);

async function listIncidents(dataDir: string) {
  const io = captureIo({ cwd: root });
  expect(await main(['incidents', 'list', '--json', '--data-dir', dataDir], io)).toBe(0);
  return jsonLines(io.out());
}

describe('start (replay of examples/ on the embedded default)', () => {
  it('opens one incident per example, alerts once each (the two that example changes fix get one follow-up each), and a second run changes no count', async () => {
    const dataDir = tempDir();
    const first = captureIo({ cwd: root });
    expect(await main(['start', '--data-dir', dataDir], first)).toBe(0);
    expect(first.out()).toContain('FINGERPRINT');
    const afterFirst = await listIncidents(dataDir);
    expect(afterFirst).toHaveLength(records.length);
    expect(afterFirst.every((i) => i.count === 1)).toBe(true);
    expect(afterFirst.filter((i) => i.status === 'fixed')).toHaveLength(2);
    expect(afterFirst.filter((i) => i.status === 'open')).toHaveLength(records.length - 2);
    const alerts = jsonLines(readFileSync(join(dataDir, 'alerts.jsonl'), 'utf8'));
    expect(alerts).toHaveLength(records.length + 2);
    expect(alerts[0]).toMatchObject({ MessageStructure: 'json' });

    const second = captureIo({ cwd: root });
    expect(await main(['start', '--data-dir', dataDir], second)).toBe(0);
    const afterSecond = await listIncidents(dataDir);
    expect(afterSecond.map((i) => [i.fingerprint, i.count])).toEqual(afterFirst.map((i) => [i.fingerprint, i.count]));
    expect(jsonLines(readFileSync(join(dataDir, 'alerts.jsonl'), 'utf8'))).toHaveLength(records.length + 2);
  });
});

describe('replay', () => {
  it('counts each record of a file holding every record twice once, and alerts once per new incident', async () => {
    const dir = tempDir();
    const file = join(dir, 'twice.jsonl');
    writeFileSync(file, [...records, ...records].map((r) => JSON.stringify(r)).join('\n'));
    const io = captureIo({ cwd: root });
    expect(await main(['replay', '--json', '--data-dir', join(dir, 'data'), file], io)).toBe(0);
    const outcomes = jsonLines(io.out());
    expect(outcomes.map((o) => o.kind)).toEqual([...records.map(() => 'counted'), ...records.map(() => 'duplicate')]);
    expect(outcomes.slice(0, records.length).every((o) => o.alert === 'sent')).toBe(true);
    const alerts = jsonLines(readFileSync(join(dir, 'data', 'alerts.jsonl'), 'utf8'));
    expect(alerts).toHaveLength(records.length);
    const incidents = await listIncidents(join(dir, 'data'));
    expect(incidents.map((i) => i.count)).toEqual(records.map(() => 1));
  });

  it('counts repeats of one problem from new events in one incident', async () => {
    const dir = tempDir();
    const file = join(dir, 'repeats.jsonl');
    const base = records[0] as Record<string, unknown>;
    writeFileSync(file, Array.from({ length: 12 }, (_, i) => JSON.stringify({ ...base, eventID: `repeat-${i}` })).join('\n'));
    const io = captureIo({ cwd: root });
    expect(await main(['replay', '--json', '--data-dir', join(dir, 'data'), '--alerts-file', join(dir, 'a.jsonl'), file], io)).toBe(0);
    const incidents = await listIncidents(join(dir, 'data'));
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ count: 12 });
    // Opened alerts at once; the count crossing 10 falls inside the alert window and is deferred.
    expect(jsonLines(readFileSync(join(dir, 'a.jsonl'), 'utf8'))).toHaveLength(1);
    expect(jsonLines(io.out()).filter((o) => o.alert === 'deferred')).toHaveLength(1);
  });

  it('reports unreadable input and still processes the rest (exit 1)', async () => {
    const dir = tempDir();
    const file = join(dir, 'mixed.jsonl');
    writeFileSync(file, ['not json', JSON.stringify(records[1])].join('\n'));
    const io = captureIo({ cwd: root });
    expect(await main(['replay', '--json', '--data-dir', join(dir, 'data'), file], io)).toBe(1);
    const lines = jsonLines(io.out());
    expect(lines[0]).toMatchObject({ input: 0 });
    expect(lines[1]).toMatchObject({ kind: 'counted' });
  });

  it('refuses an alert window longer than the deployed limit of one week', async () => {
    const io = captureIo({ cwd: root });
    expect(await main(['replay', '--alert-window', '20000', '--data-dir', tempDir(), 'examples/records'], io)).toBe(2);
    expect(io.err()).toMatch(/--alert-window must be a whole number of minutes from 1 to 10080/);
  });

  it('marks a resolved incident that comes back, and sends its held-back alert once the window has passed', async () => {
    const dir = tempDir();
    const dataDir = join(dir, 'data');
    const file = (name: string, id: string) => {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify({ ...records[0], eventID: id }));
      return path;
    };
    const at = (iso: string) => captureIo({ cwd: root, now: new Date(iso) });
    await main(['replay', '--json', '--data-dir', dataDir, file('a.json', 'first')], at('2026-11-22T08:00:00Z'));
    const [incident] = await listIncidents(dataDir);
    await main(['incidents', 'resolve', String(incident!.fingerprint), '--data-dir', dataDir], at('2026-11-22T08:05:00Z'));

    const back = at('2026-11-22T08:10:00Z');
    await main(['replay', '--data-dir', dataDir, file('b.json', 'second')], back);
    expect(back.out()).toMatch(/^back\s+\S+ .*alert deferred/m);

    const later = at('2026-11-22T09:30:00Z');
    await main(['replay', '--data-dir', dataDir, file('c.json', 'second')], later);
    expect(later.err()).toContain('sent 1 held-back alert(s) whose window had passed');
    expect(jsonLines(readFileSync(join(dataDir, 'alerts.jsonl'), 'utf8'))).toHaveLength(2);
  });

  it('refuses half an AWS target', async () => {
    const io = captureIo({ cwd: root });
    expect(await main(['replay', '--table', 'incidents', 'examples/records'], io)).toBe(2);
    expect(io.err()).toMatch(/--table and --topic-arn go together/);
  });
});

describe('incidents', () => {
  it('acknowledges, resolves and suppresses by fingerprint, and filters by status', async () => {
    const dataDir = tempDir();
    await main(['start', '--data-dir', dataDir], captureIo({ cwd: root }));
    const [first, second, third] = await listIncidents(dataDir);
    const fp = (i: Record<string, unknown> | undefined) => String(i?.fingerprint);

    expect(await main(['incidents', 'ack', fp(first), '--data-dir', dataDir], captureIo({ cwd: root }))).toBe(0);
    expect(await main(['incidents', 'resolve', fp(second), '--data-dir', dataDir], captureIo({ cwd: root }))).toBe(0);
    expect(await main(['incidents', 'suppress', fp(third), '--for', '7d', '--data-dir', dataDir], captureIo({ cwd: root }))).toBe(0);

    const io = captureIo({ cwd: root });
    await main(['incidents', 'list', '--status', 'suppressed', '--json', '--data-dir', dataDir], io);
    const suppressed = jsonLines(io.out());
    expect(suppressed.map(fp)).toEqual([fp(third)]);
    expect(suppressed[0]!.suppressedUntil).toBe('2026-11-29T08:00:00.000Z');

    const show = captureIo({ cwd: root });
    expect(await main(['incidents', 'show', fp(first), '--data-dir', dataDir], show)).toBe(0);
    expect(show.out()).toContain('acknowledged');
    expect(show.out()).toContain('Latest occurrence');
  });

  it('says so when a fingerprint is unknown', async () => {
    const dataDir = tempDir();
    await main(['start', '--data-dir', dataDir], captureIo({ cwd: root }));
    const io = captureIo({ cwd: root });
    expect(await main(['incidents', 'show', 'ffffffffffffffff', '--data-dir', dataDir], io)).toBe(1);
    expect(io.err()).toContain('no incident with fingerprint ffffffffffffffff');
  });

  it.each([['incidents'], ['report']])('%s refuses a data directory that holds no store, instead of reporting nothing', async (command) => {
    const io = captureIo({ cwd: root });
    expect(await main([command, '--data-dir', join(tempDir(), 'typo')], io)).toBe(2);
    expect(io.err()).toMatch(/no incidents store in .*typo: run `access-auditor replay`/);
  });
});

describe('replay after a replay that left an alert claimed but unsent', () => {
  // Before issue 12 the retry reported the record busy for the claim's lease (20 s here, 900 s for an
  // event marker): the data-dir lock now proves the claimer has ended, so its claim is re-sent at once.
  it('re-sends the alert at once: the lock proves its claimer has ended', async () => {
    const dir = tempDir();
    const dataDir = join(dir, 'data');
    const one = join(dir, 'one.json');
    writeFileSync(one, JSON.stringify(records[0]));
    // First attempt: the alerts file cannot be written, so the claimed alert stays pending.
    const blocked = join(dir, 'not-a-dir');
    writeFileSync(blocked, 'a file where a directory is expected');
    const first = captureIo({ cwd: root, now: new Date('2026-11-22T08:00:00Z') });
    expect(await main(['replay', '--data-dir', dataDir, '--alerts-file', join(blocked, 'alerts.jsonl'), one], first)).toBe(3);

    const both = join(dir, 'both.jsonl');
    writeFileSync(both, [records[0], records[1]].map((r) => JSON.stringify(r)).join('\n'));
    const retry = captureIo({ cwd: root, now: new Date('2026-11-22T08:00:10Z') });
    expect(await main(['replay', '--json', '--data-dir', dataDir, both], retry)).toBe(0);
    const lines = jsonLines(retry.out());
    expect(lines[0]).toMatchObject({ input: 0, kind: 'duplicate', alert: 'resent' });
    expect(lines[1]).toMatchObject({ input: 1, kind: 'counted', alert: 'sent' });
    expect(jsonLines(readFileSync(join(dataDir, 'alerts.jsonl'), 'utf8'))).toHaveLength(2);
  });
});

describe('replay alert policy', () => {
  it('is validated before anything is opened: a bad setting fails the command at once', async () => {
    const dir = tempDir();
    const io = captureIo({ cwd: root });
    const options = { paths: [recordsDir], policyFiles: [], dataDir: join(dir, 'data'), alertWindowMinutes: -5, online: false, json: true };
    await expect(runReplay(options, io)).rejects.toThrow(AlertPolicyConfigError);
    await expect(runReplay(options, io)).rejects.toThrow('alert windowMinutes must be a number between 0');
    expect(existsSync(join(dir, 'data'))).toBe(false);
    expect(io.out()).toBe('');
  });
});
