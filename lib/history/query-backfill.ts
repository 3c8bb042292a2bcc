import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand as AthenaResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { CloudTrailClient, GetQueryResultsCommand as LakeResultsCommand, StartQueryCommand } from '@aws-sdk/client-cloudtrail';
import type { BackfillCursor } from '../backfill/cursor';
import type { BackfillItem, BackfillStats } from '../backfill/items';
import { athenaRows, lakeRow, rowToRecord, type ResultRow } from '../backfill/rows';
import { pacedCaller, type Clock } from '../backfill/token-bucket';

/** The one unit of a query backfill; its position is `{"id": <query id>, "token": <next result page>}`. */
export const QUERY_UNIT = 'query';

export class QueryFailedError extends Error {
  override name = 'QueryFailedError';
}

interface QueryCommon {
  query: string;
  cursor: BackfillCursor;
  stats: BackfillStats;
  clock: Clock;
  /** First wait between status polls (ms); grows to 5 s. */
  pollMs?: number;
  random?: () => number;
}

export interface AthenaBackfillOptions extends QueryCommon {
  client: AthenaClient;
  workGroup?: string;
  /** s3://… for the results, when the work group does not set one. */
  outputLocation?: string;
  catalog?: string;
}

export interface LakeBackfillOptions extends QueryCommon {
  client: CloudTrailClient;
}

function position(cursor: BackfillCursor): { id?: string; token?: string } {
  const p = cursor.units[QUERY_UNIT]?.position;
  if (!p) return {};
  try {
    const v = JSON.parse(p) as { id?: unknown; token?: unknown };
    return { id: typeof v.id === 'string' ? v.id : undefined, token: typeof v.token === 'string' ? v.token : undefined };
  } catch {
    return {};
  }
}

const checkpoint = (id: string, token?: string): BackfillItem => ({
  kind: 'checkpoint',
  checkpoint: { unit: QUERY_UNIT, position: JSON.stringify(token ? { id, token } : { id }), done: false },
});
const done: BackfillItem = { kind: 'checkpoint', checkpoint: { unit: QUERY_UNIT, done: true } };

function rowItems(rows: ResultRow[], stats: BackfillStats): BackfillItem[] {
  stats.records += rows.length;
  stats.denials += rows.length;
  return rows.map((row) => ({ kind: 'record', record: rowToRecord(row) }));
}

/** Polls until the query leaves its queued/running states; returns the final state and its reason. */
async function waitFor<T>(poll: () => Promise<T>, running: (s: T) => boolean, options: QueryCommon): Promise<T> {
  let wait = options.pollMs ?? 1000;
  for (;;) {
    const status = await poll();
    if (!running(status)) return status;
    await options.clock.sleep(wait);
    wait = Math.min(5000, Math.round(wait * 1.5));
  }
}

/**
 * Runs the denial query in Athena and hands its rows on, a result page (1,000 rows) at a time. The
 * query's ID is checkpointed as soon as it starts, so an interrupted run waits for (or pages through)
 * the same execution instead of paying for the scan again; an execution that did not succeed is
 * started anew.
 */
