import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoIncidentStore } from '../incidents/dynamodb/store';

/**
 * The incident store as the ingest Lambda uses it, and the timing its counting lease is derived from.
 * Kept apart from ingest-dependencies.ts (every SDK client of the Lambda) so that the CLI can build the
 * same store for `replay --table` cheaply.
 */

/** The ingest function's timeout: serverless.yml `functions.ingest.timeout` (tests/deploy checks that they agree). */
export const INGEST_TIMEOUT_SECONDS = 30;

/**
 * Lambda's waits before it retries a failed asynchronous invocation (EventBridge invokes ingest that way):
 * one minute before the first retry, two more minutes before the second (serverless.yml allows two), then
 * the event goes to the on-failure destination. See "How Lambda handles errors and retries with
 * asynchronous invocation" in the Lambda developer guide.
 */
export const LAMBDA_ASYNC_RETRY_DELAYS_SECONDS = [60, 120] as const;

/**
 * How long one delivery owns an eventID while counting it (the store's `leaseSeconds`), in the Lambda and
 * in `replay --table` against the deployed table, which shares its event markers.
 * - It must outlast the function timeout: an owner runs at most {@link INGEST_TIMEOUT_SECONDS} after its
 *   claim, so a live owner is never taken over (it would then fail with EventInFlightError, not double count).
 * - It ends when Lambda's first retry of a competing delivery can come back: that delivery failed with
 *   EventInFlightError after the claim was made, and is retried one minute after failing. If the owner
 *   died, that retry takes its claim over and finishes the count; the second retry, two minutes later, is
 *   the margin before the event would go to the on-failure queue.
 * A retry of the owner's own invocation keeps its request ID (the owner token) and resumes at once,
 * whatever the lease.
 */
export const INGEST_COUNTING_LEASE_SECONDS = LAMBDA_ASYNC_RETRY_DELAYS_SECONDS[0];

/** Where the store reports what it deliberately does not raise (a failed cleanup of `pendingEvents`). */
export type StoreWarnings = Pick<Logger, 'warn'>;

/**
 * The incident store on the deployed table as the ingest Lambda counts with it: the Lambda's lease, and
 * warnings to `warnings` (the Powertools logger in the Lambda). `replay --table` builds it here too.
 */
export function deployedIncidentStore(client: DynamoDBClient, tableName: string, warnings: StoreWarnings, occurrenceTtlDays?: number): DynamoIncidentStore {
  return new DynamoIncidentStore({
    client,
    tableName,
    ...(occurrenceTtlDays === undefined ? {} : { occurrenceTtlDays }),
    leaseSeconds: INGEST_COUNTING_LEASE_SECONDS,
    onWarning: (message, details) => warnings.warn(message, details),
  });
}
