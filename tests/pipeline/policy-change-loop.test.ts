import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processRecord, type PipelineDeps } from '../../lib/pipeline/process';
import { processPolicyChange, type PolicyChangeDeps } from '../../lib/pipeline/policy-change';
import { sweepStale } from '../../lib/pipeline/stale';
import { SnapshotPolicySource } from '../../lib/policy/sources/snapshot';
import { timeToFixMs, type Incident } from '../../lib/incidents/types';
import type { PolicySimulator } from '../../lib/policy/ports';
import type { AlertMessage } from '../../lib/notify/types';
import { CapturingNotifier } from '../support/builders';
import { freshStore, useEmbeddedDynamoDB } from '../support/dynamodb';

const root = join(__dirname, '..', '..');
const example = (name: string) => JSON.parse(readFileSync(join(root, 'examples', 'records', name), 'utf8')) as Record<string, unknown>;
const snapshotJson = () => JSON.parse(readFileSync(join(root, 'examples', 'policies', '111122223333.json'), 'utf8')) as Record<string, unknown>;

const APPRUNNER_DENIAL = example('01-apprunner-no-bedrock-grant.json');
const DATA_PIPELINE_DENIAL = example('02-iam-user-wrong-model-id.json');
const change = (name: string) => JSON.parse(readFileSync(join(root, 'examples', 'changes', name), 'utf8')) as Record<string, unknown>;
const FIX_APPRUNNER = change('01-put-role-policy-fixes-apprunner.json');
const BROADER_FIX_DATA_PIPELINE = change('02-policy-version-broader-fixes-data-pipeline.json');
const MODEL = 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0';

const dynamo = useEmbeddedDynamoDB();

function bodyOf(message: AlertMessage): { email: string; https: string } {
  return JSON.parse(message.Message) as { email: string; https: string };
}

function putRolePolicy(id: string, time: string, roleName: string, statement: Record<string, unknown>): Record<string, unknown> {
  const requestParameters = { roleName, policyName: `p-${id}`, policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }) };
  return { ...FIX_APPRUNNER, eventID: id, eventTime: time, requestParameters };
}

async function loop(snapshot: unknown = snapshotJson(), simulator: PolicySimulator | null = null) {
  const store = await freshStore(dynamo.client);
  const notifier = new CapturingNotifier();
  const policySource = SnapshotPolicySource.fromSnapshots([snapshot]);
  // Wall clock: two hours later at each call, so that the alert window (60 minutes) never holds an alert back here.
  let now = Date.parse('2026-12-01T00:00:00Z');
  const clock = () => new Date((now += 7_200_000));
  const deps: PipelineDeps = { store, notifier, alertPolicy: { windowMinutes: 60 }, clock, policySource };
  const changeDeps: PolicyChangeDeps = { store, notifier, policySource, simulator, clock };
  const denial = async (record: Record<string, unknown>) => {
    const outcome = await processRecord(record, deps);
    if (outcome.kind !== 'counted' && outcome.kind !== 'duplicate') throw new Error(`not counted: ${JSON.stringify(outcome)}`);
    return outcome.fingerprint;
  };
  const get = async (fingerprint: string): Promise<Incident> => {
    const incident = await store.get(fingerprint);
    if (!incident) throw new Error(`no incident ${fingerprint}`);
    return incident;
  };
  return { store, notifier, deps, changeDeps, denial, get, change: (record: Record<string, unknown>) => processPolicyChange(record, changeDeps) };
}

