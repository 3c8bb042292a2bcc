/**
 * sts:AssumeRole needs two allows: the caller's identity policies and the target role's trust policy.
 * Records are decoded as they arrive, then proposed against both sides.
 */
import fc from 'fast-check';
import { decodeRecord } from '../../lib/cloudtrail/decode';
import { proposeFix } from '../../lib/policy/propose/propose';
import { analyzeRecord } from '../../lib/pipeline/analyze';
import { SnapshotPolicySource } from '../../lib/policy/sources/snapshot';
import { ProposalMemo } from '../../lib/policy/propose/proposal-memo';
import { evaluateTrustPolicy } from '../../lib/policy/iam/principal';
import type { Denial, PolicyDocument, PolicyStatement, Proposal, ValidationVerdict } from '../../lib/denial/types';
import type { NoteCode } from '../../lib/policy/propose/notes';
import type { PrincipalPolicies, RoleTrustPolicy } from '../../lib/policy/ports';
import { inline, roleWith } from './fixtures/policies';
import { ACCOUNT, ROLE, SESSION_ARN, deniedRecord } from './fixtures/records';
import { noteCodes, paramsOf } from './fixtures/notes';

const TARGET_ACCOUNT = '444455556666';
const TARGET = `arn:aws:iam::${TARGET_ACCOUNT}:role/deployer`;
const CALLER_ROLE = `arn:aws:iam::${ACCOUNT}:role/${ROLE}`;
const CALLER_ROLE_WITH_PATH = `arn:aws:iam::${ACCOUNT}:role/team/${ROLE}`;

/** An AssumeRole denial whose message names no layer (the usual STS wording), by a session of the caller role. */
function assumeRecord(target = TARGET, rolePath = '/'): Record<string, unknown> {
  const record = deniedRecord({
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    action: 'sts:AssumeRole',
    resource: target,
    requestParameters: { roleArn: target, roleSessionName: 'deploy' },
    extra: { errorMessage: `User: ${SESSION_ARN} is not authorized to perform: sts:AssumeRole on resource: ${target}` },
  });
  const identity = record.userIdentity as { sessionContext: { sessionIssuer: { arn: string } } };
  identity.sessionContext.sessionIssuer.arn = `arn:aws:iam::${ACCOUNT}:role${rolePath}${ROLE}`;
  return record;
}

function decode(record: Record<string, unknown>): Denial {
  const outcome = decodeRecord(record);
  if (outcome.kind !== 'denial') throw new Error(`not a denial: ${JSON.stringify(outcome)}`);
  return outcome.denial;
}

const doc = (...statements: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement: statements });
const trustOf = (document: PolicyDocument, roleArn = TARGET): RoleTrustPolicy => ({ roleArn, account: TARGET_ACCOUNT, document, source: 'snapshot' });
const trusts = (principal: unknown, extra: Partial<PolicyStatement> = {}): PolicyStatement => ({
  Effect: 'Allow',
  Principal: principal,
  Action: 'sts:AssumeRole',
  ...extra,
});

const ALLOWS_ASSUME = [inline('assume', { Sid: 'Assume', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: TARGET })];
const callerPolicies = (allows: boolean, path = '/'): PrincipalPolicies => roleWith(ROLE, allows ? ALLOWS_ASSUME : [], undefined, path);

/** The proposal for the trust side: the main one when only the trust side must change, else the one also needed. */
function trustSideOf(p: Proposal): Proposal | undefined {
  return p.target.policyName?.startsWith('trust policy') ? p : p.alsoNeeded?.[0];
}

const OTHER_ACCOUNT_ROOT = 'arn:aws:iam::999988887777:root';
const EXTERNAL_ID = { StringEquals: { 'sts:ExternalId': 'ext-123' } };

interface Row {
  name: string;
  identityAllows: boolean;
  trust: PolicyDocument | null;
  validated: ValidationVerdict;
  codes: NoteCode[];
  /** The trust statement proposed (on whichever side it lands), or null when none. */
  trustStatement: PolicyStatement | null;
  identityStatements: boolean;
}

