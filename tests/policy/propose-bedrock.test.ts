import type { Denial, PolicyStatement } from '../../lib/denial/types';
import { asList } from '../../lib/policy/iam/document';
import { evaluate } from '../../lib/policy/iam/evaluator';
import { proposeFix } from '../../lib/policy/propose/propose';
import { applyProposal, checksFor, decisions } from './fixtures/apply';
import {
  ACCOUNT,
  APAC_DESTINATIONS,
  EU_DESTINATIONS,
  fmArn,
  modelDenial,
  profileArn,
  profileDenial,
  rolePrincipal,
  SONNET_45,
  US_DESTINATIONS,
  denial as baseDenial,
} from './fixtures/denials';
import { expectProposalInvariants } from './fixtures/invariants';
import { noteCodes, paramsOf, repairKinds } from './fixtures/notes';
import { inline, managed, roleWith } from './fixtures/policies';

const role = rolePrincipal('app-role');
const emptyRole = roleWith('app-role', []);

describe('cross-region inference profiles, policies unknown', () => {
  it.each([
    ['US', 'us', 'us-east-1', US_DESTINATIONS],
    ['EU', 'eu', 'eu-west-1', EU_DESTINATIONS],
    ['APAC', 'apac', 'ap-northeast-1', APAC_DESTINATIONS],
  ])('%s profile: profile ARN in the call region + model in every destination, tied to the profile', (_n, scope, region, destinations) => {
    const d = profileDenial(scope, SONNET_45, region, destinations, { principal: role });
    const p = proposeFix(d, null);
    const profile = profileArn(region, `${scope}.${SONNET_45}`);
    expect(p.statements).toEqual([
      { Sid: 'AccessAuditorInferenceProfile', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: profile },
      {
        Sid: 'AccessAuditorModelThroughProfile',
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: [...new Set([region, ...destinations])].map((r) => fmArn(r, SONNET_45)),
        Condition: { StringEquals: { 'bedrock:InferenceProfileArn': profile } },
      },
    ]);
    expect(p.validated).toBe('not-validated');
    expect(noteCodes(p)).toContain('policies-unavailable-new-policy');
    expect(p.target).toEqual({ kind: 'identity-policy', name: 'app-role' });
    expect(p.policyAfter?.Statement).toEqual(p.statements);
    expectProposalInvariants(p);
  });

  it('global profile: the documented three-statement shape', () => {
    const d = profileDenial('global', SONNET_45, 'eu-west-1', EU_DESTINATIONS, { principal: role });
    const profile = profileArn('eu-west-1', `global.${SONNET_45}`);
    expect(proposeFix(d, null).statements).toEqual([
      {
        Sid: 'AccessAuditorGlobalInferenceProfile',
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: profile,
        Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
      },
      {
        Sid: 'AccessAuditorGlobalModelInCallRegion',
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: fmArn('eu-west-1', SONNET_45),
        Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1', 'bedrock:InferenceProfileArn': profile } },
      },
      {
        Sid: 'AccessAuditorGlobalModelAnyRegion',
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: `arn:aws:bedrock:::foundation-model/${SONNET_45}`,
        Condition: { StringEquals: { 'aws:RequestedRegion': 'unspecified', 'bedrock:InferenceProfileArn': profile } },
      },
    ]);
  });

  it('unknown destinations: a region wildcard tied to the profile, with a note', () => {
    const d = profileDenial('eu', SONNET_45, 'eu-west-1', [], { principal: role });
    const p = proposeFix(d, null);
    expect(p.statements[1]?.Resource).toBe(`arn:aws:bedrock:*::foundation-model/${SONNET_45}`);
    expect(p.statements[1]?.Condition).toEqual({ StringEquals: { 'bedrock:InferenceProfileArn': profileArn('eu-west-1', `eu.${SONNET_45}`) } });
    expect(paramsOf(p, 'destination-regions-unknown')).toEqual({ profile: `eu.${SONNET_45}` });
  });

  it('a denied model region missing from the destination table is added', () => {
    const d = profileDenial('us', SONNET_45, 'us-east-1', US_DESTINATIONS, {
      principal: role,
      deniedRegion: 'us-west-1',
      resource: fmArn('us-west-1', SONNET_45),
    });
    expect(asList(proposeFix(d, null).statements[1]?.Resource)).toContain(fmArn('us-west-1', SONNET_45));
  });

  it('application inference profile: its own ARN and the underlying model tied to it', () => {
    const app = `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/a1b2c3d4e5f6`;
    const d = baseDenial({
      principal: role,
      resource: app,
      model: {
        modelId: app,
        provider: 'anthropic',
        foundationModelId: SONNET_45,
        resourceType: 'application-inference-profile',
        inferenceProfile: { arn: app, kind: 'application', scope: 'application', destinationRegions: ['us-east-1', 'us-west-2'], destinationsSource: 'api' },
      },
    });
    const p = proposeFix(d, emptyRole);
    expect(p.statements).toEqual([
      { Sid: 'AccessAuditorApplicationInferenceProfile', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: app },
      {
        Sid: 'AccessAuditorModelThroughApplicationProfile',
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: [fmArn('us-east-1', SONNET_45), fmArn('us-west-2', SONNET_45)],
        Condition: { StringEquals: { 'bedrock:InferenceProfileArn': app } },
      },
    ]);
    expect(p.validated).toBe('simulated-allow');
  });

  it('application inference profile with an unknown model: its ARN only, and a note', () => {
    const app = `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/zzz`;
    const d = baseDenial({ principal: role, resource: app, model: { modelId: app, provider: 'unknown', resourceType: 'application-inference-profile' } });
    const p = proposeFix(d, null);
    expect(p.statements.map((s) => s.Resource)).toEqual([app]);
    expect(noteCodes(p)).toContain('application-profile-model-unknown');
  });

  it('bare model: the foundation-model ARN in the call region, never with an account', () => {
    const d = modelDenial('amazon.nova-pro-v1:0', 'eu-central-1', {
      principal: role,
      resource: `arn:aws:bedrock:eu-central-1:${ACCOUNT}:foundation-model/amazon.nova-pro-v1:0`,
    });
    expect(proposeFix(d, null).statements[0]?.Resource).toBe(fmArn('eu-central-1', 'amazon.nova-pro-v1:0'));
  });

  it.each(['InvokeModelWithResponseStream', 'ConverseStream'])('a %s call gets both invoke actions', (eventName) => {
    const d = modelDenial(SONNET_45, 'us-east-1', { principal: role, eventName, action: 'bedrock:InvokeModelWithResponseStream' });
    const p = proposeFix(d, emptyRole);
    expect(p.statements[0]?.Action).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
    expect(p.validated).toBe('simulated-allow');
  });
});

