import { ProgressLine, progressText } from '../../cli/progress';

describe('progress line', () => {
  it('shows records, denials, incidents, rate, and an ETA when the input size is known', () => {
    expect(progressText({ records: 500, denials: 480, incidents: 12 }, { consumed: 250, total: 1000 }, 10_000)).toBe(
      '500 record(s), 480 denial(s), 12 incident(s) opened  50/s  25%  ETA 30s',
    );
    expect(progressText({ records: 10, denials: 10, incidents: 1 }, { consumed: 100, total: null }, 1000)).toBe(
      '10 record(s), 10 denial(s), 1 incident(s) opened  10/s',
    );
  });

  it('draws at most four times a second on a terminal, and never elsewhere', () => {
    let now = 0;
    const written: string[] = [];
    const tty = new ProgressLine({ write: (c: string) => written.push(c), isTTY: true }, { consumed: 0, total: null }, () => now);
    for (let i = 0; i < 100; i++) {
      now += 10;
      tty.update({ records: i, denials: i, incidents: 1 });
    }
    expect(written.length).toBeGreaterThanOrEqual(3);
    expect(written.length).toBeLessThanOrEqual(5);
    tty.clear();
    expect(written.at(-1)).toBe('\r\x1b[2K');

    const piped: string[] = [];
    const pipe = new ProgressLine({ write: (c: string) => piped.push(c) }, { consumed: 0, total: 10 }, () => (now += 1000));
    pipe.update({ records: 1, denials: 1, incidents: 1 });
    pipe.clear();
    expect(piped).toEqual([]);
  });
});