describe('sts:AssumeRole: both sides', () => {
  it.each<Row>([
    {
      name: 'identity allows, the trust policy trusts another account only: the trust side is named, with its owner account',
      identityAllows: true,
      trust: doc(trusts({ AWS: OTHER_ACCOUNT_ROOT })),
      validated: 'simulated-allow',
      codes: ['identity-side-allows', 'trust-policy-refuses', 'trust-statement-extended'],
      trustStatement: { Effect: 'Allow', Principal: { AWS: [OTHER_ACCOUNT_ROOT, CALLER_ROLE] }, Action: 'sts:AssumeRole' },
      identityStatements: false,
    },
    {
      name: 'a service principal never names the caller',
      identityAllows: true,
      trust: doc(trusts({ Service: 'ec2.amazonaws.com' })),
      validated: 'simulated-allow',
      codes: ['identity-side-allows', 'trust-policy-refuses', 'trust-statement-added'],
      trustStatement: { Sid: 'AccessAuditorTrustCaller', Effect: 'Allow', Principal: { AWS: CALLER_ROLE }, Action: 'sts:AssumeRole' },
      identityStatements: false,
    },
    {
      name: 'the trust policy allows (account ID form), the identity policies do not: an identity edit, validated',
      identityAllows: false,
      trust: doc(trusts({ AWS: ACCOUNT })),
      validated: 'simulated-allow',
      codes: ['identity-side-refuses', 'trust-policy-allows'],
      trustStatement: null,
      identityStatements: true,
    },
    {
      name: 'neither side allows: the identity edit, and the trust change also needed',
      identityAllows: false,
      trust: doc(trusts({ AWS: OTHER_ACCOUNT_ROOT })),
      validated: 'simulated-allow',
      codes: ['identity-side-refuses', 'trust-policy-refuses'],
      trustStatement: { Effect: 'Allow', Principal: { AWS: [OTHER_ACCOUNT_ROOT, CALLER_ROLE] }, Action: 'sts:AssumeRole' },
      identityStatements: true,
    },
    {
      name: 'a statement of another principal with sts:ExternalId: extended, the condition kept, unknown-context',
      identityAllows: true,
      trust: doc(trusts({ AWS: OTHER_ACCOUNT_ROOT }, { Sid: 'Vendor', Condition: EXTERNAL_ID })),
      validated: 'unknown-context',
      codes: ['identity-side-allows', 'trust-policy-refuses', 'trust-statement-extended', 'trust-guard-conditions', 'check-undetermined'],
      trustStatement: {
        Sid: 'Vendor',
        Effect: 'Allow',
        Principal: { AWS: [OTHER_ACCOUNT_ROOT, CALLER_ROLE] },
        Action: 'sts:AssumeRole',
        Condition: EXTERNAL_ID,
      },
      identityStatements: false,
    },
    {
      name: 'the caller account is trusted with sts:ExternalId: undetermined as it stands, never an allow',
      identityAllows: true,
      trust: doc(trusts({ AWS: `arn:aws:iam::${ACCOUNT}:root` }, { Condition: EXTERNAL_ID })),
      validated: 'unknown-context',
      codes: ['identity-side-allows', 'trust-policy-undetermined', 'trust-guard-conditions'],
      trustStatement: null,
      identityStatements: false,
    },
    {
      name: "a new statement copies aws:PrincipalOrgID from the role's other AWS statement (whose actions differ)",
      identityAllows: true,
      trust: doc(
        trusts({ AWS: OTHER_ACCOUNT_ROOT }, { Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } } }),
        trusts({ Service: 'lambda.amazonaws.com' }, { Condition: { StringEquals: { 'aws:SourceAccount': TARGET_ACCOUNT } } }),
      ),
      validated: 'unknown-context',
      codes: ['identity-side-allows', 'trust-policy-refuses', 'trust-statement-added', 'trust-guard-conditions', 'check-undetermined'],
      trustStatement: {
        Sid: 'AccessAuditorTrustCaller',
        Effect: 'Allow',
        Principal: { AWS: CALLER_ROLE },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } },
      },
      identityStatements: false,
    },
    {
      name: 'a Deny conditioned on aws:PrincipalOrgID, which the record does not show: unknown-context, not an explicit deny',
      identityAllows: true,
      trust: doc(trusts({ AWS: ACCOUNT }), {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'sts:AssumeRole',
        Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc' } },
      }),
      validated: 'unknown-context',
      codes: ['identity-side-allows', 'trust-policy-undetermined'],
      trustStatement: null,
      identityStatements: false,
    },
    {
      name: 'an explicit Deny for the caller in the trust policy: no Allow proposed, still denied',
      identityAllows: true,
      trust: doc(trusts({ AWS: ACCOUNT }), { Effect: 'Deny', Principal: { AWS: CALLER_ROLE }, Action: 'sts:AssumeRole' }),
      validated: 'simulated-deny',
      codes: ['identity-side-allows', 'trust-policy-refuses'],
      trustStatement: null,
      identityStatements: false,
    },
    {
      name: 'control: both sides allow already: nothing proposed, both sides checked',
      identityAllows: true,
      trust: doc(trusts({ AWS: CALLER_ROLE })),
      validated: 'simulated-allow',
      codes: ['both-sides-allow'],
      trustStatement: null,
      identityStatements: false,
    },
    {
      name: 'the trust policy is not available: the identity verdict is kept in a note, the call is not validated',
      identityAllows: true,
      trust: null,
      validated: 'not-validated',
      codes: ['trust-policy-unavailable'],
      trustStatement: null,
      identityStatements: false,
    },
  ])('$name', ({ identityAllows, trust, validated, codes, trustStatement, identityStatements }) => {
    const p = proposeFix(decode(assumeRecord()), callerPolicies(identityAllows), trust ? { roleTrust: trustOf(trust) } : {});
    expect(p.validated).toBe(validated);
    expect(noteCodes(p)).toEqual(expect.arrayContaining(codes));
    const trustSide = trustSideOf(p);
    if (trustStatement) {
      expect(trustSide?.statements).toEqual([trustStatement]);
      expect(trustSide?.target.name).toContain(`account ${TARGET_ACCOUNT}`);
      expect(trustSide?.policyAfter?.Statement).toContainEqual(trustStatement);
    } else {
      expect(trustSide?.statements ?? []).toEqual([]);
    }
    if (codes.includes('trust-policy-refuses')) expect(paramsOf(p, 'trust-policy-refuses')).toMatchObject({ account: TARGET_ACCOUNT, role: TARGET });
    if (codes.includes('identity-side-refuses')) expect(paramsOf(p, 'identity-side-refuses')).toMatchObject({ account: ACCOUNT });
    expect(p.target.kind === 'identity-policy' && p.statements.length > 0).toBe(identityStatements);
    if (validated === 'unknown-context') {
      const key = JSON.stringify(trust).includes('aws:PrincipalOrgID') ? 'aws:PrincipalOrgID' : 'sts:ExternalId';
      expect(JSON.stringify(p.noteDetails?.filter((n) => ['check-undetermined', 'trust-policy-undetermined'].includes(n.code)))).toContain(key);
      if (codes.includes('trust-guard-conditions')) expect(paramsOf(p, 'trust-guard-conditions')?.keys).toContain(key);
    }
  });

  it("the caller's policies are not available: the trust change is still proposed, and the call is not validated", () => {
    const p = proposeFix(decode(assumeRecord()), null, { roleTrust: trustOf(doc(trusts({ Service: 'ec2.amazonaws.com' }))) });
    expect(p.validated).toBe('not-validated');
    expect(p.alsoNeeded?.[0]).toMatchObject({ validated: 'simulated-allow', statements: [{ Principal: { AWS: CALLER_ROLE } }] });
    expect(noteCodes(p)).toContain('trust-policy-refuses');
    expect(noteCodes(p)).not.toContain('identity-side-refuses');
  });

  it('the trust statement names the role ARN with its path, never the session ARN', () => {
    const p = proposeFix(decode(assumeRecord(TARGET, '/team/')), callerPolicies(true, '/team/'), {
      roleTrust: trustOf(doc(trusts({ Service: 'ec2.amazonaws.com' }))),
    });
    expect(p.statements).toEqual([{ Sid: 'AccessAuditorTrustCaller', Effect: 'Allow', Principal: { AWS: CALLER_ROLE_WITH_PATH }, Action: 'sts:AssumeRole' }]);
    expect(JSON.stringify(p.statements)).not.toContain('assumed-role');
  });

  it('the message blames the trust policy, and the trust policy is available: the identity side is checked too', () => {
    const record = assumeRecord();
    record.errorMessage = `User: ${SESSION_ARN} is not authorized to perform: sts:AssumeRole on resource: ${TARGET} because no role trust policy allows the sts:AssumeRole action`;
    const denial = decode(record);
    expect(denial.reason.layer).toBe('resource');
    const p = proposeFix(denial, callerPolicies(false), { roleTrust: trustOf(doc(trusts({ AWS: OTHER_ACCOUNT_ROOT }))) });
    expect(noteCodes(p)).toEqual(expect.arrayContaining(['identity-side-refuses', 'trust-policy-refuses']));
    expect(p.target.kind).toBe('identity-policy');
    expect(p.alsoNeeded?.[0]?.statements[0]?.Principal).toEqual({ AWS: [OTHER_ACCOUNT_ROOT, CALLER_ROLE] });
  });
});

