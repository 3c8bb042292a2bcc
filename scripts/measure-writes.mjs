#!/usr/bin/env node
// Write-path cost on the embedded default (issue 10): write calls and write request units (WRU, index
// writes included) per new incident, repeat of an open incident and duplicate delivery, counted by the
// write meter (lib/incidents/dynamodb/write-meter.ts) around processRecord, with the example record and the
// example account's policies (so that the proposal carries its renderings). Counts, not timings: the same
// on any machine. Run `npm run build` first; `node scripts/measure-writes.mjs [repeats]` prints JSON.
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { startEmbeddedDynamoDB } = require(join(root, 'dist/lib/incidents/embedded/embedded-dynamodb.js'));
const { DynamoIncidentStore } = require(join(root, 'dist/lib/incidents/dynamodb/store.js'));
const { WriteMeter, measureWrites } = require(join(root, 'dist/lib/incidents/dynamodb/write-meter.js'));
const { processRecord } = require(join(root, 'dist/lib/pipeline/process.js'));
const { SnapshotPolicySource } = require(join(root, 'dist/lib/policy/sources/snapshot.js'));

const repeats = Number(process.argv[2] ?? 8);
const record = JSON.parse(readFileSync(join(root, 'examples/records/01-apprunner-no-bedrock-grant.json'), 'utf8'));
const policies = JSON.parse(readFileSync(join(root, 'examples/policies/111122223333.json'), 'utf8'));

const embedded = await startEmbeddedDynamoDB({ inMemory: true });
const tableName = 'measure-writes';
try {
  await new DynamoIncidentStore({ client: embedded.client, tableName }).ensureTable();
  const metered = new DynamoDBClient({ endpoint: embedded.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'm', secretAccessKey: 'm' } });
  const meter = new WriteMeter(metered, embedded.client, tableName).attach();
  const start = Date.parse('2026-11-22T08:00:00Z');
  const clock = { now: new Date(start) };
  const deps = {
    store: new DynamoIncidentStore({ client: metered, tableName }),
    notifier: { publish: async () => ({ messageId: 'measured' }) },
    alertPolicy: { windowMinutes: 60, pendingLeaseSeconds: 45 },
    clock: () => clock.now,
    count: () => undefined,
    policySource: SnapshotPolicySource.fromSnapshots([policies]),
  };
  const figures = await measureWrites(
    meter,
    async (eventId, i) => {
      clock.now = new Date(start + i * 60_000);
      await processRecord({ ...record, eventID: eventId, eventTime: clock.now.toISOString().replace(/\.\d+Z$/, 'Z') }, deps);
    },
    repeats,
  );
  console.log(JSON.stringify(figures, null, 2));
  metered.destroy();
} finally {
  await embedded.close();
}
