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
import { renderTerraform } from '../render/terraform';
import { plural, withArticle } from './wording';
import { lastPathSegment, parseArn } from '../../aws/arn';

export type { ProposeOptions } from './propose-context';

const NOT_CHECKED = 'Not checked against current policies: this layer is not in the policies access-auditor reads.';

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

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
      notes: [
        kind === 'legacy'
          ? `${modelId || 'The model'} is marked Legacy by its provider and this account has not used it recently, so Bedrock blocks it: this is a model-lifecycle block, not an IAM problem, and no policy change helps.`
          : `${modelId || 'The model'} has reached its end of life: no policy change helps.`,
        'Upgrade the caller to an active model (the Bedrock model lifecycle page lists replacements).',
      ],
    };
  }
  if (kind === 'other') {
    return {
      target,
      statements: [],
      validated: 'not-validated',
      notes: [
        `Bedrock refused access to ${modelId || 'the model'} for a model-access reason: check that the model is available in ${denial.callRegion}, that the account's AWS Marketplace subscription exists, and for Anthropic models that the one-time use-case form was submitted.`,
      ],
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
    `${modelId} cannot be invoked on demand in ${denial.callRegion}: call it through the inference profile of the region's geography, ${profileId}${geo === 'global' ? '' : ` (or global.${modelId})`}, whose ARN here is ${plan.profileArn ?? ''}.`,
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
    statements = statements.filter((s) => missing.some((c) => evaluate({ identity: [{ name: 'new', document: { Statement: [s] } }] }, c.request).decision === 'allowed'));
    const withNew = { ...set, identity: [...set.identity, { name: 'proposed', document: { Version: '2012-10-17', Statement: statements } }] };
    const failing = plan.checks.filter((c) => evaluate(withNew, c.request).decision !== 'allowed');
    validated = failing.length === 0 ? 'simulated-allow' : 'simulated-deny';
    if (missing.length === 0) notes.push(`The current policies of ${principalLabel(ctx)} already allow the profile call: only the model ID in the request must change.`);
    else notes.push(`${principalLabel(ctx)} also needs these statements for the profile call; add them to its identity policy.`);
    for (const c of failing) notes.push(`Even with these statements, ${c.label} stays denied by the current policies.`);
  } else {
    notes.push('Not checked against current policies: add these statements if the caller does not already have them.');
  }
  return {
    target,
    statements,
    ...(statements.length ? { terraform: renderTerraform('bedrock_inference_profile_access', { Version: '2012-10-17', Statement: statements }) } : {}),
    validated,
    notes,
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
  const notes: string[] = [];
  if (denial.reason.explicit) {
    notes.push(
      `${capitalize(withArticle(kindText))}${arn ? ` (${arn})` : ''} explicitly denies ${normalizeAction(denial.action)} here: no identity policy can override it; its Deny statement must exempt this call.`,
    );
  } else {
    notes.push(`No ${kindText} on the path from the organization root to account ${ctx.accountId} allows ${normalizeAction(denial.action)}: each level must allow it.`);
  }
  notes.push(
    isScp
      ? 'Only an AWS Organizations administrator in the management account (or a delegated administrator) can change it.'
      : `Only an AWS Organizations administrator in the management account (or a delegated administrator) can change it; the owner of ${denial.resource ?? 'the resource'} cannot.`,
  );
  const cross = isScp ? crossRegionBedrock(denial) : null;
  if (cross) {
    notes.push(
      `This is Bedrock cross-region inference: the SCP's region guardrail sees aws:RequestedRegion = ${cross.region} because the profile routed the call there; the guardrail must exempt requests that carry bedrock:InferenceProfileArn (for example add "ArnNotLike": {"bedrock:InferenceProfileArn": "arn:${ctx.partition}:bedrock:*:*:inference-profile/*"} to the Deny's Condition) or include ${cross.region === 'unspecified' ? '"unspecified"' : cross.region} in the allowed regions${cross.global && cross.region !== 'unspecified' ? ', together with "unspecified" for global inference' : cross.global ? ' (the Region that global inference reports)' : ''}.`,
    );
  }
  if (policies) {
    const set = { identity: policies.identityPolicies, ...(policies.permissionsBoundary ? { permissionsBoundary: policies.permissionsBoundary } : {}) };
    const blocked = plan.checks.filter((c) => evaluate(set, c.request).decision !== 'allowed');
    notes.push(
      blocked.length === 0
        ? `The identity policies of ${principalLabel(ctx)} already allow the call: the ${kindText} is the only obstacle.`
        : `The identity policies of ${principalLabel(ctx)} do not allow ${blocked[0]?.label ?? 'the call'} either: run explain again after the ${kindText} changes.`,
    );
  }
  notes.push(`${NOT_CHECKED} (${plural(kindText)} are not in the snapshot).`);
  return {
    target: { kind: isScp ? 'scp' : 'rcp', name: 'AWS Organizations administrator', ...(arn ? { policyArn: arn } : {}) },
    statements: [],
    validated: 'not-validated',
    notes,
  };
}

function resourceOwner(resource: string | null): string {
  if (!resource) return 'the resource owner';
  if (resource.includes(':kms:')) return `the owner of KMS key ${resource} (key policy)`;
  if (resource.startsWith('arn:aws:s3:::') || resource.includes(':s3:::')) return `the owner of bucket ${(parseArn(resource)?.resource ?? '').split('/')[0]} (bucket policy)`;
  return `the owner of ${resource}`;
}

function proposeResourcePolicy(ctx: ProposeContext, plan: GrantPlan): Proposal {
  const denial = ctx.denial;
  const principalArn = principalArnOf(denial.principal);
  const trust = /trust/i.test(denial.reason.policyType ?? '') || normalizeAction(denial.action) === 'sts:AssumeRole';
  const owner = trust ? `the owner of role ${denial.resource ?? ''}` : resourceOwner(denial.resource);
  const notes: string[] = [];
  let statements: PolicyStatement[] = [];
  if (denial.reason.explicit) {
    notes.push(`The ${trust ? 'role trust policy' : 'resource-based policy'} of ${denial.resource ?? 'the resource'} explicitly denies the call: ${owner} must change that Deny; no identity policy can override it.`);
  } else if (trust) {
    statements = [{ Sid: 'AccessAuditorAllowAssumeRole', Effect: 'Allow', Principal: { AWS: principalArn ?? '<PRINCIPAL_ARN>' }, Action: compactList(plan.actions) }];
    notes.push(`The trust policy of ${denial.resource ?? 'the role'} does not let ${principalArn ?? 'the caller'} assume it: ${owner} must add this statement to it (aws iam update-assume-role-policy).`);
  } else if (grantedResources(plan).length > 0) {
    const resource = compactList(grantedResources(plan));
    statements = [{ Sid: 'AccessAuditorAllowPrincipal', Effect: 'Allow', Principal: { AWS: principalArn ?? '<PRINCIPAL_ARN>' }, Action: compactList(plan.actions), Resource: resource }];
    notes.push(`The resource-based policy of ${denial.resource ?? 'the resource'} does not allow ${principalArn ?? 'the caller'}: ${owner} must add this statement (for a cross-account call the caller's identity policy must allow it too).`);
  } else {
    notes.push(...plan.notes);
  }
  notes.push(NOT_CHECKED);
  return {
    target: { kind: 'resource-policy', name: owner, ...(denial.reason.policyArn ? { policyArn: denial.reason.policyArn } : {}) },
    statements,
    ...(statements.length ? { terraform: renderTerraform('resource_policy', { Version: '2012-10-17', Statement: statements }) } : {}),
    validated: 'not-validated',
    notes,
  };
}

function proposeVpcEndpoint(ctx: ProposeContext, plan: GrantPlan): Proposal {
  const denial = ctx.denial;
  const principalArn = principalArnOf(denial.principal);
  const notes: string[] = [];
  let statements: PolicyStatement[] = [];
  if (denial.reason.explicit) {
    notes.push('The VPC endpoint policy explicitly denies the call: the endpoint owner must change that Deny.');
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
    notes.push(
      `The policy of the VPC endpoint the call went through does not allow ${normalizeAction(denial.action)}: the endpoint owner (the network or platform team) must add this statement (aws ec2 modify-vpc-endpoint --policy-document).`,
    );
  } else {
    notes.push(...plan.notes);
  }
  notes.push(NOT_CHECKED);
  return {
    target: { kind: 'vpc-endpoint-policy', name: 'the VPC endpoint owner', ...(denial.reason.policyArn ? { policyArn: denial.reason.policyArn } : {}) },
    statements,
    ...(statements.length ? { terraform: renderTerraform('vpc_endpoint_policy', { Version: '2012-10-17', Statement: statements }) } : {}),
    validated: 'not-validated',
    notes,
  };
}

function proposeSessionPolicy(ctx: ProposeContext, plan: GrantPlan): Proposal {
  const denial = ctx.denial;
  const notes: string[] = [];
  const statements = denial.reason.explicit ? [] : plan.statements;
  if (denial.reason.explicit) {
    notes.push('The session policy passed when this session was created explicitly denies the call: whoever creates the session (the AssumeRole caller, the identity provider or broker passing Policy/PolicyArns) must drop that Deny.');
  } else {
    notes.push(
      `The session policy passed when this session was created does not allow the call: whoever creates the session (the AssumeRole caller, the identity provider or broker passing Policy/PolicyArns) must include these statements; ${principalLabel(ctx)}'s own policies must allow it too.`,
    );
  }
  notes.push(...plan.notes, 'Not checked against current policies: session policies are not recorded anywhere access-auditor can read.');
  return {
    target: { kind: 'session-policy', name: 'whoever passes the session policy', ...(denial.reason.policyArn ? { policyArn: denial.reason.policyArn } : {}) },
    statements,
    ...(statements.length ? { terraform: renderTerraform('session_policy', { Version: '2012-10-17', Statement: statements }) } : {}),
    validated: 'not-validated',
    notes,
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
    where
      ? `The message reports an explicit deny in ${withArticle(where)}${arn ? ` (${arn})` : ''}: no Allow can override it, so none is proposed; the Deny statement itself must change or exempt this call.`
      : `The message reports an explicit deny but does not name the policy type${arn ? ` (the denying policy is ${arn})` : ''}: no Allow can override it, so none is proposed; the Deny statement itself must change or exempt this call.`,
    policies
      ? where
        ? 'No Deny statement in the current policies matches the call: the policy may have changed since, or the deny comes from a session policy.'
        : 'No Deny statement in the current policies matches the call: the policy may have changed since, or the deny comes from a policy access-auditor does not read (session policy, SCP, RCP, resource-based or VPC endpoint policy).'
      : 'Not checked against current policies: they were not available.',
  ];
  return {
    target: {
      kind: mode === 'boundary' ? 'permissions-boundary' : mode === 'sso' ? 'sso-permission-set' : 'identity-policy',
      name: (mode === 'sso' ? permissionSetNameOf(denial.principal) : principalLabel(ctx)) ?? principalLabel(ctx),
      ...(arn ? { policyArn: arn, policyName: lastPathSegment(arn) } : {}),
    },
    statements: [],
    validated: 'not-validated',
    notes,
  };
}

/**
 * Proposes the least-privilege fix for one denial against the principal's current policies
 * (null when unknown). Pure and deterministic: the same denial and policies give the same proposal.
 */
export function proposeFix(denial: Denial, policies: PrincipalPolicies | null, options: ProposeOptions = {}): Proposal {
  const ctx = buildProposeContext(denial, options);
  const principal = denial.principal;
  const access = modelAccessKind(denial);
  if (access && !isMarketplaceDenial(denial)) return proposeModelAccess(ctx, access, policies);

  const plan = planGrant(denial, ctx);
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
      notes: [
        `${roleNameOf(principal) ?? 'The role'} is a service-linked role: AWS defines its permissions and IAM administrators can view but not edit them, so no policy change is proposed.`,
        'Look for an SCP, resource policy or VPC endpoint policy that blocks the service, or configure the service to use a customer-managed service role.',
      ],
    };
  }
  if (isRoot(principal)) {
    return {
      target: { kind: 'none', name: 'root user' },
      statements: [],
      validated: 'not-validated',
      notes: [
        'The root user cannot be given identity policies and has every identity permission already: the denial comes from an SCP, RCP or resource-based policy.',
        'Use an IAM role for this work instead of the root user.',
      ],
    };
  }
  const mode: EditMode = denial.reason.layer === 'permissions-boundary' ? 'boundary' : isSsoPrincipal(principal) ? 'sso' : 'identity';
  if (denial.reason.explicit) return proposeExplicitIdentityDeny(ctx, plan, policies, mode);

  const extra: string[] = [];
  if (denial.reason.layer === 'unknown') {
    extra.push('The message does not say which policy type denied the call; the proposal assumes the identity policies.');
  }
  if (plan.kind === 'marketplace') {
    extra.push('Once the model\'s Marketplace subscription exists, any principal of the account can invoke it without these permissions; allow about 2 minutes after the change (the first subscription can take up to 15).');
  }
  if (mode === 'boundary' && policies?.permissionsBoundary === undefined && denial.reason.policyArn === undefined && policies) {
    extra.push('The message names a permissions boundary but none is attached in the current policies.');
  }
  if (mode === 'identity' && !roleNameOf(principal) && !userNameOf(principal)) {
    return {
      target: { kind: 'none' },
      statements: plan.statements,
      validated: 'not-validated',
      notes: [
        `The caller (${principal.type}) has no IAM role or user whose policies could change; the statements show what a principal needs for this call.`,
        ...plan.notes,
      ],
    };
  }
  return proposeEdit(ctx, plan, policies, mode, extra);
}
