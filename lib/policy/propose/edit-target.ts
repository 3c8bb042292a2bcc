/**
 * Where a change goes and how it is shown: the target kind, the policy names and labels notes use,
 * and the renderings (diff, Terraform, AWS CLI command lines) of the changed policy.
 */
import type { PolicyDocument, PolicyStatement, Proposal, TargetKind } from '../../denial/types';
import { renderCli, type ApplyTarget } from '../render/aws-cli-commands';
import { unifiedDiff } from '../render/diff';
import { renderTerraform } from '../render/terraform';
import { cloneDocument, formatPolicy } from '../iam/document';
import type { NamedPolicy, PrincipalPolicies } from '../ports';
import type { GrantPlan } from './grant-plan';
import { isRolePrincipal, permissionSetNameOf, roleNameOf, userNameOf, type ProposeContext } from './propose-context';
import { actionName, actionService } from '../../aws/action';

/** Which policy a change goes to: the principal's identity policies, its permission set, or its boundary. */
export type EditMode = 'identity' | 'sso' | 'boundary';

export const VERSION = '2012-10-17';

export function targetKind(mode: EditMode): TargetKind {
  return mode === 'sso' ? 'sso-permission-set' : mode === 'boundary' ? 'permissions-boundary' : 'identity-policy';
}

export function isAwsManaged(policy: NamedPolicy): boolean {
  return policy.kind === 'managed' && (policy.arn ?? '').includes(':iam::aws:policy/');
}

export function clonePolicy(policy: NamedPolicy): NamedPolicy {
  return { ...policy, document: cloneDocument(policy.document) };
}

/** `access-auditor-<service>-<short>`: deterministic, so a second run finds and extends the same policy. */
export function newPolicyName(plan: GrantPlan, action: string): string {
  const service = actionService(plan.actions[0] ?? action) || 'policy';
  let short: string;
  if (plan.kind === 'marketplace') short = 'subscribe';
  else if (plan.foundationModelId) {
    short = plan.foundationModelId.replace(/^[a-z0-9-]+\./, '').replace(/(-v\d+)?(:\d+)*$/, '');
    if (plan.kind === 'global-profile') short = `global-${short}`;
  } else short = actionName(plan.actions[0] ?? action) ?? 'grant';
  const name = `access-auditor-${service}-${short}`
    .toLowerCase()
    .replace(/[^a-z0-9+=,.@_-]+/g, '-')
    .replace(/-+/g, '-');
  return name.slice(0, 128).replace(/-$/, '');
}

export function statementLabel(statement: PolicyStatement, index: number): string {
  return statement.Sid ? statement.Sid : `#${index}`;
}

export function describePolicy(policy: Pick<NamedPolicy, 'kind' | 'name' | 'viaGroup'>, mode: EditMode, ctx: ProposeContext): string {
  if (mode === 'sso') return `the inline policy of permission set ${permissionSetNameOf(ctx.denial.principal) ?? '?'}`;
  if (mode === 'boundary') return `permissions boundary ${policy.name}`;
  if (policy.viaGroup !== undefined) {
    return `${policy.kind} policy ${policy.name} of group ${policy.viaGroup} (shared by every member of the group)`;
  }
  return `${policy.kind} policy ${policy.name}`;
}

export function applyTargetFor(
  mode: EditMode,
  policy: NamedPolicy,
  isNew: boolean,
  ctx: ProposeContext,
  owner: PrincipalPolicies | null,
): ApplyTarget | undefined {
  const principal = ctx.denial.principal;
  if (mode === 'sso') {
    return { kind: 'permission-set', permissionSetName: permissionSetNameOf(principal) ?? '<PERMISSION_SET_NAME>', accountId: ctx.accountId };
  }
  if (mode === 'boundary' && isNew) {
    const asRole = owner ? owner.kind === 'role' : isRolePrincipal(principal);
    const name = owner?.name ?? (asRole ? roleNameOf(principal) : userNameOf(principal));
    if (!name) return undefined;
    return {
      kind: 'new-boundary',
      policyName: policy.name,
      policyArn: policy.arn ?? `arn:${ctx.partition}:iam::${ctx.accountId}:policy/${policy.name}`,
      principal: { type: asRole ? 'role' : 'user', name },
    };
  }
  if (policy.kind === 'managed') {
    if (isNew) {
      const asRole = owner ? owner.kind === 'role' : isRolePrincipal(principal);
      const name = owner?.name ?? (asRole ? roleNameOf(principal) : userNameOf(principal));
      if (!name) return undefined;
      return {
        kind: 'new-managed',
        policyName: policy.name,
        policyArn: policy.arn ?? `arn:${ctx.partition}:iam::${ctx.accountId}:policy/${policy.name}`,
        attachTo: { type: asRole ? 'role' : 'user', name },
      };
    }
    return policy.arn ? { kind: 'managed-version', policyArn: policy.arn } : undefined;
  }
  if (policy.viaGroup !== undefined) return { kind: 'group-inline', groupName: policy.viaGroup, policyName: policy.name };
  const asRole = owner ? owner.kind === 'role' : isRolePrincipal(principal);
  const name = owner?.name ?? (asRole ? roleNameOf(principal) : userNameOf(principal));
  if (!name) return undefined;
  return asRole ? { kind: 'role-inline', roleName: name, policyName: policy.name } : { kind: 'user-inline', userName: name, policyName: policy.name };
}

export function targetName(mode: EditMode, ctx: ProposeContext, policies: PrincipalPolicies | null): string | undefined {
  if (mode === 'sso') return permissionSetNameOf(ctx.denial.principal);
  return policies?.name ?? roleNameOf(ctx.denial.principal) ?? userNameOf(ctx.denial.principal);
}

export function renderings(
  mode: EditMode,
  policy: NamedPolicy,
  before: PolicyDocument | null,
  ctx: ProposeContext,
  owner: PrincipalPolicies | null,
  isNew: boolean,
): Pick<Proposal, 'policyAfter' | 'diff' | 'terraform' | 'cli'> {
  const after = policy.document;
  const apply = applyTargetFor(mode, policy, isNew, ctx, owner);
  return {
    policyAfter: after,
    diff: unifiedDiff(before ? formatPolicy(before) : '', formatPolicy(after), {
      fromFile: before ? `a/${policy.name}` : '/dev/null',
      toFile: `b/${policy.name}`,
    }),
    terraform: renderTerraform(policy.name, after),
    ...(apply ? { cli: renderCli(apply, after) } : {}),
  };
}
