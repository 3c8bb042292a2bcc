import type { Denial, PolicyStatement } from '../../denial/types';
import { geoPrefixOf, isInvokeAction, parseBedrockArn } from '../catalog/bedrock-arns';
import type { ActionCatalog } from '../catalog/action-catalog';
import type { EvaluationRequest } from '../iam/evaluator';
import { grantPattern } from '../iam/wildcard';
import { planApplicationProfile, planFoundationModel, planSystemProfile } from './bedrock-plan';
import { grantedActions, normalizeAction, uniq } from './plan-checks';
import { planGeneric, withPassedToService, planMarketplace } from './resource-plan';
import type { ProposalNote } from './notes';

export { grantedActions, normalizeAction } from './plan-checks';

/** One request the fix must allow (or, for a neighbour, must not newly allow). */
export interface Check {
  label: string;
  request: EvaluationRequest;
}

export const PLAN_KINDS = [
  'geo-profile',
  'global-profile',
  'application-profile',
  'foundation-model',
  'bedrock-resource',
  'resource',
  'no-resource-type',
  'marketplace',
] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];

/** What the denied call needs: the canonical statements and every evaluation IAM makes for it. */
export interface GrantPlan {
  kind: PlanKind;
  /** Actions granted: the denied one, plus `bedrock:InvokeModel` for a streaming call. */
  actions: string[];
  /** Statements that grant exactly what the call needs, used when nothing existing can be fixed. */
  statements: PolicyStatement[];
  /** Every evaluation the call needs (for a profile call: the profile and the model in each destination). */
  checks: Check[];
  /** Requests that must not become allowed (another model, another action of the service). */
  neighbours: Check[];
  /** Requests that must not become allowed when the conditioned statements are used (the model invoked directly). */
  conditionedNeighbours: Check[];
  notes: ProposalNote[];
  /**
   * Placeholders (`<RoleNameWithPath>`) in the granted resource, where the record does not name the
   * resource: the fix is not exact until someone fills them in, so it is never called ready.
   */
  needsInput?: string[];
  profileArn?: string;
  foundationModelId?: string;
}

export interface PlanContext {
  partition: string;
  accountId: string;
  catalog: ActionCatalog;
  principalArn: string | null;
  principalAccount: string | null;
  /** What the record settles of the request context; absent: a closed world (every missing key is absent). */
  recordContext?: { values: Record<string, string | string[]>; determined: ReadonlySet<string>; principalTagsKnown?: boolean };
}

/**
 * The resources a statement outside the principal's own policies (resource-based or VPC endpoint
 * policy) must name for this call, as policy patterns: the plan's own resources for generic actions
 * (catalog-checked, literals escaped), else every resource the call is evaluated against, escaped.
 * Empty when the plan refused every part (a model ID holding a wildcard).
 */
export function grantedResources(plan: GrantPlan): string[] {
  if (plan.statements.length === 0) return [];
  if (plan.kind === 'resource' || plan.kind === 'no-resource-type' || plan.kind === 'bedrock-resource' || plan.kind === 'marketplace') {
    return uniq(plan.statements.flatMap((s) => (s.Resource === undefined ? [] : Array.isArray(s.Resource) ? s.Resource : [s.Resource])));
  }
  return uniq(plan.checks.map((c) => (c.request.resource === null ? '*' : grantPattern(c.request.resource))));
}

/** True for Marketplace subscription denials (the action, or the Bedrock model-access message naming it). */
export function isMarketplaceDenial(denial: Denial): boolean {
  return normalizeAction(denial.action).startsWith('aws-marketplace:') || /aws-marketplace:(Subscribe|ViewSubscriptions)/i.test(denial.errorMessage ?? '');
}

/** Works out what the denied call needs. Pure. */
export function planGrant(denial: Denial, ctx: PlanContext): GrantPlan {
  if (isMarketplaceDenial(denial)) return planMarketplace(ctx, denial.deniedRegion || denial.callRegion);
  const actions = grantedActions(denial);
  const action = actions[0] ?? '';
  if (!isInvokeAction(action)) return withPassedToService(planGeneric(denial, ctx, actions), denial);
  const model = denial.model;
  const resourceArn = denial.resource ? parseBedrockArn(denial.resource) : null;
  const profileKind = model?.inferenceProfile?.kind;
  if (profileKind === 'application' || model?.resourceType === 'application-inference-profile' || resourceArn?.type === 'application-inference-profile') {
    return planApplicationProfile(denial, ctx, actions);
  }
  if (
    profileKind === 'system' ||
    model?.resourceType === 'inference-profile' ||
    resourceArn?.type === 'inference-profile' ||
    (model && geoPrefixOf(model.modelId) !== undefined)
  ) {
    return planSystemProfile(denial, ctx, actions);
  }
  if (model?.resourceType === 'foundation-model' || resourceArn?.type === 'foundation-model' || (model && !model.modelId.startsWith('arn:'))) {
    return planFoundationModel(denial, ctx, actions);
  }
  return planGeneric(denial, ctx, actions);
}
