import { AuditorError } from '../errors';

/** Base class of every error raised by the alerts module. */
export class AlertError extends AuditorError {
  override name = 'AlertError';
}

/** The alert policy configuration is invalid; raised once at start so that a bad deployment fails fast. */
export class AlertPolicyConfigError extends AlertError {
  override name = 'AlertPolicyConfigError';
}
