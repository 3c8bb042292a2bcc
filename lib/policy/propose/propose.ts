import type { Denial, PolicyStatement, Proposal } from '../../denial/types';
import { parseBedrockArn, isInvokeAction, stripGeoPrefix } from '../catalog/bedrock-arns';
import { AS_OF as DESTINATIONS_AS_OF, destinationRegions, suggestedProfileIdFor } from '../../bedrock/profile-destinations';
import { splitProfileId } from '../../bedrock/model-id';
import { compactList } from '../iam/document';
import { evaluate } from '../iam/evaluator';
import { grantedResources, isMarketplaceDenial, normalizeAction, planGrant, type GrantPlan } from './grant-plan';
import type { PrincipalPolicies } from '../ports';
import {
  buildProposeContext,
  isRoot,
  isServiceLinked,
  isSsoPrincipal,
  permissionSetNameOf,
  principalArnOf,
  roleNameOf,
  userNameOf,
  type ProposeContext,
  type ProposeOptions,
} from './propose-context';
import { proposeEdit, proposeForDeny, type EditMode } from './propose-edit';
import { proposeBothSides } from './both-sides';
import { renderTerraform } from '../render/terraform';
import { note, noteFields, type ProposalNote } from './notes';
import { lastPathSegment, parseArn } from '../../aws/arn';
import { awsSideAnswer, withResourceSide } from './aws-protections';

export type { ProposeOptions } from './propose-context';

function principalLabel(ctx: ProposeContext): string {
  const p = ctx.denial.principal;
  return roleNameOf(p) ?? userNameOf(p) ?? p.arn ?? 'the caller';
}

/** Model-access failures that are not IAM denials: on-demand not supported, Legacy or end-of-life models. */
export type ModelAccessKind = 'on-demand' | 'legacy' | 'end-of-life' | 'other';

export function modelAccessKind(denial: Denial): ModelAccessKind | null {
  const message = denial.errorMessage ?? '';
  if (/on-demand throughput/i.test(message)) return 'on-demand';
  if (/marked by provider as Legacy/i.test(message)) return 'legacy';
  if (/reached the end of its life/i.test(message)) return 'end-of-life';
  if (denial.reason.layer === 'model-access') return 'other';
  return null;
}

function proposeModelAccess(ctx: ProposeContext, kind: ModelAccessKind, policies: PrincipalPolicies | null): Proposal {
  const denial = ctx.denial;
  const modelId = denial.model?.foundationModelId ?? stripGeoPrefix(denial.model?.modelId ?? '');
  const target = { kind: 'model-access' as const, ...(modelId ? { name: modelId } : {}) };
  if (kind === 'legacy' || kind === 'end-of-life') {
    return {
      target,
      statements: [],
      validated: 'not-validated',
      ...noteFields([note(kind === 'legacy' ? 'model-legacy' : 'model-end-of-life', { model: modelId }), note('upgrade-model')]),
    };
  }
  if (kind === 'other') {
    return {
      target,
      statements: [],
      validated: 'not-validated',
      ...noteFields([note('model-access-other', { model: modelId, region: denial.callRegion })]),
    };
  }
  // The decoder already named the profile to call (and the explanation says so): the statements must grant that one.
  const profileId = denial.model?.suggestedProfileId ?? suggestedProfileIdFor(modelId, denial.callRegion);
  const geo = splitProfileId(profileId)?.geography ?? 'global';
  const destinations = destinationRegions(geo, denial.callRegion, modelId);
  const profileDenial: Denial = {
    ...denial,
    resource: null,
    model: {
      modelId: profileId,
      provider: denial.model?.provider ?? 'unknown',
      foundationModelId: modelId,
      resourceType: 'inference-profile',
      inferenceProfile: destinations
        ? { id: profileId, kind: 'system', scope: geo, destinationRegions: destinations, destinationsSource: 'table', destinationsAsOf: DESTINATIONS_AS_OF }
        : { id: profileId, kind: 'system', scope: geo, destinationRegions: [], destinationsSource: 'unknown' },
    },
  };
  const plan = planGrant(profileDenial, ctx);
  const notes = [
    note('on-demand-use-profile', { model: modelId, region: denial.callRegion, profile: profileId, geography: geo, profileArn: plan.profileArn ?? '' }),
    ...plan.notes,
  ];
  let statements = plan.statements;
  let validated: Proposal['validated'] = 'not-validated';
  if (policies) {
    const set = {
      identity: policies.identityPolicies,
      ...(policies.permissionsBoundary ? { permissionsBoundary: policies.permissionsBoundary } : {}),
    };
    const missing = plan.checks.filter((c) => evaluate(set, c.request).decision !== 'allowed');
    statements = statements.filter((s) =>
      missing.some((c) => evaluate({ identity: [{ name: 'new', document: { Statement: [s] } }] }, c.request).decision === 'allowed'),
    );
    const withNew = { ...set, identity: [...set.identity, { name: 'proposed', document: { Version: '2012-10-17', Statement: statements } }] };
    const failing = plan.checks.filter((c) => evaluate(withNew, c.request).decision !== 'allowed');
    validated = failing.length === 0 ? 'simulated-allow' : 'simulated-deny';
    notes.push(note(missing.length === 0 ? 'profile-call-already-allowed' : 'profile-call-needs-statements', { principal: principalLabel(ctx) }));
    for (const c of failing) notes.push(note('profile-check-still-denied', { check: c.label }));
  } else {
    notes.push(note('not-checked-add-if-missing'));
  }
  return {
    target,
    statements,
    ...(statements.length ? { terraform: renderTerraform('bedrock_inference_profile_access', { Version: '2012-10-17', Statement: statements }) } : {}),
    validated,
    ...noteFields(notes),
  };
}

