import type { PolicyDocument, PolicyStatement, Proposal, TargetKind } from '../../denial/types';
import { renderCli, type ApplyTarget } from '../render/aws-cli-commands';
import { unifiedDiff } from '../render/diff';
import { asList, cloneDocument, formatPolicy } from '../iam/document';
import { explainNeighbour, keptChecks, runRepairs, statementNeighbours, type RepairScope } from './edit-repairs';
import { evaluate, matchStatement, type PolicySet, type StatementRef } from '../iam/evaluator';
import type { Check, GrantPlan } from './grant-plan';
import { describeRepairs } from './near-miss';
import type { NamedPolicy, PrincipalPolicies } from '../ports';
import {
  isRolePrincipal,
  isSsoPrincipal,
  permissionSetNameOf,
  principalArnOf,
  roleNameOf,
  userNameOf,
  type ProposeContext,
} from './propose-context';
import { MANAGED_POLICIES_PER_PRINCIPAL, quotaExcess } from '../catalog/quotas';
import { renderTerraform } from '../render/terraform';
import { validateChange } from './validate';
import { wildcardMatch } from '../iam/wildcard';
import { actionName, actionService } from '../../aws/action';
import { lastPathSegment } from '../../aws/arn';

/** Which policy a change goes to: the principal's identity policies, its permission set, or its boundary. */
export type EditMode = 'identity' | 'sso' | 'boundary';

const VERSION = '2012-10-17';

function targetKind(mode: EditMode): TargetKind {
  return mode === 'sso' ? 'sso-permission-set' : mode === 'boundary' ? 'permissions-boundary' : 'identity-policy';
}

function isAwsManaged(policy: NamedPolicy): boolean {
  return policy.kind === 'managed' && (policy.arn ?? '').includes(':iam::aws:policy/');
}

function clonePolicy(policy: NamedPolicy): NamedPolicy {
  return { ...policy, document: cloneDocument(policy.document) };
}

/** `access-auditor-<service>-<short>`: deterministic, so a second run finds and extends the same policy. */
function newPolicyName(plan: GrantPlan, action: string): string {
  const service = actionService(plan.actions[0] ?? action) || 'policy';
  let short: string;
  if (plan.kind === 'marketplace') short = 'subscribe';
  else if (plan.foundationModelId) {
    short = plan.foundationModelId
      .replace(/^[a-z0-9-]+\./, '')
      .replace(/(-v\d+)?(:\d+)*$/, '');
    if (plan.kind === 'global-profile') short = `global-${short}`;
  } else short = actionName(plan.actions[0] ?? action) ?? 'grant';
  const name = `access-auditor-${service}-${short}`.toLowerCase().replace(/[^a-z0-9+=,.@_-]+/g, '-').replace(/-+/g, '-');
  return name.slice(0, 128).replace(/-$/, '');
}

function statementLabel(statement: PolicyStatement, index: number): string {
  return statement.Sid ? statement.Sid : `#${index}`;
}

function describePolicy(policy: Pick<NamedPolicy, 'kind' | 'name' | 'viaGroup'>, mode: EditMode, ctx: ProposeContext): string {
  if (mode === 'sso') return `the inline policy of permission set ${permissionSetNameOf(ctx.denial.principal) ?? '?'}`;
  if (mode === 'boundary') return `permissions boundary ${policy.name}`;
  if (policy.viaGroup !== undefined) {
    return `${policy.kind} policy ${policy.name} of group ${policy.viaGroup} (shared by every member of the group)`;
  }
  return `${policy.kind} policy ${policy.name}`;
}

function uniqueSids(existing: PolicyStatement[], added: PolicyStatement[]): PolicyStatement[] {
  const taken = new Set(existing.map((s) => s.Sid).filter((s): s is string => !!s));
  return added.map((s) => {
    if (!s.Sid || !taken.has(s.Sid)) {
      if (s.Sid) taken.add(s.Sid);
      return s;
    }
    let n = 2;
    while (taken.has(`${s.Sid}${n}`)) n++;
    taken.add(`${s.Sid}${n}`);
    return { ...s, Sid: `${s.Sid}${n}` };
  });
}

