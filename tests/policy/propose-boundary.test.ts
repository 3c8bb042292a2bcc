import type { Denial, PolicyStatement, Proposal, Reason } from '../../lib/denial/types';
import { evaluate, type PolicySet } from '../../lib/policy/iam/evaluator';
import { proposeFix } from '../../lib/policy/propose/propose';
import type { NamedPolicy, PrincipalPolicies } from '../../lib/policy/ports';
import type { NoteCode } from '../../lib/policy/propose/notes';
import { ACCOUNT, denial as baseDenial, fmArn, modelDenial, rolePrincipal } from './fixtures/denials';
import { expectProposalInvariants } from './fixtures/invariants';
import { noteCodes, paramsOf } from './fixtures/notes';
import { inline, managed, roleWith } from './fixtures/policies';

/**
 * A permissions boundary caps what the identity policies grant: a proposal may claim
 * "simulated-allow" only when identity ∩ boundary (with deny precedence) allows every needed evaluation.
 */

const role = rolePrincipal('app-role');
const NOVA = 'amazon.nova-pro-v1:0';
const reason = (layer: Reason['layer']): Reason => ({ layer, explicit: false, summary: 'denied' });

const s3Call = (layer: Reason['layer']) =>
  baseDenial({
    principal: role,
    action: 's3:GetObject',
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    resource: 'arn:aws:s3:::b/key',
    reason: reason(layer),
  });
const novaCall = (layer: Reason['layer']) => modelDenial(NOVA, 'us-east-1', { principal: role, reason: reason(layer) });