function crossRegionBedrock(denial: Denial): { region: string; global: boolean } | null {
  if (!isInvokeAction(normalizeAction(denial.action))) return null;
  const arn = denial.resource ? parseBedrockArn(denial.resource) : null;
  const global = denial.model?.inferenceProfile?.scope === 'global' || (arn?.type === 'foundation-model' && arn.region === '');
  if (arn?.type === 'foundation-model' && arn.region !== denial.callRegion) return { region: arn.region || 'unspecified', global };
  if (denial.deniedRegion && denial.deniedRegion !== denial.callRegion) return { region: denial.deniedRegion, global };
  return null;
}

function proposeOrganizationPolicy(ctx: ProposeContext, plan: GrantPlan, policies: PrincipalPolicies | null): Proposal {
  const denial = ctx.denial;
  const isScp = denial.reason.layer === 'scp';
  const kindText = isScp ? 'service control policy' : 'resource control policy';
  const arn = denial.reason.policyArn;
  const notes: ProposalNote[] = [];
  const action = normalizeAction(denial.action);
  if (denial.reason.explicit) {
    notes.push(note('org-policy-explicit-deny', { policyType: kindText, action, policyArn: arn }));
  } else {
    notes.push(note('org-policy-no-allow', { policyType: kindText, account: ctx.accountId, action }));
  }
  notes.push(note('org-admin-only', isScp ? {} : { resource: denial.resource ?? 'the resource' }));
  const cross = isScp ? crossRegionBedrock(denial) : null;
  if (cross) {
    notes.push(note('scp-region-guardrail', { region: cross.region, partition: ctx.partition, inference: cross.global ? 'global' : 'regional' }));
  }
  if (policies) {
    const set = { identity: policies.identityPolicies, ...(policies.permissionsBoundary ? { permissionsBoundary: policies.permissionsBoundary } : {}) };
    const blocked = plan.checks.filter((c) => evaluate(set, c.request).decision !== 'allowed');
    notes.push(
      blocked.length === 0
        ? note('org-policy-only-obstacle', { principal: principalLabel(ctx), policyType: kindText })
        : note('identity-also-denies', { principal: principalLabel(ctx), check: blocked[0]?.label ?? 'the call', policyType: kindText }),
    );
  }
  notes.push(note('layer-not-read', { policyType: kindText }));
  return {
    target: { kind: isScp ? 'scp' : 'rcp', name: 'AWS Organizations administrator', ...(arn ? { policyArn: arn } : {}) },
    statements: [],
    validated: 'not-validated',
    ...noteFields(notes),
  };
}

