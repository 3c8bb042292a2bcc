import { BatchGetItemCommand, GetItemCommand, QueryCommand, type KeysAndAttributes, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { StoreError } from '../errors';
import type { ActivityReader, IncidentReader, ListFilter } from '../ports';
import { INCIDENT_STATUSES } from '../types';
import type { DailyCount, Incident, Occurrence } from '../types';
import type { Item } from './attribute-values';
import { incidentFromItem, occurrenceFromItem } from './item-mapping';
import { BY_DAY_INDEX, BY_STATUS_INDEX, dayGsiPk, OCCURRENCE_SK_PREFIX, incidentPk, statusGsiPk, utcDaysOverlapping } from './table-design';
import { sleep, type TableAccess } from './table-access';
import { incidentKey } from './update-expressions';

/**
 * The reads of the incident table (README.md, "Every read is a key lookup or a Query; nothing scans"):
 * consistent GetItem, Query on the table and its two indexes, BatchGetItem.
 */

const DEFAULT_OCCURRENCES_LIMIT = 100;
const MAX_BATCH_GET_ATTEMPTS = 8;
const BATCH_GET_SIZE = 100;
const DAY_QUERY_CONCURRENCY = 8;

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

  /** The incident, read consistently; null when the fingerprint was never recorded. */
  async get(fingerprint: string): Promise<Incident | null> {
    const item = await getIncidentItem(this.table, fingerprint, 'get');
    return item ? incidentFromItem(item) : null;
  }

  /** Incidents by status (every status when none is given), most recently seen first, through `byStatus`. */
  async list(filter: ListFilter = {}): Promise<Incident[]> {
    const statuses = filter.status ? [filter.status] : INCIDENT_STATUSES;
    const limit = filter.limit;
    const perStatus = await Promise.all(
      statuses.map((status) =>
        this.queryAll(
          'list',
          {
            TableName: this.table.tableName,
            IndexName: BY_STATUS_INDEX,
            KeyConditionExpression: 'GSI1PK = :pk',
            ExpressionAttributeValues: { ':pk': { S: statusGsiPk(status) } },
            ScanIndexForward: false,
          },
          limit,
        ),
      ),
    );
    const incidents = perStatus.flat().map(incidentFromItem).sort(byLastSeenDescending);
    return limit === undefined ? incidents : incidents.slice(0, limit);
  }

  /** Most recent occurrences first (default limit 100); expired ones disappear when DynamoDB's TTL deletes them. */
  async occurrences(fingerprint: string, limit = DEFAULT_OCCURRENCES_LIMIT): Promise<Occurrence[]> {
    const items = await this.queryAll(
      'occurrences',
      {
        TableName: this.table.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': { S: incidentPk(fingerprint) }, ':prefix': { S: OCCURRENCE_SK_PREFIX } },
        ScanIndexForward: false,
      },
      limit,
    );
    return items.map(occurrenceFromItem);
  }

  /** Occurrence counts per fingerprint and UTC day from the day rollups (one `byDay` query per day). */
  async dailyCounts(from: Date, to: Date): Promise<DailyCount[]> {
    const days = utcDaysOverlapping(from, to);
    const results: DailyCount[][] = [];
    for (let i = 0; i < days.length; i += DAY_QUERY_CONCURRENCY) {
      const batch = days.slice(i, i + DAY_QUERY_CONCURRENCY);
      results.push(...(await Promise.all(batch.map((day) => this.dayCounts(day)))));
    }
    return results.flat();
  }

  private async dayCounts(day: string): Promise<DailyCount[]> {
    const items = await this.queryAll('dailyCounts', {
      TableName: this.table.tableName,
      IndexName: BY_DAY_INDEX,
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': { S: dayGsiPk(day) } },
    });
    return items.map((item) => ({
      fingerprint: item.GSI2SK?.S ?? '',
      day,
      count: Number(item.count?.N ?? '0'),
    }));
  }

  /** Incidents seen in [from, to): the day rollups name the candidates, firstSeen/lastSeen trim partial days. */
  async listSeenBetween(from: Date, to: Date): Promise<Incident[]> {
    const fingerprints = [...new Set((await this.dailyCounts(from, to)).map((c) => c.fingerprint))];
    const incidents = await this.batchGetIncidents(fingerprints);
    const fromIso = from.toISOString();
    const toIso = to.toISOString();
    return incidents.filter((i) => i.firstSeen < toIso && i.lastSeen >= fromIso).sort(byLastSeenDescending);
  }

  private async batchGetIncidents(fingerprints: readonly string[]): Promise<Incident[]> {
    const found: Incident[] = [];
    for (let i = 0; i < fingerprints.length; i += BATCH_GET_SIZE) {
      found.push(...(await this.batchGetChunk(fingerprints.slice(i, i + BATCH_GET_SIZE))));
    }
    return found;
  }

  /** One BatchGetItem of at most 100 incidents, retrying unprocessed keys with backoff. */
  private async batchGetChunk(fingerprints: readonly string[]): Promise<Incident[]> {
    const { tableName } = this.table;
    const found: Incident[] = [];
    let request: Record<string, KeysAndAttributes> | undefined = { [tableName]: { Keys: fingerprints.map(incidentKey) } };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt >= MAX_BATCH_GET_ATTEMPTS) {
        throw new StoreError('BatchGetItem kept returning unprocessed keys', { operation: 'listSeenBetween/BatchGetItem' });
      }
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
      const requestItems: Record<string, KeysAndAttributes> = request;
      const output = await this.table.run('listSeenBetween', 'BatchGetItem', () =>
        this.table.client.send(new BatchGetItemCommand({ RequestItems: requestItems })),
      );
      found.push(...(output.Responses?.[tableName] ?? []).map(incidentFromItem));
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
