import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { captureIo, tempDir } from '../support/cli-io';

/**
 * Issue 12: eventTime, awsRegion and the Region inside a resource ARN reached the terminal raw in explain,
 * replay lines and the incidents tables; explain and incidents show printed access key IDs; secret keys
 * reached the alerts; --json carried raw U+2028/U+2029/U+0085.
 */
const root = join(__dirname, '..', '..');
const ESC = '\u001b';
const BEL = String.fromCharCode(7);
const SECRET = 'wJalrXUtnFEMI2K7MDENGxbPxRfiCYEXAMPLEKEY';
const base = JSON.parse(readFileSync(join(root, 'examples', 'records', '01-apprunner-no-bedrock-grant.json'), 'utf8')) as Record<string, unknown>;

function hostileRecord(eventID: string): Record<string, unknown> {
  const role = 'chat-web-apprunner-instance-role';
  const arn = `arn:aws:sts::111122223333:assumed-role/${role}/AKIAIOSFODNN7EXAMPLE`;
  return {
    ...base,
    eventID,
    eventTime: `2026-11-20T09:14:03Z${ESC}[2J`,
    awsRegion: `us-east-1${ESC}]0;pwned${BEL}\u2028`,
    userIdentity: { ...(base.userIdentity as object), arn },
    errorMessage:
      `User: ${arn} is not authorized to perform: bedrock:InvokeModel on resource: ` +
      `arn:aws:bedrock:us-e${ESC}[2Jast-1\u0085::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0 because no identity-based policy allows the bedrock:InvokeModel action ${SECRET}`,
  };
}

// Raw C0/C1 controls (but the line feed), ESC, bidi controls, U+2028/U+2029.
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

/** What a person reads: no raw control, no escape sequence (its payload is gone too), no credential. */
function expectClean(text: string): void {
  expectMasked(text);
  expect(text).not.toContain('pwned');
}

/** What --json carries: the data, escaped (no raw control character), credentials masked. */
function expectMasked(text: string): void {
  expect(text).not.toMatch(RAW);
  expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
  expect(text).not.toContain(SECRET);
}

describe('hostile fields at the terminal', () => {
  it('explain prints no escape sequence, no access key ID and no secret key', async () => {
    const io = captureIo({ stdin: JSON.stringify(hostileRecord('hostile-1')), cwd: root });
    expect(await main(['explain'], io)).toBe(0);
    expect(io.out()).toContain('AKIA\u2026MPLE');
    expectClean(io.out());
    expectClean(io.err());
  });

  it('explain --json: one line per record, U+2028/U+2029/U+0085 escaped, credentials masked, the rest kept', async () => {
    const io = captureIo({ stdin: JSON.stringify(hostileRecord('hostile-2')), cwd: root });
    expect(await main(['explain', '--json'], io)).toBe(0);
    const out = io.out();
    expect(out.split('\n').filter(Boolean)).toHaveLength(1);
    expectMasked(out);
    const line = JSON.parse(out) as { eventTime: string; principal: { sessionName?: string } };
    // JSON keeps the data (escaped), only credentials are masked.
    expect(line.eventTime).toBe(`2026-11-20T09:14:03Z${ESC}[2J`);
    expect(out).toContain('\\u2028');
    expect(JSON.stringify(line)).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });

  it('replay lines, incidents list and incidents show (text and --json) stay clean, and so does the alert', async () => {
    const dir = tempDir();
    const file = join(dir, 'hostile.json');
    // The store refuses an eventTime that is not a time (a bad record), so here the time is a real one.
    writeFileSync(file, JSON.stringify({ ...hostileRecord('hostile-3'), eventTime: base.eventTime }));
    const dataDir = join(dir, 'data');
    const alerts = join(dir, 'alerts.jsonl');
    const replay = captureIo({ cwd: root });
    expect(await main(['replay', '--data-dir', dataDir, '--alerts-file', alerts, file], replay)).toBe(0);
    expect(replay.out()).toMatch(/^new /);
    expectClean(replay.out());

    const list = captureIo({ cwd: root });
    expect(await main(['incidents', 'list', '--data-dir', dataDir], list)).toBe(0);
    expectClean(list.out());
    const listJson = captureIo({ cwd: root });
    expect(await main(['incidents', 'list', '--json', '--data-dir', dataDir], listJson)).toBe(0);
    expectMasked(listJson.out());
    const fingerprint = (JSON.parse(listJson.out().split('\n')[0]!) as { fingerprint: string }).fingerprint;

    const show = captureIo({ cwd: root });
    expect(await main(['incidents', 'show', fingerprint, '--data-dir', dataDir], show)).toBe(0);
    expect(show.out()).toContain('AKIA\u2026MPLE');
    expectClean(show.out());
    const showJson = captureIo({ cwd: root });
    expect(await main(['incidents', 'show', fingerprint, '--json', '--data-dir', dataDir], showJson)).toBe(0);
    expectMasked(showJson.out());

    // The alert as published: e-mail text, chat description and metadata.
    const published = readFileSync(alerts, 'utf8');
    const message = JSON.parse(published.trim().split('\n')[0]!) as { Message: string };
    const body = JSON.parse(message.Message) as Record<string, string>;
    for (const form of Object.values(body)) expectClean(form);
    expect(published).not.toContain(SECRET);
  });
});
