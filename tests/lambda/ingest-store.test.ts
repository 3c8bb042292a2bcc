import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadIngestConfig } from '../../lib/config';
import { GUARD_BATCH } from '../../lib/incidents/dynamodb/record-occurrence';
import { DynamoIncidentStore } from '../../lib/incidents/dynamodb/store';
import { startEmbeddedDynamoDB, type EmbeddedDynamoDB } from '../../lib/incidents/embedded/embedded-dynamodb';
import { EventInFlightError, StoreError } from '../../lib/incidents/errors';
import type { OccurrenceRecorder } from '../../lib/incidents/ports';
import { buildPipelineDeps, defaultClients } from '../../lib/lambda/ingest-dependencies';
import { INGEST_COUNTING_LEASE_SECONDS, INGEST_TIMEOUT_SECONDS, LAMBDA_ASYNC_RETRY_DELAYS_SECONDS } from '../../lib/config';
import { makeDenial } from '../incidents/fixtures';

const NOW = new Date('2026-11-20T10:00:00Z');
const secondsAfter = (seconds: number): Date => new Date(NOW.getTime() + seconds * 1000);

let dynamo: EmbeddedDynamoDB;
let tables = 0;
beforeAll(async () => {
  dynamo = await startEmbeddedDynamoDB({ inMemory: true });
});
afterAll(async () => dynamo.close());

/** A client that fails the calls `crashes` picks, as a Lambda dying mid-count would leave them. */
function crashingClient(crashes: (command: unknown) => boolean): DynamoDBClient {
  return {
    send: (command: unknown) => (crashes(command) ? Promise.reject(new Error('simulated crash')) : dynamo.client.send(command as never)),
  } as unknown as DynamoDBClient;
}
const isMarkerUpdate = (c: unknown): boolean => c instanceof UpdateItemCommand && (c.input.Key?.PK?.S ?? '').startsWith('EVT#');
const isCleanup = (c: unknown): boolean => c instanceof UpdateItemCommand && (c.input.UpdateExpression ?? '').startsWith('DELETE');

/** The store exactly as the Lambda wires it (buildPipelineDeps), on a fresh dynalite table. */
async function lambdaStore(client: DynamoDBClient, tableName: string, warn = jest.fn()): Promise<{ store: OccurrenceRecorder; warn: jest.Mock }> {
  const config = loadIngestConfig({ TABLE_NAME: tableName, TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:access-auditor-test-alerts' });
  const deps = buildPipelineDeps(config, { ...defaultClients('eu-west-1'), dynamodb: client }, () => NOW, { warn } as never);
  return { store: deps.store, warn };
}

async function freshTable(): Promise<string> {
  const tableName = `ingest-store-${++tables}`;
  await new DynamoIncidentStore({ client: dynamo.client, tableName }).ensureTable();
  return tableName;
}

describe('the counting lease of the ingest Lambda', () => {
  test('outlasts the function timeout and ends when Lambda retries a competing delivery', () => {
    expect(INGEST_COUNTING_LEASE_SECONDS).toBeGreaterThan(INGEST_TIMEOUT_SECONDS);
    // Lambda retries a failed async invocation after one minute, then two: the first retry must find it expired.
    expect(LAMBDA_ASYNC_RETRY_DELAYS_SECONDS).toEqual([60, 120]);
    expect(INGEST_COUNTING_LEASE_SECONDS).toBeLessThanOrEqual(LAMBDA_ASYNC_RETRY_DELAYS_SECONDS[0]);
  });

  test('is the lease the Lambda store holds: in flight through the timeout, taken over at the first retry, counted once', async () => {
    const tableName = await freshTable();
    const { store } = await lambdaStore(dynamo.client, tableName);
    const { store: dying } = await lambdaStore(crashingClient(isMarkerUpdate), tableName);
    const denial = makeDenial({ eventId: 'evt-lease', fingerprint: 'fp-lease' });
    await expect(dying.recordOccurrence(denial, NOW, { owner: 'request-1' })).rejects.toBeInstanceOf(StoreError);

    // A competing delivery (another request ID) while the owner may still run: retry later, lease named.
    const inFlight = await store.recordOccurrence(denial, secondsAfter(INGEST_TIMEOUT_SECONDS), { owner: 'request-2' }).catch((e: unknown) => e);
    expect(inFlight).toBeInstanceOf(EventInFlightError);
    expect((inFlight as EventInFlightError).leaseUntil).toBe(secondsAfter(INGEST_COUNTING_LEASE_SECONDS).toISOString());

    // Its retry, a minute after it failed, takes over the dead owner's claim and finishes the count.
    const retried = await store.recordOccurrence(denial, secondsAfter(INGEST_TIMEOUT_SECONDS + LAMBDA_ASYNC_RETRY_DELAYS_SECONDS[0]), { owner: 'request-2' });
    expect(retried).toMatchObject({ kind: 'counted', created: true, incident: { count: 1 } });
  });
});

describe('warnings of the Lambda store', () => {
  test('a failed cleanup is logged as a warning, not raised', async () => {
    const tableName = await freshTable();
    const warn = jest.fn();

    // Events counted by as many containers (none removes another's guard entry in its own update): the
    // event that fills the guard removes the counted ones in a batch, which fails here.
    let outcome;
    for (let i = 0; i < GUARD_BATCH; i++) {
      const { store } = await lambdaStore(crashingClient(isCleanup), tableName, warn);
      outcome = await store.recordOccurrence(makeDenial({ eventId: `evt-warn-${i}`, fingerprint: 'fp-warn' }), NOW);
    }

    expect(outcome).toMatchObject({ kind: 'counted', incident: { count: GUARD_BATCH } });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      'could not remove counted eventIDs from pendingEvents',
      expect.objectContaining({ eventIds: expect.arrayContaining(['evt-warn-0', `evt-warn-${GUARD_BATCH - 1}`]), key: 'INC#fp-warn/INCIDENT' }),
    );
  });
});