describe('cross-account: the target role is in another loaded snapshot', () => {
  const callerSnapshot = {
    RoleDetailList: [
      {
        Path: '/',
        RoleName: ROLE,
        Arn: CALLER_ROLE,
        RolePolicyList: [{ PolicyName: 'assume', PolicyDocument: doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: TARGET }) }],
        AttachedManagedPolicies: [],
        AssumeRolePolicyDocument: doc(trusts({ Service: 'ecs-tasks.amazonaws.com' })),
      },
    ],
  };
  const targetSnapshot = (trust: PolicyDocument) => ({
    RoleDetailList: [
      {
        Path: '/',
        RoleName: 'deployer',
        Arn: TARGET,
        RolePolicyList: [],
        AttachedManagedPolicies: [],
        // URL-encoded, as the SDK returns it.
        AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust)),
      },
    ],
  });

  it.each<[string, PolicyDocument, ValidationVerdict, NoteCode]>([
    [
      'the target account trusts another account: a trust change for account 444455556666',
      doc(trusts({ AWS: OTHER_ACCOUNT_ROOT })),
      'simulated-allow',
      'trust-policy-refuses',
    ],
    [
      'the target account trusts the caller account: both sides allow',
      doc(trusts({ AWS: `arn:aws:iam::${ACCOUNT}:root` })),
      'simulated-allow',
      'both-sides-allow',
    ],
  ])('%s', async (_name, trust, validated, code) => {
    const policySource = SnapshotPolicySource.fromSnapshots([callerSnapshot, targetSnapshot(trust)]);
    const outcome = await analyzeRecord(assumeRecord(), { policySource });
    if (outcome.kind !== 'denial') throw new Error('not a denial');
    const p = outcome.denial.proposal as Proposal;
    expect(p.validated).toBe(validated);
    expect(noteCodes(p)).toContain(code);
    if (code === 'trust-policy-refuses') expect(p.target).toMatchObject({ kind: 'resource-policy', name: expect.stringContaining(TARGET_ACCOUNT) });
  });

  it('the target account snapshot is not loaded: the trust side is unavailable, never an allow', async () => {
    const policySource = SnapshotPolicySource.fromSnapshots([callerSnapshot]);
    const outcome = await analyzeRecord(assumeRecord(), { policySource });
    if (outcome.kind !== 'denial') throw new Error('not a denial');
    expect(outcome.denial.proposal?.validated).toBe('not-validated');
    expect(noteCodes(outcome.denial.proposal as Proposal)).toContain('trust-policy-unavailable');
  });
});

