// Counts the DynamoDB writes one record costs on the embedded store: new, repeat and duplicate.
//
// The meter is swappable: when lib/incidents/dynamodb ships one (dist/lib/incidents/dynamodb/write-meter.js
// exporting `meterWrites(client)` → { snapshot(): { writes, wru } }), it is used; until then this file's
// fallback counts write calls with a client middleware and reports WRU as null (dynalite returns no
// ConsumedCapacity, and WRU depends on item sizes that only the store knows).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);

/** The fallback meter: a middleware counting write commands (a batch counts its requests). */
export function fallbackMeter(client) {
  let writes = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (WRITE_COMMANDS.has(context.commandName)) {
        const batch = args.input?.RequestItems;
        writes += batch ? Object.values(batch).reduce((n, reqs) => n + reqs.length, 0) : 1;
      }
      return next(args);
    },
    { step: 'initialize', name: 'benchWriteMeter' },
  );
  return { source: 'scripts/bench/write-meter.mjs (fallback: write calls counted, WRU not measured)', snapshot: () => ({ writes, wru: null }) };
}

/** The store's own meter when it exists, else the fallback. */
export function loadMeter(root) {
  const path = join(root, 'dist/lib/incidents/dynamodb/write-meter.js');
  if (existsSync(path)) {
    const mod = require(path);
    if (typeof mod.meterWrites === 'function') {
      return (client) => {
        const meter = mod.meterWrites(client);
        return { source: 'lib/incidents/dynamodb/write-meter.ts', snapshot: () => meter.snapshot() };
      };
    }
  }
  return fallbackMeter;
}

/**
 * The store's own meter (lib/incidents/dynamodb/write-meter.ts): write calls and WRU priced from item sizes
 * before and after each write, index writes included. It meters a client of its own on the same endpoint
 * and reads item sizes through the un-metered one. Null when the build has no such meter.
 */
function storeMeter(root, db, tableName) {
  const path = join(root, 'dist/lib/incidents/dynamodb/write-meter.js');
  if (!existsSync(path)) return null;
  const { WriteMeter } = require(path);
  if (typeof WriteMeter !== 'function') return null;
  const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({ endpoint: db.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  const meter = new WriteMeter(client, db.client, tableName).attach();
  return {
    client,
    meter: {
      source: 'lib/incidents/dynamodb/write-meter.ts (write calls; WRU from item sizes, index writes included)',
      snapshot: () => ({ writes: meter.reading().writes, wru: meter.reading().wru }),
    },
  };
}

/**
 * Writes per record through processRecord on an in-memory embedded store: `n` new incidents, then
 * `n` repeats (new event IDs of those incidents), then `n` duplicates (event IDs already counted).
 */
export async function measureWrites(root, records, n) {
  const { startEmbeddedDynamoDB } = require(join(root, 'dist/lib/incidents/embedded/embedded-dynamodb.js'));
  const { DynamoIncidentStore } = require(join(root, 'dist/lib/incidents/dynamodb/store.js'));
  const { processRecord } = require(join(root, 'dist/lib/pipeline/process.js'));
  const { alertPolicyConfig } = require(join(root, 'dist/lib/alerts/policy.js'));
  const db = await startEmbeddedDynamoDB({});
  const tableName = 'bench-incidents';
  const { client, meter } = storeMeter(root, db, tableName) ?? { client: db.client, meter: loadMeter(root)(db.client) };
  try {
    await new DynamoIncidentStore({ client: db.client, tableName }).ensureTable();
    const store = new DynamoIncidentStore({ client, tableName });
    const deps = {
      store,
      notifier: { publish: async () => undefined },
      alertPolicy: alertPolicyConfig({ windowMinutes: 60 }),
      clock: () => new Date('2026-11-22T08:00:00Z'),
    };
    const phase = async (batch) => {
      const before = meter.snapshot();
      for (const r of batch) await processRecord(r, deps);
      const after = meter.snapshot();
      return {
        writes: (after.writes - before.writes) / batch.length,
        wru: after.wru === null || before.wru === null ? null : (after.wru - before.wru) / batch.length,
      };
    };
    const firsts = records.slice(0, n);
    const repeats = firsts.map((r, i) => ({ ...r, eventID: `${r.eventID}-repeat-${i}` }));
    const fresh = await phase(firsts);
    const repeat = await phase(repeats);
    const duplicate = await phase(firsts);
    return { meter: meter.source, n, new: fresh, repeat, duplicate };
  } finally {
    if (client !== db.client) client.destroy();
    await db.close();
  }
}
