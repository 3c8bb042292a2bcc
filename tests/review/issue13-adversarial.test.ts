/**
 * Adversarial review of issue 13 (policy changes fix incidents, follow-ups, expected-denial rules):
 * each case tries to make the loop say `fixed` wrongly, hide a denial, or send a follow-up it must not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processRecord, type PipelineDeps } from '../../lib/pipeline/process';
import { processPolicyChange, type PolicyChangeDeps } from '../../lib/pipeline/policy-change';
import { SnapshotPolicySource } from '../../lib/policy/sources/snapshot';
import type { Incident } from '../../lib/incidents/types';
import type { AlertMessage } from '../../lib/notify/types';
import type { PolicyStatement, Proposal } from '../../lib/denial/types';
import type { PrincipalPolicies } from '../../lib/policy/ports';
import { addedStatements, compareWithProposal } from '../../lib/policy/change/compare';
import { decodePolicyChange } from '../../lib/policy/change/decode';
import { applyChangeToPolicies } from '../../lib/policy/change/apply';
import { parseRules } from '../../lib/rules/parse';
import { decide, isExpired } from '../../lib/rules/match';
import { CapturingNotifier, denial as denialOf } from '../support/builders';
import { freshStore, useEmbeddedDynamoDB } from '../support/dynamodb';

const root = join(__dirname, '..', '..');
const load = (dir: string, name: string) => JSON.parse(readFileSync(join(root, 'examples', dir, name), 'utf8')) as Record<string, unknown>;
const APPRUNNER_DENIAL = load('records', '01-apprunner-no-bedrock-grant.json');
const FIX_APPRUNNER = load('changes', '01-put-role-policy-fixes-apprunner.json');
const ROLE = 'chat-web-apprunner-instance-role';
const MODEL = 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0';
const ALLOW_MODEL = { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: MODEL };

const dynamo = useEmbeddedDynamoDB();

function putRolePolicy(id: string, roleName: string, statements: unknown[], policyName = `p-${id}`): Record<string, unknown> {
  const requestParameters = { roleName, policyName, policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) };
  return { ...FIX_APPRUNNER, eventID: id, eventTime: '2026-11-20T10:00:00Z', requestParameters };
}

async function loop(rulesYaml?: string) {
  const store = await freshStore(dynamo.client);
  const notifier = new CapturingNotifier();
  const policySource = SnapshotPolicySource.fromSnapshots([load('policies', '111122223333.json')]);
  let now = Date.parse('2026-12-01T00:00:00Z');
  const clock = () => new Date((now += 7_200_000));
  const rules = rulesYaml ? parseRules(rulesYaml) : undefined;
  const deps: PipelineDeps = { store, notifier, alertPolicy: { windowMinutes: 60 }, clock, policySource, ...(rules ? { rules } : {}) };
  const changeDeps: PolicyChangeDeps = { store, notifier, policySource, simulator: null, clock, ...(rules ? { rules } : {}) };
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
  return { notifier, denial, get, change: (record: Record<string, unknown>) => processPolicyChange(record, changeDeps) };
}

const followUps = (messages: AlertMessage[]) => messages.filter((m) => m.MessageAttributes.trigger?.StringValue?.startsWith('follow-up'));

describe('a change that touches the principal but does not allow the call is never `fixed`', () => {
  it.each<[string, unknown[], string]>([
    ['another model', [{ ...ALLOW_MODEL, Resource: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1' }], ROLE],
    ['the model in another region', [{ ...ALLOW_MODEL, Resource: MODEL.replace('us-east-1', 'eu-west-1') }], ROLE],
    ['another action', [{ ...ALLOW_MODEL, Action: 'bedrock:InvokeModelWithResponseStream' }], ROLE],
    ['an allow plus an explicit deny', [ALLOW_MODEL, { Effect: 'Deny', Action: 'bedrock:*', Resource: '*' }], ROLE],
    ['a condition the recorded request does not meet', [{ ...ALLOW_MODEL, Condition: { StringEquals: { 'aws:PrincipalAccount': '999999999999' } } }], ROLE],
    ['a condition on a key the record does not settle', [{ ...ALLOW_MODEL, Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } }], ROLE],
    ['NotAction that excludes the call', [{ Effect: 'Allow', NotAction: 'bedrock:InvokeModel', Resource: '*' }], ROLE],
    ['NotResource that excludes the model', [{ Effect: 'Allow', Action: 'bedrock:*', NotResource: MODEL }], ROLE],
    ['the right grant on another role', [ALLOW_MODEL], 'other-role'],
  ])('%s', async (_name, statements, roleName) => {
    const { denial, change, get } = await loop();
    const fp = await denial(APPRUNNER_DENIAL);
    const result = await change(putRolePolicy('c1', roleName, statements));
    expect((await get(fp)).status).toBe('open');
    if (result.kind === 'change') for (const t of result.touched) expect(t.verdict).not.toBe('fixed');
  });

  it('control: the exact grant on the role does fix it', async () => {
    const { denial, change, get } = await loop();
    const fp = await denial(APPRUNNER_DENIAL);
    await change(putRolePolicy('grant', ROLE, [ALLOW_MODEL], 'grant'));
    expect((await get(fp)).status).toBe('fixed');
  });
});

describe('expected incidents get no follow-up from a policy change', () => {
  it('an expect rule matched the denial: the fix neither alerts nor follows up', async () => {
    const rules = `version: 1\nrules:\n  - id: apprunner-probe\n    reason: probing\n    owner: ml\n    expect: true\n    match:\n      action: bedrock:InvokeModel\n`;
    const { notifier, denial, change } = await loop(rules);
    await denial(APPRUNNER_DENIAL);
    expect(notifier.messages).toHaveLength(0);
    await change(FIX_APPRUNNER);
    expect(followUps(notifier.messages)).toHaveLength(0);
    expect(notifier.messages).toHaveLength(0);
  });
});

describe('a follow-up reaches the subscribers of its alert', () => {
  it('carries the route and severity attributes the rules gave the alert', async () => {
    const rules = `version: 1\nrules:\n  - id: ml-team\n    reason: ML owns Bedrock\n    owner: ml\n    severity: low\n    route:\n      team: ml\n    match:\n      action: "bedrock:*"\n`;
    const { notifier, denial, change } = await loop(rules);
    await denial(APPRUNNER_DENIAL);
    const alert = notifier.messages[0] as AlertMessage;
    expect(alert.MessageAttributes.team?.StringValue).toBe('ml');
    await change(FIX_APPRUNNER);
    const [followUp] = followUps(notifier.messages);
    expect(followUp?.MessageAttributes.team?.StringValue).toBe('ml');
    expect(followUp?.MessageAttributes.severity?.StringValue).toBe(alert.MessageAttributes.severity?.StringValue);
  });
});

describe('added statements are diffed on their whole content', () => {
  const policies = (statements: PolicyStatement[]): PrincipalPolicies => ({
    kind: 'role',
    name: ROLE,
    arn: `arn:aws:iam::111122223333:role/${ROLE}`,
    path: '/',
    source: 'snapshot',
    identityPolicies: [{ kind: 'inline', name: 'p', document: { Version: '2012-10-17', Statement: statements } }],
  });
  const proposal: Proposal = { statements: [ALLOW_MODEL as PolicyStatement] } as unknown as Proposal;
  it('a statement whose condition values changed (now broader) counts as added', () => {
    const narrow: PolicyStatement = { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'none' } } };
    const wide: PolicyStatement = { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringLike: { 'aws:PrincipalTag/team': '*' } } };
    const change = decodePolicyChange(putRolePolicy('x', ROLE, [ALLOW_MODEL, wide], 'p'));
    if (change.kind !== 'change') throw new Error('not decoded');
    const added = addedStatements(policies([narrow]), policies([ALLOW_MODEL as PolicyStatement, wide]), change.change);
    expect(added).toContainEqual(wide);
    expect(compareWithProposal(added, proposal)).toMatchObject({ scope: 'broader-than-proposal' });
  });
});

describe('broader-than-proposal names what is beyond', () => {
  const proposal = { statements: [ALLOW_MODEL] } as unknown as Proposal;
  it.each<[string, PolicyStatement, string]>([
    ['bedrock:*', { Effect: 'Allow', Action: 'bedrock:*', Resource: MODEL }, 'action bedrock:*'],
    ['*', { Effect: 'Allow', Action: '*', Resource: MODEL }, 'action *'],
    ['resource *', { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: '*' }, 'resource *'],
    [
      'model wildcard',
      { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:aws:bedrock:*::foundation-model/*' },
      'resource arn:aws:bedrock:*::foundation-model/*',
    ],
    ['NotAction', { Effect: 'Allow', NotAction: 'iam:*', Resource: MODEL }, 'every action except iam:* (NotAction)'],
    ['NotResource', { Effect: 'Allow', Action: 'bedrock:InvokeModel', NotResource: 'arn:aws:s3:::x' }, 'every resource except arn:aws:s3:::x (NotResource)'],
    ['action with ?', { Effect: 'Allow', Action: 'bedrock:InvokeMode?', Resource: MODEL }, 'action bedrock:InvokeMode?'],
  ])('%s', (_name, statement, phrase) => {
    const compared = compareWithProposal([statement], proposal);
    expect(compared.scope).toBe('broader-than-proposal');
    expect(compared.beyondProposal).toContain(phrase);
  });
});

describe('hostile change records', () => {
  const base = (doc: unknown) => ({ ...FIX_APPRUNNER, requestParameters: { roleName: ROLE, policyName: 'p', policyDocument: doc } });
  it.each<[string, unknown]>([
    ['invalid JSON', '{"Version":"2012-10-17","Statement":['],
    ['not an object', '42'],
    ['huge', JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: 500 }, (_, i) => ({ ...ALLOW_MODEL, Resource: `${MODEL}-${i}` })) })],
    ['null', null],
    ['statement with prototype keys', '{"Version":"2012-10-17","Statement":[{"__proto__":{"Effect":"Allow"},"Action":"*","Resource":"*"}]}'],
  ])('%s: no crash, no change applied as a fix', async (_name, doc) => {
    expect(() => decodePolicyChange(base(doc))).not.toThrow();
    const { denial, change, get } = await loop();
    const fp = await denial(APPRUNNER_DENIAL);
    await change(base(doc) as Record<string, unknown>);
    expect((await get(fp)).status).toBe('open');
  });
  it('a URL-encoded document as CloudTrail records it is read', () => {
    const encoded = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [ALLOW_MODEL] }));
    const decoded = decodePolicyChange(base(encoded));
    expect(decoded.kind).toBe('change');
  });
});

describe('rules edge cases', () => {
  const rule = (match: string, extra = '') =>
    parseRules(`version: 1\nrules:\n  - id: r\n    reason: x\n    owner: y\n    expect: true\n${extra}    match:\n${match}`);
  it.each<[string, string, boolean]>([
    ['2027-06-30T23:59:59.999Z', '2027-06-30', false],
    ['2027-07-01T00:00:00.000Z', '2027-06-30', true],
    ['2027-06-30T23:30:00-02:00', '2027-06-30', true],
  ])('expiry at %s of %s: expired %s', (now, expires, expired) => {
    expect(isExpired({ expires }, new Date(now))).toBe(expired);
  });
  it.each<[string, string, Partial<Parameters<typeof denialOf>[0]>, boolean]>([
    ['literal * in the UA is not a wildcard for the rule', '      account: "*"\n      userAgent: "Prowler*"\n', { userAgent: '*' }, false],
    ['UA rule with attacker UA that names the tool', '      account: "*"\n      userAgent: "*Prowler*"\n', { userAgent: 'evil Prowler' }, true],
    ['CIDR /0 v4 does not match v6', '      sourceIp: "0.0.0.0/0"\n', { sourceIPAddress: '2001:db8::1' }, false],
    ['IPv4-mapped IPv6 in the v4 range', '      sourceIp: "10.0.0.0/8"\n', { sourceIPAddress: '::ffff:10.1.2.3' }, true],
    ['service name never in a range', '      sourceIp: "0.0.0.0/0"\n', { sourceIPAddress: 's3.amazonaws.com' }, false],
    ['leading-zero octet is not an address', '      sourceIp: "10.0.0.0/8"\n', { sourceIPAddress: '010.1.2.3' }, false],
    ['no resource never matches resource *', '      resource: "*"\n', { resource: null } as never, false],
    ['action case-insensitive', '      action: "S3:getobject"\n', { action: 's3:GetObject' }, true],
  ])('%s', (_name, match, overrides, matches) => {
    const d = denialOf(overrides);
    expect(decide(rule(match), d, new Date('2026-12-01T00:00:00Z')).expectedBy !== null).toBe(matches);
  });
  it.each(['severity', 'trigger', 'AWS.SNS.x', 'Amazon.x', 'kind', 'fingerprint'])('route attribute %s', (name) => {
    const yaml = `version: 1\nrules:\n  - id: r\n    reason: x\n    owner: y\n    route:\n      ${name}: v\n    match:\n      action: "s3:*"\n`;
    const builtIn = ['severity', 'trigger'].includes(name) || name.startsWith('AWS.') || name.startsWith('Amazon.');
    if (builtIn) expect(() => parseRules(yaml)).toThrow();
    else expect(() => parseRules(yaml)).not.toThrow();
  });
  it('rule order: the first expect wins, a later severity still applies', () => {
    const rs = parseRules(
      'version: 1\nrules:\n  - id: a\n    reason: x\n    owner: y\n    severity: low\n    match:\n      action: "s3:*"\n  - id: b\n    reason: x\n    owner: y\n    expect: true\n    severity: high\n    match:\n      action: "*"\n',
    );
    const d = decide(rs, denialOf({ action: 's3:GetObject' }), new Date('2026-12-01T00:00:00Z'));
    expect(d.expectedBy?.id).toBe('b');
    expect(d.severity?.value).toBe('low');
  });
});

describe('detaching a managed policy from a group', () => {
  it('keeps the same unresolved policy still attached to the user directly', () => {
    const X = 'arn:aws:iam::111122223333:policy/unknown-deny';
    const user: PrincipalPolicies = {
      kind: 'user',
      name: 'alice',
      arn: 'arn:aws:iam::111122223333:user/alice',
      path: '/',
      source: 'snapshot',
      identityPolicies: [{ kind: 'inline', name: 'g-inline', viaGroup: 'devs', document: { Version: '2012-10-17', Statement: [] } }],
      unresolvedPolicies: [
        { name: 'unknown-deny', arn: X },
        { name: 'unknown-deny', arn: X },
      ],
    };
    const record = {
      ...FIX_APPRUNNER,
      eventName: 'DetachGroupPolicy',
      requestParameters: { groupName: 'devs', policyArn: X },
    };
    const decoded = decodePolicyChange(record);
    if (decoded.kind !== 'change') throw new Error(JSON.stringify(decoded));
    const after = applyChangeToPolicies(user, decoded.change);
    expect(after.unresolvedPolicies?.some((u) => u.arn === X)).toBe(true);
  });
});

describe('managed policy versions and a profile call (data-pipeline)', () => {
  const DATA_PIPELINE_DENIAL = load('records', '02-iam-user-wrong-model-id.json');
  const BROADER = load('changes', '02-policy-version-broader-fixes-data-pipeline.json');
  const version = (statement: unknown, setAsDefault: boolean | string | undefined) => ({
    ...BROADER,
    eventID: `v-${String(setAsDefault)}`,
    requestParameters: {
      policyArn: 'arn:aws:iam::111122223333:policy/BedrockClaudeInvoke',
      policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }),
      ...(setAsDefault !== undefined ? { setAsDefault } : {}),
    },
  });
  const everything = { Effect: 'Allow', Action: 'bedrock:*', Resource: '*' };
  const profileOnly = {
    Effect: 'Allow',
    Action: 'bedrock:InvokeModel',
    Resource: ['arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.*', 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.*'],
  };
  it.each<[string, unknown, boolean | string | undefined]>([
    ['a version not set as default', everything, false],
    ['a version without setAsDefault', everything, undefined],
    ['setAsDefault "false" as a string', everything, 'false'],
    ['the profile and the model in one region only', profileOnly, true],
  ])('%s is not a fix', async (_name, statement, setAsDefault) => {
    const { denial, change, get } = await loop();
    const fp = await denial(DATA_PIPELINE_DENIAL);
    await change(version(statement, setAsDefault));
    expect((await get(fp)).status).toBe('open');
  });
  it('control: a default version with everything fixes it, broader than the proposal', async () => {
    const { denial, change, get } = await loop();
    const fp = await denial(DATA_PIPELINE_DENIAL);
    await change(version(everything, true));
    const incident = await get(fp);
    expect(incident.status).toBe('fixed');
    expect(incident.resolution?.scope).toBe('broader-than-proposal');
  });
});

describe('boundaries, old denials and hostile names', () => {
  it('a boundary of unknown content set before the grant: not fixed', async () => {
    const { denial, change, get } = await loop();
    const fp = await denial(APPRUNNER_DENIAL);
    await change({
      ...FIX_APPRUNNER,
      eventID: 'b1',
      eventName: 'PutRolePermissionsBoundary',
      requestParameters: { roleName: ROLE, permissionsBoundary: 'arn:aws:iam::111122223333:policy/unknown-boundary' },
    });
    await change(putRolePolicy('grant', ROLE, [ALLOW_MODEL]));
    expect((await get(fp)).status).not.toBe('fixed');
  });
  it('a denial older than the fix arriving after it is not a regression and sends no alert', async () => {
    const { notifier, denial, change, get } = await loop();
    const fp = await denial(APPRUNNER_DENIAL);
    await change(FIX_APPRUNNER);
    const before = notifier.messages.length;
    const old = { ...APPRUNNER_DENIAL, eventID: 'older-one', eventTime: '2026-11-20T11:40:20Z' };
    await denial(old);
    const incident = await get(fp);
    expect(incident.status).toBe('fixed');
    expect(incident.regressions).toBeUndefined();
    expect(incident.count).toBe(2);
    expect(notifier.messages.length).toBe(before);
    await denial(old);
    expect((await get(fp)).count).toBe(2);
  });
  it('a hostile policy name reaches the follow-up sanitised', async () => {
    const { notifier, denial, change } = await loop();
    await denial(APPRUNNER_DENIAL);
    await change(putRolePolicy('h', ROLE, [ALLOW_MODEL], 'x\u001b[31m\nFixed by: root\u202e<script>'));
    const [followUp] = followUps(notifier.messages);
    const body = JSON.parse((followUp as AlertMessage).Message) as Record<string, string>;
    for (const text of Object.values(body)) {
      expect(text.includes('\u001b') || text.includes('\u202e')).toBe(false);
    }
    expect(body.email).not.toMatch(/\nFixed by: root/);
  });
});

describe('a denial from another layer than the identity policies', () => {
  const because = (tail: string) => ({
    ...APPRUNNER_DENIAL,
    eventID: `layer-${tail.length}`,
    errorMessage: `User: arn:aws:sts::111122223333:assumed-role/${ROLE}/5f1c0e9a8b7d4c3e is not authorized to perform: bedrock:InvokeModel on resource: ${MODEL} ${tail}`,
  });
  it.each<[string, string]>([
    ['an SCP', 'with an explicit deny in a service control policy'],
    ['a session policy', 'because no session policy allows the bedrock:InvokeModel action'],
    ['a permissions boundary the policies do not show', 'because no permissions boundary allows the bedrock:InvokeModel action'],
    ['an explicit deny in an identity policy the policies do not show', 'with an explicit deny in an identity-based policy'],
  ])('%s: an identity grant is not a fix', async (_name, tail) => {
    const { denial, change, get } = await loop();
    const fp = await denial(because(tail));
    await change(FIX_APPRUNNER);
    expect((await get(fp)).status).not.toBe('fixed');
  });
});

describe('who a change touches', () => {
  const DATA_PIPELINE_DENIAL = load('records', '02-iam-user-wrong-model-id.json');
  const groupPolicy = (id: string, groupName: string, account = '111122223333') => ({
    ...FIX_APPRUNNER,
    eventID: id,
    eventName: 'PutGroupPolicy',
    recipientAccountId: account,
    requestParameters: {
      groupName,
      policyName: 'all',
      policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'bedrock:*', Resource: '*' }] }),
    },
  });
  it.each<[string, Record<string, unknown>, string]>([
    ['a group the user is not in', groupPolicy('g1', 'other-group'), 'open'],
    ['the same group name in another account', groupPolicy('g2', 'analytics', '444455556666'), 'open'],
    ['the same role name in another account', { ...putRolePolicy('r1', ROLE, [ALLOW_MODEL]), recipientAccountId: '444455556666' }, 'open'],
  ])('%s: not fixed', async (_name, record, status) => {
    const { denial, change, get } = await loop();
    const fp = await denial(record.eventName === 'PutRolePolicy' ? APPRUNNER_DENIAL : DATA_PIPELINE_DENIAL);
    await change(record);
    expect((await get(fp)).status).toBe(status);
  });
  it('control: an inline policy on a group the user is in fixes it', async () => {
    const { denial, change, get } = await loop();
    const fp = await denial(DATA_PIPELINE_DENIAL);
    await change(groupPolicy('g3', 'analytics'));
    expect((await get(fp)).status).toBe('fixed');
  });
});

describe('an expect rule the caller alone controls', () => {
  it('is refused: a userAgent-only expect rule would let anyone silence their denials by setting that user agent', () => {
    const yaml = `version: 1\nrules:\n  - id: prowler\n    reason: scanner\n    owner: sec\n    expect: true\n    match:\n      userAgent: "*Prowler*"\n`;
    expect(() => parseRules(yaml)).toThrow(/rule 1 \(id "prowler"\) match: an expect rule must name a condition besides userAgent/);
  });
  it('is accepted with another condition, and a severity-only userAgent rule stays allowed', () => {
    const withPrincipal = `version: 1\nrules:\n  - id: prowler\n    reason: scanner\n    owner: sec\n    expect: true\n    match:\n      principal: "arn:aws:iam::111122223333:role/prowler"\n      userAgent: "*Prowler*"\n`;
    expect(() => parseRules(withPrincipal)).not.toThrow();
    expect(() => parseRules(withPrincipal.replace('expect: true', 'severity: low').replace(/ {6}principal.*\n/, ''))).not.toThrow();
  });
});
