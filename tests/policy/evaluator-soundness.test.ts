import fc from 'fast-check';
import { evaluate, type PolicySet } from '../../lib/policy/iam/evaluator';
import type { PolicyStatement } from '../../lib/denial/types';

/**
 * The evaluator's promise: it never reports a wrong allow. When the request context leaves keys
 * undetermined, an `allowed` decision must hold for every value those keys could have (or their
 * absence), and an undetermined decision must say which keys it depends on.
 */
const VALUES = ['a', 'b', 'a*', '10', '192.0.2.1', 'true'];
const OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringLike',
  'StringNotLike',
  'NumericLessThan',
  'NumericNotEquals',
  'Bool',
  'IpAddress',
  'NotIpAddress',
  'StringEqualsIfExists',
  'StringNotEqualsIfExists',
  'Null',
];
const KEYS = ['aws:k1', 'aws:k2'];

const conditionArb = fc.dictionary(
  fc.constantFrom(...OPERATORS),
  fc.dictionary(
    fc.constantFrom(...KEYS),
    fc.oneof(fc.constantFrom(...VALUES, '192.0.2.0/24', 'false'), fc.array(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 2 })),
    { minKeys: 1, maxKeys: 2 },
  ),
  { minKeys: 1, maxKeys: 2 },
);
const statementArb: fc.Arbitrary<PolicyStatement> = fc
  .record({
    Effect: fc.constantFrom('Allow' as const, 'Deny' as const),
    Action: fc.constant('s3:GetObject'),
    Resource: fc.constantFrom('*', 'arn:aws:s3:::b/*', 'arn:aws:s3:::other/*'),
    Condition: fc.option(conditionArb, { nil: undefined }),
  })
  .map((s) => (s.Condition === undefined ? { Effect: s.Effect, Action: s.Action, Resource: s.Resource } : s) as PolicyStatement);
const policiesArb: fc.Arbitrary<PolicySet> = fc
  .array(statementArb, { minLength: 1, maxLength: 4 })
  .map((statements) => ({ identity: [{ name: 'p', document: { Version: '2012-10-17', Statement: statements } }] }));
/** A value for a key, or its absence. */
const completionArb = fc.option(fc.constantFrom(...VALUES), { nil: undefined });

describe('evaluator soundness with an incomplete request context (property)', () => {
  it('an allow holds for every value of the undetermined key, and an unsettled decision names it', () => {
    fc.assert(
      fc.property(policiesArb, fc.constantFrom(...VALUES), completionArb, (policies, k1, k2) => {
        const base = { action: 's3:GetObject', resource: 'arn:aws:s3:::b/key' };
        // k1 is in the context; k2 is not, and nothing says whether the request had it.
        const open = evaluate(policies, { ...base, context: { 'aws:k1': k1 }, knowledge: { isAbsenceKnown: (k) => k !== 'aws:k2' } });
        const complete = evaluate(policies, { ...base, context: { 'aws:k1': k1, ...(k2 === undefined ? {} : { 'aws:k2': k2 }) } });
        if (open.decision === 'allowed') expect(complete.decision).toBe('allowed');
        if (complete.decision !== open.decision) {
          expect(open.bestCaseDecision).toBeDefined();
          expect(open.undetermined.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('with a complete context, the decision is settled unless a value is malformed or ambiguous', () => {
    const policies: PolicySet = {
      identity: [
        {
          name: 'p',
          document: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'aws:k1': 'a' } } }],
          },
        },
      ],
    };
    const settled = evaluate(policies, { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:k1': 'a' } });
    expect(settled).toMatchObject({ decision: 'allowed', undetermined: [] });
    const open = evaluate(policies, { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: {}, knowledge: { isAbsenceKnown: () => false } });
    expect(open).toMatchObject({ decision: 'implicitDeny', bestCaseDecision: 'allowed', undetermined: ['aws:k1'] });
  });
});
