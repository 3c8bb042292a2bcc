import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoIncidentStore } from '../../lib/incidents/dynamodb/store';
import { startEmbeddedDynamoDB } from '../../lib/incidents/embedded/embedded-dynamodb';
import { InProcessRequestHandler } from '../../lib/incidents/embedded/in-process-handler';
import { StoreError } from '../../lib/incidents/errors';
import { makeDenial } from './fixtures';

const NOW = new Date('2026-11-20T10:00:00Z');
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'access-auditor-embedded-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('startEmbeddedDynamoDB', () => {
  test('a persisted data directory (created on demand) keeps counts and exactly-once markers across restarts', async () => {
    const dataDir = join(root, 'nested', 'dynamodb');
    const denial = makeDenial({ eventId: 'evt-persist', fingerprint: 'fp-persist' });

    const first = await startEmbeddedDynamoDB({ dataDir });
    const store1 = new DynamoIncidentStore({ client: first.client, tableName: 'access-auditor-incidents' });
    await store1.ensureTable();
    expect((await store1.recordOccurrence(denial, NOW)).kind).toBe('counted');
    await first.close();

    const second = await startEmbeddedDynamoDB({ dataDir });
    try {
      const store2 = new DynamoIncidentStore({ client: second.client, tableName: 'access-auditor-incidents' });
      await store2.ensureTable();
      // Running the same replay twice must not double any count.
      expect(await store2.recordOccurrence(denial, NOW)).toMatchObject({ kind: 'duplicate', incident: { count: 1 } });
      expect(second.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await second.close();
    }
  });

  test('in memory, nothing survives a restart even with a data directory', async () => {
    const dataDir = join(root, 'memory');
    const first = await startEmbeddedDynamoDB({ dataDir, inMemory: true });
    await new DynamoIncidentStore({ client: first.client, tableName: 'access-auditor-incidents' }).ensureTable();
    await first.close();

    const second = await startEmbeddedDynamoDB({ dataDir, inMemory: true });
    try {
      expect((await second.client.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    } finally {
      await second.close();
    }
  });

  test('a data directory already open elsewhere is refused with the holder named, not left hanging', async () => {
    const dataDir = join(root, 'shared');
    const holder = await startEmbeddedDynamoDB({ dataDir });
    try {
      const error = await startEmbeddedDynamoDB({ dataDir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toContain(`in use by process ${process.pid}`);
    } finally {
      await holder.close();
    }
    // Closing releases it.
    const next = await startEmbeddedDynamoDB({ dataDir });
    await next.close();
  });

  test('a lock left by a process that has exited is taken over', async () => {
    const dataDir = join(root, 'stale');
    const exited = spawnSync(process.execPath, ['-e', '']).pid;
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'access-auditor.lock'), String(exited));

    const dynamo = await startEmbeddedDynamoDB({ dataDir });
    await new DynamoIncidentStore({ client: dynamo.client, tableName: 'access-auditor-incidents' }).ensureTable();
    await dynamo.close();
  });

  test('close can be called twice', async () => {
    const dynamo = await startEmbeddedDynamoDB();
    await dynamo.close();
    await expect(dynamo.close()).resolves.toBeUndefined();
  });

  test('the client reaches dynalite in-process: the same store as over HTTP at `endpoint`, with its errors typed as from AWS', async () => {
    const dynamo = await startEmbeddedDynamoDB();
    const overHttp = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    try {
      expect(dynamo.client.config.requestHandler).toBeInstanceOf(InProcessRequestHandler);
      const store = new DynamoIncidentStore({ client: dynamo.client, tableName: 'access-auditor-incidents' });
      await store.ensureTable();
      const item = { PK: { S: 'EVT#in-process' }, SK: { S: 'EVENT' }, note: { S: 'héllo "quoted" \\ ✓' } };
      await dynamo.client.send(new PutItemCommand({ TableName: 'access-auditor-incidents', Item: item }));
      const read = await overHttp.send(new GetItemCommand({ TableName: 'access-auditor-incidents', Key: { PK: item.PK, SK: item.SK }, ConsistentRead: true }));
      expect(read.Item).toEqual(item);

      const refused = await dynamo.client
        .send(new PutItemCommand({ TableName: 'access-auditor-incidents', Item: item, ConditionExpression: 'attribute_not_exists(PK)' }))
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ConditionalCheckFailedException);
      const missing = await dynamo.client.send(new GetItemCommand({ TableName: 'no-such-table', Key: { PK: item.PK, SK: item.SK } })).catch((e: unknown) => e);
      expect((missing as Error).name).toBe('ResourceNotFoundException');
    } finally {
      overHttp.destroy();
      await dynamo.close();
    }
  });

  test('table descriptions kept in memory follow CreateTable, DeleteTable and a new schema under the same name', async () => {
    const dynamo = await startEmbeddedDynamoDB();
    const TableName = 'changing-table';
    const create = (key: string) =>
      dynamo.client.send(
        new CreateTableCommand({
          TableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
          KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        }),
      );
    const active = async () => {
      for (;;) {
        const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName }));
        if (Table?.TableStatus === 'ACTIVE') return Table;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    try {
      await create('A');
      expect((await active()).KeySchema).toEqual([{ AttributeName: 'A', KeyType: 'HASH' }]);
      await dynamo.client.send(new PutItemCommand({ TableName, Item: { A: { S: 'x' } } }));

      await dynamo.client.send(new DeleteTableCommand({ TableName }));
      for (;;) {
        const gone = await dynamo.client.send(new DescribeTableCommand({ TableName })).catch((e: unknown) => e);
        if ((gone as Error).name === 'ResourceNotFoundException') break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await create('B');
      expect((await active()).KeySchema).toEqual([{ AttributeName: 'B', KeyType: 'HASH' }]);
      // Validated against the new key schema, not a remembered one.
      const old = await dynamo.client.send(new PutItemCommand({ TableName, Item: { A: { S: 'x' } } })).catch((e: unknown) => e);
      expect((old as Error).name).toBe('ValidationException');
      await dynamo.client.send(new PutItemCommand({ TableName, Item: { B: { S: 'y' } } }));
    } finally {
      await dynamo.close();
    }
  });

  test('a store that never answers fails the request after the timeout instead of hanging', async () => {
    const silent = new DynamoDBClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
      requestHandler: new InProcessRequestHandler(() => undefined, 50),
    });
    try {
      const error = await silent.send(new ListTablesCommand({})).catch((e: unknown) => e);
      expect((error as Error).name).toBe('TimeoutError');
    } finally {
      silent.destroy();
    }
  });
});
