import { BatchGetItemCommand, BatchWriteItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { StoreError } from '../errors';
import { toItem, type Item } from './attribute-values';
import type { TableAccess } from './table-access';
import { incidentPk, occurrenceSk } from './table-design';
import { claimMarkerPut, eventMarkerKey, type MarkerClaim, type OccurrenceFields } from './update-expressions';

/**
 * Event markers read and written many at a time, for the batched counting of record-batch.ts (only where
 * the store is the table's one writer). Unconditional: the caller has read the markers it writes.
 */

const OPERATION = 'recordOccurrences';
/** DynamoDB's limits per call. */
const BATCH_GET_KEYS = 100;
const BATCH_WRITE_ITEMS = 25;
/** Unprocessed items are retried this many times before the batch fails (DynamoDB throttling; never seen locally). */
const MAX_UNPROCESSED_ROUNDS = 8;

/** The markers of `eventIds` that exist, read consistently: eventId → state (`pending` or `counted`). */
export async function readMarkerStates(table: TableAccess, eventIds: readonly string[]): Promise<Map<string, string>> {
  const states = new Map<string, string>();
  for (let start = 0; start < eventIds.length; start += BATCH_GET_KEYS) {
    let keys: Array<Record<string, AttributeValue>> = eventIds.slice(start, start + BATCH_GET_KEYS).map(eventMarkerKey);
    for (let round = 0; keys.length > 0; round++) {
      if (round === MAX_UNPROCESSED_ROUNDS) throw new StoreError('event markers stayed unprocessed', { operation: `${OPERATION}/BatchGetItem` });
      const request = { Keys: keys, ConsistentRead: true, ProjectionExpression: 'PK, #s', ExpressionAttributeNames: { '#s': 'state' } };
      const output = await table.run(OPERATION, 'BatchGetItem', () =>
        table.client.send(new BatchGetItemCommand({ RequestItems: { [table.tableName]: request } })),
      );
      for (const item of output.Responses?.[table.tableName] ?? []) {
        states.set(item.PK?.S?.slice('EVT#'.length) ?? '', item.state?.S ?? 'pending');
      }
      keys = output.UnprocessedKeys?.[table.tableName]?.Keys ?? [];
    }
  }
  return states;
}

/** Puts the items, 25 per BatchWriteItem, until none is left unprocessed. */
export async function putMarkers(table: TableAccess, items: readonly Item[]): Promise<void> {
  for (let start = 0; start < items.length; start += BATCH_WRITE_ITEMS) {
    let requests = items.slice(start, start + BATCH_WRITE_ITEMS).map((Item) => ({ PutRequest: { Item } }));
    for (let round = 0; requests.length > 0; round++) {
      if (round === MAX_UNPROCESSED_ROUNDS) throw new StoreError('event markers stayed unprocessed', { operation: `${OPERATION}/BatchWriteItem` });
      const output = await table.run(OPERATION, 'BatchWriteItem', () =>
        table.client.send(new BatchWriteItemCommand({ RequestItems: { [table.tableName]: requests } })),
      );
      requests = (output.UnprocessedItems?.[table.tableName] ?? []).flatMap((r) => (r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : []));
    }
  }
}

/** Step 1's pending marker (the same item as the conditional claim's). */
export function pendingMarkerItem(tableName: string, claim: MarkerClaim): Item {
  return claimMarkerPut(tableName, claim).Item as Item;
}

/** Step 4's counted marker: the pending marker with what marking it counted sets (markCountedUpdate), in one item. */
export function countedMarkerItem(tableName: string, claim: MarkerClaim, occurrence: OccurrenceFields): Item {
  const counted: Record<string, unknown> = {
    state: 'counted',
    countedAt: claim.now.toISOString(),
    GSI3PK: incidentPk(occurrence.fingerprint),
    GSI3SK: occurrenceSk(occurrence.eventTime, occurrence.eventId),
  };
  for (const [name, value] of Object.entries(occurrence)) if (value !== undefined) counted[name] = value;
  return { ...pendingMarkerItem(tableName, claim), ...toItem(counted) };
}
