import fc from 'fast-check';
import type { Denial, PolicyStatement } from '../../lib/denial/types';
import { evaluate, type PolicySet } from '../../lib/policy/iam/evaluator';
import { proposeFix } from '../../lib/policy/propose/propose';
import { loadActionCatalog } from '../../lib/policy/catalog/iam-data-catalog';
import type { ActionCatalog } from '../../lib/policy/catalog/action-catalog';
import type { PrincipalPolicies } from '../../lib/policy/ports';
import { applyProposal } from './fixtures/apply';
import { inline, roleWith } from './fixtures/policies';
import { ACCOUNT, ROLE, decodeDenied, type RecordParts } from './fixtures/records';

/**
 * Whatever the principal's policies and whichever denial, the proposed change newly allows nothing but
 * the denied request on its exact resource; and a fix called an allow really allows the call.
 */
const S3 = (key: string) => `arn:aws:s3:::reports/${key}`;
const INSTANCE = (id: string) => `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/${id}`;
const SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/db-AbCdEf`;
const FUNCTION = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;

interface Scenario {
  parts: RecordParts;
  /** The request IAM evaluates for the call, and requests it does not need. */
  needed: { action: string; resource: string };
  others: Array<{ action: string; resource: string }>;
}

const SCENARIOS: Scenario[] = [
  {
    parts: { eventSource: 's3.amazonaws.com', eventName: 'GetObject', action: 's3:GetObject', requestParameters: { bucketName: 'reports', key: 'q3.csv' } },
    needed: { action: 's3:GetObject', resource: S3('q3.csv') },
    others: [
      { action: 's3:GetObject', resource: S3('q4.csv') },
      { action: 's3:PutObject', resource: S3('q3.csv') },
      { action: 's3:DeleteObject', resource: S3('q3.csv') },
    ],
  },
  {
    parts: {
      eventSource: 'ec2.amazonaws.com',
      eventName: 'TerminateInstances',
      action: 'ec2:TerminateInstances',
      requestParameters: { instancesSet: { items: [{ instanceId: 'i-0abc1234def567890' }] } },
    },
    needed: { action: 'ec2:TerminateInstances', resource: INSTANCE('i-0abc1234def567890') },
    others: [
      { action: 'ec2:TerminateInstances', resource: INSTANCE('i-0fff1234def567890') },
      { action: 'ec2:StopInstances', resource: INSTANCE('i-0abc1234def567890') },
    ],
  },
  {
    parts: {
      eventSource: 'secretsmanager.amazonaws.com',
      eventName: 'GetSecretValue',
      action: 'secretsmanager:GetSecretValue',
      requestParameters: { secretId: 'prod/db' },
    },
    needed: { action: 'secretsmanager:GetSecretValue', resource: SECRET },
    others: [
      { action: 'secretsmanager:GetSecretValue', resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/db-admin-AbCdEf` },
      { action: 'secretsmanager:PutSecretValue', resource: SECRET },
    ],
  },
  {
    parts: { eventSource: 'lambda.amazonaws.com', eventName: 'Invoke', action: 'lambda:InvokeFunction', requestParameters: { functionName: 'orders' } },
    needed: { action: 'lambda:InvokeFunction', resource: FUNCTION('orders') },
    others: [
      { action: 'lambda:InvokeFunction', resource: FUNCTION('orders-admin') },
      { action: 'lambda:UpdateFunctionCode', resource: FUNCTION('orders') },
    ],
  },
];

const ACTIONS = ['s3:GetObject', 's3:*', 'ec2:TerminateInstances', 'ec2:Stop*', 'secretsmanager:GetSecretValue', 'lambda:InvokeFunction', 'lambda:*'];
const RESOURCES = [
  S3('*'),
  S3('q3.csv'),
  INSTANCE('*'),
  INSTANCE('i-0abc1234def567890'),
  `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/*`,
  FUNCTION('orders'),
  FUNCTION('*'),
];
const CONDITIONS: Array<PolicyStatement['Condition'] | undefined> = [
  undefined,
  { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
  { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
  { StringEquals: { 'aws:ResourceTag/env': 'prod' } },
];

const statementArb: fc.Arbitrary<PolicyStatement> = fc
  .record({ deny: fc.boolean(), action: fc.constantFrom(...ACTIONS), resource: fc.constantFrom(...RESOURCES), condition: fc.constantFrom(...CONDITIONS) })
  .map(({ deny, action, resource, condition }) => ({
    Effect: deny ? 'Deny' : 'Allow',
    Action: action,
    Resource: resource,
    ...(condition ? { Condition: condition } : {}),
  }));

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog(SCENARIOS.flatMap((s) => [s.needed.action, ...s.others.map((o) => o.action)]));
});

const decode = decodeDenied;

function setOf(policies: PrincipalPolicies): PolicySet {
  return { identity: policies.identityPolicies };
}

/** Allowed for some value of what the record leaves open: the most a change could have granted. */
function mayAllow(set: PolicySet, denial: Denial, request: { action: string; resource: string }): boolean {
  const determined = new Set(denial.requestContext?.determined ?? []);
  const result = evaluate(set, { ...request, context: denial.requestContext?.values ?? {}, knowledge: { isAbsenceKnown: (k) => determined.has(k) } });
  return (result.bestCaseDecision ?? result.decision) === 'allowed';
}

describe('a proposed change widens nothing (property)', () => {
  it('newly allows only the denied request, and an allow verdict really allows it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SCENARIOS), fc.array(statementArb, { maxLength: 4 }), (scenario, statements) => {
        const denial = decode(scenario.parts);
        const policies = roleWith(ROLE, statements.length > 0 ? [inline('app', ...statements)] : []);
        const proposal = proposeFix(denial, policies, { catalog });
        const before = setOf(policies);
        const after = proposal.policyAfter ? applyProposal(policies, proposal) : before;
        for (const other of scenario.others) {
          if (!mayAllow(before, denial, other)) expect([other, mayAllow(after, denial, other)]).toEqual([other, false]);
        }
        if (proposal.validated === 'simulated-allow') {
          const determined = new Set(denial.requestContext?.determined ?? []);
          const worst = evaluate(after, {
            ...scenario.needed,
            context: denial.requestContext?.values ?? {},
            knowledge: { isAbsenceKnown: (k) => determined.has(k) },
          });
          expect(worst.decision).toBe('allowed');
        }
      }),
      { numRuns: 400 },
    );
  });
});
