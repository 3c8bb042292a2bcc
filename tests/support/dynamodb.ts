/**
 * The embedded DynamoDB of a suite: `useEmbeddedDynamoDB()` at the top of a test file starts one
 * in-memory dynalite server and client for the whole file (beforeAll) and closes it after the last
 * test (afterAll). Tests that must not see each other's items take a fresh table each
 * ({@link freshStore}); tests that share a table across the suite make one themselves.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoIncidentStore, type DynamoIncidentStoreOptions } from '../../lib/incidents/dynamodb/store';
import { startEmbeddedDynamoDB, type EmbeddedDynamoDB } from '../../lib/incidents/embedded/embedded-dynamodb';

export interface SuiteDynamoDB {
  /** The SDK client bound to the suite's server (available from beforeAll on). */
  readonly client: DynamoDBClient;
  readonly endpoint: string;
}

export function useEmbeddedDynamoDB(): SuiteDynamoDB {
  let running: EmbeddedDynamoDB | undefined;
  beforeAll(async () => {
    running = await startEmbeddedDynamoDB({ inMemory: true });
  });
  afterAll(async () => {
    await running?.close();
    running = undefined;
  });
  const current = (): EmbeddedDynamoDB => {
    if (!running) throw new Error('the embedded DynamoDB runs from beforeAll to afterAll of the suite');
    return running;
  };
  return {
    get client() {
      return current().client;
    },
    get endpoint() {
      return current().endpoint;
    },
  };
}

let tables = 0;

/** A table name no other test of this process uses. */
export function freshTableName(prefix = 'incidents'): string {
  return `${prefix}-${process.pid}-${++tables}`;
}

/** A store on a brand-new table, so tests sharing one server never see each other's items. */
export async function freshStore(client: DynamoDBClient, options: Partial<Omit<DynamoIncidentStoreOptions, 'client'>> = {}): Promise<DynamoIncidentStore> {
  const store = new DynamoIncidentStore({ client, tableName: freshTableName(), ...options });
  await store.ensureTable();
  return store;
}
