import { BatchGetItemCommand, GetItemCommand, QueryCommand, type KeysAndAttributes, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { StoreError } from '../errors';
import type { ActivityReader, IncidentReader, ListFilter } from '../ports';
import { INCIDENT_STATUSES } from '../types';
import type { DailyCount, Incident, Occurrence } from '../types';
import type { Item } from './attribute-values';
import { hasLatest, incidentFromItem, occurrenceFromItem } from './item-mapping';
import { BY_STATUS_INDEX, INCIDENT_SK, LATEST_SK, OCCURRENCE_SK_PREFIX, OCCURRENCES_INDEX, incidentPk, statusGsiPk, utcDaysOverlapping } from './table-design';
import { sleep, type TableAccess } from './table-access';
import { incidentKey, latestKey } from './update-expressions';

/**
 * The reads of the incident table (README.md, "Every read is a key lookup or a Query; nothing scans"):
 * consistent GetItem, Query on the table and its two indexes, BatchGetItem.
 */

const DEFAULT_OCCURRENCES_LIMIT = 100;
const MAX_BATCH_GET_ATTEMPTS = 8;
/** Incidents per BatchGetItem: two keys each (the incident and its latest explanation), 100 keys at most. */
const BATCH_GET_INCIDENTS = 50;
const INCIDENT_QUERY_CONCURRENCY = 8;

/** The incident item, read consistently; `operation` names the store operation in a StoreError. */
export async function getIncidentItem(table: TableAccess, fingerprint: string, operation: string): Promise<Item | undefined> {
  const output = await table.run(operation, 'GetItem', () =>
    table.client.send(new GetItemCommand({ TableName: table.tableName, Key: incidentKey(fingerprint), ConsistentRead: true })),
  );
  return output.Item;
}

/** Most recently seen first; ties by fingerprint. */
export function byLastSeenDescending(a: Incident, b: Incident): number {
  if (a.lastSeen !== b.lastSeen) return a.lastSeen < b.lastSeen ? 1 : -1;
  return a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0;
}

/** {@link IncidentReader} and {@link ActivityReader} on the incident table. */
export class DynamoIncidentReader implements IncidentReader, ActivityReader {
  constructor(private readonly table: TableAccess) {}

  /**
   * The incident, read consistently (its item and its latest explanation); null when the fingerprint was
   * never recorded, or while its first delivery has not yet stored the explanation.
   */
  async get(fingerprint: string): Promise<Incident | null> {
    const read = (key: Item) =>
      this.table.run('get', 'GetItem', () => this.table.client.send(new GetItemCommand({ TableName: this.table.tableName, Key: key, ConsistentRead: true })));
    const [item, latest] = await Promise.all([read(incidentKey(fingerprint)), read(latestKey(fingerprint))]);
    if (!item.Item || !hasLatest(item.Item, latest.Item)) return null;
    return incidentFromItem(item.Item, latest.Item);
  }

  /**
   * Incidents by status (every status when none is given), most recently seen first: the `statusKeys`
   * index names them (keys only, its sort key never moves), BatchGetItem reads them, and they are sorted here.
   */
  async list(filter: ListFilter = {}): Promise<Incident[]> {
    const statuses = filter.status ? [filter.status] : INCIDENT_STATUSES;
    const limit = filter.limit;
    if (limit !== undefined && limit < 1) return [];
    const perStatus = await Promise.all(
      statuses.map((status) =>
        this.queryAll('list', {
          TableName: this.table.tableName,
          IndexName: BY_STATUS_INDEX,
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': { S: statusGsiPk(status) } },
        }),
      ),
    );
    const fingerprints = perStatus.flat().map((key) => (key.PK?.S ?? '').slice(incidentPk('').length));
    const incidents = (await this.batchGetIncidents('list', fingerprints)).sort(byLastSeenDescending);
    return limit === undefined ? incidents : incidents.slice(0, limit);
  }

  /**
   * Most recent occurrences first (default limit 100): counted event markers, through the `occurrences`
   * index, and occurrence items written before issue 10 (`OCC#` items of the incident, until their TTL).
   * Both expire with DynamoDB's TTL.
   */
  async occurrences(fingerprint: string, limit = DEFAULT_OCCURRENCES_LIMIT): Promise<Occurrence[]> {
    const [indexed, legacy] = await Promise.all([
      this.queryAll('occurrences', { ...this.occurrenceQuery(fingerprint), ScanIndexForward: false }, limit),
      this.queryAll('occurrences', { ...this.legacyOccurrenceQuery(fingerprint), ScanIndexForward: false }, limit),
    ]);
    const bySortKey = new Map<string, Item>();
    for (const item of legacy) bySortKey.set(item.SK?.S ?? '', item);
    for (const item of indexed) bySortKey.set(item.GSI3SK?.S ?? '', item);
    const newestFirst = [...bySortKey.entries()].sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0)).map(([, item]) => item);
    return newestFirst.slice(0, limit).map(occurrenceFromItem);
  }

  /**
   * Occurrence counts per fingerprint and UTC day, computed at read time: the incidents whose
   * [firstSeen, lastSeen] overlaps the days are the candidates, and each one's occurrence keys in those
   * days are counted (one Query of the `occurrences` index, one of pre-issue-10 occurrence items, per
   * candidate). Occurrences expire with the marker horizon, so only days within it are counted.
   */
  async dailyCounts(from: Date, to: Date): Promise<DailyCount[]> {
    const days = utcDaysOverlapping(from, to);
    if (days.length === 0) return [];
    const firstDay = days[0]!;
    const lastDay = days[days.length - 1]!;
    const candidates = (await this.list()).filter((i) => i.firstSeen.slice(0, 10) <= lastDay && i.lastSeen.slice(0, 10) >= firstDay);
    const counts: DailyCount[] = [];
    for (let i = 0; i < candidates.length; i += INCIDENT_QUERY_CONCURRENCY) {
      const batch = candidates.slice(i, i + INCIDENT_QUERY_CONCURRENCY);
      counts.push(...(await Promise.all(batch.map((c) => this.countPerDay(c.fingerprint, firstDay, lastDay)))).flat());
    }
    return counts.sort((a, b) => (a.day !== b.day ? (a.day < b.day ? -1 : 1) : a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  }

  private async countPerDay(fingerprint: string, firstDay: string, lastDay: string): Promise<DailyCount[]> {
    const range = { ':lo': { S: `${OCCURRENCE_SK_PREFIX}${firstDay}` }, ':hi': { S: `${OCCURRENCE_SK_PREFIX}${lastDay}~` } };
    const indexed = this.occurrenceQuery(fingerprint);
    const legacy = this.legacyOccurrenceQuery(fingerprint);
    const [a, b] = await Promise.all([
      this.queryAll('dailyCounts', {
        ...indexed,
        KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ...indexed.ExpressionAttributeValues, ...range },
        ProjectionExpression: 'GSI3SK',
      }),
      this.queryAll('dailyCounts', {
        ...legacy,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': { S: incidentPk(fingerprint) }, ...range },
        ProjectionExpression: 'SK',
      }),
    ]);
    const sortKeys = new Set([...a.map((item) => item.GSI3SK?.S ?? ''), ...b.map((item) => item.SK?.S ?? '')]);
    const perDay = new Map<string, number>();
    for (const key of sortKeys) {
      const day = key.slice(OCCURRENCE_SK_PREFIX.length, OCCURRENCE_SK_PREFIX.length + 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    return [...perDay.entries()].map(([day, count]) => ({ fingerprint, day, count }));
  }

  private occurrenceQuery(fingerprint: string): QueryCommandInput {
    return {
      TableName: this.table.tableName,
      IndexName: OCCURRENCES_INDEX,
      KeyConditionExpression: 'GSI3PK = :pk',
      ExpressionAttributeValues: { ':pk': { S: incidentPk(fingerprint) } },
    };
  }

  private legacyOccurrenceQuery(fingerprint: string): QueryCommandInput {
    return {
      TableName: this.table.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': { S: incidentPk(fingerprint) }, ':prefix': { S: OCCURRENCE_SK_PREFIX } },
    };
  }

  /** Incidents seen in [from, to): those with occurrences on the days of the range, trimmed by firstSeen/lastSeen. */
  async listSeenBetween(from: Date, to: Date): Promise<Incident[]> {
    const seen = new Set((await this.dailyCounts(from, to)).map((c) => c.fingerprint));
    const incidents = await this.batchGetIncidents('listSeenBetween', [...seen]);
    const fromIso = from.toISOString();
    const toIso = to.toISOString();
    return incidents.filter((i) => i.firstSeen < toIso && i.lastSeen >= fromIso).sort(byLastSeenDescending);
  }

  /** The incidents of `fingerprints` (each with its latest explanation), in BatchGetItem chunks; unreadable ones are left out. */
  private async batchGetIncidents(operation: string, fingerprints: readonly string[]): Promise<Incident[]> {
    const found: Incident[] = [];
    for (let i = 0; i < fingerprints.length; i += BATCH_GET_INCIDENTS) {
      const chunk = fingerprints.slice(i, i + BATCH_GET_INCIDENTS);
      const items = await this.batchGetChunk(operation, [...chunk.map(incidentKey), ...chunk.map(latestKey)]);
      const byKey = new Map(items.map((item) => [`${item.PK?.S}/${item.SK?.S}`, item]));
      for (const fp of chunk) {
        const item = byKey.get(`${incidentPk(fp)}/${INCIDENT_SK}`);
        const latest = byKey.get(`${incidentPk(fp)}/${LATEST_SK}`);
        if (item && hasLatest(item, latest)) found.push(incidentFromItem(item, latest));
      }
    }
    return found;
  }

  /** One BatchGetItem of at most 100 keys, retrying unprocessed keys with backoff. */
  private async batchGetChunk(operation: string, keys: Item[]): Promise<Item[]> {
    const { tableName } = this.table;
    const found: Item[] = [];
    let request: Record<string, KeysAndAttributes> | undefined = { [tableName]: { Keys: keys } };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt >= MAX_BATCH_GET_ATTEMPTS) {
        throw new StoreError('BatchGetItem kept returning unprocessed keys', { operation: `${operation}/BatchGetItem` });
      }
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
      const requestItems: Record<string, KeysAndAttributes> = request;
      const output = await this.table.run(operation, 'BatchGetItem', () => this.table.client.send(new BatchGetItemCommand({ RequestItems: requestItems })));
      found.push(...(output.Responses?.[tableName] ?? []));
      request = output.UnprocessedKeys;
    }
    return found;
  }

  private async queryAll(operation: string, input: QueryCommandInput, limit?: number): Promise<Item[]> {
    const items: Item[] = [];
    // DynamoDB rejects Limit < 1.
    if (limit !== undefined && limit < 1) return items;
    let startKey: Item | undefined;
    do {
      const remaining = limit === undefined ? undefined : limit - items.length;
      const output = await this.table.run(operation, 'Query', () =>
        this.table.client.send(new QueryCommand({ ...input, ...(remaining !== undefined ? { Limit: remaining } : {}), ExclusiveStartKey: startKey })),
      );
      items.push(...(output.Items ?? []));
      startKey = output.LastEvaluatedKey;
    } while (startKey && (limit === undefined || items.length < limit));
    return items;
  }
}