/**
 * Plan statements that cover at least one of the given checks on their own. A statement whose
 * actions would also reach a neighbour's action that the call does not need is never added (least
 * privilege: the plan's statements name exact actions, so this only guards against a wrong plan).
 */
function statementsFor(plan: GrantPlan, checks: Check[]): PolicyStatement[] {
  const needed = new Set(plan.actions.map((a) => a.toLowerCase()));
  const foreign = plan.neighbours.map((n) => n.request.action).filter((a) => !needed.has(a.toLowerCase()));
  return plan.statements.filter(
    (s) =>
      checks.some((c) => matchStatement(s, c.request).applies) &&
      !asList(s.Action).some((pattern) => foreign.some((a) => wildcardMatch(pattern, a, true))),
  );
}

function hasProfileCondition(statements: PolicyStatement[]): boolean {
  return statements.some((s) =>
    Object.values(s.Condition ?? {}).some((block) => Object.keys(block).some((k) => k.toLowerCase() === 'bedrock:inferenceprofilearn')),
  );
}

function streamNote(plan: GrantPlan): string[] {
  return plan.actions.length === 2 && plan.actions.includes('bedrock:InvokeModelWithResponseStream')
    ? [
        'The call streamed, so the grant covers bedrock:InvokeModelWithResponseStream and its non-streaming twin bedrock:InvokeModel (Converse and ConverseStream are authorized by the same two actions).',
      ]
    : [];
}

function applyTargetFor(mode: EditMode, policy: NamedPolicy, isNew: boolean, ctx: ProposeContext, owner: PrincipalPolicies | null): ApplyTarget | undefined {
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
  return asRole
    ? { kind: 'role-inline', roleName: name, policyName: policy.name }
    : { kind: 'user-inline', userName: name, policyName: policy.name };
}

function targetName(mode: EditMode, ctx: ProposeContext, policies: PrincipalPolicies | null): string | undefined {
  if (mode === 'sso') return permissionSetNameOf(ctx.denial.principal);
  return policies?.name ?? roleNameOf(ctx.denial.principal) ?? userNameOf(ctx.denial.principal);
}

