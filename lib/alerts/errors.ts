import { AuditorError } from '../errors';

/** Base class of every error raised by the alerts module. */
export class AlertError extends AuditorError {
  override name = 'AlertError';
}

/**
 * Publishing an alert failed. It must propagate: the pipeline leaves `alert.pending` set so that the
 * retried invocation sends the alert again.
 */
export class AlertPublishError extends AlertError {
  override name = 'AlertPublishError';
  constructor(
    message: string,
    /** Where the alert was going (topic ARN or file path). */
    readonly destination: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The alert policy configuration is invalid; raised once at start so that a bad deployment fails fast. */
export class AlertPolicyConfigError extends AlertError {
  override name = 'AlertPolicyConfigError';
}
