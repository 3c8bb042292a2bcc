import type { Denial, PolicyStatement } from '../../lib/denial/types';
import { parseModelId } from '../../lib/bedrock/model-id';
import type { ActionCatalog } from '../../lib/policy/catalog/action-catalog';
import { parseBedrockArn } from '../../lib/policy/catalog/bedrock-arns';
import { evaluate } from '../../lib/policy/iam/evaluator';
import { planGrant } from '../../lib/policy/propose/grant-plan';
import { loadActionCatalog, loadActionInfo } from '../../lib/policy/catalog/iam-data-catalog';
import { proposeFix } from '../../lib/policy/propose/propose';
import { buildProposeContext } from '../../lib/policy/propose/propose-context';
import { SnapshotPolicySource } from '../../lib/policy/sources/snapshot';
import { applyProposal } from './fixtures/apply';
import { notesWith, paramsOf } from './fixtures/notes';
import { ACCOUNT, denial as baseDenial, EXAMPLES, fmArn, modelDenial, profileDenial, rolePrincipal, SONNET_45, US_DESTINATIONS } from './fixtures/denials';
import { expectProposalInvariants } from './fixtures/invariants';
import { inline, roleWith } from './fixtures/policies';
import { exampleSnapshot } from './fixtures/snapshot';

const role = rolePrincipal('app-role');
const HAIKU_3 = 'anthropic.claude-3-haiku-20240307-v1:0';
const NOVA = 'amazon.nova-pro-v1:0';
const source = SnapshotPolicySource.fromSnapshots([exampleSnapshot()]);

let s3Catalog: ActionCatalog;
beforeAll(async () => {
  s3Catalog = await loadActionCatalog(['s3:GetObject']);
});

describe('the neighbours a plan checks are real', () => {
  const app = `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/a1b2c3d4e5f6`;
  const CASES: Array<{ name: string; denial: Denial; provider?: string; siblings: string[] }> = [
    {
      name: 'a bare Anthropic model',
      denial: modelDenial(HAIKU_3, 'us-west-2', { principal: role }),
      provider: 'anthropic',
      siblings: ['bedrock:CreateModelInvocationJob', 'bedrock:CreateModelCustomizationJob'],
    },
    {
      name: 'a US profile of an Anthropic model',
      denial: profileDenial('us', SONNET_45, 'us-east-1', US_DESTINATIONS, { principal: role }),
      provider: 'anthropic',
      siblings: ['bedrock:CreateModelInvocationJob'],
    },
    {
      name: 'a global profile',
      denial: profileDenial('global', SONNET_45, 'us-east-1', ['us-east-1'], { principal: role }),
      provider: 'anthropic',
      siblings: ['bedrock:CreateModelInvocationJob'],
    },
    {
      name: 'an Amazon model',
      denial: modelDenial(NOVA, 'us-east-1', { principal: role }),
      provider: 'amazon',
      siblings: ['bedrock:CreateModelInvocationJob'],
    },
    {
      name: 'an application profile',
      denial: baseDenial({
        principal: role,
        resource: app,
        model: {
          modelId: app,
          provider: 'anthropic',
          foundationModelId: SONNET_45,
          resourceType: 'application-inference-profile',
          inferenceProfile: { arn: app, kind: 'application', scope: 'application', destinationRegions: ['us-east-1'], destinationsSource: 'api' },
        },
      }),
      provider: 'anthropic',
      siblings: ['bedrock:CreateModelInvocationJob'],
    },
    { name: 'an unknown action without catalog data', denial: baseDenial({ principal: role, action: 'newservice:DoThing', resource: null }), siblings: [] },
  ];

  it.each(CASES)('$name', async ({ denial, provider, siblings }) => {
    const plan = planGrant(denial, buildProposeContext(denial, {}));
    const actions = [...new Set(plan.neighbours.map((n) => n.request.action))];
    for (const a of siblings) expect(actions).toContain(a);
    for (const a of actions) {
      expect(a).not.toMatch(/AccessAuditorProbe/);
      if (a.startsWith('bedrock:')) expect(await loadActionInfo(a)).toBeDefined();
    }
    if (provider) {
      const called = parseModelId(plan.foundationModelId ?? '');
      const sameProvider = plan.neighbours
        .map((n) => parseBedrockArn(n.request.resource ?? '')?.id ?? '')
        .map((id) => parseModelId(id.replace(/^(us|eu|apac|global)\./, '')))
        .filter((m) => m.provider === provider && m.family !== called.family);
      expect(sameProvider.length).toBeGreaterThan(0);
    }
  });

  it('a generic action gets real sibling actions from iam-data', () => {
    const d = baseDenial({ principal: role, action: 's3:GetObject', resource: 'arn:aws:s3:::b/key' });
    const plan = planGrant(d, buildProposeContext(d, { catalog: s3Catalog }));
    const actions = plan.neighbours.map((n) => n.request.action);
    expect(actions).toEqual(expect.arrayContaining(['s3:DeleteObject', 's3:PutObject']));
    expect(plan.neighbours.every((n) => n.request.resource === 'arn:aws:s3:::b/key')).toBe(true);
  });
});

