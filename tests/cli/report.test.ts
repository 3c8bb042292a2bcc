import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { captureIo, jsonLines, tempDir } from '../support/cli-io';

const root = join(__dirname, '..', '..');

describe('report', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = tempDir();
    expect(await main(['start', '--data-dir', dataDir], captureIo({ cwd: root }))).toBe(0);
  });

  it('summarises the week of the shipped examples as JSON', async () => {
    const io = captureIo({ cwd: root });
    expect(await main(['report', '--until', '2026-11-22', '--format', 'json', '--data-dir', dataDir], io)).toBe(0);
    const report = JSON.parse(io.out()) as { totals: Record<string, number>; top: Array<{ fingerprint: string }> };
    // Two of the six are fixed by the example policy changes (examples/changes) that npm start replays.
    expect(report.totals).toMatchObject({ denials: 6, incidentsSeen: 6, newIncidents: 6, stillOpen: 4, crossRegionDenials: 1 });
    expect(report.top).toHaveLength(6);
  });

  it('is empty for a week with no denials', async () => {
    const io = captureIo({ cwd: root });
    expect(await main(['report', '--until', '2026-10-01', '--format', 'json', '--data-dir', dataDir], io)).toBe(0);
    expect(JSON.parse(io.out()).totals).toMatchObject({ denials: 0, incidentsSeen: 0 });
  });

  it('renders a self-contained HTML page with a chart', async () => {
    const io = captureIo({ cwd: root });
    expect(await main(['report', '--until', '2026-11-22', '--format', 'html', '--data-dir', dataDir], io)).toBe(0);
    expect(io.out()).toMatch(/^<!DOCTYPE html>/i);
    expect(io.out()).toContain('<svg');
  });

  it('publishes one message with --publish (the alerts file on the embedded default)', async () => {
    const before = jsonLines(readFileSync(join(dataDir, 'alerts.jsonl'), 'utf8')).length;
    expect(await main(['report', '--until', '2026-11-22', '--publish', '--data-dir', dataDir], captureIo({ cwd: root }))).toBe(0);
    const after = jsonLines(readFileSync(join(dataDir, 'alerts.jsonl'), 'utf8'));
    expect(after).toHaveLength(before + 1);
    expect(String(after[after.length - 1]!.Subject)).toMatch(/Weekly report/);
  });

  it.each([
    [['report', '--format', 'pdf'], /--format must be one of/],
    [['report', '--days', '0'], /--days must be a whole number from 1 to 90/],
    [['report', '--until', 'yesterday'], /--until must be a date/],
  ])('%j is a usage error', async (argv, message) => {
    const io = captureIo({ cwd: root });
    expect(await main([...argv, '--data-dir', dataDir], io)).toBe(2);
    expect(io.err()).toMatch(message);
  });
});