const allowS3 = inline('app', { Sid: 'ReadB', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
const allowNova = inline('app', { Sid: 'Nova', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: fmArn('us-east-1', NOVA) });
const ec2Boundary = managed('boundary', { Sid: 'Ec2Only', Effect: 'Allow', Action: 'ec2:*', Resource: '*' });

/** The principal's policies with the proposal applied to the layer it targets. */
function applied(policies: PrincipalPolicies, p: Proposal): PolicySet {
  const after = p.policyAfter!;
  if (p.target.kind === 'permissions-boundary') {
    return { identity: policies.identityPolicies, permissionsBoundary: { ...(policies.permissionsBoundary as NamedPolicy), document: after } };
  }
  const identity = p.target.policyName
    ? policies.identityPolicies.map((x) => (x.name === p.target.policyName ? { ...x, document: after } : x))
    : [...policies.identityPolicies, { name: 'proposed', document: after }];
  return { identity, ...(policies.permissionsBoundary ? { permissionsBoundary: policies.permissionsBoundary } : {}) };
}

interface BoundaryCase {
  name: string;
  denial: Denial;
  policies: PrincipalPolicies;
  /** The request the real call needs, written by hand. */
  needed: { action: string; resource: string; context: Record<string, string> };
  target: Proposal['target'];
  statements: PolicyStatement[];
  validated: Proposal['validated'];
  /** Notes the proposal must have: code, and the parameters that matter. */
  notes: Array<[NoteCode, Record<string, string | number>]>;
}

const CASES: BoundaryCase[] = [
  {
    name: 'identity allows s3:GetObject on b/*, the boundary only ec2:* (message names identity)',
    denial: s3Call('identity'),
    policies: roleWith('app-role', [allowS3], ec2Boundary),
    needed: { action: 's3:GetObject', resource: 'arn:aws:s3:::b/key', context: { 'aws:RequestedRegion': 'us-east-1' } },
    target: { kind: 'permissions-boundary', name: 'app-role', policyName: 'boundary', policyArn: `arn:aws:iam::${ACCOUNT}:policy/boundary` },
    statements: [{ Sid: 'AccessAuditorGetObject', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/key' }],
    validated: 'simulated-allow',
    notes: [['boundary-only-obstacle', { principal: 'app-role', boundary: 'boundary', moreChecks: 0 }]],
  },
  {
    name: 'the same with a layer the message does not name',
    denial: s3Call('unknown'),
    policies: roleWith('app-role', [allowS3], ec2Boundary),
    needed: { action: 's3:GetObject', resource: 'arn:aws:s3:::b/key', context: { 'aws:RequestedRegion': 'us-east-1' } },
    target: { kind: 'permissions-boundary', name: 'app-role', policyName: 'boundary', policyArn: `arn:aws:iam::${ACCOUNT}:policy/boundary` },
    statements: [{ Sid: 'AccessAuditorGetObject', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/key' }],
    validated: 'simulated-allow',
    notes: [['boundary-only-obstacle', { principal: 'app-role', boundary: 'boundary' }]],
  },
  {
    name: 'a Bedrock grant capped by the boundary',
    denial: novaCall('identity'),
    policies: roleWith('app-role', [allowNova], ec2Boundary),
    needed: { action: 'bedrock:InvokeModel', resource: fmArn('us-east-1', NOVA), context: { 'aws:RequestedRegion': 'us-east-1' } },
    target: { kind: 'permissions-boundary', name: 'app-role', policyName: 'boundary', policyArn: `arn:aws:iam::${ACCOUNT}:policy/boundary` },
    statements: [{ Sid: 'AccessAuditorInvokeFoundationModel', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: fmArn('us-east-1', NOVA) }],
    validated: 'simulated-allow',
    notes: [['boundary-only-obstacle', { principal: 'app-role', boundary: 'boundary' }]],
  },
  {
    name: 'both layers block: the identity fix, simulated-deny naming the boundary',
    denial: s3Call('identity'),
    policies: roleWith('app-role', [], ec2Boundary),
    needed: { action: 's3:GetObject', resource: 'arn:aws:s3:::b/key', context: { 'aws:RequestedRegion': 'us-east-1' } },
    target: { kind: 'identity-policy', name: 'app-role' },
    statements: [{ Sid: 'AccessAuditorGetObject', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/key' }],
    validated: 'simulated-deny',
    notes: [['check-denied-by-boundary', { stage: 'after-change', boundary: 'boundary' }]],
  },
];

describe('permissions boundary intersection', () => {
  it.each(CASES)('$name', ({ denial, policies, needed, target, statements, validated, notes }) => {
    const before: PolicySet = { identity: policies.identityPolicies, permissionsBoundary: policies.permissionsBoundary! };
    expect(evaluate(before, needed).decision).toBe('implicitDeny');

    const p = proposeFix(denial, policies);
    expect(p.target).toEqual(target);
    expect(p.statements).toEqual(statements);
    expect(p.validated).toBe(validated);
    for (const [code, params] of notes) expect(paramsOf(p, code)).toMatchObject(params);
    expectProposalInvariants(p);

    // The verdict agrees with a hand-written full evaluation (identity ∩ boundary) of the applied change.
    const after = evaluate(applied(policies, p), needed).decision;
    expect(after === 'allowed').toBe(validated === 'simulated-allow');
  });

  it('never claims "nothing to propose" while the boundary still blocks the call', () => {
    const p = proposeFix(s3Call('identity'), roleWith('app-role', [allowS3], ec2Boundary));
    expect(noteCodes(p)).not.toContain('already-allowed');
    expect(p.statements).not.toEqual([]);
  });

  it('an AWS-managed boundary becomes a customer-managed copy that also allows the call', () => {
    const awsBoundary: NamedPolicy = { ...ec2Boundary, name: 'AmazonEC2FullAccess', arn: 'arn:aws:iam::aws:policy/AmazonEC2FullAccess' };
    const p = proposeFix(s3Call('identity'), roleWith('app-role', [allowS3], awsBoundary));
    expect(p.target.kind).toBe('permissions-boundary');
    expect(p.validated).toBe('simulated-allow');
    expect(paramsOf(p, 'aws-managed-boundary-copy')).toEqual({ boundary: 'AmazonEC2FullAccess', copy: 'AmazonEC2FullAccess-access-auditor' });
  });
});
