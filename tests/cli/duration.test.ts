import { parseDuration } from '../../cli/duration';

describe('parseDuration', () => {
  it.each([
    ['30m', 30 * 60_000],
    ['12h', 12 * 3_600_000],
    ['7d', 7 * 86_400_000],
    ['2w', 14 * 86_400_000],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '7', 'd', '7y', '-1d', '0d', '400d', '1.5h'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(/duration/);
  });
});
