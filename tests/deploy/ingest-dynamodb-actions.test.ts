import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoIncidentStore } from '../../lib/incidents/dynamodb/store';
import { processRecord } from '../../lib/pipeline/process';
import { sweepDeferredAlerts } from '../../lib/pipeline/sweep';
import { loadTemplateFile } from '../../deploy/cfn-template';
import { CapturingNotifier } from '../support/builders';
import { useEmbeddedDynamoDB } from '../support/dynamodb';

const root = join(__dirname, '..', '..');
const records = readdirSync(join(root, 'examples', 'records'))
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(root, 'examples', 'records', f), 'utf8')) as Record<string, unknown>);

/** The DynamoDB actions granted to the ingest role in serverless.yml (resources are checked in serverless-template.test.ts). */
function grantedToIngest(): string[] {
  const template = loadTemplateFile(join(root, 'serverless.yml')) as {
    resources: { Resources: Record<string, { Properties: { Policies: Array<{ PolicyDocument: { Statement: Array<{ Action: string | string[] }> } }> } }> };
  };
  const statements = template.resources.Resources.IngestRole!.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
  return [...new Set(statements.flatMap((s) => [s.Action].flat()).filter((a) => typeof a === 'string' && a.startsWith('dynamodb:')))].sort();
}

const dynamo = useEmbeddedDynamoDB();

describe('the ingest role grants exactly the DynamoDB calls the pipeline makes', () => {
  it('observes every call of new, repeated, redelivered, reopened and alerted occurrences, and compares', async () => {
    const store = new DynamoIncidentStore({ client: dynamo.client, tableName: 'permissions-check' });
    await store.ensureTable();
    const sent = new Set<string>();
    dynamo.client.middlewareStack.add(
      (next, context) => async (args) => {
        sent.add(`dynamodb:${String(context.commandName).replace(/Command$/, '')}`);
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    const notifier = new CapturingNotifier('');
    const published = notifier.messages;
    let now = new Date('2026-11-22T08:00:00Z');
    const deps = { store, notifier, alertPolicy: { windowMinutes: 60 }, clock: () => now };
    const firstOutcome = await processRecord(records[0], deps);
    for (const r of records.slice(1)) await processRecord(r, deps);
    for (const r of records) await processRecord(r, deps);
    for (let i = 0; i < 10; i++) await processRecord({ ...records[0], eventID: `again-${i}` }, deps);
    const fingerprint = (firstOutcome as { fingerprint: string }).fingerprint;
    await store.setStatus(fingerprint, 'resolved', now);
    sent.clear();
    now = new Date('2026-11-22T10:00:00Z');
    for (const r of records) await processRecord({ ...r, eventID: `later-${String(r.eventID)}` }, deps);
    for (let i = 0; i < 10; i++) await processRecord({ ...records[0], eventID: `third-${i}` }, deps);
    for (const r of records) await processRecord(r, deps);
    // Resolved, then back inside the window of its last alert: held back, and sent by the sweep.
    await store.setStatus(fingerprint, 'resolved', now);
    now = new Date('2026-11-22T10:10:00Z');
    expect(await processRecord({ ...records[0], eventID: 'comeback' }, deps)).toMatchObject({ alert: 'deferred' });
    now = new Date('2026-11-22T12:00:00Z');
    expect((await sweepDeferredAlerts(deps)).sent).toBe(1);
    expect(published.length).toBeGreaterThan(records.length);
    expect([...sent].sort()).toEqual(grantedToIngest());
  });
});
