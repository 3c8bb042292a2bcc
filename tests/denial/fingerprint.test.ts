import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeRecord } from '../../lib/cloudtrail/decode';
import { fingerprintOf, resourceClass } from '../../lib/denial/fingerprint';
import type { Denial } from '../../lib/denial/types';

const ACCOUNT = '111122223333';

function bedrockDenial(o: {
  session?: string;
  region?: string;
  action?: string;
  layer?: string;
  role?: string;
  modelArnRegion?: string;
  policyArn?: string;
}): Denial {
  const role = o.role ?? 'agent-role';
  const session = o.session ?? 'BedrockAgents-1';
  const sts = `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}`;
  const action = o.action ?? 'bedrock:InvokeModel';
  const resource = `arn:aws:bedrock:${o.modelArnRegion ?? 'us-east-2'}::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0`;
  const clause =
    o.layer === 'scp'
      ? `with an explicit deny in a service control policy${o.policyArn ? `: ${o.policyArn}` : ''}`
      : `because no identity-based policy allows the ${action} action`;
  const out = decodeRecord({
    eventID: `${session}-${o.region ?? 'us-east-1'}-${Math.random()}`,
    eventTime: '2026-11-20T10:00:00Z',
    eventSource: 'bedrock.amazonaws.com',
    eventName: 'Converse',
    awsRegion: o.region ?? 'us-east-1',
    errorCode: 'AccessDeniedException',
    errorMessage: `User: ${sts} is not authorized to perform: ${action} on resource: ${resource} ${clause}`,
    userIdentity: {
      type: 'AssumedRole',
      arn: sts,
      accountId: ACCOUNT,
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/service-role/${role}`, userName: role } },
    },
    requestParameters: { modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
  });
  if (out.kind !== 'denial') throw new Error('expected a denial');
  return out.denial;
}

describe('fingerprintOf', () => {
  const base = bedrockDenial({});

  it('is 16 hex characters and deterministic', () => {
    expect(base.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprintOf(base)).toBe(base.fingerprint);
  });

  it.each([
    ['another session of the same role', { session: 'BedrockAgents-2' }],
    ['the same call routed to another destination region', { modelArnRegion: 'us-west-2' }],
    ['the same problem seen from another call region', { region: 'us-west-2' }],
  ])('is the same for %s', (_name, o) => expect(bedrockDenial(o).fingerprint).toBe(base.fingerprint));

  it.each([
    ['another role', { role: 'other-role' }],
    ['another action', { action: 'bedrock:InvokeModelWithResponseStream' }],
    ['another layer', { layer: 'scp' }],
  ])('differs for %s', (_name, o) => expect(bedrockDenial(o).fingerprint).not.toBe(base.fingerprint));

  it('differs by denying policy ARN and by explicitness', () => {
    const a = bedrockDenial({ layer: 'scp', policyArn: 'arn:aws:organizations::1:policy/o-a/service_control_policy/p-1' });
    const b = bedrockDenial({ layer: 'scp', policyArn: 'arn:aws:organizations::1:policy/o-a/service_control_policy/p-2' });
    expect(a.fingerprint).not.toBe(b.fingerprint);
    expect(fingerprintOf({ ...base, reason: { ...base.reason, explicit: true } })).not.toBe(base.fingerprint);
  });

  it('differs by resource class', () => {
    expect(
      fingerprintOf({ ...base, resource: `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0` }),
    ).not.toBe(base.fingerprint);
    expect(fingerprintOf({ ...base, resource: 'arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0' })).not.toBe(
      base.fingerprint,
    );
  });

  it('treats IAM users by name and ignores the authorization id and summary', () => {
    const user = {
      ...base,
      principal: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/u`, accountId: ACCOUNT, userName: 'u', managedBy: 'iam' as const },
    };
    expect(fingerprintOf({ ...user, reason: { ...user.reason, authorizationId: 'x', summary: 'other words' } })).toBe(fingerprintOf(user));
    expect(fingerprintOf(user)).not.toBe(base.fingerprint);
  });
});

describe('resourceClass', () => {
  it.each([
    ['arn:aws:s3:::bucket/a/b.txt', 'arn:aws:s3:::bucket/*'],
    ['arn:aws:s3:::bucket', 'arn:aws:s3:::bucket'],
    ['arn:aws:bedrock:us-east-2::foundation-model/m', 'bedrock:foundation-model/m'],
    ['arn:aws:bedrock:::foundation-model/m', 'bedrock:foundation-model/m'],
    ['arn:aws:bedrock:eu-west-1:1:inference-profile/eu.m', 'bedrock:inference-profile/eu.m'],
    ['arn:aws:iam::1:role/x', 'arn:aws:iam::1:role/x'],
    [null, '*'],
  ])('%s → %s', (resource, cls) => expect(resourceClass(resource)).toBe(cls));
});

describe('fingerprints of the shipped examples', () => {
  const dir = join(__dirname, '../../examples/records');
  const load = (prefix: string): Record<string, unknown> => {
    const file = readdirSync(dir).find((f) => f.startsWith(prefix));
    if (!file) throw new Error(`no example ${prefix}`);
    return JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
  };
  const fingerprint = (record: unknown): string => {
    const out = decodeRecord(record);
    if (out.kind !== 'denial') throw new Error('expected a denial');
    return out.denial.fingerprint;
  };

  // Stored incidents are keyed by these: a decoder change that moves them splits every open incident.
  it.each([
    ['01', '7cd59591ec6fbc67'],
    ['02', '6443d3e3589091f6'],
    ['03', '39332a08e49b2e47'],
    ['04', 'a0ae813ebda1b0fe'],
    ['05', '4bd20840bea3d510'],
    ['06', '95a7295c6c3fc7ef'],
  ])('example %s keeps fingerprint %s', (prefix, expected) => expect(fingerprint(load(prefix))).toBe(expected));

  it('a CallWithBearerToken denial is one problem whether or not the message says "on resource: *"', () => {
    const record = load('06');
    const message = String(record.errorMessage);
    expect(message).toContain(' on resource: *');
    expect(fingerprint({ ...record, errorMessage: message.replace(' on resource: *', '') })).toBe(fingerprint(record));
  });
});