describe('cross-region inference profiles, policies known', () => {
  it.each([
    ['us', 'us-east-1', US_DESTINATIONS],
    ['eu', 'eu-central-1', EU_DESTINATIONS],
    ['apac', 'ap-south-1', APAC_DESTINATIONS],
    ['global', 'us-west-2', US_DESTINATIONS],
  ])('%s from %s: the new policy allows every evaluation and not the model invoked directly', (scope, region, destinations) => {
    const d = profileDenial(scope, SONNET_45, region, destinations, { principal: role });
    const p = proposeFix(d, emptyRole);
    expect(p.validated).toBe('simulated-allow');
    const after = applyProposal(emptyRole, p);
    const checks = checksFor(d);
    expect(decisions(after, checks)).toEqual(checks.map((c) => `${c.label}: allowed`));
    const direct = scope === 'global' ? `arn:aws:bedrock:::foundation-model/${SONNET_45}` : fmArn(region, SONNET_45);
    const context = { 'aws:RequestedRegion': scope === 'global' ? 'unspecified' : region };
    expect(evaluate(after, { action: 'bedrock:InvokeModel', resource: direct, context }).decision).toBe('implicitDeny');
    expect(evaluate(after, { action: 'bedrock:InvokeModel', resource: fmArn(region, 'amazon.nova-pro-v1:0'), context }).decision).toBe('implicitDeny');
    expectProposalInvariants(p);
  });
});

interface NearMissCase {
  name: string;
  denial: Denial;
  statement: PolicyStatement;
  /** The kind of repair the `near-miss-fixed` note names. */
  repair: string;
  /** The statement after the fix. */
  expected: PolicyStatement;
}

const US_PROFILE = profileArn('us-east-1', `us.${SONNET_45}`);
const usCall = profileDenial('us', SONNET_45, 'us-east-1', US_DESTINATIONS, { principal: role });
const allUsModels = US_DESTINATIONS.map((r) => fmArn(r, SONNET_45));

