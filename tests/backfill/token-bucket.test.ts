import fc from 'fast-check';
import { isRetryable, TokenBucket, withRetry } from '../../lib/backfill/token-bucket';
import { FakeClock, throttling } from './support';

/** The most requests any one-second window [t, t + 1000) holds. */
function busiestSecond(times: number[]): number {
  return Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
}

describe('TokenBucket', () => {
  it('lets the first request go at once and spaces the next ones by 1/rate', async () => {
    const clock = new FakeClock(1_000);
    const bucket = new TokenBucket({ ratePerSecond: 2, clock });
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await bucket.take();
      times.push(clock.now());
    }
    expect(times).toEqual([1000, 1500, 2000, 2500, 3000]);
  });

  it('serves concurrent takers one at a time, never more than the rate in any second', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 2, clock });
    const times: number[] = [];
    await Promise.all(Array.from({ length: 8 }, () => bucket.take().then(() => times.push(clock.now()))));
    expect(times).toHaveLength(8);
    expect(busiestSecond(times)).toBeLessThanOrEqual(2);
  });

  it('never exceeds its rate, whatever the idle gaps between requests (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 1500 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 5 }), async (gaps, rate) => {
        const clock = new FakeClock();
        const bucket = new TokenBucket({ ratePerSecond: rate, clock });
        const times: number[] = [];
        for (const gap of gaps) {
          clock.time += gap;
          await bucket.take();
          times.push(clock.now());
        }
        expect(busiestSecond(times)).toBeLessThanOrEqual(rate);
      }),
    );
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0, clock: new FakeClock() })).toThrow(/positive rate/);
  });
});

describe('withRetry', () => {
  it('retries throttling with growing backoff, then returns the result', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const result = await withRetry(
      async () => {
        if (++calls < 4) throw throttling();
        return 'ok';
      },
      { clock, random: () => 0.5 },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(4);
    expect(clock.sleeps).toEqual([375, 750, 1500]);
  });

  it('throws a failure that is not worth retrying at once', async () => {
    const clock = new FakeClock();
    const denied = Object.assign(new Error('no'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    await expect(withRetry(() => Promise.reject(denied), { clock })).rejects.toBe(denied);
    expect(clock.sleeps).toEqual([]);
  });

  it('gives up after the last attempt with the last error, the backoff capped', async () => {
    const clock = new FakeClock();
    await expect(withRetry(() => Promise.reject(throttling()), { clock, attempts: 10, random: () => 0.999, maxDelayMs: 4000 })).rejects.toThrow(
      /Rate exceeded/,
    );
    expect(clock.sleeps).toHaveLength(9);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(4000);
  });

  it.each([
    [throttling('ThrottlingException'), true],
    [throttling('SlowDown'), true],
    [throttling('TooManyRequestsException'), true],
    [Object.assign(new Error('x'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } }), true],
    [Object.assign(new Error('x'), { code: 'ECONNRESET' }), true],
    [Object.assign(new Error('x'), { name: 'InvalidRequestException', $metadata: { httpStatusCode: 400 } }), false],
    [Object.assign(new Error('x'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }), false],
    ['a string', false],
    [null, false],
  ])('isRetryable(%p) is %p', (err, expected) => {
    expect(isRetryable(err)).toBe(expected);
  });
});
