import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoIncidentStore } from '../../lib/incidents/dynamodb/store';
import { measureWrites, WriteMeter, type WriteFigures } from '../../lib/incidents/dynamodb/write-meter';
import { processRecord, type PipelineDeps } from '../../lib/pipeline/process';
import { SnapshotPolicySource } from '../../lib/policy/sources/snapshot';
import { CapturingNotifier } from '../support/builders';
import { freshStore, useEmbeddedDynamoDB } from '../support/dynamodb';

/**
 * The write path's cost on the embedded default, counted (not timed) by the write meter: write calls
 * per new incident, repeat of an open incident and duplicate delivery, and write units per repeat,
 * index writes included (issue 10, item 1). Realistic denials: example records with the example
 * account's policies, so that the proposal carries its renderings.
 */

const dynamo = useEmbeddedDynamoDB();
const examples = join(__dirname, '..', '..', 'examples');
const record = JSON.parse(readFileSync(join(examples, 'records', '01-apprunner-no-bedrock-grant.json'), 'utf8')) as Record<string, unknown>;
const policies = JSON.parse(readFileSync(join(examples, 'policies', '111122223333.json'), 'utf8')) as unknown;

/** The figures of the write path through processRecord, on a fresh table. */
export async function measurePipelineWrites(): Promise<WriteFigures> {
  const store = await freshStore(dynamo.client);
  const metered = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'm', secretAccessKey: 'm' } });
  const meter = new WriteMeter(metered, dynamo.client, store.tableName).attach();
  const meteredStore = new DynamoIncidentStore({ client: metered, tableName: store.tableName });
  const start = Date.parse('2026-11-22T08:00:00Z');
  const clock = { now: new Date(start) };
  const deps: PipelineDeps = {
    store: meteredStore,
    notifier: new CapturingNotifier('m-'),
    alertPolicy: { windowMinutes: 60, pendingLeaseSeconds: 45 },
    clock: () => clock.now,
    count: () => undefined,
    policySource: SnapshotPolicySource.fromSnapshots([policies]),
  };
  try {
    return await measureWrites(meter, async (eventId, i) => {
      // One event a minute, each newer than the last (the common, in-order case).
      clock.now = new Date(start + i * 60_000);
      await processRecord({ ...record, eventID: eventId, eventTime: clock.now.toISOString().replace(/\.\d+Z$/, 'Z') }, deps);
    });
  } finally {
    metered.destroy();
  }
}

describe('the write path on the embedded default (write meter)', () => {
  it('meets the targets of issue 10: a repeat 3 writes and 4 WRU with index writes, a duplicate 1 write, a new incident what the protocol needs', async () => {
    const figures = await measurePipelineWrites();
    if (process.env.WRITE_FIGURES) console.log(JSON.stringify(figures, null, 2));

    expect(figures.writes_per_repeat).toBeLessThanOrEqual(3);
    expect(figures.wru_per_repeat).toBeLessThanOrEqual(4);
    expect(figures.writes_per_duplicate).toBeLessThanOrEqual(1);
    // Claim the event, count, store the explanation, mark counted; then the pipeline's alert claim and completion.
    expect(figures.writes_per_new).toBeLessThanOrEqual(6);
    // The hot item written on every event stays under 1 KB (one write unit).
    expect(figures.largest_item_repeat).toBeLessThanOrEqual(1024);
  });
});