function renderings(
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

/** Proposal when the principal's policies are unknown: the statements as a new policy, unchecked. */
function proposeBlind(ctx: ProposeContext, plan: GrantPlan, mode: EditMode, extraNotes: string[]): Proposal {
  if (plan.statements.length === 0) {
    const tName = targetName(mode, ctx, null);
    return {
      target: { kind: targetKind(mode), ...(tName ? { name: tName } : {}) },
      statements: [],
      validated: 'not-validated',
      notes: [...extraNotes, ...plan.notes, 'Nothing is proposed, and the current policies were not available to check.'],
    };
  }
  const name = newPolicyName(plan, ctx.denial.action);
  const document: PolicyDocument = { Version: VERSION, Statement: plan.statements };
  const notes = [...extraNotes, ...plan.notes, ...streamNote(plan)];
  const policyArn = ctx.denial.reason.policyArn;
  let policy: NamedPolicy = { kind: 'inline', name, document };
  if (mode === 'boundary') {
    policy = { kind: 'managed', name: (policyArn ? lastPathSegment(policyArn) : name), ...(policyArn ? { arn: policyArn } : {}), document };
    notes.push('create-policy-version replaces the whole boundary document: merge these statements into its current version first.');
  }
  if (mode === 'sso') {
    notes.push('put-inline-policy-to-permission-set replaces the whole inline policy: merge these statements into the permission set\'s current inline policy first.');
  }
  notes.push('Not checked against current policies: they were not available (no snapshot entry and no IAM read), so the statements are given as a new policy.');
  const r = renderings(mode, policy, null, ctx, null, mode === 'identity');
  // A command would overwrite the current permission set or boundary with these statements alone.
  if (mode !== 'identity') delete r.cli;
  return {
    target: {
      kind: targetKind(mode),
      ...(targetName(mode, ctx, null) ? { name: targetName(mode, ctx, null) } : {}),
      ...(mode === 'boundary' && policyArn ? { policyArn } : {}),
    },
    statements: plan.statements,
    ...r,
    validated: 'not-validated',
    notes,
  };
}

/** Proposal when a Deny statement blocks a needed evaluation: no Allow can win, so nothing is added. */
export function proposeForDeny(
  ctx: ProposeContext,
  deny: StatementRef,
  check: Check,
  policies: PrincipalPolicies,
  extraNotes: string[],
): Proposal {
  const mode: EditMode = deny.layer === 'permissions-boundary' ? 'boundary' : isSsoPrincipal(ctx.denial.principal) ? 'sso' : 'identity';
  const where =
    deny.layer === 'permissions-boundary'
      ? `permissions boundary ${deny.policy}`
      : `${deny.policyKind ?? 'identity'} policy ${deny.policy}${deny.viaGroup ? ` of group ${deny.viaGroup}` : ''}`;
  const principalArn = principalArnOf(ctx.denial.principal);
  return {
    target: {
      kind: targetKind(mode),
      ...(targetName(mode, ctx, policies) ? { name: targetName(mode, ctx, policies) } : {}),
      policyName: deny.policy,
      ...(deny.policyArn ? { policyArn: deny.policyArn } : {}),
    },
    statements: [],
    validated: 'simulated-deny',
    notes: [
      ...extraNotes,
      `Statement ${deny.sid ?? `#${deny.index}`} of ${where} explicitly denies ${check.label}, and no Allow can override an explicit deny, so no Allow is proposed.`,
      `To allow the call, that Deny must change: remove ${check.request.action} from its actions, exclude ${check.request.resource ?? 'the resource'} from its resources, or add a condition that exempts this principal${principalArn ? ` (for example aws:PrincipalArn ${principalArn})` : ''}; whoever owns that policy must decide.`,
    ],
  };
}

/**
 * Proposes the change to the principal's identity policies, its permission set, or its permissions
 * boundary: fixes a near-miss statement in place when there is one, otherwise adds the plan's
 * statements (to the policy already being edited, else a new inline policy), respects the size
 * quotas, and validates the result offline.
 */
export function proposeEdit(
  ctx: ProposeContext,
  plan: GrantPlan,
  policies: PrincipalPolicies | null,
  mode: EditMode,
  extraNotes: string[] = [],
): Proposal {
  if (!policies || (mode === 'boundary' && !policies.permissionsBoundary)) return proposeBlind(ctx, plan, mode, extraNotes);
  const original: PolicySet = {
    identity: policies.identityPolicies,
    ...(policies.permissionsBoundary ? { permissionsBoundary: policies.permissionsBoundary } : {}),
  };
  for (const check of plan.checks) {
    const result = evaluate(original, check.request);
    if (result.decision === 'explicitDeny' && result.matchedDeny) {
      return proposeForDeny(ctx, result.matchedDeny, check, policies, extraNotes);
    }
  }

  const boundary = policies.permissionsBoundary;
  const layer = mode === 'boundary' && boundary ? [clonePolicy(boundary)] : policies.identityPolicies.map(clonePolicy);
  const editable = (p: NamedPolicy) => !isAwsManaged(p) && (mode !== 'sso' || p.kind === 'inline');
  // Every verdict below reads the full set: identity ∩ boundary, explicit denies first.
  const scope: RepairScope = {
    plan,
    catalog: ctx.catalog,
    editable,
    withLayer: (l) =>
      mode === 'boundary' ? { identity: policies.identityPolicies, permissionsBoundary: l[0]! } : { identity: l, ...(boundary ? { permissionsBoundary: boundary } : {}) },
    layerAllows: (r) => (mode === 'boundary' ? r.boundaryAllows === true : r.identityAllows),
  };
  const { state, missing, blockedElsewhere } = runRepairs(scope, layer);

  if (mode === 'identity' && boundary && missing.length === 0 && state.edits.size === 0 && blockedElsewhere.length > 0) {
    // The identity policies already allow the call: only the boundary stands in the way, so the fix belongs there.
    const first = blockedElsewhere[0]!.label;
    const more = blockedElsewhere.length > 1 ? ` (and ${blockedElsewhere.length - 1} more evaluation${blockedElsewhere.length > 2 ? 's' : ''} of this call)` : '';
    return proposeEdit(ctx, plan, policies, 'boundary', [
      ...extraNotes,
      `The identity policies of ${policies.name} already allow ${first}${more}, but permissions boundary ${boundary.name} does not, and a boundary caps whatever the identity policies grant: the fix goes into the boundary, so whoever administers the permissions boundary (usually the team that set it to limit what this ${policies.kind} may be granted) must agree to it.`,
    ]);
  }

  const notes: string[] = [...extraNotes];
  for (const u of policies.unresolvedPolicies ?? []) {
    notes.push(`The document of attached policy ${u.name} (${u.arn}) was not available, so the offline verdict ignores it.`);
  }
  const name = newPolicyName(plan, ctx.denial.action);

  const toAdd = statementsFor(plan, missing);
  if (toAdd.length > 0) {
    if (state.targetIndex === undefined) {
      const existing = state.layer.findIndex((p) =>
        mode === 'boundary' ? true : mode === 'sso' ? p.kind === 'inline' : p.kind === 'inline' && p.viaGroup === undefined && p.name === name,
      );
      const current = state.layer[existing];
      if (mode === 'boundary' && current && !editable(current)) {
        // An AWS-managed boundary cannot change: propose a customer-managed copy that includes the grant.
        const copyName = `${current.name}-access-auditor`.slice(0, 128);
        state.layer[existing] = {
          kind: 'managed',
          name: copyName,
          arn: `arn:${ctx.partition}:iam::${ctx.accountId}:policy/${copyName}`,
          document: cloneDocument(current.document),
        };
        state.targetIndex = existing;
        state.isNew = true;
        notes.push(
          `Permissions boundary ${current.name} is AWS managed and cannot be edited: the proposal is a customer-managed copy, ${copyName}, that also allows the call, to set as the boundary instead.`,
        );
      } else if (existing >= 0) state.targetIndex = existing;
      else {
        state.layer.push({ kind: 'inline', name, document: { Version: VERSION, Statement: [] } });
        state.targetIndex = state.layer.length - 1;
        state.isNew = true;
      }
    }
    const container = state.layer[state.targetIndex]!;
    state.added = uniqueSids(container.document.Statement, toAdd);
    container.document.Statement.push(...state.added);
  }

  const principalKind = policies.kind;
  const tName = targetName(mode, ctx, policies);
  if (state.targetIndex === undefined) {
    // Nothing to change in this layer: the verdict is the full evaluation of the current policies.
    const now = validateChange(original, original, plan.checks, []);
    const allowed = now.verdict === 'simulated-allow';
    return {
      target: { kind: targetKind(mode), ...(tName ? { name: tName } : {}) },
      statements: [],
      validated: now.verdict,
      notes: allowed
        ? [
            ...notes,
            `The current ${mode === 'boundary' ? 'permissions boundary' : 'policies'} already allow every evaluation this call needs, so nothing is proposed; the denial may predate a policy change, or come from a layer the message did not name (session policy, SCP, resource policy).`,
          ]
        : [
            ...notes,
            ...plan.notes,
            `No change to the ${mode === 'boundary' ? 'permissions boundary' : mode === 'sso' ? 'permission set' : 'identity policies'} is proposed, and the call stays denied:`,
            ...now.failures.map((f) => f.replace(/^After the change, /, 'As the policies stand, ')),
          ],
    };
  }

  let target = state.layer[state.targetIndex]!;
  let isNew = state.isNew;
  const originalTarget = isNew ? null : (mode === 'boundary' ? boundary : policies.identityPolicies[state.targetIndex]) ?? null;
  let changedStatements = [...[...state.edits.keys()].map((si) => target.document.Statement[si]!), ...state.added];
  let finalLayer = state.layer;

  const excess =
    mode === 'boundary'
      ? quotaExcess('role', [target], target)
      : quotaExcess(mode === 'sso' ? 'permission-set' : principalKind, state.layer, target);
  if (excess && mode === 'identity') {
    const notAllowed = plan.checks.filter((c) => evaluate({ identity: policies.identityPolicies }, c.request).decision !== 'allowed');
    const managed: NamedPolicy = {
      kind: 'managed',
      name,
      arn: `arn:${ctx.partition}:iam::${ctx.accountId}:policy/${name}`,
      document: { Version: VERSION, Statement: statementsFor(plan, notAllowed) },
    };
    notes.push(
      `The change would bring ${excess.what} to ${excess.size} characters, over the IAM quota of ${excess.limit}, so the statements go into a new managed policy ${name} instead.`,
    );
    const attached = policies.identityPolicies.filter((p) => p.kind === 'managed' && p.viaGroup === undefined).length;
    if (attached >= MANAGED_POLICIES_PER_PRINCIPAL) {
      notes.push(
        `The ${principalKind} already has ${attached} managed policies attached, the default limit: request a quota increase (up to 20) or merge policies first.`,
      );
    }
    for (const [si] of state.edits) {
      notes.push(
        `Statement ${statementLabel(target.document.Statement[si]!, si)} of ${describePolicy(target, mode, ctx)} is a near miss for this call, but the policy has no room for the fix; the new policy grants the call instead, and the near miss can be cleaned up later.`,
      );
    }
    finalLayer = [...policies.identityPolicies, managed];
    target = managed;
    isNew = true;
    changedStatements = managed.document.Statement;
    state.edits.clear();
    state.originals.clear();
    state.repairedFor.clear();
  } else if (excess) {
    notes.push(`The change brings ${excess.what} to ${excess.size} characters, over the quota of ${excess.limit}: split it before applying.`);
  }

  for (const [si, facts] of state.edits) {
    const statement = target.document.Statement[si]!;
    notes.push(`Fixed the near miss in statement ${statementLabel(statement, si)} of ${describePolicy(target, mode, ctx)}: ${describeRepairs(facts).join('; ')}.`);
    const widened = facts.filter((f) => f.kind === 'account-in-model-arn' && /[*?]/.test(f.to)).map((f) => f.to);
    if (widened.length > 0) {
      notes.push(
        `The corrected ${widened.join(', ')} keeps the statement's wildcards, so it now matches every model it was written for; narrow it to ${plan.checks[0]?.request.resource ?? 'the model the call used'} if only that model is needed.`,
      );
    }
  }
  if (state.added.length > 0 && !excess) {
    notes.push(
      isNew
        ? `No existing statement comes close to allowing the call, so a new inline policy ${target.name} holds the ${state.added.length === 1 ? 'statement' : `${state.added.length} statements`}.`
        : `Added ${state.added.length === 1 ? 'a statement' : `${state.added.length} statements`} to ${describePolicy(target, mode, ctx)} for what no existing statement grants.`,
    );
  }
  notes.push(...plan.notes, ...streamNote(plan));
  if (target.kind === 'managed' && !isNew) {
    notes.push(`Applying it creates a new default version of ${target.name}; a managed policy keeps at most 5 versions, so delete an old one first if it has 5.`);
  }
  if (mode === 'sso') {
    notes.push(
      `Identity Center owns role ${roleNameOf(ctx.denial.principal) ?? ''}, so IAM edits to it fail: change permission set ${permissionSetNameOf(ctx.denial.principal) ?? ''} in the management (or delegated administrator) account and provision it again.`,
    );
  }
  if (mode === 'boundary') {
    notes.push('A permissions boundary only caps permissions: the identity policies must allow the call as well.');
  }

  const after: PolicySet =
    mode === 'boundary'
      ? { identity: policies.identityPolicies, permissionsBoundary: target }
      : { identity: finalLayer, ...(boundary ? { permissionsBoundary: boundary } : {}) };
  const derived = statementNeighbours(scope, state);
  const neighbours = [...plan.neighbours, ...(hasProfileCondition(changedStatements) ? plan.conditionedNeighbours : []), ...derived];
  const kept = [...state.originals].flatMap(([si, statement]) => keptChecks(scope, statement, state.repairedFor.get(si) ?? []));
  const outcome = validateChange(original, after, plan.checks, neighbours, {
    kept,
    explain: explainNeighbour(target, state, derived, statementLabel),
  });
  notes.push(...(outcome.notes ?? []), ...outcome.failures);

  const beforeDoc = isNew || !originalTarget ? null : originalTarget.document;
  return {
    target: {
      kind: targetKind(mode),
      ...(tName ? { name: tName } : {}),
      ...(!isNew ? { policyName: target.name } : {}),
      ...(!isNew && target.arn ? { policyArn: target.arn } : {}),
    },
    statements: changedStatements,
    ...renderings(mode, target, beforeDoc, ctx, policies, isNew),
    validated: outcome.verdict,
    notes,
  };
}
