import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Denial, Proposal } from '../../lib/denial/types';
import { decodeRecord } from '../../lib/cloudtrail/decode';
import { evaluate, type EvaluationRequest, type PolicySet } from '../../lib/policy/iam/evaluator';
import type { PrincipalPolicies } from '../../lib/policy/ports';
import { proposeFix } from '../../lib/policy/propose/propose';
import { SnapshotPolicySource } from '../../lib/policy/sources/snapshot';
import { EXAMPLES } from './fixtures/denials';
import { exampleSnapshot } from './fixtures/snapshot';

/**
 * The six examples checked against evaluation requests written here by hand from the AWS
 * documentation (aws-facts 4.3, 4.6, 4.7, 4.10), not computed by planGrant: what IAM evaluates for
 * the real call must be allowed by policyAfter plus the principal's other policies, and a
 * hand-picked neighbour must not become allowed.
 */

const source = SnapshotPolicySource.fromSnapshots([exampleSnapshot()]);
const A = '111122223333';
const SONNET_45 = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const HAIKU_3 = 'anthropic.claude-3-haiku-20240307-v1:0';
const SONNET_35 = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const US_PROFILE = `arn:aws:bedrock:us-east-1:${A}:inference-profile/us.${SONNET_45}`;
const GLOBAL_PROFILE = `arn:aws:bedrock:us-east-1:${A}:inference-profile/global.${SONNET_45}`;
const fm = (region: string, id: string) => `arn:aws:bedrock:${region}::foundation-model/${id}`;
const req = (action: string, resource: string | null, context: Record<string, string>): EvaluationRequest => ({ action, resource, context });
const viaUsProfile = (region: string) => ({ 'aws:RequestedRegion': region, 'bedrock:InferenceProfileArn': US_PROFILE });

interface Expected {
  needed: EvaluationRequest[];
  neighbours: EvaluationRequest[];
}

const EXPECTED: Record<string, Expected> = {
  '01-apprunner-no-bedrock-grant': {
    needed: [req('bedrock:InvokeModel', fm('us-east-1', SONNET_35), { 'aws:RequestedRegion': 'us-east-1' })],
    neighbours: [
      req('bedrock:InvokeModel', fm('us-east-1', HAIKU_3), { 'aws:RequestedRegion': 'us-east-1' }),
      req('bedrock:InvokeModel', fm('us-west-2', SONNET_35), { 'aws:RequestedRegion': 'us-west-2' }),
      req('bedrock:InvokeModelWithResponseStream', fm('us-east-1', SONNET_35), { 'aws:RequestedRegion': 'us-east-1' }),
    ],
  },
  '02-iam-user-wrong-model-id': {
    needed: [
      req('bedrock:InvokeModel', US_PROFILE, { 'aws:RequestedRegion': 'us-east-1' }),
      req('bedrock:InvokeModel', fm('us-east-1', SONNET_45), viaUsProfile('us-east-1')),
      req('bedrock:InvokeModel', fm('us-east-2', SONNET_45), viaUsProfile('us-east-2')),
      req('bedrock:InvokeModel', fm('us-west-2', SONNET_45), viaUsProfile('us-west-2')),
    ],
    neighbours: [
      req('bedrock:InvokeModel', fm('us-east-2', HAIKU_3), viaUsProfile('us-east-2')),
      req('bedrock:InvokeModel', `arn:aws:bedrock:us-east-1:${A}:inference-profile/us.${HAIKU_3}`, { 'aws:RequestedRegion': 'us-east-1' }),
      req('bedrock:CreateModelInvocationJob', fm('us-east-1', SONNET_45), { 'aws:RequestedRegion': 'us-east-1' }),
    ],
  },
  '03-sso-permission-set-no-invoke': {
    needed: [
      req('bedrock:InvokeModel', GLOBAL_PROFILE, { 'aws:RequestedRegion': 'us-east-1' }),
      req('bedrock:InvokeModel', fm('us-east-1', SONNET_45), { 'aws:RequestedRegion': 'us-east-1', 'bedrock:InferenceProfileArn': GLOBAL_PROFILE }),
      req('bedrock:InvokeModel', fm('', SONNET_45), { 'aws:RequestedRegion': 'unspecified', 'bedrock:InferenceProfileArn': GLOBAL_PROFILE }),
    ],
    neighbours: [
      req('bedrock:InvokeModel', fm('', SONNET_45), { 'aws:RequestedRegion': 'unspecified' }),
      req('bedrock:InvokeModel', fm('us-east-1', SONNET_45), { 'aws:RequestedRegion': 'us-east-1' }),
      req('bedrock:InvokeModel', fm('', HAIKU_3), { 'aws:RequestedRegion': 'unspecified', 'bedrock:InferenceProfileArn': GLOBAL_PROFILE }),
    ],
  },
  '04-bedrock-agent-cross-region-us-east-2': {
    needed: [
      req('bedrock:InvokeModel', US_PROFILE, { 'aws:RequestedRegion': 'us-east-1' }),
      req('bedrock:InvokeModel', fm('us-east-1', SONNET_45), viaUsProfile('us-east-1')),
      req('bedrock:InvokeModel', fm('us-east-2', SONNET_45), viaUsProfile('us-east-2')),
      req('bedrock:InvokeModel', fm('us-west-2', SONNET_45), viaUsProfile('us-west-2')),
    ],
    neighbours: [
      req('bedrock:InvokeModel', fm('us-east-2', HAIKU_3), viaUsProfile('us-east-2')),
      req('bedrock:CreateModelInvocationJob', fm('us-east-2', SONNET_45), { 'aws:RequestedRegion': 'us-east-2' }),
    ],
  },
  '05-ecs-task-account-id-in-foundation-model-arn': {
    needed: [req('bedrock:InvokeModelWithResponseStream', fm('us-west-2', HAIKU_3), { 'aws:RequestedRegion': 'us-west-2' })],
    neighbours: [
      req('bedrock:InvokeModel', fm('us-west-2', 'amazon.nova-pro-v1:0'), { 'aws:RequestedRegion': 'us-west-2' }),
      req('bedrock:CreateModelInvocationJob', fm('us-west-2', HAIKU_3), { 'aws:RequestedRegion': 'us-west-2' }),
    ],
  },
  '06-api-key-missing-call-with-bearer-token': {
    needed: [
      req('bedrock:CallWithBearerToken', null, { 'aws:RequestedRegion': 'us-east-1' }),
      req('bedrock:InvokeModel', fm('us-east-1', 'amazon.nova-lite-v1:0'), { 'aws:RequestedRegion': 'us-east-1' }),
    ],
    neighbours: [
      req('bedrock:InvokeModel', fm('us-east-1', 'amazon.nova-pro-v1:0'), { 'aws:RequestedRegion': 'us-east-1' }),
      req('bedrock:InvokeModelWithResponseStream', fm('us-east-1', 'amazon.nova-lite-v1:0'), { 'aws:RequestedRegion': 'us-east-1' }),
    ],
  },
};