describe('the policy-change loop, offline', () => {
  it('fixes an incident when the change allows the denied call: resolution, time to fix, one follow-up in the same thread', async () => {
    const { notifier, denial, change, get } = await loop();
    const fp = await denial(APPRUNNER_DENIAL);
    const opened = notifier.messages[0] as AlertMessage;

    const result = await change(FIX_APPRUNNER);

    expect(result).toMatchObject({ kind: 'change', touched: [{ fingerprint: fp, verdict: 'fixed', followUp: 'sent' }] });
    const incident = await get(fp);
    expect(incident.status).toBe('fixed');
    expect(incident.resolution).toMatchObject({
      kind: 'policy-change',
      eventId: FIX_APPRUNNER.eventID,
      at: '2026-11-20T11:40:21.000Z',
      by: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_PlatformAdmin_1a2b3c4d5e6f7a8b/bob@example.com',
      change: 'PutRolePolicy',
      scope: 'matches-proposal',
      checkedBy: ['offline-evaluator'],
    });
    // 09:14:03 → 11:40:21
    expect(timeToFixMs(incident)).toBe((2 * 3600 + 26 * 60 + 18) * 1000);
    expect(notifier.messages).toHaveLength(2);
    const followUp = notifier.messages[1] as AlertMessage;
    expect(followUp.Subject).toBe(opened.Subject);
    expect(JSON.parse(bodyOf(followUp).https).metadata.threadId).toBe(JSON.parse(bodyOf(opened).https).metadata.threadId);
    expect(followUp.MessageAttributes.trigger?.StringValue).toBe('follow-up-fixed');
    expect(bodyOf(followUp).email).toContain('Fixed by:    arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_PlatformAdmin');
    expect(bodyOf(followUp).email).toContain('Time to fix: 2 h 26 min');
    expect(bodyOf(followUp).email).toContain('grants no more than the proposed fix');
  });

  it('sends the follow-up once when the same change event is delivered again', async () => {
    const { notifier, denial, change } = await loop();
    const fp = await denial(APPRUNNER_DENIAL);
    await change(FIX_APPRUNNER);
    const again = await change(FIX_APPRUNNER);
    expect(again).toMatchObject({ kind: 'change', touched: [] });
    expect(notifier.messages.filter((m) => m.MessageAttributes.trigger?.StringValue?.startsWith('follow-up'))).toHaveLength(1);
    expect(fp).toBeTruthy();
  });

  it('keeps an incident open when the change touched the principal but the call is still denied, and says why and what remains', async () => {
    const { notifier, denial, change, get } = await loop();
    const fp = await denial(APPRUNNER_DENIAL);
    const otherModel = { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1' };

    const result = await change(putRolePolicy('wrong-fix', '2026-11-20T10:00:00Z', 'chat-web-apprunner-instance-role', otherModel));

    expect(result).toMatchObject({ kind: 'change', touched: [{ fingerprint: fp, verdict: 'still-denied', followUp: 'sent' }] });
    expect((await get(fp)).status).toBe('open');
    const followUp = notifier.messages[1] as AlertMessage;
    expect(followUp.MessageAttributes.trigger?.StringValue).toBe('follow-up-still-denied');
    const text = bodyOf(followUp).email;
    expect(text).toMatch(/Why: +After the change, .*bedrock:InvokeModel.* is still not allowed by any statement/);
    expect(text).toContain('What remains: IAM identity policy for chat-web-apprunner-instance-role');
    expect(text).toContain(MODEL);
  });

  it('says nothing about incidents of principals the change does not touch', async () => {
    const { notifier, denial, change } = await loop();
    await denial(DATA_PIPELINE_DENIAL);
    const result = await change(FIX_APPRUNNER);
    expect(result).toMatchObject({ kind: 'change', checked: 0, touched: [] });
    expect(notifier.messages).toHaveLength(1);
  });

  it('flags a fix broader than the proposal and names what it allows beyond it', async () => {
    const { notifier, denial, change, get } = await loop();
    const fp = await denial(DATA_PIPELINE_DENIAL);
    await change(BROADER_FIX_DATA_PIPELINE);
    const incident = await get(fp);
    expect(incident.status).toBe('fixed');
    expect(incident.resolution?.scope).toBe('broader-than-proposal');
    expect(incident.resolution?.beyondProposal).toEqual([
      'action bedrock:InvokeModel*',
      'resource arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.*',
      'resource arn:aws:bedrock:*::foundation-model/anthropic.*',
    ]);
    expect(bodyOf(notifier.messages[1] as AlertMessage).email).toContain('Broader:     than the proposal: it also allows action bedrock:InvokeModel*');
  });

  it('reopens a fixed incident as a regression when the denial comes back after the fix, and not for an occurrence from before it', async () => {
    const { notifier, denial, change, get } = await loop();
    const fp = await denial(APPRUNNER_DENIAL);
    await change(FIX_APPRUNNER);

    await denial({ ...APPRUNNER_DENIAL, eventID: 'late-delivery', eventTime: '2026-11-20T10:00:00Z' });
    expect((await get(fp)).status).toBe('fixed');

    // The inline policy is deleted again: the same call is denied after the fix.
    await change({
      ...FIX_APPRUNNER,
      eventID: 'undo',
      eventTime: '2026-11-22T08:00:00Z',
      eventName: 'DeleteRolePolicy',
      requestParameters: { roleName: 'chat-web-apprunner-instance-role', policyName: 'bedrock-invoke-claude-3-5-sonnet' },
    });
    await denial({ ...APPRUNNER_DENIAL, eventID: 'after-fix', eventTime: '2026-11-22T09:00:00Z' });

    const incident = await get(fp);
    expect(incident.status).toBe('open');
    expect(incident.regressions).toEqual({ count: 1, lastRegressionAt: '2026-11-22T09:00:00.000Z' });
    expect(incident.previousResolution).toMatchObject({ kind: 'policy-change', eventId: FIX_APPRUNNER.eventID });
    expect(incident.resolution).toBeUndefined();
    expect(incident.openedAt).toBe('2026-11-22T09:00:00.000Z');
    const regression = notifier.messages.at(-1) as AlertMessage;
    expect(regression.Subject).toMatch(/^\[access-auditor\] Regression: bedrock:InvokeModel denied for chat-web-/);
    expect(regression.MessageAttributes.trigger?.StringValue).toBe('regression');
    expect(bodyOf(regression).email).toContain('regression after PutRolePolicy');

    // Fixed again: time to fix counts from the regression, not from the first sighting.
    await change({ ...FIX_APPRUNNER, eventID: 'refix', eventTime: '2026-11-22T10:00:00Z' });
    expect(timeToFixMs(await get(fp))).toBe(3600_000);
  });

  it('fixes the incidents of every role a new default version of a shared managed policy reaches', async () => {
    const shared = 'arn:aws:iam::111122223333:policy/shared-bedrock';
    const snapshot = snapshotJson() as { RoleDetailList: Array<Record<string, unknown>>; Policies: Array<Record<string, unknown>> };
    const role = (name: string) => ({
      RoleName: name,
      Arn: `arn:aws:iam::111122223333:role/${name}`,
      Path: '/',
      RolePolicyList: [],
      AttachedManagedPolicies: [{ PolicyName: 'shared-bedrock', PolicyArn: shared }],
    });
    snapshot.RoleDetailList.push(role('app-a'), role('app-b'));
    const titan = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:aws:bedrock:*::foundation-model/amazon.titan-*' }],
    };
    snapshot.Policies.push({
      PolicyName: 'shared-bedrock',
      Arn: shared,
      DefaultVersionId: 'v1',
      PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: titan }],
    });
    const { denial, change, get } = await loop(snapshot);
    const denialOf = (name: string) => {
      const text = JSON.stringify(APPRUNNER_DENIAL).replaceAll('chat-web-apprunner-instance-role', name);
      return { ...(JSON.parse(text) as Record<string, unknown>), eventID: `denied-${name}` };
    };
    const a = await denial(denialOf('app-a'));
    const b = await denial(denialOf('app-b'));
    expect(a).not.toBe(b);
    const both = { ...titan, Statement: [...titan.Statement, { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: MODEL }] };

    const result = await change({
      ...FIX_APPRUNNER,
      eventID: 'shared-v2',
      eventName: 'CreatePolicyVersion',
      requestParameters: { policyArn: shared, policyDocument: JSON.stringify(both), setAsDefault: true },
      responseElements: { policyVersion: { versionId: 'v2', isDefaultVersion: true } },
    });

    expect(result).toMatchObject({
      kind: 'change',
      touched: expect.arrayContaining([
        expect.objectContaining({ fingerprint: a, verdict: 'fixed' }),
        expect.objectContaining({ fingerprint: b, verdict: 'fixed' }),
      ]),
    });
    expect((await get(a)).status).toBe('fixed');
    expect((await get(b)).status).toBe('fixed');
  });

  describe('an SCP change', () => {
    const scpArn = 'arn:aws:organizations::987654321098:policy/o-qv5af4abcd/service_control_policy/p-2kgnabcd';
    const scpDenial = {
      ...APPRUNNER_DENIAL,
      eventID: 'scp-denied',
      errorMessage: `User: arn:aws:sts::111122223333:assumed-role/chat-web-apprunner-instance-role/5f1c0e9a8b7d4c3e is not authorized to perform: bedrock:InvokeModel on resource: ${MODEL} with an explicit deny in a service control policy: ${scpArn}`,
    };
    const scpUpdate = (content: unknown) => ({
      ...FIX_APPRUNNER,
      eventID: 'scp-update',
      eventSource: 'organizations.amazonaws.com',
      eventName: 'UpdatePolicy',
      requestParameters: { policyId: 'p-2kgnabcd', content: JSON.stringify(content) },
    });
    const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
    const stillDenies = { Version: '2012-10-17', Statement: [allowAll.Statement[0], { Effect: 'Deny', Action: 'bedrock:*', Resource: '*' }] };
    const identityGrant = putRolePolicy('grant', '2026-11-20T09:30:00Z', 'chat-web-apprunner-instance-role', {
      Effect: 'Allow',
      Action: 'bedrock:InvokeModel',
      Resource: MODEL,
    });

    it('is unconfirmed offline when the denying SCP now allows the call (other SCPs are unknown): open, with a follow-up saying so', async () => {
      const { notifier, denial, change, get } = await loop();
      await change(identityGrant);
      const fp = await denial(scpDenial);
      const result = await change(scpUpdate(allowAll));
      expect(result).toMatchObject({ kind: 'change', touched: [{ fingerprint: fp, verdict: 'unconfirmed' }] });
      expect((await get(fp)).status).toBe('open');
      expect(bodyOf(notifier.messages.at(-1) as AlertMessage).email).toContain('Service control policy p-2kgnabcd no longer denies bedrock:InvokeModel');
    });

    it('is fixed when IAM’s simulator, which sees every SCP, confirms', async () => {
      const simulator: PolicySimulator = { simulate: async () => 'allowed' };
      const { denial, change, get } = await loop(snapshotJson(), simulator);
      await change(identityGrant);
      const fp = await denial(scpDenial);
      await change(scpUpdate(allowAll));
      expect((await get(fp)).status).toBe('fixed');
      expect((await get(fp)).resolution).toMatchObject({ scope: 'other-than-proposal', checkedBy: ['iam-simulator'] });
    });

    it('is still denied when the new content still denies the call', async () => {
      const { denial, change, get } = await loop();
      const fp = await denial(scpDenial);
      const result = await change(scpUpdate(stillDenies));
      expect(result).toMatchObject({ kind: 'change', touched: [{ fingerprint: fp, verdict: 'still-denied' }] });
      expect((await get(fp)).status).toBe('open');
    });
  });

  it('lets an incident not seen for the stale period go stale quietly, not as a fix, and reopens it when seen again', async () => {
    const { notifier, denial, store, get } = await loop();
    const fp = await denial(APPRUNNER_DENIAL);
    const sent = notifier.messages.length;

    expect((await sweepStale({ store }, new Date('2026-12-03T00:00:00Z'), 14)).stale).toEqual([]);
    const swept = await sweepStale({ store }, new Date('2026-12-05T00:00:00Z'), 14);

    expect(swept.stale).toEqual([fp]);
    const stale = await get(fp);
    expect(stale.status).toBe('stale');
    expect(stale.resolution).toMatchObject({ kind: 'stale', at: '2026-12-05T00:00:00.000Z' });
    expect(stale.resolution?.reason).toMatch(/^not seen for 14 days \(since 2026-11-20T09:14:03.000Z\)/);
    expect(timeToFixMs(stale)).toBeNull();
    expect(notifier.messages).toHaveLength(sent);

    await denial({ ...APPRUNNER_DENIAL, eventID: 'seen-again', eventTime: '2026-12-06T00:00:00Z' });
    const back = await get(fp);
    expect(back.status).toBe('open');
    expect(back.regressions).toBeUndefined();
    expect(back.previousResolution?.kind).toBe('stale');
    expect((notifier.messages.at(-1) as AlertMessage).MessageAttributes.trigger?.StringValue).toBe('reopened');
  });
});
