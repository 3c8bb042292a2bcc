import { DescribeTableCommand, GetItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Item } from './attribute-values';

/**
 * A measuring harness for the write path: a middleware on a DynamoDB client that records every write
 * call (PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems) and read call, and prices
 * each write in write request units (WRU) by DynamoDB's billing rules, from the item's size before and
 * after the write, read with a consistent GetItem on a separate, un-metered client:
 *
 * - the table: 1 WRU per started KB of the larger of the before/after item (a Put, an Update, a Delete;
 *   a write whose condition failed still costs the size of the item it found, at least 1 WRU);
 * - each global secondary index: no write when the projected item is unchanged; one write of the
 *   projected size when it enters, leaves or changes in place; a delete plus a put (two writes) when its
 *   index key changes.
 *
 * Item sizes follow DynamoDB's rule: attribute names plus values (strings and binaries by length, numbers
 * about one byte per two digits plus one, 3 bytes of overhead per map or list plus 1 per element).
 * Meant for sequential measurement (tests, the bench): concurrent writes to one item would blur the before/after reads.
 */

const WRITE_CALLS = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'] as const;
const READ_CALLS = ['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems'] as const;
type WriteCall = (typeof WRITE_CALLS)[number];

const KB = 1024;
const wruOf = (bytes: number): number => Math.max(1, Math.ceil(bytes / KB));

/** Size in bytes of one attribute value by DynamoDB's item-size rules. */
export function attributeValueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S, 'utf8');
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s, 'utf8'), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.length, 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + 1 + attributeValueSize(v), 0);
  if (value.M !== undefined) return 3 + Object.entries(value.M).reduce((sum, [k, v]) => sum + 1 + Buffer.byteLength(k, 'utf8') + attributeValueSize(v), 0);
  return 0;
}

function numberSize(n: string): number {
  const digits = n.replace(/^[-+]/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

/** Size in bytes of an item: attribute names plus values. */
export function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name, 'utf8') + attributeValueSize(value), 0);
}

interface IndexShape {
  name: string;
  keys: string[];
  /** Projected non-key attributes: 'ALL', or a list (empty for KEYS_ONLY). */
  projection: 'ALL' | string[];
}

/** The counts and units of the calls seen since the last reset. */
export interface MeterReading {
  writes: number;
  reads: number;
  byCall: Record<string, number>;
  /** Table write units, without the indexes. */
  tableWru: number;
  /** Index write units. */
  indexWru: number;
  /** tableWru + indexWru. */
  wru: number;
  /** The largest item written (bytes, after the write). */
  largestItem: number;
  /** Every item's size after each write, in call order (bytes). */
  itemSizes: number[];
}

const emptyReading = (): MeterReading => ({ writes: 0, reads: 0, byCall: {}, tableWru: 0, indexWru: 0, wru: 0, largestItem: 0, itemSizes: [] });

/** The write meter of one client and table: `attach()` once, `reset()` before and `reading()` after what is measured. */
export class WriteMeter {
  private current = emptyReading();
  private indexes: IndexShape[] | undefined;
  private tableKeys: string[] = ['PK', 'SK'];

  constructor(
    private readonly client: DynamoDBClient,
    /** An un-metered client on the same endpoint, for the before/after reads. */
    private readonly rawClient: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** Adds the metering middleware to the client (every command sent through it is counted). */
  attach(): this {
    this.client.middlewareStack.add(
      (next, context) => async (args) => {
        const call = String((context as { commandName?: string }).commandName ?? '').replace(/Command$/, '');
        const input = (args as { input: Record<string, unknown> }).input;
        if ((WRITE_CALLS as readonly string[]).includes(call)) return this.meterWrite(call as WriteCall, input, () => next(args));
        if ((READ_CALLS as readonly string[]).includes(call)) this.count(call, 'reads');
        return next(args);
      },
      { step: 'initialize', name: 'accessAuditorWriteMeter' },
    );
    return this;
  }

  reset(): void {
    this.current = emptyReading();
  }

  reading(): MeterReading {
    return { ...this.current, byCall: { ...this.current.byCall }, itemSizes: [...this.current.itemSizes] };
  }

  /** Reads an item on the un-metered path. */
  async readItem(key: Item): Promise<Item | undefined> {
    const out = await this.rawClient.send(new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return out.Item;
  }

  private count(call: string, kind: 'writes' | 'reads'): void {
    this.current[kind] += 1;
    this.current.byCall[call] = (this.current.byCall[call] ?? 0) + 1;
  }

  private async meterWrite<T>(call: WriteCall, input: Record<string, unknown>, send: () => Promise<T>): Promise<T> {
    this.count(call, 'writes');
    const keys = await this.keysOf(call, input);
    const before = await Promise.all(keys.map((k) => this.readItem(k)));
    let failed = false;
    try {
      return await send();
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      const after = failed ? before : await Promise.all(keys.map((k) => this.readItem(k)));
      await this.price(before, after, failed);
    }
  }

  private async price(before: Array<Item | undefined>, after: Array<Item | undefined>, failed: boolean): Promise<void> {
    const indexes = await this.indexShapes();
    before.forEach((b, i) => {
      const a = after[i];
      const table = wruOf(Math.max(itemSize(b), itemSize(a)));
      this.current.tableWru += table;
      this.current.itemSizes.push(itemSize(a));
      this.current.largestItem = Math.max(this.current.largestItem, itemSize(a));
      if (failed) return;
      for (const index of indexes) this.current.indexWru += indexWrites(index, this.tableKeys, b, a);
    });
    this.current.wru = this.current.tableWru + this.current.indexWru;
  }

  private async keysOf(call: WriteCall, input: Record<string, unknown>): Promise<Item[]> {
    await this.indexShapes();
    const pick = (item: Item): Item => Object.fromEntries(this.tableKeys.map((k) => [k, item[k]!]));
    if (call === 'PutItem') return [pick(input.Item as Item)];
    if (call === 'UpdateItem' || call === 'DeleteItem') return [input.Key as Item];
    if (call === 'BatchWriteItem') {
      const requests = (input.RequestItems as Record<string, Array<{ PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }>>)[this.tableName] ?? [];
      return requests.map((r) => (r.PutRequest ? pick(r.PutRequest.Item) : r.DeleteRequest!.Key));
    }
    const items = (input.TransactItems as Array<Record<string, { Item?: Item; Key?: Item }>>) ?? [];
    return items.flatMap((t) => Object.values(t).map((op) => (op.Item ? pick(op.Item) : op.Key!)));
  }

  private async indexShapes(): Promise<IndexShape[]> {
    if (this.indexes) return this.indexes;
    const { Table } = await this.rawClient.send(new DescribeTableCommand({ TableName: this.tableName }));
    this.tableKeys = (Table?.KeySchema ?? []).map((k) => k.AttributeName!);
    this.indexes = (Table?.GlobalSecondaryIndexes ?? []).map((gsi) => ({
      name: gsi.IndexName!,
      keys: (gsi.KeySchema ?? []).map((k) => k.AttributeName!),
      projection: gsi.Projection?.ProjectionType === 'ALL' ? 'ALL' : (gsi.Projection?.NonKeyAttributes ?? []),
    }));
    return this.indexes;
  }
}

/** The index entry of an item (undefined when the item lacks an index key: sparse). */
function projected(index: IndexShape, tableKeys: string[], item: Item | undefined): Item | undefined {
  if (!item || index.keys.some((k) => item[k] === undefined)) return undefined;
  if (index.projection === 'ALL') return item;
  const names = new Set([...index.keys, ...tableKeys, ...index.projection]);
  return Object.fromEntries(Object.entries(item).filter(([name]) => names.has(name)));
}

const sameValue = (a: AttributeValue | undefined, b: AttributeValue | undefined): boolean => JSON.stringify(a) === JSON.stringify(b);

function sameItem(a: Item, b: Item): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].every((n) => sameValue(a[n], b[n]));
}

