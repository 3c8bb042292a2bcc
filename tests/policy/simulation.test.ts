import type { Proposal } from '../../lib/denial/types';
import { proposeFix } from '../../lib/policy/propose/propose';
import { combineDecisions, reconcileSimulation, simulationRequestFor, simulationRequestsFor } from '../../lib/policy/propose/simulation';
import { validateChange } from '../../lib/policy/propose/validate';
import type { SimulationDecision } from '../../lib/policy/ports';
import { note, type NoteCode } from '../../lib/policy/propose/notes';
import { fmArn, modelDenial, profileDenial, rolePrincipal, SONNET_45, US_DESTINATIONS } from './fixtures/denials';
import { doc, inline, managed, roleWith } from './fixtures/policies';

const first = note('layer-unknown');
const base: Proposal = { target: { kind: 'identity-policy' }, statements: [], validated: 'simulated-allow', notes: [first.text], noteDetails: [first] };

describe('reconcileSimulation', () => {
  it.each<[Proposal['validated'], SimulationDecision, Proposal['validated'], NoteCode, Record<string, string>]>([
    ['simulated-allow', 'allowed', 'simulated-allow', 'simulation-confirms', {}],
    ['simulated-deny', 'implicitDeny', 'simulated-deny', 'simulation-agrees-denied', { decision: 'implicitDeny' }],
    ['simulated-allow', 'explicitDeny', 'simulated-deny', 'simulation-disagrees-denies', { decision: 'explicitDeny' }],
    ['simulated-allow', 'implicitDeny', 'simulated-deny', 'simulation-disagrees-denies', { decision: 'implicitDeny' }],
    ['simulated-deny', 'allowed', 'simulated-deny', 'simulation-disagrees-allows', {}],
    ['not-validated', 'allowed', 'simulated-allow', 'simulation-allows-unchecked', {}],
    ['not-validated', 'implicitDeny', 'simulated-deny', 'simulation-denies-unchecked', { decision: 'implicitDeny' }],
  ])('offline %s + simulator %s → %s', (offline, decision, verdict, code, params) => {
    const result = reconcileSimulation({ ...base, validated: offline }, decision);
    expect(result.validated).toBe(verdict);
    expect(result.noteDetails?.map((n) => n.code)).toEqual(['layer-unknown', code]);
    expect(result.noteDetails?.[1]?.params).toEqual(params);
    expect(result.notes).toEqual(result.noteDetails?.map((n) => n.text));
  });

  it('a proposal without noteDetails (stored before they existed) only gets the sentence', () => {
    const result = reconcileSimulation({ ...base, noteDetails: undefined, notes: ['n'] }, 'allowed');
    expect(result.notes).toEqual(['n', 'iam:SimulatePrincipalPolicy confirms: with the change the call is allowed.']);
    expect(result.noteDetails).toBeUndefined();
  });

  it('combineDecisions takes the worst', () => {
    expect(combineDecisions(['allowed', 'allowed'])).toBe('allowed');
    expect(combineDecisions(['allowed', 'implicitDeny'])).toBe('implicitDeny');
    expect(combineDecisions(['implicitDeny', 'explicitDeny'])).toBe('explicitDeny');
    expect(combineDecisions([])).toBe('implicitDeny');
  });
});

