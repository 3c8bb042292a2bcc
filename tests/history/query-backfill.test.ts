import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { CloudTrailClient, GetQueryResultsCommand as LakeResultsCommand, StartQueryCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { applyCheckpoint, newCursor, type BackfillCursor } from '../../lib/backfill/cursor';
import { BackfillStats, type BackfillItem } from '../../lib/backfill/items';
import { athenaBackfill, lakeBackfill, QUERY_UNIT } from '../../lib/history/query-backfill';
import { athenaRowOf, collect, exampleRecords, FakeClock, recordIds, throttling } from '../backfill/support';

const athena = mockClient(AthenaClient);
const lake = mockClient(CloudTrailClient);
const window = { since: new Date('2026-11-15T00:00:00Z'), until: new Date('2026-11-22T08:00:00Z') };
const now = new Date('2026-11-22T08:00:00Z');
const [r1, r2, r3] = exampleRecords;
const ids = [r1, r2, r3].map((r) => r!.eventID);

const columns = Object.keys(athenaRowOf(r1!));
const athenaRow = (r: Record<string, unknown>) => ({ Data: columns.map((c) => ({ VarCharValue: athenaRowOf(r)[c] })) });
const header = { Data: columns.map((c) => ({ VarCharValue: c })) };
const resultSet = (rows: Array<{ Data: Array<{ VarCharValue?: string }> }>) => ({
  ResultSetMetadata: { ColumnInfo: columns.map((c) => ({ Name: c, Type: 'varchar' })) },
  Rows: rows,
});
const lakeRowOf = (r: Record<string, unknown>) =>
  Object.entries(athenaRowOf(r))
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ({ [k]: k === 'eventtime' ? `${(v as string).replace('T', ' ').replace('Z', '')}.000` : (v as string) }));

const checkpoints = (items: BackfillItem[]) => items.flatMap((i) => (i.kind === 'checkpoint' ? [i.checkpoint] : []));
const fresh = () => newCursor('athena', 'athena:', window, now);

function runAthena(cursor: BackfillCursor = fresh(), stats = new BackfillStats(), clock = new FakeClock()) {
  return athenaBackfill({ client: new AthenaClient({ region: 'us-east-1' }), query: 'SELECT 1', workGroup: 'wg', cursor, stats, clock, random: () => 0.5 });
}

beforeEach(() => {
  athena.reset();
  lake.reset();
});

describe('athenaBackfill', () => {
  it('starts the query, polls until it succeeds, pages through its rows without the header, and checkpoints each page', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 2_000_000_000 } } });
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce({ ResultSet: resultSet([header, athenaRow(r1!), athenaRow(r2!)]), NextToken: 't-2' })
      .resolvesOnce({ ResultSet: resultSet([athenaRow(r3!)]) });
    const stats = new BackfillStats();
    const clock = new FakeClock();
    const out = await collect(runAthena(fresh(), stats, clock));

    expect(recordIds(out)).toEqual(ids);
    expect(checkpoints(out)).toEqual([
      { unit: QUERY_UNIT, position: '{"id":"q-1"}', done: false },
      { unit: QUERY_UNIT, position: '{"id":"q-1","token":"t-2"}', done: false },
      { unit: QUERY_UNIT, done: true },
    ]);
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input).toEqual({ QueryString: 'SELECT 1', WorkGroup: 'wg' });
    expect(athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: 'q-1', NextToken: undefined, MaxResults: 1000 },
      { QueryExecutionId: 'q-1', NextToken: 't-2', MaxResults: 1000 },
    ]);
    expect(clock.sleeps).toEqual([1000, 1500]);
    expect(stats).toMatchObject({ pages: 2, records: 3, denials: 3, bytesScanned: 2_000_000_000 });
  });

  it('retries throttled calls (TooManyRequestsException)', async () => {
    athena.on(StartQueryExecutionCommand).rejectsOnce(throttling('TooManyRequestsException')).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena
      .on(GetQueryResultsCommand)
      .rejectsOnce(throttling())
      .resolves({ ResultSet: resultSet([header, athenaRow(r1!)]) });
    const stats = new BackfillStats();
    expect(recordIds(await collect(runAthena(fresh(), stats)))).toEqual([r1!.eventID]);
    expect(stats.retries).toBe(2);
  });

  it('fails with the reason Athena gives', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'FAILED', StateChangeReason: 'COLUMN_NOT_FOUND: eventtime' } } });
    await expect(collect(runAthena())).rejects.toThrow('Athena query q-1 FAILED: COLUMN_NOT_FOUND: eventtime');
  });

  it('resumes the same execution at its page token, without paying for the scan again', async () => {
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: resultSet([athenaRow(r3!)]) });
    const cursor = applyCheckpoint(fresh(), { unit: QUERY_UNIT, position: '{"id":"q-1","token":"t-2"}', done: false }, now);
    expect(recordIds(await collect(runAthena(cursor)))).toEqual([r3!.eventID]);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
    expect(athena.commandCalls(GetQueryResultsCommand)[0]!.args[0].input.NextToken).toBe('t-2');
  });

  it('runs the query again when the execution it had started did not succeed', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
    athena.on(GetQueryExecutionCommand, { QueryExecutionId: 'q-1' }).resolves({ QueryExecution: { Status: { State: 'CANCELLED' } } });
    athena.on(GetQueryExecutionCommand, { QueryExecutionId: 'q-2' }).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: resultSet([header, athenaRow(r1!)]) });
    const cursor = applyCheckpoint(fresh(), { unit: QUERY_UNIT, position: '{"id":"q-1"}', done: false }, now);
    expect(recordIds(await collect(runAthena(cursor)))).toEqual([r1!.eventID]);
    expect(athena.commandCalls(GetQueryResultsCommand)[0]!.args[0].input.QueryExecutionId).toBe('q-2');
  });
});