describe('what an in-place fix newly allows is reported, and a fix never adds another action', () => {
  it('example 5: the kept anthropic.claude-* wildcard also allows another Claude model (noted, still validated)', async () => {
    const d = EXAMPLES['05-ecs-task-account-id-in-foundation-model-arn']!;
    const policies = await source.getPrincipalPolicies(d.principal);
    const p = proposeFix(d, policies);
    expect(p.validated).toBe('simulated-allow');
    expect(paramsOf(p, 'neighbour-kept-wildcard')).toMatchObject({ statement: 'InvokeClaude', neighbour: expect.stringContaining('anthropic.claude-') });
    // The note is true: another Claude model is newly allowed in us-west-2.
    const other = {
      action: 'bedrock:InvokeModel',
      resource: fmArn('us-west-2', 'anthropic.claude-3-5-sonnet-20241022-v2:0'),
      context: { 'aws:RequestedRegion': 'us-west-2' },
    };
    expect(evaluate({ identity: policies!.identityPolicies }, other).decision).toBe('implicitDeny');
    expect(evaluate(applyProposal(policies!, p), other).decision).toBe('allowed');
  });

  it("example 4: the statement's other actions on the added model ARNs are reported", async () => {
    const d = EXAMPLES['04-bedrock-agent-cross-region-us-east-2']!;
    const policies = await source.getPrincipalPolicies(d.principal);
    const p = proposeFix(d, policies);
    const reported = notesWith(p, 'neighbour-other-action').map((n) => n.params);
    expect(reported).toContainEqual(
      expect.objectContaining({ action: 'bedrock:GetFoundationModel', resources: expect.stringContaining('arn:aws:bedrock:us-east-2::foundation-model/') }),
    );
    expect(reported).not.toContainEqual(
      expect.objectContaining({ action: 'bedrock:GetInferenceProfile', resources: expect.stringMatching(/^arn:aws:bedrock:us-east-2::foundation-model/) }),
    );
    expect(p.validated).toBe('simulated-allow');
  });

  it.each<{ name: string; statement: PolicyStatement; call: Denial }>([
    {
      name: 'the streaming action granted on every model: adding InvokeModel there would allow it on every model',
      statement: {
        Sid: 'StreamAll',
        Effect: 'Allow',
        Action: 'bedrock:InvokeModelWithResponseStream',
        Resource: 'arn:aws:bedrock:us-east-1::foundation-model/*',
      },
      call: modelDenial(NOVA, 'us-east-1', { principal: role }),
    },
    {
      name: 'the plain action granted on every Claude model, the call streams',
      statement: { Sid: 'InvokeClaude', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:aws:bedrock:us-west-2::foundation-model/anthropic.*' },
      call: modelDenial(HAIKU_3, 'us-west-2', { principal: role, eventName: 'ConverseStream', action: 'bedrock:InvokeModelWithResponseStream' }),
    },
  ])('$name: no in-place edit, a precise statement instead', ({ statement, call }) => {
    const policies = roleWith('app-role', [inline('app', statement)]);
    const p = proposeFix(call, policies);
    expect(p.validated).toBe('simulated-allow');
    expect(p.target.policyName).toBeUndefined();
    expect(p.statements.every((s) => s.Sid?.startsWith('AccessAuditor'))).toBe(true);
    const after = applyProposal(policies, p);
    // The original statement is untouched, and no other model gains the action the fix needed.
    expect(after.identity[0]?.document.Statement).toEqual([statement]);
    const arn = parseBedrockArn(statement.Resource as string)!;
    const otherModel = fmArn(arn.region, arn.id.startsWith('anthropic') ? 'anthropic.claude-3-5-sonnet-20241022-v2:0' : 'meta.llama3-70b-instruct-v1:0');
    for (const action of p.statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action ?? '']))) {
      const request = { action, resource: otherModel, context: { 'aws:RequestedRegion': arn.region } };
      expect(evaluate(after, request).decision).toBe(evaluate({ identity: policies.identityPolicies }, request).decision);
    }
    expectProposalInvariants(p);
  });
});
