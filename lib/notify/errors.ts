import { AlertError } from '../alerts/errors';

/**
 * Publishing a notification (an alert or the weekly report) failed. It must propagate: the pipeline
 * leaves `alert.pending` set so that the retried invocation sends the alert again.
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
