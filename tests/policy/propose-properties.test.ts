import fc from 'fast-check';
import type { Denial, PolicyStatement, Principal, ReasonLayer } from '../../lib/denial/types';
import { REASON_LAYERS } from '../../lib/denial/types';
import { evaluate } from '../../lib/policy/iam/evaluator';
import { proposeFix } from '../../lib/policy/propose/propose';
import { applyProposal, checksFor } from './fixtures/apply';
import { ACCOUNT, fmArn, modelDenial, profileDenial, rolePrincipal, ssoPrincipal, userPrincipal, denial as baseDenial } from './fixtures/denials';
import { expectProposalInvariants } from './fixtures/invariants';
import { noteCodes, paramsOf } from './fixtures/notes';
import { inline, managed, roleWith } from './fixtures/policies';

const MODELS = [
  'anthropic.claude-sonnet-4-5-20250929-v1:0',
  'anthropic.claude-3-haiku-20240307-v1:0',
  'amazon.nova-lite-v1:0',
  'meta.llama3-70b-instruct-v1:0',
];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1'];

const principalArb: fc.Arbitrary<Principal> = fc.oneof(
  fc.constant(rolePrincipal('app-role')),
  fc.constant(userPrincipal('app-role')),
  fc.constant(ssoPrincipal('Team')),
  fc.constant(rolePrincipal('AWSServiceRoleForX', '/aws-service-role/x.amazonaws.com/', { managedBy: 'service-linked' })),
  fc.constant<Principal>({ type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, managedBy: 'root' }),
);

const denialArb: fc.Arbitrary<Denial> = fc
  .record({
    shape: fc.constantFrom('bare', 'us', 'eu', 'global', 'bearer', 's3', 'marketplace'),
    model: fc.constantFrom(...MODELS),
    region: fc.constantFrom(...REGIONS),
    stream: fc.boolean(),
    layer: fc.constantFrom<ReasonLayer>(...REASON_LAYERS),
    explicit: fc.boolean(),
    principal: principalArb,
  })
  .map(({ shape, model, region, stream, layer, explicit, principal }) => {
    const extra: Partial<Denial> = {
      principal,
      reason: { layer, explicit, summary: '' },
      ...(stream ? { eventName: 'ConverseStream', action: 'bedrock:InvokeModelWithResponseStream' } : {}),
    };
    switch (shape) {
      case 'us':
        return profileDenial('us', model, 'us-east-1', ['us-east-1', 'us-east-2', 'us-west-2'], extra);
      case 'eu':
        return profileDenial('eu', model, 'eu-west-1', ['eu-west-1', 'eu-central-1'], extra);
      case 'global':
        return profileDenial('global', model, region, [region], extra);
      case 'bearer':
        return baseDenial({ ...extra, action: 'bedrock:CallWithBearerToken', eventName: 'InvokeModel', resource: null });
      case 's3':
        return baseDenial({ ...extra, action: 's3:GetObject', eventName: 'GetObject', resource: 'arn:aws:s3:::bucket/key' });
      case 'marketplace':
        return baseDenial({ ...extra, action: 'aws-marketplace:Subscribe', eventName: 'InvokeModel', resource: null });
      default:
        return modelDenial(model, region, extra);
    }
  });

const statementArb: fc.Arbitrary<PolicyStatement> = fc.record({
  Sid: fc.constantFrom('A', 'B', 'C'),
  Effect: fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Allow', 'Allow', 'Deny'),
  Action: fc.constantFrom('bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream', 'bedrock:Get*', 's3:GetObject', 'logs:*'),
  Resource: fc.oneof(
    fc.constant('*'),
    fc
      .tuple(fc.constantFrom(...REGIONS, '*'), fc.constantFrom('', ACCOUNT), fc.constantFrom(...MODELS, 'anthropic.*'))
      .map(([r, a, m]) => `arn:aws:bedrock:${r}:${a}:foundation-model/${m}`),
    fc.constantFrom(...MODELS).map((m) => `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.${m}`),
  ),
});

