import { startEmbeddedDynamoDB } from '../../lib/incidents/embedded-dynamodb';
import { DynamoIncidentStore } from '../../lib/incidents/dynamodb-store';
import { makeDenial } from './fixtures';
test('count', async () => {
  const d = await startEmbeddedDynamoDB({ inMemory: true });
  const counts: Record<string, number> = {};
  const client = { send: (c: any) => { const k = c.constructor.name + (c.input.ReturnValues ? '/ALL_NEW' : ''); counts[k] = (counts[k] ?? 0) + 1; return d.client.send(c); } } as any;
  for (const shuffle of [true, false]) {
    const s = new DynamoIncidentStore({ client, tableName: 'tbl' + shuffle });
    await s.ensureTable();
    for (const k of Object.keys(counts)) delete counts[k];
    const base = Date.parse('2026-11-20T23:50:00Z');
    const order = Array.from({ length: 200 }, (_, i) => ({ i, key: shuffle ? (i * 7919) % 200 : i })).sort((a, b) => a.key - b.key);
    const t = Date.now();
    await Promise.all(order.map(({ i }) => s.recordOccurrence(makeDenial({ eventId: `e${i}`, fingerprint: 'fp', eventTime: new Date(base + i * 6000).toISOString() }), new Date())));
    console.log(shuffle, Date.now() - t, JSON.stringify(counts), (await s.get('fp'))?.count);
  }
  await d.close();
});
