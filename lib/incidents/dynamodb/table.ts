import { CreateTableCommand, DescribeTableCommand, DescribeTimeToLiveCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { StoreError } from '../errors';
import type { TableProvisioner } from '../ports';
import { incidentTableDefinition, TTL_ATTRIBUTE } from './table-design';
import { errorName, sleep, type TableAccess } from './table-access';

const TABLE_WAIT_DEADLINE_MS = 5 * 60 * 1000;

/** Creates the incident table (CLI and tests; deployments create it with CloudFormation). */
export class DynamoTableProvisioner implements TableProvisioner {
  constructor(private readonly table: TableAccess) {}

  /**
   * Creates the table with the exact schema of `serverless.yml` when it is missing, waits until it and its
   * indexes are ACTIVE, and enables TTL on `expiresAt` (dynalite does not implement TTL: tolerated).
   * With `create: false` (reading commands, and a store that held the table) a missing table is left
   * missing and the result is false; nothing is written.
   */
  async ensureTable(options: { create?: boolean } = {}): Promise<boolean> {
    const { client, tableName } = this.table;
    const op = 'ensureTable';
    const exists = await this.table.run(op, 'DescribeTable', async () => {
      try {
        await client.send(new DescribeTableCommand({ TableName: tableName }));
        return true;
      } catch (err) {
        if (errorName(err) === 'ResourceNotFoundException') return false;
        throw err;
      }
    });
    if (!exists && options.create === false) return false;
    if (!exists) {
      await this.table.run(op, 'CreateTable', async () => {
        try {
          await client.send(new CreateTableCommand(incidentTableDefinition(tableName)));
        } catch (err) {
          // Another process created it first.
          if (errorName(err) !== 'ResourceInUseException') throw err;
        }
      });
    }
    await this.waitUntilActive();
    await this.checkIndexes();
    if (options.create !== false) await this.enableTtl();
    return true;
  }

  /**
   * A table created before issue 10 has the indexes `byStatus` and `byDay` instead of `statusKeys` and
   * `occurrences`. DynamoDB adds indexes with UpdateTable (see README.md, "Migrating a table from before
   * issue 10"), dynalite cannot: say so plainly instead of failing on the first query. Nothing is changed.
   */
  private async checkIndexes(): Promise<void> {
    const { client, tableName } = this.table;
    const output = await this.table.run('ensureTable', 'DescribeTable', () => client.send(new DescribeTableCommand({ TableName: tableName })));
    const present = new Set((output.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    const missing = (incidentTableDefinition(tableName).GlobalSecondaryIndexes ?? []).map((i) => i.IndexName!).filter((name) => !present.has(name));
    if (missing.length === 0) return;
    throw new StoreError(
      `table ${tableName} lacks the index(es) ${missing.join(', ')} of this version (it was created before issue 10's write-path change); ` +
        'see lib/incidents/README.md, "Migrating a table from before issue 10": nothing was changed',
      { operation: 'ensureTable/DescribeTable' },
    );
  }

  private async waitUntilActive(): Promise<void> {
    const { client, tableName } = this.table;
    const deadline = Date.now() + TABLE_WAIT_DEADLINE_MS;
    for (let attempt = 0; ; attempt++) {
      const output = await this.table.run('ensureTable', 'DescribeTable', () => client.send(new DescribeTableCommand({ TableName: tableName })));
      const table = output.Table;
      const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
      if (table?.TableStatus === 'ACTIVE' && indexesActive) return;
      if (Date.now() > deadline) {
        throw new StoreError(`table ${tableName} did not become ACTIVE (status ${table?.TableStatus ?? 'unknown'})`, {
          operation: 'ensureTable/DescribeTable',
        });
      }
      await sleep(Math.min(2000, 20 * 2 ** attempt));
    }
  }

  private async enableTtl(): Promise<void> {
    const { client, tableName } = this.table;
    await this.table.run('ensureTable', 'UpdateTimeToLive', async () => {
      try {
        const described = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
        const status = described.TimeToLiveDescription?.TimeToLiveStatus;
        if (status === 'ENABLED' || status === 'ENABLING') return;
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: tableName,
            TimeToLiveSpecification: { Enabled: true, AttributeName: TTL_ATTRIBUTE },
          }),
        );
      } catch (err) {
        const name = errorName(err);
        // dynalite does not implement TTL (UpdateTimeToLive is an unknown operation there); expiry is a
        // cost concern, not a correctness one, so the embedded default runs without it.
        if (name === 'UnknownOperationException') return;
        // Two processes enabling TTL at once.
        if (name === 'ValidationException' && /already enabled/i.test(err instanceof Error ? err.message : '')) return;
        throw err;
      }
    });
  }
}
