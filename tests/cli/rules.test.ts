import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { captureIo, jsonLines, tempDir } from '../support/cli-io';

const root = join(__dirname, '..', '..');
const records = join(root, 'examples', 'records');

const RULES = `version: 1
rules:
  - id: apprunner-expected
    reason: the App Runner role probes Bedrock
    owner: platform
    match: { principal: 'arn:aws:iam::*:role/chat-web-*' }
    expect: true
  - id: gone
    reason: expired exception
    owner: ops
    expires: 2026-01-31
    match: { action: 'bedrock:InvokeModelWithResponseStream' }
    expect: true
  - id: ml-route
    reason: ML owns Bedrock
    owner: ml
    match: { action: 'bedrock:*' }
    severity: low
    route: { team: ml }
`;

function rulesDir(text = RULES): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'access-auditor.rules.yml'), text);
  return dir;
}

describe('access-auditor rules test', () => {
  it('--json: for each denial, the rules it matched and what would have been alerted', async () => {
    const dir = rulesDir();
    const io = captureIo({ cwd: dir });
    expect(await main(['rules', 'test', '--json', records], io)).toBe(0);
    const lines = jsonLines(io.out());
    expect(lines).toHaveLength(6);
    const apprunner = lines.find((l) => String(l.principal).includes('chat-web-apprunner'));
    expect(apprunner).toMatchObject({ outcome: 'expected', expectedBy: 'apprunner-expected', matched: ['apprunner-expected', 'ml-route'] });
    const stream = lines.find((l) => l.action === 'bedrock:InvokeModelWithResponseStream');
    expect(stream).toMatchObject({ outcome: 'alert', severity: 'low', severityRule: 'ml-route', route: { team: 'ml' }, expiredMatches: ['gone'] });
    expect(lines.filter((l) => l.outcome === 'alert')).toHaveLength(5);
    expect(io.err()).toContain('6 denial(s): 1 expected, 5 would alert');
  });

  it('text: one line per denial, and the expired rule that no longer matches is named', async () => {
    const io = captureIo({ cwd: rulesDir() });
    expect(await main(['rules', 'test', records], io)).toBe(0);
    const out = io.out().split('\n').filter(Boolean);
    expect(out).toHaveLength(6);
    expect(out.filter((l) => l.startsWith('expected'))).toHaveLength(1);
    expect(out.find((l) => l.includes('InvokeModelWithResponseStream'))).toMatch(
      /^alert .*severity low \(rule ml-route\); route team=ml \(rule ml-route\).*expired rule\(s\) no longer matching: gone/,
    );
  });

  it('--rules FILE takes precedence; with no rules file every denial would alert', async () => {
    const empty = tempDir();
    const io = captureIo({ cwd: empty });
    expect(await main(['rules', 'test', '--json', records], io)).toBe(0);
    expect(jsonLines(io.out()).every((l) => l.outcome === 'alert' && (l.matched as unknown[]).length === 0)).toBe(true);
    const withFile = captureIo({ cwd: empty });
    expect(await main(['rules', 'test', '--json', '--rules', join(rulesDir(), 'access-auditor.rules.yml'), records], withFile)).toBe(0);
    expect(jsonLines(withFile.out()).filter((l) => l.outcome === 'expected')).toHaveLength(1);
  });

  it('reads `aws cloudtrail lookup-events` output (a history)', async () => {
    const dir = rulesDir();
    const record = readFileSync(join(records, '01-apprunner-no-bedrock-grant.json'), 'utf8');
    writeFileSync(join(dir, 'history.json'), JSON.stringify({ Events: [{ EventId: 'x', CloudTrailEvent: record }] }));
    const io = captureIo({ cwd: dir });
    expect(await main(['rules', 'test', '--json', 'history.json'], io)).toBe(0);
    expect(jsonLines(io.out())).toEqual([expect.objectContaining({ outcome: 'expected', expectedBy: 'apprunner-expected' })]);
  });

  it('an invalid rules file stops the command with the rule and field (exit 2), nothing is tested', async () => {
    const dir = rulesDir("version: 1\nrules:\n  - {id: x, reason: r, owner: o, match: {sourceIp: 'nope'}, expect: true}\n");
    const io = captureIo({ cwd: dir });
    expect(await main(['rules', 'test', records], io)).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err()).toContain('rule 1 (id "x") match.sourceIp[0]: "nope" is not an IPv4 or IPv6 CIDR range');
  });

  it('a --rules file that does not exist is an error, not "no rules"', async () => {
    const io = captureIo({ cwd: tempDir() });
    expect(await main(['rules', 'test', '--rules', 'missing.yml', records], io)).toBe(2);
    expect(io.err()).toContain('cannot read the rules file');
  });

  it('check lists the rules and marks the expired one; an unknown action is a usage error', async () => {
    const io = captureIo({ cwd: rulesDir() });
    expect(await main(['rules', 'check'], io)).toBe(0);
    expect(io.out()).toContain('2. gone: expect; owner ops; expires 2026-01-31 (EXPIRED)');
    const bad = captureIo({ cwd: rulesDir() });
    expect(await main(['rules', 'frobnicate'], bad)).toBe(2);
  });
});

describe('replay --rules', () => {
  it('counts expected denials apart and sends no alert for them', async () => {
    const dir = rulesDir();
    const io = captureIo({ cwd: dir });
    const dataDir = join(dir, 'data');
    expect(await main(['replay', '--data-dir', dataDir, records], io)).toBe(0);
    const expectedLines = io
      .out()
      .split('\n')
      .filter((l) => l.startsWith('expected'));
    expect(expectedLines).toHaveLength(1);
    expect(expectedLines[0]).toContain('rule apprunner-expected');
    expect(io.err()).toContain('DenialsExpected 1');
    const alerts = readFileSync(join(dataDir, 'alerts.jsonl'), 'utf8').trim().split('\n');
    expect(alerts).toHaveLength(5);
    expect(alerts.every((a) => (JSON.parse(a) as { MessageAttributes: { team?: unknown } }).MessageAttributes.team !== undefined)).toBe(true);

    const list = captureIo({ cwd: dir });
    expect(await main(['incidents', 'list', '--data-dir', dataDir], list)).toBe(0);
    expect(
      list
        .out()
        .split('\n')
        .filter((l) => / expected /.test(l)),
    ).toHaveLength(1);

    const report = captureIo({ cwd: dir });
    expect(await main(['report', '--data-dir', dataDir, '--format', 'json', '--until', '2026-11-23'], report)).toBe(0);
    const json = JSON.parse(report.out()) as { totals: { expectedDenials: number; denials: number }; loop: { expected: unknown[]; expiredRules: unknown[] } };
    expect(json.totals).toMatchObject({ expectedDenials: 1, denials: 5 });
    expect(json.loop.expected).toEqual([expect.objectContaining({ rule: 'apprunner-expected', denials: 1, state: 'active' })]);
    expect(json.loop.expiredRules).toEqual([expect.objectContaining({ id: 'gone', expires: '2026-01-31' })]);
  });
});
