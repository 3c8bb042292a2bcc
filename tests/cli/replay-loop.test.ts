import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { captureIo, jsonLines, tempDir } from '../support/cli-io';

const root = join(__dirname, '..', '..');
const read = (...path: string[]) => JSON.parse(readFileSync(join(root, ...path), 'utf8')) as Record<string, unknown>;
const DENIAL = read('examples', 'records', '01-apprunner-no-bedrock-grant.json');
const FIX = read('examples', 'changes', '01-put-role-policy-fixes-apprunner.json');
const POLICIES = join(root, 'examples', 'policies', '111122223333.json');

async function list(dataDir: string) {
  const io = captureIo({ cwd: root });
  expect(await main(['incidents', 'list', '--json', '--data-dir', dataDir], io)).toBe(0);
  return jsonLines(io.out());
}

describe('replay with policy changes in the inputs', () => {
  it('npm start shows two incidents fixed by the example changes, with their time to fix', async () => {
    const dataDir = tempDir();
    const io = captureIo({ cwd: root });
    expect(await main(['start', '--data-dir', dataDir], io)).toBe(0);
    const table = io.out();
    expect(table).toMatch(/7cd59591ec6fbc67 fixed +2 h 26 min/);
    expect(table).toMatch(/6443d3e3589091f6 fixed +23 h 28 min/);
    expect(table).toMatch(/change +PutRolePolicy by arn:aws:sts::111122223333:assumed-role\/AWSReservedSSO_PlatformAdmin_[^ ]+: 7cd59591ec6fbc67 fixed/);
    const fixed = (await list(dataDir)).filter((i) => i.status === 'fixed');
    expect(fixed.map((i) => [i.fingerprint, i.timeToFixMs])).toEqual(
      expect.arrayContaining([
        ['7cd59591ec6fbc67', 8_778_000],
        ['6443d3e3589091f6', 84_501_000],
      ]),
    );
    expect(fixed.find((i) => i.fingerprint === '6443d3e3589091f6')?.resolution).toMatchObject({ scope: 'broader-than-proposal' });
  });

  it('ends a file of a denial then the PutRolePolicy that fixes it with the incident fixed, and reopens it as a regression when the denial comes back', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'loop.json');
    writeFileSync(file, JSON.stringify({ Records: [DENIAL, FIX] }));
    const first = captureIo({ cwd: root });
    expect(await main(['replay', file, '--policies', POLICIES, '--data-dir', dataDir, '--concurrency', '4'], first)).toBe(0);
    expect((await list(dataDir)).map((i) => i.status)).toEqual(['fixed']);

    const undo = {
      ...FIX,
      eventID: 'undo',
      eventTime: '2026-11-21T08:00:00Z',
      eventName: 'DeleteRolePolicy',
      requestParameters: { roleName: 'chat-web-apprunner-instance-role', policyName: 'bedrock-invoke-claude-3-5-sonnet' },
    };
    const again = { ...DENIAL, eventID: 'denied-again', eventTime: '2026-11-21T09:00:00Z' };
    writeFileSync(file, JSON.stringify({ Records: [DENIAL, FIX, undo, again] }));
    // A day later on the wall clock: the first alert's window (60 minutes) no longer holds the regression back.
    const second = captureIo({ cwd: root, now: new Date('2026-11-23T08:00:00Z') });
    expect(await main(['replay', file, '--policies', POLICIES, '--data-dir', dataDir], second)).toBe(0);
    const [incident] = await list(dataDir);
    expect(incident).toMatchObject({ status: 'open', regressions: { count: 1, lastRegressionAt: '2026-11-21T09:00:00.000Z' } });
    const alerts = jsonLines(readFileSync(join(dataDir, 'alerts.jsonl'), 'utf8'));
    expect(String(alerts.at(-1)?.Subject)).toMatch(/^\[access-auditor\] Regression: /);
  });

  it('marks incidents not seen for the stale period stale: at the end of a replay (as of the last event) and with incidents sweep', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, 'quiet.json');
    const later = { ...read('examples', 'records', '02-iam-user-wrong-model-id.json'), eventTime: '2026-12-10T00:00:00Z' };
    writeFileSync(file, JSON.stringify({ Records: [DENIAL, later] }));
    const io = captureIo({ cwd: root });
    expect(await main(['replay', file, '--data-dir', dataDir, '--stale-after', '14d'], io)).toBe(0);
    expect(io.err()).toContain('1 incident(s) not seen for 14 days became stale');
    const byStatus = Object.fromEntries((await list(dataDir)).map((i) => [i.status, i]));
    expect(byStatus.stale).toMatchObject({ fingerprint: '7cd59591ec6fbc67', resolution: { kind: 'stale' }, timeToFixMs: null });

    const sweep = captureIo({ cwd: root });
    expect(await main(['incidents', 'sweep', '--data-dir', dataDir, '--as-of', '2027-01-01T00:00:00Z', '--json'], sweep)).toBe(0);
    expect(JSON.parse(sweep.out())).toMatchObject({ stale: [byStatus.open?.fingerprint] });
  });

  it('refuses a stale period that is not a whole number of days', async () => {
    const io = captureIo({ cwd: root });
    expect(await main(['incidents', 'sweep', '--stale-after', '2w'], io)).toBe(2);
    expect(io.err()).toContain('--stale-after must be a whole number of days');
  });
});