function resourceOwner(resource: string | null): string {
  if (!resource) return 'the resource owner';
  if (resource.includes(':kms:')) return `the owner of KMS key ${resource} (key policy)`;
  if (resource.startsWith('arn:aws:s3:::') || resource.includes(':s3:::'))
    return `the owner of bucket ${(parseArn(resource)?.resource ?? '').split('/')[0]} (bucket policy)`;
  return `the owner of ${resource}`;
}

function proposeResourcePolicy(ctx: ProposeContext, plan: GrantPlan): Proposal {
  const denial = ctx.denial;
  const principalArn = principalArnOf(denial.principal);
  const trust = /trust/i.test(denial.reason.policyType ?? '') || normalizeAction(denial.action) === 'sts:AssumeRole';
  const owner = trust ? `the owner of role ${denial.resource ?? ''}` : resourceOwner(denial.resource);
  const notes: ProposalNote[] = [];
  let statements: PolicyStatement[] = [];
  if (denial.reason.explicit) {
    notes.push(
      note('resource-policy-explicit-deny', {
        policy: trust ? 'role trust policy' : 'resource-based policy',
        resource: denial.resource ?? 'the resource',
        owner,
      }),
    );
  } else if (trust) {
    statements = [
      { Sid: 'AccessAuditorAllowAssumeRole', Effect: 'Allow', Principal: { AWS: principalArn ?? '<PRINCIPAL_ARN>' }, Action: compactList(plan.actions) },
    ];
    notes.push(note('trust-policy-missing', { role: denial.resource ?? 'the role', principal: principalArn ?? 'the caller', owner }));
  } else if (grantedResources(plan).length > 0) {
    const resource = compactList(grantedResources(plan));
    statements = [
      {
        Sid: 'AccessAuditorAllowPrincipal',
        Effect: 'Allow',
        Principal: { AWS: principalArn ?? '<PRINCIPAL_ARN>' },
        Action: compactList(plan.actions),
        Resource: resource,
      },
    ];
    notes.push(note('resource-policy-missing', { resource: denial.resource ?? 'the resource', principal: principalArn ?? 'the caller', owner }));
  } else {
    notes.push(...plan.notes);
  }
  notes.push(note('layer-not-read', {}));
  return {
    target: { kind: 'resource-policy', name: owner, ...(denial.reason.policyArn ? { policyArn: denial.reason.policyArn } : {}) },
    statements,
    ...(statements.length ? { terraform: renderTerraform('resource_policy', { Version: '2012-10-17', Statement: statements }) } : {}),
    validated: 'not-validated',
    ...noteFields(notes),
  };
}

function proposeVpcEndpoint(ctx: ProposeContext, plan: GrantPlan): Proposal {
  const denial = ctx.denial;
  const principalArn = principalArnOf(denial.principal);
  const notes: ProposalNote[] = [];
  let statements: PolicyStatement[] = [];
  if (denial.reason.explicit) {
    notes.push(note('vpc-endpoint-explicit-deny'));
  } else if (grantedResources(plan).length > 0) {
    const resources = grantedResources(plan);
    statements = [
      {
        Sid: 'AccessAuditorAllowThroughEndpoint',
        Effect: 'Allow',
        Principal: '*',
        Action: compactList(plan.actions),
        Resource: compactList(resources),
        ...(principalArn ? { Condition: { ArnEquals: { 'aws:PrincipalArn': principalArn } } } : {}),
      },
    ];
    notes.push(note('vpc-endpoint-missing', { action: normalizeAction(denial.action) }));
  } else {
    notes.push(...plan.notes);
  }
  notes.push(note('layer-not-read', {}));
  return {
    target: { kind: 'vpc-endpoint-policy', name: 'the VPC endpoint owner', ...(denial.reason.policyArn ? { policyArn: denial.reason.policyArn } : {}) },
    statements,
    ...(statements.length ? { terraform: renderTerraform('vpc_endpoint_policy', { Version: '2012-10-17', Statement: statements }) } : {}),
    validated: 'not-validated',
    ...noteFields(notes),
  };
}

