import type { Denial } from '../../lib/denial/types';
import { BUNDLED_ACTION_CATALOG, combineCatalogs, type ActionCatalog } from '../../lib/policy/catalog/action-catalog';
import { asList } from '../../lib/policy/iam/document';
import { evaluate, evaluateDocuments } from '../../lib/policy/iam/evaluator';
import { planGrant } from '../../lib/policy/propose/grant-plan';
import { loadActionCatalog } from '../../lib/policy/catalog/iam-data-catalog';
import { proposeFix } from '../../lib/policy/propose/propose';
import { buildProposeContext } from '../../lib/policy/propose/propose-context';
import type { NoteCode } from '../../lib/policy/propose/notes';
import { applyProposal } from './fixtures/apply';
import { ACCOUNT, denial as baseDenial, fmArn, profileArn, rolePrincipal, userPrincipal } from './fixtures/denials';
import { expectProposalInvariants } from './fixtures/invariants';
import { noteCodes, paramsOf } from './fixtures/notes';
import { roleWith, userWith } from './fixtures/policies';

const role = rolePrincipal('app-role');
const emptyRole = roleWith('app-role', []);

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = combineCatalogs(await loadActionCatalog(['kms:Decrypt', 'iam:PassRole', 's3:GetObject', 'sts:GetSessionToken']), BUNDLED_ACTION_CATALOG);
});

describe('the resource a generic grant names comes from the action catalog', () => {
  interface Case {
    name: string;
    denial: Denial;
    /** Resource of the proposed statement. */
    grant: string;
    /** Resource of the evaluation IAM makes (null: authorized against "*"). */
    checked: string | null;
    /** A note the proposal must have: code, and the parameters that matter. */
    note?: [NoteCode, Record<string, string | number>];
    validated?: 'simulated-allow' | 'needs-input';
  }
  const CASES: Case[] = [
    {
      name: 'bedrock:CallWithBearerToken with a model ARN from requestParameters.modelId: "*"',
      denial: baseDenial({
        principal: userPrincipal('BedrockAPIKey-k7q2'),
        action: 'bedrock:CallWithBearerToken',
        resource: fmArn('us-east-1', 'anthropic.claude-3-haiku-20240307-v1:0'),
        errorMessage: `User: arn:aws:iam::${ACCOUNT}:user/BedrockAPIKey-k7q2 is not authorized to perform: bedrock:CallWithBearerToken because no identity-based policy allows the bedrock:CallWithBearerToken action`,
      }),
      grant: '*',
      checked: null,
      note: ['no-resource-type', { action: 'bedrock:CallWithBearerToken' }],
    },
    {
      name: 'sts:GetSessionToken (no resource type per iam-data) with a stray resource: "*"',
      denial: baseDenial({ principal: role, action: 'sts:GetSessionToken', resource: `arn:aws:iam::${ACCOUNT}:role/app-role` }),
      grant: '*',
      checked: null,
    },
    {
      name: 'kms:Decrypt with an S3 object ARN: the KMS key ARN format with a placeholder, needs input',
      denial: baseDenial({ principal: role, action: 'kms:Decrypt', resource: 'arn:aws:s3:::b/obj' }),
      grant: `arn:aws:kms:us-east-1:${ACCOUNT}:key/<KeyId>`,
      checked: `arn:aws:kms:us-east-1:${ACCOUNT}:key/<KeyId>`,
      note: ['resource-from-arn-format', { named: 'arn:aws:s3:::b/obj', action: 'kms:Decrypt', resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/<KeyId>` }],
      validated: 'needs-input',
    },
    {
      name: 'iam:PassRole with an EC2 instance ARN: the role ARN format with a placeholder, needs input',
      denial: baseDenial({ principal: role, action: 'iam:PassRole', resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abc` }),
      grant: `arn:aws:iam::${ACCOUNT}:role/<RoleNameWithPath>`,
      checked: `arn:aws:iam::${ACCOUNT}:role/<RoleNameWithPath>`,
      note: ['resource-from-arn-format', { named: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abc`, action: 'iam:PassRole' }],
      validated: 'needs-input',
    },
    {
      name: 'a resource that fits the action is kept (control)',
      denial: baseDenial({ principal: role, action: 'kms:Decrypt', resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234` }),
      grant: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234`,
      checked: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234`,
    },
  ];

  it.each(CASES)('$name', ({ denial, grant, checked, note, validated = 'simulated-allow' }) => {
    const plan = planGrant(denial, buildProposeContext(denial, { catalog }));
    expect(plan.statements.map((s) => s.Resource)).toEqual([grant]);
    expect(plan.checks.map((c) => c.request.resource)).toEqual([checked]);

    const policies = denial.principal.userName ? userWith(denial.principal.userName, []) : emptyRole;
    const p = proposeFix(denial, policies, { catalog });
    expect(p.statements.map((s) => s.Resource)).toEqual([grant]);
    if (note) expect(paramsOf(p, note[0])).toMatchObject(note[1]);
    expect(p.validated).toBe(validated);
    expect(p.exact).toBe(validated !== 'needs-input');
    expectProposalInvariants(p, catalog);
    // The evaluation IAM really makes is allowed by the proposal (with the placeholder as written).
    const passedTo = p.statements[0]?.Condition?.StringEquals?.['iam:PassedToService'];
    const real = {
      action: denial.action,
      resource: checked,
      context: { 'aws:RequestedRegion': 'us-east-1', ...(passedTo ? { 'iam:PassedToService': String(passedTo) } : {}) },
    };
    expect(evaluate(applyProposal(policies, p), real).decision).toBe('allowed');
  });
});