describe('the pipeline: reading the trust side, and what the simulator can confirm', () => {
  it('a trust policy that cannot be read is a note, and the call is not validated', async () => {
    const policySource = {
      getPrincipalPolicies: async () => callerPolicies(true),
      getRoleTrustPolicy: async () => {
        throw new Error('AccessDenied on iam:GetRole');
      },
    };
    const outcome = await analyzeRecord(assumeRecord(), { policySource });
    if (outcome.kind !== 'denial') throw new Error('not a denial');
    const p = outcome.denial.proposal as Proposal;
    expect(p.validated).toBe('not-validated');
    expect(noteCodes(p)).toEqual(expect.arrayContaining(['trust-policy-unavailable', 'trust-policy-read-failed']));
  });

  it("IAM's simulator allowing the identity side does not make an unread trust side an allow", async () => {
    const policySource = { getPrincipalPolicies: async () => callerPolicies(false) };
    const simulator = { simulate: async () => 'allowed' as const };
    const outcome = await analyzeRecord(assumeRecord(), { policySource, simulator });
    if (outcome.kind !== 'denial') throw new Error('not a denial');
    const p = outcome.denial.proposal as Proposal;
    expect(p.validated).toBe('not-validated');
    expect(noteCodes(p)).toContain('simulation-identity-side-only');
  });
});

describe('the proposal memo: the trust policy is an input', () => {
  it('two callers from two addresses, a trust condition on aws:SourceIp: two problems, two verdicts', () => {
    const trust = trustOf(doc(trusts({ AWS: ACCOUNT }, { Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })));
    const policies = callerPolicies(true);
    const memo = new ProposalMemo();
    const inside = memo.propose(decode(assumeRecord()), policies, { roleTrust: trust });
    const outside = memo.propose(decode({ ...assumeRecord(), sourceIPAddress: '198.51.100.9' }), policies, { roleTrust: trust });
    // Outside the range the trust policy refuses, and a statement added for the caller keeps the range: still refused.
    expect([inside.validated, outside.validated]).toEqual(['simulated-allow', 'simulated-deny']);
    expect(noteCodes(inside)).toContain('both-sides-allow');
    expect(noteCodes(outside)).toContain('trust-statement-added');
    expect(trustSideOf(outside)?.statements[0]?.Condition).toEqual({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } });
    expect(memo.misses).toBe(2);
    // Another trust policy object for the same role is a new input as well.
    memo.propose(decode(assumeRecord()), policies, { roleTrust: trustOf(doc(trusts({ AWS: OTHER_ACCOUNT_ROOT }))) });
    expect(memo.misses).toBe(3);
  });
});