/** Index write units of one table write. */
export function indexWrites(index: IndexShape, tableKeys: string[], before: Item | undefined, after: Item | undefined): number {
  const b = projected(index, tableKeys, before);
  const a = projected(index, tableKeys, after);
  if (!b && !a) return 0;
  if (!b) return wruOf(itemSize(a));
  if (!a) return wruOf(itemSize(b));
  if (index.keys.some((k) => !sameValue(b[k], a[k]))) return wruOf(itemSize(b)) + wruOf(itemSize(a));
  return sameItem(a, b) ? 0 : wruOf(Math.max(itemSize(a), itemSize(b)));
}

/** What {@link measureWrites} reports: per event kind, write calls and units, and the item sizes seen. */
export interface WriteFigures {
  writes_per_new: number;
  writes_per_repeat: number;
  writes_per_duplicate: number;
  reads_per_new: number;
  reads_per_repeat: number;
  reads_per_duplicate: number;
  wru_per_new: number;
  wru_per_repeat: number;
  wru_per_duplicate: number;
  /** Index part of wru_per_repeat. */
  index_wru_per_repeat: number;
  /** The largest item written by a repeat and by a new incident (bytes). */
  largest_item_repeat: number;
  largest_item_new: number;
  /** Write calls of a repeat by DynamoDB operation. */
  repeat_calls: Record<string, number>;
  repeats_measured: number;
}

/** How {@link measureWrites} delivers one event: a new eventID (or, for the duplicate, one already delivered). */
export type Deliver = (eventId: string, index: number) => Promise<void>;

/**
 * Delivers one new event, `repeats` further events of the same incident and one duplicate delivery
 * (a redelivery of the last event), through `deliver`, and reads the meter around each. Repeat figures
 * are averages over the repeats (rounded to two decimals).
 */
export async function measureWrites(meter: WriteMeter, deliver: Deliver, repeats = 8): Promise<WriteFigures> {
  const round = (n: number): number => Math.round(n * 100) / 100;
  meter.reset();
  await deliver('meter-0', 0);
  const created = meter.reading();
  const perRepeat: MeterReading[] = [];
  for (let i = 1; i <= repeats; i++) {
    meter.reset();
    await deliver(`meter-${i}`, i);
    perRepeat.push(meter.reading());
  }
  meter.reset();
  await deliver(`meter-${repeats}`, repeats);
  const duplicate = meter.reading();
  const mean = (f: (r: MeterReading) => number): number => round(perRepeat.reduce((s, r) => s + f(r), 0) / perRepeat.length);
  const calls: Record<string, number> = {};
  for (const r of perRepeat)
    for (const [c, n] of Object.entries(r.byCall)) if ((WRITE_CALLS as readonly string[]).includes(c)) calls[c] = (calls[c] ?? 0) + n / repeats;
  return {
    writes_per_new: created.writes,
    writes_per_repeat: mean((r) => r.writes),
    writes_per_duplicate: duplicate.writes,
    reads_per_new: created.reads,
    reads_per_repeat: mean((r) => r.reads),
    reads_per_duplicate: duplicate.reads,
    wru_per_new: created.wru,
    wru_per_repeat: mean((r) => r.wru),
    wru_per_duplicate: duplicate.wru,
    index_wru_per_repeat: mean((r) => r.indexWru),
    largest_item_repeat: Math.max(...perRepeat.map((r) => r.largestItem)),
    largest_item_new: created.largestItem,
    repeat_calls: Object.fromEntries(Object.entries(calls).map(([c, n]) => [c, round(n)])),
    repeats_measured: repeats,
  };
}