describe('simulation requests', () => {
  const role = rolePrincipal('app-role');
  const policies = roleWith('app-role', []);

  it('one request per evaluation, with the proposed document and the request context', () => {
    const d = profileDenial('us', SONNET_45, 'us-east-1', US_DESTINATIONS, {
      principal: role,
      resource: fmArn('us-east-2', SONNET_45),
      deniedRegion: 'us-east-2',
    });
    const p = proposeFix(d, policies);
    const all = simulationRequestsFor(d, p, policies);
    expect(all).toHaveLength(4);
    expect(all.every((r) => r.policySourceArn === policies.arn && r.extraPolicies[0] === p.policyAfter)).toBe(true);
    expect(simulationRequestFor(d, p, policies)).toEqual({
      policySourceArn: policies.arn,
      extraPolicies: [p.policyAfter],
      action: 'bedrock:InvokeModel',
      resource: fmArn('us-east-2', SONNET_45),
      context: { 'aws:RequestedRegion': 'us-east-2', 'bedrock:InferenceProfileArn': d.model?.inferenceProfile?.arn },
    });
  });

  it.each([
    [
      'the message names the boundary',
      'permissions-boundary' as const,
      roleWith('app-role', [], managed('boundary', { Effect: 'Allow', Action: 's3:*', Resource: '*' })),
    ],
    [
      'identity allows, the boundary blocks',
      'identity' as const,
      roleWith(
        'app-role',
        [inline('app', { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: fmArn('us-east-1', 'amazon.nova-pro-v1:0') })],
        managed('boundary', { Effect: 'Allow', Action: 's3:*', Resource: '*' }),
      ),
    ],
  ])('a boundary proposal is simulated as the boundary, not as an identity policy (%s)', (_n, layer, withBoundary) => {
    const d = modelDenial('amazon.nova-pro-v1:0', 'us-east-1', { principal: role, reason: { layer, explicit: false, summary: '' } });
    const p = proposeFix(d, withBoundary);
    expect(p.target.kind).toBe('permissions-boundary');
    const requests = simulationRequestsFor(d, p, withBoundary);
    expect(requests).toEqual([
      {
        policySourceArn: withBoundary.arn,
        extraPolicies: [],
        permissionsBoundaryPolicies: [p.policyAfter],
        action: 'bedrock:InvokeModel',
        resource: fmArn('us-east-1', 'amazon.nova-pro-v1:0'),
        context: { 'aws:RequestedRegion': 'us-east-1' },
      },
    ]);
  });

  it('an identity proposal carries no boundary input (the live boundary applies)', () => {
    const d = modelDenial('amazon.nova-pro-v1:0', 'us-east-1', { principal: role });
    const p = proposeFix(d, policies);
    const [request] = simulationRequestsFor(d, p, policies);
    expect(request?.extraPolicies).toEqual([p.policyAfter]);
    expect(request?.permissionsBoundaryPolicies).toBeUndefined();
  });

  it('nothing to simulate without policies, statements or an identity target', () => {
    const d = modelDenial('amazon.nova-pro-v1:0', 'us-east-1', { principal: role });
    expect(simulationRequestFor(d, proposeFix(d, null), null)).toBeNull();
    const scp = { ...d, reason: { layer: 'scp' as const, explicit: true, summary: '' } };
    expect(simulationRequestFor(scp, proposeFix(scp, policies), policies)).toBeNull();
  });
});

describe('validateChange', () => {
  const allow = (resource: string) => ({ name: 'p', document: doc({ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: resource }) });
  const check = { label: 'the model', request: { action: 'bedrock:InvokeModel', resource: fmArn('us-east-1', 'm'), context: {} } };
  const neighbour = { label: 'another model', request: { action: 'bedrock:InvokeModel', resource: fmArn('us-east-1', 'other'), context: {} } };

  it('passes when the call is allowed and nothing new leaks', () => {
    expect(validateChange({ identity: [] }, { identity: [allow(fmArn('us-east-1', 'm'))] }, [check], [neighbour])).toEqual({
      verdict: 'simulated-allow',
      failures: [],
    });
  });

  it('fails naming the neighbour that became allowed', () => {
    const out = validateChange({ identity: [] }, { identity: [allow('arn:aws:bedrock:*::foundation-model/*')] }, [check], [neighbour]);
    expect(out.verdict).toBe('simulated-deny');
    expect(out.failures).toEqual([expect.objectContaining({ code: 'neighbour-newly-allowed', params: { neighbour: 'another model' } })]);
  });

  it('does not blame a neighbour that was already allowed', () => {
    const wide = { identity: [allow('arn:aws:bedrock:*::foundation-model/*')] };
    expect(validateChange(wide, wide, [check], [neighbour]).verdict).toBe('simulated-allow');
  });

  it('fails naming the evaluation still denied', () => {
    expect(validateChange({ identity: [] }, { identity: [] }, [check], []).failures).toEqual([
      expect.objectContaining({ code: 'check-not-allowed', params: { stage: 'after-change', check: 'the model' } }),
    ]);
  });
});