describe('property: a proposed trust change lets in the caller role and nobody else, and keeps every condition', () => {
  const account = fc.stringMatching(/^[0-9]{12}$/);
  const roleName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_+=,.@-]{0,20}$/);
  const principal = fc.oneof(
    account.map((a) => ({ AWS: `arn:aws:iam::${a}:root` })),
    fc.tuple(account, roleName).map(([a, r]) => ({ AWS: `arn:aws:iam::${a}:role/${r}` })),
    fc.constant({ AWS: `arn:aws:iam::${ACCOUNT}:root` }),
    fc.constant({ Service: 'ec2.amazonaws.com' }),
  );
  const condition = fc.option(
    fc.constantFrom<PolicyStatement['Condition']>(
      EXTERNAL_ID,
      { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } },
      { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    ),
    { nil: undefined },
  );
  const statement = fc
    .record({ principal, condition, actions: fc.constantFrom<string | string[]>('sts:AssumeRole', ['sts:AssumeRole', 'sts:TagSession']) })
    .map(({ principal: p, condition: c, actions }): PolicyStatement => ({ Effect: 'Allow', Principal: p, Action: actions, ...(c ? { Condition: c } : {}) }));
  const other = fc.tuple(account, roleName).map(([a, r]) => ({ arn: `arn:aws:iam::${a}:role/${r}`, account: a }));
  const denial = decode(assumeRecord());
  const open = { isAbsenceKnown: () => false };
  const mayAllow = (d: PolicyDocument, who: { arn: string; account: string }) => {
    const r = evaluateTrustPolicy(d, { arn: who.arn, account: who.account }, { action: 'sts:AssumeRole', resource: null, context: {}, knowledge: open });
    return (r.bestCaseDecision ?? r.decision) === 'allowed';
  };

  it('holds for random trust policies and random other principals', () => {
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 4 }), fc.array(other, { minLength: 1, maxLength: 5 }), (statements, others) => {
        const before = doc(...statements);
        const p = proposeFix(denial, callerPolicies(true), { roleTrust: trustOf(before) });
        const after = trustSideOf(p)?.policyAfter;
        if (!after) return;
        for (const who of others) {
          if (who.arn === CALLER_ROLE) continue;
          if (mayAllow(after, who)) expect(mayAllow(before, who)).toBe(true);
        }
        // Statements are only appended or extended in place: each original condition is still there, unchanged.
        before.Statement.forEach((s, i) => expect(after.Statement[i]?.Condition).toEqual(s.Condition));
        const added = after.Statement.slice(before.Statement.length);
        for (const s of added) expect(s.Principal).toEqual({ AWS: CALLER_ROLE });
      }),
      { numRuns: 200 },
    );
  });
});

describe('a trust statement added for the caller never routes around a condition the policy already sets for it', () => {
  const callerAccount = `arn:aws:iam::${ACCOUNT}:root`;
  it.each<[string, PolicyStatement['Condition'], ValidationVerdict]>([
    [
      "the caller's account is trusted from the corporate range only, and the call came from outside it",
      { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      'simulated-deny',
    ],
    [
      "the caller's account is trusted through a VPC endpoint only, and the call did not use it",
      { StringEquals: { 'aws:SourceVpce': 'vpce-0abc' } },
      'simulated-deny',
    ],
  ])('%s → %s, the condition kept', (_name, condition, verdict) => {
    // Another account's role is trusted outright, so a statement is added rather than extended.
    const trust = doc(
      trusts({ AWS: callerAccount }, { Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: condition }),
      trusts({ AWS: OTHER_ACCOUNT_ROOT }),
    );
    const p = proposeFix(decode(assumeRecord()), callerPolicies(true), { roleTrust: trustOf(trust) });
    const side = trustSideOf(p);
    expect(side?.validated).toBe(verdict);
    expect(p.validated).not.toBe('simulated-allow');
    for (const s of side?.statements ?? []) expect(s.Condition).toMatchObject(condition!);
  });
});
