import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { applyCheckpoint, newCursor } from '../../lib/backfill/cursor';
import { TableCursorStore, cursorItemKey } from '../../lib/history/table-cursor';
import { freshStore, useEmbeddedDynamoDB } from '../support/dynamodb';

const dynamo = useEmbeddedDynamoDB();
const window = { since: new Date('2026-11-15T00:00:00Z'), until: new Date('2026-11-22T00:00:00Z') };
const now = new Date('2026-11-22T08:00:00Z');

describe('TableCursorStore (embedded DynamoDB)', () => {
  it('keeps the cursor as one item of the incidents table, outside every incident listing', async () => {
    const incidents = await freshStore(dynamo.client);
    const tableName = incidents.tableName;
    const store = new TableCursorStore(dynamo.client, tableName, 's3', 's3:bucket=b');
    expect(await store.load()).toBeNull();
    const cursor = applyCheckpoint(newCursor('s3', 's3:bucket=b', window, now), { unit: 'AWSLogs/x/', position: 'k', done: false }, now);
    await store.save(cursor);
    expect(await store.load()).toEqual(cursor);
    await store.save({ ...cursor, complete: true });
    expect((await store.load())?.complete).toBe(true);
    expect(store.location).toBe(`table ${tableName}, item ${cursorItemKey('s3', 's3:bucket=b').PK.S}`);
    expect(await incidents.list()).toEqual([]);
  });

  it('refuses an item that is not a cursor', async () => {
    const incidents = await freshStore(dynamo.client);
    const tableName = incidents.tableName;
    const store = new TableCursorStore(dynamo.client, tableName, 'lake', 'lake:x');
    await dynamo.client.send(new PutItemCommand({ TableName: tableName, Item: { ...cursorItemKey('lake', 'lake:x'), cursor: { S: '{"version":9}' } } }));
    await expect(store.load()).rejects.toThrow(/is not a backfill cursor: give --restart/);
  });
});
