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
    expect(report.totals).toMatchObject({ denials: 6, incidentsSeen: 6, newIncidents: 6, stillOpen: 6, crossRegionDenials: 1 });
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
    expect(io.out()).toContain('data-chart="daily"');
  });

  describe('without --until', () => {
    it('keeps the days before today when they had denials, and says so on stderr only', async () => {
      const io = captureIo({ cwd: root, now: new Date('2026-11-22T08:00:00Z') });
      expect(await main(['report', '--format', 'json', '--data-dir', dataDir], io)).toBe(0);
      expect(JSON.parse(io.out()).period.label).toBe('2026-11-15..2026-11-21');
      expect(io.err()).toBe('report window: 2026-11-15..2026-11-21, the 7 days before today (--until YYYY-MM-DD for another)\n');
    });

    it('chooses the week of the latest denial when nothing happened in the last 7 days (the first report after npm start)', async () => {
      const io = captureIo({ cwd: root, now: new Date('2026-12-03T09:40:00Z') });
      expect(await main(['report', '--format', 'json', '--data-dir', dataDir], io)).toBe(0);
      const report = JSON.parse(io.out()) as { period: { label: string; asOf: string }; totals: Record<string, number> };
      expect(report.period.label).toBe('2026-11-15..2026-11-21');
      expect(report.totals.denials).toBe(6);
      // Ages are measured at the end of that window, not on the day of the run.
      expect(report.period.asOf).toBe('2026-11-22T00:00:00.000Z');
      expect(io.err()).toMatch(
        /^report window: 2026-11-15\.\.2026-11-21, the 7 days up to the latest denial \(2026-11-21 11:20 UTC\): nothing was denied in the 7 days before today/,
      );
    });

    it('uses the same choice for --days', async () => {
      const io = captureIo({ cwd: root, now: new Date('2026-12-03T09:40:00Z') });
      expect(await main(['report', '--days', '1', '--format', 'json', '--data-dir', dataDir], io)).toBe(0);
      expect(JSON.parse(io.out()).totals.denials).toBe(2);
      expect(io.err()).toContain('report window: 2026-11-21, the 1 day up to the latest denial');
    });

    it('never moves an explicit --until, and says nothing then', async () => {
      const io = captureIo({ cwd: root, now: new Date('2026-12-03T09:40:00Z') });
      expect(await main(['report', '--until', '2026-12-03', '--format', 'json', '--data-dir', dataDir], io)).toBe(0);
      expect(JSON.parse(io.out()).totals.denials).toBe(0);
      expect(io.err()).toBe('');
    });
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