describe('record values are literals: IAM wildcard characters are escaped', () => {
  it.each([
    ['an S3 key named logs/*', 'arn:aws:s3:::b/logs/*', 'arn:aws:s3:::b/logs/${*}', 'arn:aws:s3:::b/logs/secret'],
    ['an S3 key with ?', 'arn:aws:s3:::b/what?', 'arn:aws:s3:::b/what${?}', 'arn:aws:s3:::b/whatX'],
    ['an S3 key with $', 'arn:aws:s3:::b/$HOME/*', 'arn:aws:s3:::b/${$}HOME/${*}', 'arn:aws:s3:::b/$HOME/other'],
  ])('%s', (_n, literal, escaped, neighbour) => {
    const d = baseDenial({ principal: role, action: 's3:GetObject', eventSource: 's3.amazonaws.com', eventName: 'GetObject', resource: literal });
    const p = proposeFix(d, emptyRole, { catalog });
    expect(p.statements.map((s) => s.Resource)).toEqual([escaped]);
    expect(p.validated).toBe('simulated-allow');
    const after = applyProposal(emptyRole, p);
    expect(evaluate(after, { action: 's3:GetObject', resource: literal, context: {} }).decision).toBe('allowed');
    expect(evaluate(after, { action: 's3:GetObject', resource: neighbour, context: {} }).decision).toBe('implicitDeny');
  });

  it.each([
    ['a global profile ID that is a wildcard', 'global.*', profileArn('us-east-1', 'global.*')],
    ['a foundation-model ID with a wildcard', 'anthropic.claude-*', fmArn('us-east-1', 'anthropic.claude-*')],
    ['a geographic profile ID with ?', 'us.anthropic.claude-3-haiku-2024030?-v1:0', profileArn('us-east-1', 'us.anthropic.claude-3-haiku-2024030?-v1:0')],
  ])('%s is refused: no grant, a note, never simulated-allow', (_n, modelId, resource) => {
    const d = baseDenial({ principal: role, resource, model: { modelId, provider: 'unknown', resourceType: 'unknown' } });
    for (const policies of [null, emptyRole]) {
      const p = proposeFix(d, policies);
      const granted = p.statements.flatMap((s) => asList(s.Resource));
      expect(granted).toEqual([]);
      expect(p.validated).not.toBe('simulated-allow');
      expect(noteCodes(p)).toContain('model-id-refused');
      expect(p.policyAfter?.Statement ?? []).toEqual([]);
    }
  });
});

describe('the evaluator understands ${*}, ${?} and ${$}', () => {
  const allow = (resource: string, condition?: Record<string, Record<string, string>>) => [
    { Statement: [{ Effect: 'Allow' as const, Action: 's3:GetObject', Resource: resource, ...(condition ? { Condition: condition } : {}) }] },
  ];
  it.each([
    ['arn:aws:s3:::b/logs/${*}', 'arn:aws:s3:::b/logs/*', true],
    ['arn:aws:s3:::b/logs/${*}', 'arn:aws:s3:::b/logs/x', false],
    ['arn:aws:s3:::b/a${?}', 'arn:aws:s3:::b/a?', true],
    ['arn:aws:s3:::b/a${?}', 'arn:aws:s3:::b/ab', false],
    ['arn:aws:s3:::b/${$}x', 'arn:aws:s3:::b/$x', true],
    ['arn:aws:s3:::b/${*}/*', 'arn:aws:s3:::b/*/anything', true],
    ['arn:aws:s3:::b/${*}/*', 'arn:aws:s3:::b/x/anything', false],
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::b/x', true],
  ])('Resource %s vs %s: %s', (pattern, resource, allowed) => {
    expect(evaluateDocuments(allow(pattern), { action: 's3:GetObject', resource, context: {} }).decision).toBe(allowed ? 'allowed' : 'implicitDeny');
  });

  it.each([
    ['StringLike', 'team-${*}', 'team-*', true],
    ['StringLike', 'team-${*}', 'team-red', false],
    ['StringEquals', 'team-${*}', 'team-*', true],
    ['ArnLike', 'arn:aws:iam::1:role/${*}', 'arn:aws:iam::1:role/x', false],
  ])('%s %s vs %s: %s', (operator, value, requestValue, allowed) => {
    const docs = allow('*', { [operator]: { 'aws:PrincipalTag/team': value } });
    expect(evaluateDocuments(docs, { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:PrincipalTag/team': requestValue } }).decision).toBe(
      allowed ? 'allowed' : 'implicitDeny',
    );
  });
});

describe('statements for other owners (resource-based, VPC endpoint policies) use the same resource rule', () => {
  it.each([
    ['resource' as const, 'arn:aws:s3:::b/logs/*', ['arn:aws:s3:::b/logs/${*}']],
    ['vpc-endpoint' as const, 'arn:aws:s3:::b/logs/*', ['arn:aws:s3:::b/logs/${*}']],
    ['vpc-endpoint' as const, fmArn('us-east-1', 'anthropic.claude-3-haiku-20240307-v1:0'), ['*']],
  ])('%s policy, record resource %s', (layer, resource, expected) => {
    const action = resource.includes(':s3:') ? 's3:GetObject' : 'bedrock:CallWithBearerToken';
    const d = baseDenial({ principal: role, action, resource, reason: { layer, explicit: false, summary: '' } });
    const p = proposeFix(d, null, { catalog });
    expect(p.statements.map((s) => asList(s.Resource))).toEqual([expected]);
  });
});
