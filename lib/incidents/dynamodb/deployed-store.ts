import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { INGEST_COUNTING_LEASE_SECONDS } from '../../config';
import { DynamoIncidentStore } from './store';

/** Where the store reports what it deliberately does not raise (a failed cleanup of `pendingEvents`); the Powertools logger fits. */
export interface StoreWarnings {
  warn(message: string, details: Record<string, unknown>): void;
}

/**
 * The incident store on the deployed table as the ingest Lambda counts with it: the Lambda's lease
 * ({@link INGEST_COUNTING_LEASE_SECONDS}), and warnings to `warnings` (the Powertools logger in the
 * Lambda, standard error in the CLI). `replay --table` builds it here too, since it shares the markers.
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
