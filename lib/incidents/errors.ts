import { AuditorError, RetryLaterError } from '../errors';

/**
 * Errors of the incident store. `StoreError` means "something is broken", `EventInFlightError` "busy
 * elsewhere, retry later" (a {@link RetryLaterError}): the pipeline lets both propagate so that the Lambda
 * invocation fails and its retries (then the on-failure destination) keep the event.
 */

/** A DynamoDB call failed (throttling, network, missing table, validation...); `cause` holds the SDK error. */
export class StoreError extends AuditorError {
  /** The store operation and DynamoDB call that failed, e.g. `recordOccurrence/UpdateItem`. */
  readonly operation: string;

  constructor(message: string, options: { operation: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StoreError';
    this.operation = options.operation;
  }
}

/**
 * Another delivery of the same eventID holds the counting lease right now. Retrying later is correct:
 * by then the other delivery has marked the event counted (the retry returns `duplicate`) or its lease
 * has expired (the retry takes over).
 */
export class EventInFlightError extends RetryLaterError {
  override name = 'EventInFlightError';
  readonly eventId: string;
  /** When the current holder's lease ends (ISO time). */
  readonly leaseUntil: string;

  constructor(eventId: string, leaseUntil: Date, reason = 'another delivery is counting it') {
    super(`event ${eventId} is in flight: ${reason} (lease until ${leaseUntil.toISOString()})`);
    this.eventId = eventId;
    this.leaseUntil = leaseUntil.toISOString();
  }
}

/** The denial cannot be stored as given (no eventID, fingerprint or parseable eventTime); retrying cannot help. */
export class InvalidOccurrenceError extends AuditorError {
  override name = 'InvalidOccurrenceError';
}

/**
 * The embedded store's data directory cannot be used as it is: files are missing or corrupt, or the
 * table it held is gone. Nothing was changed; `problem` says what was found.
 */
export class StoreDamagedError extends StoreError {
  readonly dataDir: string;
  readonly problem: string;

  /** `stopped`: the damage was met while the store was in use (writes before it stand); otherwise nothing was opened. */
  constructor(dataDir: string, problem: string, options: { cause?: unknown; stopped?: boolean } = {}) {
    super(`the incident store in ${dataDir} is damaged (${problem}) and ${options.stopped ? 'access-auditor stopped using it' : 'was left unchanged'}`, {
      operation: 'openEmbeddedStore',
      cause: options.cause,
    });
    this.name = 'StoreDamagedError';
    this.dataDir = dataDir;
    this.problem = problem;
  }
}
