/** Base of every error access-auditor raises on purpose; `cause` keeps the underlying failure. */
export class AuditorError extends Error {
  override name = 'AuditorError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
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
