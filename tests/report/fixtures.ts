import type { Principal, Proposal } from '../../lib/denial/types';
import { reportDenial, rolePrincipal, userPrincipal } from '../support/builders';
import type { DailyCount, Incident } from '../../lib/incidents/types';

/** The report period used throughout: Monday 2026-11-16 to Sunday 2026-11-22, run on Monday 09:00 UTC. */
export const NOW = new Date('2026-11-23T09:00:00.000Z');
export const FROM = new Date('2026-11-16T00:00:00.000Z');
export const TO = new Date('2026-11-23T00:00:00.000Z');
export const TOPIC = 'arn:aws:sns:us-east-1:111122223333:access-auditor-alerts';

export function role(name: string, account = '111122223333', extra: Partial<Principal> = {}): Principal {
  return rolePrincipal(name, '/', extra, account);
}

export const user = (name: string, account = '111122223333'): Principal => userPrincipal(name, account);

export function proposal(kind: Proposal['target']['kind'], validated: Proposal['validated']): Proposal {
  return { target: { kind }, statements: [], validated, notes: [] };
}

/** A denial as the pipeline hands it to the store (the shared builder's report preset). */
export const makeDenial = reportDenial;

/** An incident as the store returns it; `latest` is derived from the same fields. */
export function makeIncident(overrides: Partial<Incident> & { fingerprint: string }): Incident {
  const base = {
    status: 'open' as const,
    count: 1,
    firstSeen: '2026-11-18T10:00:00.000Z',
    lastSeen: '2026-11-18T10:00:00.000Z',
    principal: role('chat-web'),
    action: 'bedrock:InvokeModel',
    reason: { layer: 'identity' as const, explicit: false, summary: 'No identity-based policy allows the action.' },
    eventSource: 'bedrock.amazonaws.com',
    callRegion: 'us-east-1',
    deniedRegion: 'us-east-1',
    resource: null,
    ...overrides,
  };
  const latest = makeDenial({
    eventId: `evt-${base.fingerprint}`,
    fingerprint: base.fingerprint,
    accountId: base.principal.accountId,
    principal: base.principal,
    action: base.action,
    reason: base.reason,
    eventSource: base.eventSource,
    callRegion: base.callRegion,
    deniedRegion: base.deniedRegion,
    ...(base.proposal ? { proposal: base.proposal } : {}),
  });
  return {
    accounts: base.principal.accountId ? [base.principal.accountId] : [],
    regions: [base.callRegion],
    sessions: [],
    alert: { alertsSent: 1 },
    latest,
    ...base,
  };
}

export function day(fingerprint: string, dayIso: string, count: number): DailyCount {
  return { fingerprint, day: dayIso, count };
}

/**
 * The week used by most tests:
 * - fp-a: 15 denials, cross-region (us-east-1 → us-west-2), SCP, open since 2026-11-10, proposal not validated;
 * - fp-b: 15 denials (ties with fp-a), new this week, another account, fix ready;
 * - fp-c: 2 denials, resolved on 2026-11-18 yet seen on 2026-11-20;
 * - fp-d: 4 denials, SSO permission set, cross-region (eu-west-1 → eu-central-1), reopened on 2026-11-19;
 * - fp-e: acknowledged since September, not seen this week, fix ready.
 */
export function sampleWeek() {
  const a = makeIncident({
    fingerprint: 'fp-a',
    status: 'open',
    count: 40,
    firstSeen: '2026-11-10T08:00:00.000Z',
    lastSeen: '2026-11-18T12:00:00.000Z',
    callRegion: 'us-east-1',
    deniedRegion: 'us-west-2',
    reason: { layer: 'scp', explicit: true, summary: 'An SCP denies it.' },
    proposal: proposal('scp', 'not-validated'),
  });
  const b = makeIncident({
    fingerprint: 'fp-b',
    status: 'open',
    count: 15,
    firstSeen: '2026-11-17T07:30:00.000Z',
    lastSeen: '2026-11-17T18:00:00.000Z',
    principal: user('alice', '444455556666'),
    action: 's3:GetObject',
    eventSource: 's3.amazonaws.com',
    proposal: proposal('identity-policy', 'simulated-allow'),
  });
  const c = makeIncident({
    fingerprint: 'fp-c',
    status: 'resolved',
    statusChangedAt: '2026-11-18T00:00:00.000Z',
    count: 9,
    firstSeen: '2026-11-01T00:00:00.000Z',
    lastSeen: '2026-11-20T10:00:00.000Z',
    principal: role('deployer'),
    action: 'iam:PassRole',
    eventSource: 'iam.amazonaws.com',
  });
  const d = makeIncident({
    fingerprint: 'fp-d',
    status: 'open',
    statusChangedAt: '2026-11-19T06:00:00.000Z',
    count: 30,
    firstSeen: '2026-10-01T00:00:00.000Z',
    lastSeen: '2026-11-22T23:00:00.000Z',
    principal: role('AWSReservedSSO_DataScience_0123456789abcdef', '111122223333', { managedBy: 'sso', permissionSetName: 'DataScience' }),
    action: 'bedrock:Converse',
    callRegion: 'eu-west-1',
    deniedRegion: 'eu-central-1',
    reason: { layer: 'model-access', explicit: false, summary: 'Model access is not granted.' },
  });
  const e = makeIncident({
    fingerprint: 'fp-e',
    status: 'acknowledged',
    count: 3,
    firstSeen: '2026-09-01T00:00:00.000Z',
    lastSeen: '2026-09-02T00:00:00.000Z',
    principal: role('batch'),
    action: 'kms:Decrypt',
    eventSource: 'kms.amazonaws.com',
    proposal: proposal('resource-policy', 'simulated-allow'),
  });
  const daily = [
    day('fp-a', '2026-11-16', 5),
    day('fp-a', '2026-11-18', 10),
    day('fp-b', '2026-11-17', 15),
    day('fp-d', '2026-11-19', 1),
    day('fp-c', '2026-11-20', 2),
    day('fp-d', '2026-11-22', 3),
  ];
  const previous = [day('fp-a', '2026-11-12', 3), day('fp-x', '2026-11-14', 7)];
  return { a, b, c, d, e, daily, previous, incidents: [a, b, c, d], open: [a, b, d, e] };
}
