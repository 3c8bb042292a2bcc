/** Base of every error access-auditor raises on purpose; `cause` keeps the underlying failure. */
export class AuditorError extends Error {
  override name = 'AuditorError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The work is in flight elsewhere (another delivery holds the event, or its alert may still be
 * publishing): nothing is broken, and retrying later is correct. The Lambda fails the invocation on
 * purpose (metric `Retries`, not `Failures`) so that its async retry comes back; replay reports the
 * record as busy. Not for failures: those are the subsystems' own errors (e.g. `StoreError`).
 */
export class RetryLaterError extends AuditorError {
  override name = 'RetryLaterError';
}

/** Configuration is missing or invalid: raised once at start, naming the variable. */
export class ConfigError extends AuditorError {
  override name = 'ConfigError';
}

/** A command-line usage mistake: printed with the usage, exit code 2. */
export class UsageError extends AuditorError {
  override name = 'UsageError';
}

/** Renders any thrown value as one line, without a stack: for notes, logs and `error` output lines. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
