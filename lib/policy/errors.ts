import { AuditorError } from '../errors';

/** Base class of the errors thrown by lib/policy: something is broken (bad input file, IAM failure), not an outcome. */
export class PolicyError extends AuditorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PolicyError';
  }
}

/** A policy document that is not JSON, not URL-encoded JSON, or not shaped like an IAM policy. */
export class PolicyDocumentError extends PolicyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PolicyDocumentError';
  }
}

/** A file that is not `aws iam get-account-authorization-details` output. */
export class SnapshotParseError extends PolicyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SnapshotParseError';
  }
}

/** IAM could not be read (throttled for good, access denied to the read role, ...). */
export class PolicySourceError extends PolicyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PolicySourceError';
  }
}