function proposeSessionPolicy(ctx: ProposeContext, plan: GrantPlan): Proposal {
  const denial = ctx.denial;
  const notes: ProposalNote[] = [];
  const statements = denial.reason.explicit ? [] : plan.statements;
  if (denial.reason.explicit) {
    notes.push(note('session-policy-explicit-deny'));
  } else {
    notes.push(note('session-policy-missing', { principal: principalLabel(ctx) }));
  }
  notes.push(...plan.notes, note('session-policy-not-read'));
  return {
    target: { kind: 'session-policy', name: 'whoever passes the session policy', ...(denial.reason.policyArn ? { policyArn: denial.reason.policyArn } : {}) },
    statements,
    ...(statements.length ? { terraform: renderTerraform('session_policy', { Version: '2012-10-17', Statement: statements }) } : {}),
    validated: 'not-validated',
    ...noteFields(notes),
  };
}

function proposeExplicitIdentityDeny(ctx: ProposeContext, plan: GrantPlan, policies: PrincipalPolicies | null, mode: EditMode): Proposal {
  const denial = ctx.denial;
  if (policies) {
    const set = { identity: policies.identityPolicies, ...(policies.permissionsBoundary ? { permissionsBoundary: policies.permissionsBoundary } : {}) };
    for (const check of plan.checks) {
      const result = evaluate(set, check.request);
      if (result.matchedDeny) return proposeForDeny(ctx, result.matchedDeny, check, policies, []);
    }
  }
  // Only what the message says: "... on resource: * with an explicit deny" (older services) names no policy type.
  const where =
    denial.reason.layer === 'permissions-boundary'
      ? 'permissions boundary'
      : denial.reason.layer === 'identity'
        ? (denial.reason.policyType ?? 'identity-based policy')
        : undefined;
  const arn = denial.reason.policyArn;
  const notes = [
    note('reported-explicit-deny', { policyType: where, policyArn: arn }),
    policies ? note('deny-statement-not-found', { likely: where ? 'session-policy' : 'unread-layer' }) : note('policies-unavailable'),
  ];
  return {
    target: {
      kind: mode === 'boundary' ? 'permissions-boundary' : mode === 'sso' ? 'sso-permission-set' : 'identity-policy',
      name: (mode === 'sso' ? permissionSetNameOf(denial.principal) : principalLabel(ctx)) ?? principalLabel(ctx),
      ...(arn ? { policyArn: arn, policyName: lastPathSegment(arn) } : {}),
    },
    statements: [],
    validated: 'not-validated',
    ...noteFields(notes),
  };
}

/**
 * Proposes the least-privilege fix for one denial against the principal's current policies
 * (null when unknown). Pure and deterministic: the same denial and policies give the same proposal.
 */
export function proposeFix(denial: Denial, policies: PrincipalPolicies | null, options: ProposeOptions = {}): Proposal {
  const ctx = withUserTags(withRoleArn(buildProposeContext(denial, options), policies), denial, policies);
  const access = modelAccessKind(denial);
  if (access && !isMarketplaceDenial(denial)) return withCheckedBy(proposeModelAccess(ctx, access, policies));
  const answer = awsSideAnswer(denial);
  if (answer) return answer;
  const plan = planGrant(denial, ctx);
  const bothSides = proposeBothSides(ctx, plan, policies, options.roleTrust, (c) => withExactness(proposeForPlan(c, plan, policies), plan));
  if (bothSides) return withCheckedBy(bothSides);
  return withCheckedBy(withResourceSide(withExactness(proposeForPlan(ctx, plan, policies), plan), denial, ctx.principalAccount));
}

/** A role session whose record names no role ARN: the policies read for it know the role's ARN with its path. */
function withRoleArn(ctx: ProposeContext, policies: PrincipalPolicies | null): ProposeContext {
  return ctx.principalArn === null && policies?.kind === 'role' ? { ...ctx, principalArn: policies.arn } : ctx;
}

