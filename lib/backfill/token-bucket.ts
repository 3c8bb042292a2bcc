/**
 * Pacing and retrying for the backfill readers: a token bucket per rate-limited scope (LookupEvents
 * allows 2 requests per second per account and region) and a retry with exponential backoff for
 * throttling and transient failures. Time comes from an injected {@link Clock}, so tests run on a fake one.
 */

/** Milliseconds now, and a way to wait: the real clock or a test's fake one. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

export interface TokenBucketOptions {
  /** Tokens added per second (the API's sustained rate). */
  ratePerSecond: number;
  /**
   * Tokens held at most. 1 (the default) spaces every request by 1/rate, so no one-second window ever
   * holds more than `ratePerSecond` requests; a larger burst would allow short spikes above the quota.
   */
  burst?: number;
  clock: Clock;
}

/**
 * A token bucket: `take()` resolves when a request may be sent. Callers are served one at a time in
 * call order, so concurrent readers of one scope (a region's pages and its retries) share its quota.
 */
export class TokenBucket {
  private tokens: number;
  private updated: number;
  private queue: Promise<void> = Promise.resolve();
  private readonly rate: number;
  private readonly burst: number;
  private readonly clock: Clock;

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('a token bucket needs a positive rate');
    this.rate = options.ratePerSecond;
    this.burst = Math.max(1, options.burst ?? 1);
    this.clock = options.clock;
    this.tokens = this.burst;
    this.updated = options.clock.now();
  }

  take(): Promise<void> {
    const turn = this.queue.then(() => this.takeNow());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updated) * this.rate) / 1000);
    this.updated = now;
  }

  private async takeNow(): Promise<void> {
    this.refill();
    while (this.tokens < 1) {
      await this.clock.sleep(Math.ceil(((1 - this.tokens) * 1000) / this.rate));
      this.refill();
    }
    this.tokens -= 1;
  }
}

/** Error names AWS uses for "slow down" (CloudTrail, S3, Athena, the SDK's own throttling classes). */
const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'MaxConcurrentQueriesException',
]);

/** True for throttling and for failures worth another try (5xx, connection resets, the SDK's retryable flag). */
export function isRetryable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; code?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: unknown } };
  if (typeof e.name === 'string' && THROTTLING_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && (THROTTLING_NAMES.has(e.code) || ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'].includes(e.code))) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  return typeof status === 'number' && (status === 429 || status >= 500);
}

export interface RetryOptions {
  clock: Clock;
  /** Tries in all, the first included (default 8). */
  attempts?: number;
  /** First backoff in ms (default 500), doubled each time up to `maxDelayMs` (default 20 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A number in [0, 1): the jitter. Tests pass a constant. */
  random?: () => number;
  /** Called before each wait, e.g. to count throttles for the summary. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `call` until it succeeds, retrying retryable failures with exponential backoff and "equal jitter"
 * (half the delay fixed, half random), which spreads parallel readers without ever retrying at once.
 * Anything else, or the last failure, is thrown as it is.
 */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 8);
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 20_000;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= attempts || !isRetryable(err)) throw err;
      const ceiling = Math.min(max, base * 2 ** (attempt - 1));
      const delay = Math.round(ceiling / 2 + random() * (ceiling / 2));
      options.onRetry?.(err, attempt, delay);
      await options.clock.sleep(delay);
    }
  }
}

/**
 * One AWS request as the readers send it: through the scope's bucket when it has one (every attempt
 * takes a token, retries included), retried on throttling with backoff. The SDK clients of a backfill
 * are built with `maxAttempts: 1`, so that no retry escapes the bucket.
 */
export function pacedCaller(options: { clock: Clock; bucket?: TokenBucket; random?: () => number; onRetry?: () => void; attempts?: number }) {
  return <T>(call: () => Promise<T>): Promise<T> =>
    withRetry(
      async () => {
        await options.bucket?.take();
        return call();
      },
      { clock: options.clock, random: options.random, attempts: options.attempts, onRetry: options.onRetry },
    );
}
