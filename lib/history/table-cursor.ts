import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { identityDigest, parseCursor, type BackfillCursor, type BackfillSourceKind, type CursorStore } from '../backfill/cursor';
import { UsageError } from '../errors';

/** The cursor item's key: its own partition, which no incident query (by fingerprint, status or occurrence index) reaches. */
export function cursorItemKey(source: BackfillSourceKind, identity: string): { PK: { S: string }; SK: { S: string } } {
  return { PK: { S: `BACKFILL#${source}-${identityDigest(identity)}` }, SK: { S: 'CURSOR' } };
}

/**
 * A backfill cursor kept in the incidents table (with --table), so that a backfill of the deployed table
 * resumes from any machine. One item, replaced whole on every save; read consistently.
 */
export class TableCursorStore implements CursorStore {
  readonly location: string;
  private readonly key: ReturnType<typeof cursorItemKey>;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    source: BackfillSourceKind,
    private readonly identity: string,
  ) {
    this.key = cursorItemKey(source, identity);
    this.location = `table ${tableName}, item ${this.key.PK.S}`;
  }

  async load(): Promise<BackfillCursor | null> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: this.key, ConsistentRead: true }));
    if (!Item) return null;
    let value: unknown;
    try {
      value = JSON.parse(Item.cursor?.S ?? '');
    } catch {
      value = undefined;
    }
    const cursor = parseCursor(value);
    if (!cursor) throw new UsageError(`${this.location} is not a backfill cursor: give --restart to start over (it is then replaced)`);
    return cursor;
  }

  async save(cursor: BackfillCursor): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: { ...this.key, cursor: { S: JSON.stringify(cursor) }, identity: { S: this.identity.slice(0, 2048) }, updatedAt: { S: cursor.updatedAt } },
      }),
    );
  }
}
