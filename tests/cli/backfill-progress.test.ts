import { BackfillStats } from '../../lib/backfill/items';
import { backfillProgressText, formatBytes, formatDuration, progressBar } from '../../cli/backfill-progress';

describe('backfill progress line', () => {
  it('shows pages or objects, records, denials, processed, rate, and a bar with the ETA when the work is known', () => {
    const stats = new BackfillStats();
    Object.assign(stats, { pages: 12, objects: 340, records: 12_345, denials: 67, retries: 2 });
    stats.totalUnits = 4;
    stats.setUnitFraction('a', 1);
    stats.setUnitFraction('b', 0);
    expect(backfillProgressText(stats, true, 10_000, 60)).toBe(
      '340 object(s)  12,345 record(s)  67 denial(s)  60 processed  1235 rec/s  [#####...............] 25% ETA 30s  2 retried',
    );
    expect(backfillProgressText(stats, false, 10_000, 60)).toMatch(/^12 page\(s\) /);
  });

  it('has no ETA when the amount of work is unknown (Athena)', () => {
    const stats = new BackfillStats();
    expect(backfillProgressText(stats, false, 0, 0)).toBe('0 page(s)  0 record(s)  0 denial(s)  0 processed  0 rec/s');
  });

  it.each([
    [0, '[....................]'],
    [0.5, '[##########..........]'],
    [1, '[####################]'],
    [2, '[####################]'],
    [-1, '[....................]'],
  ])('draws %p as %s', (fraction, bar) => {
    expect(progressBar(fraction)).toBe(bar);
  });

  it.each([
    [5, '5s'],
    [125, '2m05s'],
    [7260, '2h01m'],
    [Number.POSITIVE_INFINITY, '?'],
  ])('formats %p seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it.each([
    [999, '999 B'],
    [2_000_000_000, '2.0 GB'],
    [3.5e12, '3.5 TB'],
  ])('formats %p bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