describe('lakeBackfill', () => {
  const runLake = (cursor: BackfillCursor = fresh(), stats = new BackfillStats(), clock = new FakeClock()) =>
    lakeBackfill({ client: new CloudTrailClient({ region: 'us-east-1' }), query: 'SELECT 2', cursor, stats, clock, random: () => 0.5 });

  it('starts the query, waits for it, pages through the rows and reports progress against the result count', async () => {
    lake.on(StartQueryCommand).resolves({ QueryId: 'lq-1' });
    lake
      .on(LakeResultsCommand)
      .resolvesOnce({ QueryStatus: 'RUNNING' })
      .resolvesOnce({
        QueryStatus: 'FINISHED',
        QueryResultRows: [lakeRowOf(r1!), lakeRowOf(r2!)],
        NextToken: 'n-2',
        QueryStatistics: { TotalResultsCount: 3, BytesScanned: 5_000_000 },
      })
      .rejectsOnce(throttling())
      .resolvesOnce({ QueryStatus: 'FINISHED', QueryResultRows: [lakeRowOf(r3!)], QueryStatistics: { TotalResultsCount: 3, BytesScanned: 5_000_000 } });
    const stats = new BackfillStats();
    const out = await collect(runLake(fresh(), stats));

    expect(recordIds(out)).toEqual(ids);
    expect(out.flatMap((i) => (i.kind === 'record' ? [i.record.eventTime] : []))).toEqual([r1, r2, r3].map((r) => r!.eventTime));
    expect(checkpoints(out)).toEqual([
      { unit: QUERY_UNIT, position: '{"id":"lq-1"}', done: false },
      { unit: QUERY_UNIT, position: '{"id":"lq-1","token":"n-2"}', done: false },
      { unit: QUERY_UNIT, done: true },
    ]);
    expect(lake.commandCalls(StartQueryCommand)[0]!.args[0].input).toEqual({ QueryStatement: 'SELECT 2' });
    expect(stats).toMatchObject({ pages: 2, records: 3, retries: 1, bytesScanned: 5_000_000 });
    expect(stats.fraction()).toBe(1);
  });

  it.each(['FAILED', 'TIMED_OUT', 'CANCELLED'])('fails when the query ends %s, with Lake’s message', async (status) => {
    lake.on(StartQueryCommand).resolves({ QueryId: 'lq-1' });
    lake.on(LakeResultsCommand).resolves({ QueryStatus: status as 'FAILED', ErrorMessage: 'bad query' });
    await expect(collect(runLake())).rejects.toThrow(`CloudTrail Lake query lq-1 ${status}: bad query`);
  });

  it('resumes at the saved page of the same query', async () => {
    lake.on(LakeResultsCommand).resolves({ QueryStatus: 'FINISHED', QueryResultRows: [lakeRowOf(r3!)] });
    const cursor = applyCheckpoint(fresh(), { unit: QUERY_UNIT, position: '{"id":"lq-1","token":"n-2"}', done: false }, now);
    expect(recordIds(await collect(runLake(cursor)))).toEqual([r3!.eventID]);
    expect(lake.commandCalls(StartQueryCommand)).toHaveLength(0);
    expect(lake.commandCalls(LakeResultsCommand)[0]!.args[0].input).toEqual({ QueryId: 'lq-1', NextToken: 'n-2' });
  });
});
