import { BatchGetItemCommand, PutItemCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CONDITION_FAILED, TableAccess } from './table-access';

/**
 * Backup and move of a whole incident table, item by item: incidents, their latest explanations and the
 * event markers (which are the occurrences and the exactly-once memory), exactly as stored, in DynamoDB's
 * typed JSON. An import into another store therefore counts nothing twice that the first had counted.
 */

export type Item = Record<string, AttributeValue>;

/** The first line of an export. */
export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  version: 1;
  exportedAt: string;
  table: string;
}

export const EXPORT_FORMAT = 'access-auditor-incidents';

/** What an item of an import is, compared with what the store holds under its key. */
export type ItemComparison = 'missing' | 'identical' | 'different';

const OPERATION = 'backup';
const BATCH = 100;

export class DynamoTableBackup {
  private readonly table: TableAccess;

  constructor(client: DynamoDBClient, tableName: string) {
    this.table = new TableAccess(client, tableName);
  }

  header(now: Date): ExportHeader {
    return { format: EXPORT_FORMAT, version: 1, exportedAt: now.toISOString(), table: this.table.tableName };
  }

  /** Every item of the table (a consistent Scan: an administrative read, not a hot path). */
  async *items(): AsyncGenerator<Item> {
    let start: Item | undefined;
    do {
      const page = await this.table.run(OPERATION, 'Scan', () =>
        this.table.client.send(new ScanCommand({ TableName: this.table.tableName, ConsistentRead: true, ExclusiveStartKey: start })),
      );
      yield* page.Items ?? [];
      start = page.LastEvaluatedKey;
    } while (start);
  }

  /** Compares each item with the stored one under its key (consistent BatchGetItem, 100 keys a call). */
  async compare(items: readonly Item[]): Promise<ItemComparison[]> {
    const stored = new Map<string, Item>();
    for (let i = 0; i < items.length; i += BATCH) {
      let keys: Item[] = dedupeKeys(items.slice(i, i + BATCH));
      while (keys.length > 0) {
        const output = await this.table.run(OPERATION, 'BatchGetItem', () =>
          this.table.client.send(new BatchGetItemCommand({ RequestItems: { [this.table.tableName]: { Keys: keys, ConsistentRead: true } } })),
        );
        for (const item of output.Responses?.[this.table.tableName] ?? []) stored.set(keyOf(item), item);
        keys = (output.UnprocessedKeys?.[this.table.tableName]?.Keys ?? []) as Item[];
      }
    }
    return items.map((item) => {
      const current = stored.get(keyOf(item));
      if (!current) return 'missing';
      return canonical(current) === canonical(item) ? 'identical' : 'different';
    });
  }

  /** Writes an item: only where none is stored, unless `overwrite`. False when one appeared meanwhile. */
  async put(item: Item, overwrite: boolean): Promise<boolean> {
    const result = await this.table.conditional(OPERATION, 'PutItem', () =>
      this.table.client.send(
        new PutItemCommand({ TableName: this.table.tableName, Item: item, ...(overwrite ? {} : { ConditionExpression: 'attribute_not_exists(PK)' }) }),
      ),
    );
    return result !== CONDITION_FAILED;
  }
}

function dedupeKeys(items: readonly Item[]): Item[] {
  const keys = new Map<string, Item>();
  for (const item of items) keys.set(keyOf(item), { PK: item.PK!, SK: item.SK! });
  return [...keys.values()];
}

export function keyOf(item: Item): string {
  return JSON.stringify([item.PK?.S, item.SK?.S]);
}

/** A stable rendering for comparison: object keys sorted, and sets (unordered in DynamoDB) sorted. */
export function canonical(value: unknown): string {
  return JSON.stringify(normalise(value));
}

function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    out[key] = (key === 'SS' || key === 'NS') && Array.isArray(v) ? [...(v as string[])].sort() : normalise(v);
  }
  return out;
}

/** Checks that a parsed line is an item of this table: an object of attribute values with string keys PK and SK. */
export function isItem(value: unknown): value is Item {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const item = value as Record<string, unknown>;
  const isString = (v: unknown): boolean => typeof v === 'object' && v !== null && typeof (v as { S?: unknown }).S === 'string';
  if (!isString(item.PK) || !isString(item.SK)) return false;
  return Object.values(item).every((v) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1);
}