/** The principal's policies as they are, and with policyAfter in place of the policy it changes (or added). */
function beforeAndAfter(policies: PrincipalPolicies, proposal: Proposal): { before: PolicySet; after: PolicySet } {
  const boundary = policies.permissionsBoundary ? { permissionsBoundary: policies.permissionsBoundary } : {};
  const doc = proposal.policyAfter!;
  const changed = proposal.target.policyName;
  const identity = changed
    ? policies.identityPolicies.map((p) => (p.name === changed ? { ...p, document: doc } : p))
    : [...policies.identityPolicies, { name: 'new', document: doc }];
  return { before: { identity: policies.identityPolicies, ...boundary }, after: { identity, ...boundary } };
}

async function check(name: string, denial: Denial): Promise<void> {
  const expected = EXPECTED[name]!;
  const policies = (await source.getPrincipalPolicies(denial.principal))!;
  const proposal = proposeFix(denial, policies);
  const { before, after } = beforeAndAfter(policies, proposal);
  const label = (r: EvaluationRequest) => `${r.action} ${r.resource ?? '*'} ${JSON.stringify(r.context)}`;
  const decisions = (set: PolicySet, requests: EvaluationRequest[]) => requests.map((r) => `${label(r)}: ${evaluate(set, r).decision}`);

  // Given the call is denied today, when the proposal is applied, then every evaluation it needs is allowed...
  expect(expected.needed.some((r) => evaluate(before, r).decision !== 'allowed')).toBe(true);
  expect(decisions(after, expected.needed)).toEqual(expected.needed.map((r) => `${label(r)}: allowed`));
  // ...and no neighbour is allowed, before or after.
  expect(decisions(before, expected.neighbours)).toEqual(expected.neighbours.map((r) => `${label(r)}: implicitDeny`));
  expect(decisions(after, expected.neighbours)).toEqual(expected.neighbours.map((r) => `${label(r)}: implicitDeny`));
}

describe('the six examples against hand-written evaluations', () => {
  it.each(Object.keys(EXPECTED))('%s (hand-built denial)', async (name) => {
    await check(name, EXAMPLES[name]!);
  });

  it.each(Object.keys(EXPECTED))('%s (decoded from the CloudTrail record)', async (name) => {
    const outcome = decodeRecord(JSON.parse(readFileSync(join(__dirname, '../../examples/records', `${name}.json`), 'utf8')));
    if (outcome.kind !== 'denial') throw new Error(`${name} is not a denial`);
    await check(name, outcome.denial);
  });
});