const policiesArb = fc.option(
  fc.array(fc.tuple(fc.boolean(), fc.array(statementArb, { minLength: 1, maxLength: 3 })), { maxLength: 3 }).map((list) =>
    roleWith(
      'app-role',
      list.map(([isManaged, statements], i) => (isManaged ? managed(`m${i}`, ...statements) : inline(`i${i}`, ...statements))),
    ),
  ),
  { nil: null },
);

describe('proposeFix: properties over random denials and policies', () => {
  it('never throws and keeps the invariants', () => {
    fc.assert(
      fc.property(denialArb, policiesArb, (d, policies) => {
        const p = proposeFix(d, policies);
        expectProposalInvariants(p);
        if (policies === null && p.statements.length > 0) expect(p.validated).toBe('not-validated');
      }),
      { numRuns: 300 },
    );
  });

  it('a simulated-allow identity proposal really allows every evaluation once applied', () => {
    fc.assert(
      fc.property(denialArb, policiesArb, (d, policies) => {
        fc.pre(policies !== null && (d.reason.layer === 'identity' || d.reason.layer === 'permissions-boundary'));
        const p = proposeFix(d, policies);
        fc.pre(p.validated === 'simulated-allow' && p.policyAfter !== undefined);
        const after = applyProposal(policies!, p);
        for (const check of checksFor(d)) expect(evaluate(after, check.request).decision).toBe('allowed');
      }),
      { numRuns: 300 },
    );
  });

  it('an Allow is never proposed where a Deny matches', () => {
    fc.assert(
      fc.property(denialArb, policiesArb, fc.nat(), (d, policies, pick) => {
        fc.pre(['identity', 'unknown'].includes(d.reason.layer) && d.principal.managedBy !== 'root' && d.principal.managedBy !== 'service-linked');
        const checks = checksFor(d);
        const check = checks[pick % checks.length]!;
        const deny: PolicyStatement = { Sid: 'Guard', Effect: 'Deny', Action: check.request.action, Resource: check.request.resource ?? '*' };
        const withDeny = roleWith('app-role', [...(policies?.identityPolicies ?? []), inline('guard', deny)]);
        const p = proposeFix(d, withDeny);
        expect(p.statements).toEqual([]);
        expect(noteCodes(p).some((c) => c === 'explicit-deny-statement' || c === 'reported-explicit-deny')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('boundaries and quotas, edge cases', () => {
  it('an AWS-managed boundary is replaced by a customer-managed copy', () => {
    const boundary = {
      kind: 'managed' as const,
      name: 'PowerUserAccess',
      arn: 'arn:aws:iam::aws:policy/PowerUserAccess',
      document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Action: 's3:*', Resource: '*' }] },
    };
    const policies = roleWith(
      'app-role',
      [inline('grant', { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: fmArn('us-east-1', 'amazon.nova-lite-v1:0') })],
      boundary,
    );
    const d = modelDenial('amazon.nova-lite-v1:0', 'us-east-1', {
      principal: rolePrincipal('app-role'),
      reason: { layer: 'permissions-boundary', explicit: false, summary: '' },
    });
    const p = proposeFix(d, policies);
    expect(p.target).toEqual({ kind: 'permissions-boundary', name: 'app-role' });
    expect(paramsOf(p, 'aws-managed-boundary-copy')).toMatchObject({ boundary: 'PowerUserAccess' });
    expect(p.cli).toMatch(/aws iam create-policy --policy-name PowerUserAccess-access-auditor/);
    expect(p.cli).toMatch(
      /aws iam put-role-permissions-boundary --role-name app-role --permissions-boundary arn:aws:iam::111122223333:policy\/PowerUserAccess-access-auditor/,
    );
    expect(p.validated).toBe('simulated-allow');
  });
});
