/** incidents: fingerprint prefixes, and who changed a status and why, recorded and shown. */
import { userInfo } from 'node:os';
import { main } from '../../cli/main';
import { resolveFingerprint } from '../../cli/incidents';
import type { Incident } from '../../lib/incidents/types';
import { UsageError } from '../../lib/errors';
import { captureIo, jsonLines, tempDir } from '../support/cli-io';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

async function started(): Promise<{ dataDir: string; fingerprints: string[] }> {
  const dataDir = tempDir();
  await main(['start', '--data-dir', dataDir], captureIo({ cwd: root }));
  const io = captureIo({ cwd: root });
  await main(['incidents', 'list', '--json', '--data-dir', dataDir], io);
  return { dataDir, fingerprints: jsonLines(io.out()).map((l) => String(l.fingerprint)) };
}

describe('incidents ack|resolve|suppress --by --note', () => {
  it('records who and why on the incident, and show prints it with the attacker-reachable text sanitised', async () => {
    const { dataDir, fingerprints } = await started();
    const fp = fingerprints[0] as string;
    const ack = captureIo({ cwd: root, now: new Date('2026-11-23T10:00:00Z') });
    expect(await main(['incidents', 'ack', fp.slice(0, 6), '--by', 'alice', '--note', 'on it \u001b[2J\u202eevil', '--data-dir', dataDir], ack)).toBe(0);
    expect(ack.out()).toBe(`${fp} is now acknowledged (by alice)\n`);
    const resolve = captureIo({ cwd: root, now: new Date('2026-11-23T11:00:00Z') });
    expect(await main(['incidents', 'resolve', fp, '--data-dir', dataDir, '--json'], resolve)).toBe(0);
    expect(jsonLines(resolve.out())).toEqual([{ fingerprint: fp, status: 'resolved', by: userInfo().username }]);

    const show = captureIo({ cwd: root });
    expect(await main(['incidents', 'show', fp.slice(0, 8), '--data-dir', dataDir], show)).toBe(0);
    expect(show.out()).toContain('  changes    2026-11-23T10:00:00.000Z acknowledged by alice: on it');
    expect(show.out()).toContain(`2026-11-23T11:00:00.000Z resolved by ${userInfo().username}`);
    expect(show.out()).not.toContain('\u001b');
    expect(show.out()).not.toContain('\u202e');

    const json = captureIo({ cwd: root });
    await main(['incidents', 'show', fp, '--json', '--data-dir', dataDir], json);
    expect(jsonLines(json.out())[0]?.statusLog).toEqual([
      { at: '2026-11-23T10:00:00.000Z', to: 'acknowledged', by: 'alice', note: 'on it \u001b[2J\u202eevil' },
      { at: '2026-11-23T11:00:00.000Z', to: 'resolved', by: userInfo().username },
    ]);
  });

  it.each([
    [['list', '--by', 'x'], /--by and --note go with ack, resolve and suppress/],
    [['ack', 'abcdef', '--by', ' '], /--by needs a name/],
    [['ack', 'abcdef', '--for', '7d'], /--for goes with incidents suppress/],
  ])('%j is a usage error', async (args, message) => {
    const io = captureIo({ cwd: root });
    expect(await main(['incidents', ...args, '--data-dir', tempDir()], io)).toBe(2);
    expect(io.err()).toMatch(message);
  });
});

describe('fingerprint prefixes', () => {
  const incident = (fingerprint: string) => ({ fingerprint, status: 'open', action: 'bedrock:InvokeModel' }) as Incident;
  const store = (fps: string[]) => ({
    get: async (fp: string) => (fps.includes(fp) ? incident(fp) : null),
    list: async () => fps.map(incident),
  });

  it.each<[string, string[], string | null]>([
    ['the whole fingerprint', ['aaaa1111', 'aaaa2222'], 'aaaa1111'],
    ['a unique start', ['aaaa1111', 'bbbb2222'], 'aaaa1111'],
    ['a unique start in capitals', ['aaaa1111', 'bbbb2222'], 'aaaa1111'],
    ['a start that matches nothing', ['aaaa1111'], null],
    ['too short to be a start', ['aaaa1111'], null],
  ])('%s', async (name, fps, expected) => {
    const given = {
      'the whole fingerprint': 'aaaa1111',
      'a unique start': 'aaaa1',
      'a unique start in capitals': 'AAAA1',
      'a start that matches nothing': 'cccc',
      'too short to be a start': 'aaa',
    }[name] as string;
    expect((await resolveFingerprint(store(fps), given))?.fingerprint ?? null).toBe(expected);
  });

  it('an ambiguous start is a usage error that lists the candidates', async () => {
    const err = await resolveFingerprint(store(['aaaa1111', 'aaaa2222', 'bbbb']), 'aaaa').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(
      '"aaaa" starts 2 fingerprints; give more of it:\n  aaaa1111  open  bedrock:InvokeModel\n  aaaa2222  open  bedrock:InvokeModel',
    );
  });

  it('an unknown fingerprint exits 1 and says so', async () => {
    const { dataDir } = await started();
    const io = captureIo({ cwd: root });
    expect(await main(['incidents', 'show', 'ffffffffffffffff', '--data-dir', dataDir], io)).toBe(1);
    expect(io.err()).toContain('no incident with fingerprint ffffffffffffffff');
  });
});