const NEAR_MISSES: NearMissCase[] = [
  {
    name: 'streaming action missing',
    denial: modelDenial(SONNET_45, 'us-east-1', { principal: role, eventName: 'ConverseStream', action: 'bedrock:InvokeModelWithResponseStream' }),
    statement: { Sid: 'Invoke', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: fmArn('us-east-1', SONNET_45) },
    repair: 'missing-action',
    expected: {
      Sid: 'Invoke',
      Effect: 'Allow',
      Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      Resource: fmArn('us-east-1', SONNET_45),
    },
  },
  {
    name: 'aws:RequestedRegion condition excluding destination regions',
    denial: usCall,
    statement: {
      Sid: 'Claude',
      Effect: 'Allow',
      Action: 'bedrock:InvokeModel',
      Resource: [US_PROFILE, ...allUsModels],
      Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
    },
    repair: 'region-condition',
    expected: {
      Sid: 'Claude',
      Effect: 'Allow',
      Action: 'bedrock:InvokeModel',
      Resource: [US_PROFILE, ...allUsModels],
      Condition: { StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-east-2', 'us-west-2'] } },
    },
  },
  {
    name: 'inference-profile ARN missing',
    denial: usCall,
    statement: { Sid: 'Models', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: `arn:aws:bedrock:*::foundation-model/${SONNET_45}` },
    repair: 'missing-profile-arn',
    expected: { Sid: 'Models', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: [`arn:aws:bedrock:*::foundation-model/${SONNET_45}`, US_PROFILE] },
  },
  {
    name: 'model ARN missing (profile only)',
    denial: usCall,
    statement: { Sid: 'Profile', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: US_PROFILE },
    repair: 'missing-model-arn',
    expected: { Sid: 'Profile', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: [US_PROFILE, ...allUsModels] },
  },
  {
    name: 'wrong region',
    denial: modelDenial('amazon.nova-pro-v1:0', 'us-east-1', { principal: role }),
    statement: { Sid: 'Nova', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: fmArn('us-west-2', 'amazon.nova-pro-v1:0') },
    repair: 'region',
    expected: {
      Sid: 'Nova',
      Effect: 'Allow',
      Action: 'bedrock:InvokeModel',
      Resource: [fmArn('us-west-2', 'amazon.nova-pro-v1:0'), fmArn('us-east-1', 'amazon.nova-pro-v1:0')],
    },
  },
  {
    // Both dates are real model versions: replacing the granted one would revoke it (audit item 6).
    name: 'another real version of the model',
    denial: modelDenial('anthropic.claude-3-5-sonnet-20241022-v2:0', 'us-west-2', { principal: role }),
    statement: { Sid: 'Sonnet35', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: fmArn('us-west-2', 'anthropic.claude-3-5-sonnet-20240620-v1:0') },
    repair: 'other-version',
    expected: {
      Sid: 'Sonnet35',
      Effect: 'Allow',
      Action: 'bedrock:InvokeModel',
      Resource: [fmArn('us-west-2', 'anthropic.claude-3-5-sonnet-20240620-v1:0'), fmArn('us-west-2', 'anthropic.claude-3-5-sonnet-20241022-v2:0')],
    },
  },
  {
    name: 'invented model date',
    denial: modelDenial('anthropic.claude-3-5-sonnet-20241022-v2:0', 'us-west-2', { principal: role }),
    statement: { Sid: 'Sonnet35', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: fmArn('us-west-2', 'anthropic.claude-3-5-sonnet-20241023-v2:0') },
    repair: 'model-id',
    expected: { Sid: 'Sonnet35', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: fmArn('us-west-2', 'anthropic.claude-3-5-sonnet-20241022-v2:0') },
  },
  {
    name: 'account ID in an exact foundation-model ARN',
    denial: modelDenial('amazon.nova-pro-v1:0', 'us-east-1', { principal: role }),
    statement: {
      Sid: 'Nova',
      Effect: 'Allow',
      Action: 'bedrock:InvokeModel',
      Resource: `arn:aws:bedrock:us-east-1:${ACCOUNT}:foundation-model/amazon.nova-pro-v1:0`,
    },
    repair: 'account-in-model-arn',
    expected: { Sid: 'Nova', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: fmArn('us-east-1', 'amazon.nova-pro-v1:0') },
  },
];

describe('near misses are fixed in place', () => {
  it.each(NEAR_MISSES)('$name', ({ denial, statement, repair, expected }) => {
    const other: PolicyStatement = { Sid: 'Logs', Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: '*' };
    const policies = roleWith('app-role', [inline('app', other, statement)]);
    const p = proposeFix(denial, policies);
    expect(p.target).toEqual({ kind: 'identity-policy', name: 'app-role', policyName: 'app' });
    expect(p.statements).toEqual([expected]);
    expect(p.policyAfter?.Statement).toEqual([other, expected]);
    expect(paramsOf(p, 'near-miss-fixed')).toMatchObject({ statement: statement.Sid, policy: 'inline policy app' });
    expect(repairKinds(p)).toContain(repair);
    expect(p.validated).toBe('simulated-allow');
    expect(p.cli).toMatch(/put-role-policy --role-name app-role --policy-name app /);
    expectProposalInvariants(p);
  });

  it('names a statement without Sid by its index', () => {
    const policies = roleWith('app-role', [
      inline('app', { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: fmArn('us-west-2', 'amazon.nova-pro-v1:0') }),
    ]);
    const p = proposeFix(modelDenial('amazon.nova-pro-v1:0', 'us-east-1', { principal: role }), policies);
    expect(p.noteDetails?.[0]).toMatchObject({ code: 'near-miss-fixed', params: { statement: '#0', policy: 'inline policy app' } });
  });

  it('fixes a near miss in a group policy of a user with put-group-policy', () => {
    const user = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/dev`, accountId: ACCOUNT, userName: 'dev', managedBy: 'iam' as const };
    const groupPolicy = {
      ...inline('team-bedrock', { Sid: 'Nova', Effect: 'Allow' as const, Action: 'bedrock:InvokeModel', Resource: fmArn('us-west-2', 'amazon.nova-pro-v1:0') }),
      viaGroup: 'team',
    };
    const policies = { ...roleWith('dev', [groupPolicy]), kind: 'user' as const, arn: user.arn };
    const p = proposeFix(modelDenial('amazon.nova-pro-v1:0', 'us-east-1', { principal: user }), policies);
    expect(p.cli).toMatch(/aws iam put-group-policy --group-name team --policy-name team-bedrock/);
    expect(p.noteDetails?.[0]).toMatchObject({
      code: 'near-miss-fixed',
      params: { statement: 'Nova', policy: 'inline policy team-bedrock of group team (shared by every member of the group)' },
    });
  });

  it('an unrelated grant is left alone and a new policy is added', () => {
    const meta: PolicyStatement = { Sid: 'Llama', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:aws:bedrock:*::foundation-model/meta.*' };
    const policies = roleWith('app-role', [managed('llama', meta)]);
    const p = proposeFix(usCall, policies);
    expect(p.target.policyName).toBeUndefined();
    expect(p.statements.map((s) => s.Sid)).toEqual(['AccessAuditorInferenceProfile', 'AccessAuditorModelThroughProfile']);
    expect(p.validated).toBe('simulated-allow');
  });

  it('adds only what is missing next to a near-miss fix', () => {
    // The model grant exists but names the wrong date; the profile is granted nowhere.
    const statement: PolicyStatement = {
      Sid: 'Models',
      Effect: 'Allow',
      Action: 'bedrock:InvokeModel',
      Resource: 'arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20240101-v1:0',
    };
    const p = proposeFix(usCall, roleWith('app-role', [inline('app', statement)]));
    expect(p.statements[0]?.Resource).toBe(`arn:aws:bedrock:*::foundation-model/${SONNET_45}`);
    expect(p.policyAfter?.Statement).toHaveLength(2);
    expect(p.validated).toBe('simulated-allow');
  });

  it('a second run on the fixed policies proposes nothing', () => {
    const first = proposeFix(usCall, roleWith('app-role', []));
    const fixed = roleWith('app-role', [inline('access-auditor-bedrock-claude-sonnet-4-5-20250929', ...first.statements)]);
    const second = proposeFix(usCall, fixed);
    expect(second.statements).toEqual([]);
    expect(noteCodes(second)[0]).toBe('already-allowed');
  });
});