export async function* athenaBackfill(options: AthenaBackfillOptions): AsyncGenerator<BackfillItem> {
  if (options.cursor.units[QUERY_UNIT]?.done) return;
  const call = pacedCaller({ clock: options.clock, random: options.random, onRetry: () => void options.stats.retries++ });
  options.stats.totalUnits = null;
  const state = async (id: string) => (await call(() => options.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })))).QueryExecution;
  let { id, token } = position(options.cursor);
  let execution = id
    ? await waitFor(
        () => state(id as string),
        (e) => e?.Status?.State === 'QUEUED' || e?.Status?.State === 'RUNNING',
        options,
      )
    : undefined;
  if (!id || execution?.Status?.State !== 'SUCCEEDED') {
    const started = await call(() =>
      options.client.send(
        new StartQueryExecutionCommand({
          QueryString: options.query,
          WorkGroup: options.workGroup,
          ...(options.outputLocation ? { ResultConfiguration: { OutputLocation: options.outputLocation } } : {}),
          ...(options.catalog ? { QueryExecutionContext: { Catalog: options.catalog } } : {}),
        }),
      ),
    );
    if (!started.QueryExecutionId) throw new QueryFailedError('Athena StartQueryExecution returned no query execution ID');
    id = started.QueryExecutionId;
    token = undefined;
    yield checkpoint(id);
    execution = await waitFor(
      () => state(id as string),
      (e) => e?.Status?.State === 'QUEUED' || e?.Status?.State === 'RUNNING',
      options,
    );
  }
  options.stats.bytesScanned += execution?.Statistics?.DataScannedInBytes ?? 0;
  if (execution?.Status?.State !== 'SUCCEEDED') {
    throw new QueryFailedError(`Athena query ${id} ${execution?.Status?.State ?? 'ended'}: ${execution?.Status?.StateChangeReason ?? 'no reason given'}`);
  }
  let first = token === undefined;
  do {
    const page = await call(() => options.client.send(new AthenaResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: 1000 })));
    options.stats.pages++;
    const columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? '');
    let rows = page.ResultSet?.Rows ?? [];
    // A SELECT's first result page starts with the header row.
    if (first && rows[0]?.Data?.every((d, i) => d.VarCharValue === columns[i])) rows = rows.slice(1);
    first = false;
    yield* rowItems(athenaRows(columns, rows), options.stats);
    token = page.NextToken;
    if (token) yield checkpoint(id as string, token);
  } while (token);
  yield done;
}

/**
 * Runs the denial query in CloudTrail Lake (StartQuery, then GetQueryResults, which reports the status
 * until the query finishes and then pages its rows). Checkpointed like {@link athenaBackfill}.
 */
export async function* lakeBackfill(options: LakeBackfillOptions): AsyncGenerator<BackfillItem> {
  if (options.cursor.units[QUERY_UNIT]?.done) return;
  const call = pacedCaller({ clock: options.clock, random: options.random, onRetry: () => void options.stats.retries++ });
  options.stats.totalUnits = 1;
  const results = (id: string, token?: string) => call(() => options.client.send(new LakeResultsCommand({ QueryId: id, NextToken: token })));
  const isRunning = (r: { QueryStatus?: string }) => r.QueryStatus === 'QUEUED' || r.QueryStatus === 'RUNNING';
  let { id, token } = position(options.cursor);
  let page = id ? await waitFor(() => results(id as string, token), isRunning, options) : undefined;
  if (!id || page?.QueryStatus !== 'FINISHED') {
    const started = await call(() => options.client.send(new StartQueryCommand({ QueryStatement: options.query })));
    if (!started.QueryId) throw new QueryFailedError('CloudTrail Lake StartQuery returned no query ID');
    id = started.QueryId;
    yield checkpoint(id);
    page = await waitFor(() => results(id as string), isRunning, options);
  }
  if (page?.QueryStatus !== 'FINISHED') {
    throw new QueryFailedError(`CloudTrail Lake query ${id} ${page?.QueryStatus ?? 'ended'}: ${page?.ErrorMessage ?? 'no reason given'}`);
  }
  options.stats.bytesScanned = page.QueryStatistics?.BytesScanned ?? 0;
  const total = page.QueryStatistics?.TotalResultsCount;
  let seen = 0;
  for (;;) {
    options.stats.pages++;
    const rows = (page.QueryResultRows ?? []).map(lakeRow);
    seen += rows.length;
    if (total) options.stats.setUnitFraction(QUERY_UNIT, seen / total);
    yield* rowItems(rows, options.stats);
    token = page.NextToken;
    if (!token) break;
    yield checkpoint(id as string, token);
    page = await results(id as string, token);
  }
  yield done;
}
