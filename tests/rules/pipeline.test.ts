import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processRecord, type PipelineDeps } from '../../lib/pipeline/process';
import { claimAndPublish, alertForRedelivery } from '../../lib/pipeline/dispatch-alert';
import type { PipelineMetric } from '../../lib/pipeline/metrics';
import { parseRules } from '../../lib/rules/parse';
import { expectedFingerprint } from '../../lib/rules/expected';
import type { RuleSet } from '../../lib/rules/types';
import { CapturingNotifier } from '../support/builders';
import { freshStore, useEmbeddedDynamoDB } from '../support/dynamodb';

const base = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'records', '01-apprunner-no-bedrock-grant.json'), 'utf8')) as Record<
  string,
  unknown
>;
const record = (id: string, extra: Record<string, unknown> = {}) => ({ ...base, eventID: id, ...extra });

const dynamo = useEmbeddedDynamoDB();

async function pipeline(rules: RuleSet, now = new Date('2026-11-22T08:00:00Z')) {
  const store = await freshStore(dynamo.client);
  const notifier = new CapturingNotifier('m-');
  const metrics = new Map<PipelineMetric, number>();
  const deps: PipelineDeps = {
    store,
    notifier,
    alertPolicy: { windowMinutes: 60, pendingLeaseSeconds: 45 },
    clock: () => now,
    count: (m, v = 1) => metrics.set(m, (metrics.get(m) ?? 0) + v),
    rules,
  };
  return { store, published: notifier.messages, metrics, deps };
}

const rulesText = (expires = '') => `
version: 1
rules:
  - id: apprunner-probe
    reason: the App Runner service probes Bedrock at start
    owner: platform
    ${expires}
    match:
      principal: 'arn:aws:iam::111122223333:role/chat-web-*'
      action: 'bedrock:Invoke*'
      sourceIp: ['10.0.0.0/8']
    expect: true
  - id: bedrock-team
    reason: ML owns Bedrock
    owner: ml
    match: { action: 'bedrock:*' }
    severity: high
    route: { team: ml-platform }
`;

describe('rules in the pipeline', () => {
  it('expect: counted apart under its own fingerprint, never alerted, a redelivery stays quiet', async () => {
    const { store, published, metrics, deps } = await pipeline(parseRules(rulesText()));
    const first = await processRecord(record('e1', { sourceIPAddress: '10.1.2.3' }), deps);
    const again = await processRecord(record('e2', { sourceIPAddress: '10.9.9.9' }), deps);
    const redelivered = await processRecord(record('e1', { sourceIPAddress: '10.1.2.3' }), deps);
    expect(first).toMatchObject({ kind: 'counted', created: true, alert: 'none', expectedBy: 'apprunner-probe' });
    expect(again).toMatchObject({ kind: 'counted', created: false, count: 2, alert: 'none', expectedBy: 'apprunner-probe' });
    expect(redelivered).toMatchObject({ kind: 'duplicate', alert: 'none', expectedBy: 'apprunner-probe' });
    expect(published).toHaveLength(0);
    expect(metrics.get('DenialsExpected')).toBe(2);
    expect(metrics.get('DenialsProcessed')).toBeUndefined();
    const [incident] = await store.list();
    expect(incident?.latest.expectedBy).toMatchObject({ rule: 'apprunner-probe', owner: 'platform' });
    expect(incident?.fingerprint).toBe(expectedFingerprint(incident!.latest.expectedBy!.fingerprint, 'apprunner-probe'));
  });

  it('expect never alerts, whoever asks: a claim, a redelivery recovery or a threshold', async () => {
    const { store, published, deps } = await pipeline(parseRules(rulesText()));
    await processRecord(record('e1', { sourceIPAddress: '10.1.2.3' }), deps);
    const [incident] = await store.list();
    expect(await claimAndPublish(incident!, 'opened', 'e1', new Date('2026-11-22T09:00:00Z'), deps)).toBe('none');
    expect(await alertForRedelivery(incident!, 'e1', new Date('2026-11-22T09:00:00Z'), deps)).toBe('none');
    for (let i = 0; i < 12; i++) await processRecord(record(`burst-${i}`, { sourceIPAddress: '10.1.2.3' }), deps);
    expect(published).toHaveLength(0);
  });

  it('the same denial from outside the expected range alerts as its own incident, with the severity and route rules', async () => {
    const { store, published, deps } = await pipeline(parseRules(rulesText()));
    await processRecord(record('quiet', { sourceIPAddress: '10.1.2.3' }), deps);
    const loud = await processRecord(record('loud', { sourceIPAddress: '203.0.113.5' }), deps);
    expect(loud).toMatchObject({ kind: 'counted', created: true, alert: 'sent' });
    expect(loud.kind === 'counted' && loud.expectedBy).toBeFalsy();
    expect(await store.list()).toHaveLength(2);
    expect(published).toHaveLength(1);
    const attributes = published[0]!.MessageAttributes;
    expect(attributes.team).toEqual({ DataType: 'String', StringValue: 'ml-platform' });
    expect(attributes.severity?.StringValue).toBe('high');
    const body = JSON.parse(published[0]!.Message) as { email: string; https: string };
    expect(body.email).toContain('severity high');
    expect(JSON.parse(body.https).metadata.additionalContext.severity).toBe('high');
  });

  it('without a severity rule the computed severity stays, and no route attribute is added', async () => {
    const { published, deps } = await pipeline(parseRules("version: 1\nrules:\n  - {id: s3, reason: r, owner: o, match: {action: 's3:*'}, severity: low}\n"));
    await processRecord(record('e1'), deps);
    expect(published[0]!.MessageAttributes.severity?.StringValue).toBe('medium');
    expect(Object.keys(published[0]!.MessageAttributes).sort()).toEqual(['account', 'layer', 'principal', 'service', 'severity', 'trigger']);
  });

  it('an expired expect rule stops matching: the denial alerts again', async () => {
    const { published, deps } = await pipeline(parseRules(rulesText('expires: 2026-11-21')));
    const outcome = await processRecord(record('e1', { sourceIPAddress: '10.1.2.3' }), deps);
    expect(outcome).toMatchObject({ kind: 'counted', alert: 'sent' });
    expect(outcome.kind === 'counted' && outcome.expectedBy).toBeFalsy();
    expect(published).toHaveLength(1);
  });
});