/**
 * An IAM user calling with its long-term keys has exactly its own tags as `aws:PrincipalTag/*`, so when
 * the policy source read them the keys are settled (a tag it lacks is absent). Roles are not: session
 * tags override role tags and the denied call's record does not show them.
 */
function withUserTags(ctx: ProposeContext, denial: Denial, policies: PrincipalPolicies | null): ProposeContext {
  const tags = policies?.kind === 'user' && denial.principal.type === 'IAMUser' ? policies.userTags : undefined;
  if (!tags || !ctx.recordContext) return ctx;
  const values = { ...ctx.recordContext.values };
  for (const [key, value] of Object.entries(tags)) values[`aws:PrincipalTag/${key}`] = value;
  return { ...ctx, recordContext: { ...ctx.recordContext, values, principalTagsKnown: true } };
}

/** Every verdict but `not-validated` comes from the offline evaluator here; the simulator step adds itself. */
function withCheckedBy(proposal: Proposal): Proposal {
  return proposal.validated === 'not-validated' ? proposal : { ...proposal, checkedBy: ['offline-evaluator'] };
}

/**
 * A fix whose resource holds placeholders is never an allow, whatever the evaluation of the placeholder
 * says: it becomes `needs-input` (a fix that is still denied stays `simulated-deny`).
 */
function withExactness(proposal: Proposal, plan: GrantPlan): Proposal {
  if (!plan.needsInput) return { ...proposal, exact: proposal.statements.length > 0 ? true : undefined };
  const validated = proposal.validated === 'simulated-deny' ? proposal.validated : 'needs-input';
  return { ...proposal, validated, exact: false };
}

function proposeForPlan(ctx: ProposeContext, plan: GrantPlan, policies: PrincipalPolicies | null): Proposal {
  const denial = ctx.denial;
  const principal = denial.principal;
  switch (denial.reason.layer) {
    case 'scp':
    case 'rcp':
      return proposeOrganizationPolicy(ctx, plan, policies);
    case 'session':
      return proposeSessionPolicy(ctx, plan);
    case 'resource':
      return proposeResourcePolicy(ctx, plan);
    case 'vpc-endpoint':
      return proposeVpcEndpoint(ctx, plan);
    default:
      break;
  }

  if (isServiceLinked(principal)) {
    return {
      target: { kind: 'service-linked-role', ...(roleNameOf(principal) ? { name: roleNameOf(principal) } : {}) },
      statements: [],
      validated: 'not-validated',
      ...noteFields([note('service-linked-role', { role: roleNameOf(principal) }), note('service-linked-look-elsewhere')]),
    };
  }
  if (isRoot(principal)) {
    return {
      target: { kind: 'none', name: 'root user' },
      statements: [],
      validated: 'not-validated',
      ...noteFields([note('root-user'), note('root-use-role')]),
    };
  }
  const mode: EditMode = denial.reason.layer === 'permissions-boundary' ? 'boundary' : isSsoPrincipal(principal) ? 'sso' : 'identity';
  if (denial.reason.explicit) return proposeExplicitIdentityDeny(ctx, plan, policies, mode);

  const extra: ProposalNote[] = [];
  if (denial.reason.layer === 'unknown') extra.push(note('layer-unknown'));
  if (plan.kind === 'marketplace') extra.push(note('marketplace-subscription-delay'));
  if (mode === 'boundary' && policies?.permissionsBoundary === undefined && denial.reason.policyArn === undefined && policies) {
    extra.push(note('boundary-not-attached'));
  }
  if (mode === 'identity' && !roleNameOf(principal) && !userNameOf(principal)) {
    return {
      target: { kind: 'none' },
      statements: plan.statements,
      validated: 'not-validated',
      ...noteFields([note('no-editable-principal', { principalType: principal.type }), ...plan.notes]),
    };
  }
  return proposeEdit(ctx, plan, policies, mode, extra);
}
