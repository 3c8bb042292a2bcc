import type { PolicyStatement, Proposal } from '../../denial/types';
import { asList, cloneDocument } from '../iam/document';
import { explainNeighbour, keptChecks, runRepairs, statementNeighbours, type EditState, type RepairScope } from './edit-repairs';
import { evaluate, matchStatement, type PolicySet, type StatementRef } from '../iam/evaluator';
import type { Check, GrantPlan } from './grant-plan';
import { describeRepairs } from './near-miss';
import type { NamedPolicy, PrincipalPolicies } from '../ports';
import { permissionSetNameOf, roleNameOf, type ProposeContext } from './propose-context';
import { MANAGED_POLICIES_PER_PRINCIPAL, quotaExcess, type QuotaExcess } from '../catalog/quotas';
import { validateChange } from './validate';
import { wildcardMatch } from '../iam/wildcard';
import {
  clonePolicy,
  describePolicy,
  isAwsManaged,
  newPolicyName,
  renderings,
  statementLabel,
  targetKind,
  targetName,
  VERSION,
  type EditMode,
} from './edit-target';
import { proposeBlind, proposeForDeny, streamNote } from './propose-unchecked';
import { note, noteFields, withParams, type ProposalNote } from './notes';
import { proposeConditionNearMiss } from './condition-near-miss';

export type { EditMode } from './edit-target';
export { proposeForDeny } from './propose-unchecked';

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
      checks.some((c) => matchStatement(s, c.request).applies) && !asList(s.Action).some((pattern) => foreign.some((a) => wildcardMatch(pattern, a, true))),
  );
}

function hasProfileCondition(statements: PolicyStatement[]): boolean {
  return statements.some((s) =>
    Object.values(s.Condition ?? {}).some((block) => Object.keys(block).some((k) => k.toLowerCase() === 'bedrock:inferenceprofilearn')),
  );
}

/** The edit in progress: the principal's policies, the layer being changed, the notes so far. */
interface EditRun {
  ctx: ProposeContext;
  plan: GrantPlan;
  policies: PrincipalPolicies;
  mode: EditMode;
  /** The principal's policies as they are. */
  original: PolicySet;
  scope: RepairScope;
  state: EditState;
  notes: ProposalNote[];
  /** The name a new inline or managed policy gets. */
  name: string;
}

/** The changed policy, after the quota check (a new managed policy when the change does not fit). */
interface Change {
  target: NamedPolicy;
  isNew: boolean;
  changedStatements: PolicyStatement[];
  finalLayer: NamedPolicy[];
  excess: QuotaExcess | null;
}

function currentSet(policies: PrincipalPolicies): PolicySet {
  return {
    identity: policies.identityPolicies,
    ...(policies.permissionsBoundary ? { permissionsBoundary: policies.permissionsBoundary } : {}),
  };
}

/**
 * The first needed evaluation an explicit Deny blocks, with that Deny, and the context keys it depends
 * on when it applies only for some of their values (empty when it applies whatever they are).
 */
function firstExplicitDeny(original: PolicySet, plan: GrantPlan): { deny: StatementRef; check: Check; undetermined: string[] } | null {
  for (const check of plan.checks) {
    const result = evaluate(original, check.request);
    if (result.decision !== 'explicitDeny' || !result.matchedDeny) continue;
    const undetermined = result.bestCaseDecision !== undefined && result.bestCaseDecision !== 'explicitDeny' ? result.undetermined : [];
    return { deny: result.matchedDeny, check, undetermined };
  }
  return null;
}

/** How the layer being edited sits in the full set: every verdict reads identity ∩ boundary, explicit denies first. */
function repairScope(ctx: ProposeContext, plan: GrantPlan, policies: PrincipalPolicies, mode: EditMode): RepairScope {
  const boundary = policies.permissionsBoundary;
  return {
    plan,
    catalog: ctx.catalog,
    editable: (p: NamedPolicy) => !isAwsManaged(p) && (mode !== 'sso' || p.kind === 'inline'),
    withLayer: (l) =>
      mode === 'boundary'
        ? { identity: policies.identityPolicies, permissionsBoundary: l[0]! }
        : { identity: l, ...(boundary ? { permissionsBoundary: boundary } : {}) },
    layerAllows: (r) => (mode === 'boundary' ? r.boundaryAllows === true : r.identityAllows),
  };
}

function boundaryOnlyNote(policies: PrincipalPolicies, boundary: NamedPolicy, blockedElsewhere: Check[]): ProposalNote {
  return note('boundary-only-obstacle', {
    principal: policies.name,
    check: blockedElsewhere[0]!.label,
    moreChecks: blockedElsewhere.length - 1,
    boundary: boundary.name,
    principalKind: policies.kind,
  });
}

/** Picks the policy that receives what no repair covers (an AWS-managed boundary becomes a customer-managed copy). */
function chooseContainer(run: EditRun): void {
  const { state, mode, ctx, scope, name, notes } = run;
  const existing = state.layer.findIndex((p) =>
    mode === 'boundary' ? true : mode === 'sso' ? p.kind === 'inline' : p.kind === 'inline' && p.viaGroup === undefined && p.name === name,
  );
  const current = state.layer[existing];
  if (mode === 'boundary' && current && !scope.editable(current)) {
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
    notes.push(note('aws-managed-boundary-copy', { boundary: current.name, copy: copyName }));
  } else if (existing >= 0) state.targetIndex = existing;
  else {
    state.layer.push({ kind: 'inline', name, document: { Version: VERSION, Statement: [] } });
    state.targetIndex = state.layer.length - 1;
    state.isNew = true;
  }
}

/** Adds the plan's statements for the checks no repair covered, to the policy being edited or a new one. */
function addMissingStatements(run: EditRun, missing: Check[]): void {
  const toAdd = statementsFor(run.plan, missing);
  if (toAdd.length === 0) return;
  if (run.state.targetIndex === undefined) chooseContainer(run);
  const container = run.state.layer[run.state.targetIndex!]!;
  run.state.added = uniqueSids(container.document.Statement, toAdd);
  container.document.Statement.push(...run.state.added);
}

/** Nothing to change in this layer: the verdict is the full evaluation of the current policies. */
function proposeNoChange(run: EditRun): Proposal {
  const { original, plan, mode, notes } = run;
  const tName = targetName(mode, run.ctx, run.policies);
  const now = validateChange(original, original, plan.checks, []);
  const allowed = now.verdict === 'simulated-allow';
  return {
    target: { kind: targetKind(mode), ...(tName ? { name: tName } : {}) },
    statements: [],
    validated: now.verdict,
    ...noteFields(
      allowed
        ? [...notes, note('already-allowed', { layer: mode === 'boundary' ? 'permissions boundary' : 'policies' })]
        : [
            ...notes,
            ...plan.notes,
            note('stays-denied', { layer: mode === 'boundary' ? 'permissions boundary' : mode === 'sso' ? 'permission set' : 'identity policies' }),
            ...now.failures.map((f) => ('stage' in f.params ? withParams(f, { stage: 'current' }) : f)),
          ],
    ),
  };
}

/** A change over the size quota: for identity policies, the statements go into a new managed policy instead. */
function fitQuota(run: EditRun): Change {
  const { state, mode, policies, plan, ctx, name, notes } = run;
  const target = state.layer[state.targetIndex!]!;
  const changedStatements = [...[...state.edits.keys()].map((si) => target.document.Statement[si]!), ...state.added];
  const excess =
    mode === 'boundary' ? quotaExcess('role', [target], target) : quotaExcess(mode === 'sso' ? 'permission-set' : policies.kind, state.layer, target);
  if (!excess || mode !== 'identity') {
    if (excess) notes.push(note('quota-split', { what: excess.what, size: excess.size, limit: excess.limit }));
    return { target, isNew: state.isNew, changedStatements, finalLayer: state.layer, excess };
  }
  const notAllowed = plan.checks.filter((c) => evaluate({ identity: policies.identityPolicies }, c.request).decision !== 'allowed');
  const managed: NamedPolicy = {
    kind: 'managed',
    name,
    arn: `arn:${ctx.partition}:iam::${ctx.accountId}:policy/${name}`,
    document: { Version: VERSION, Statement: statementsFor(plan, notAllowed) },
  };
  notes.push(note('quota-new-managed-policy', { what: excess.what, size: excess.size, limit: excess.limit, policy: name }));
  const attached = policies.identityPolicies.filter((p) => p.kind === 'managed' && p.viaGroup === undefined).length;
  if (attached >= MANAGED_POLICIES_PER_PRINCIPAL) {
    notes.push(note('managed-policy-limit', { principalKind: policies.kind, attached }));
  }
  for (const [si] of state.edits) {
    notes.push(note('near-miss-no-room', { statement: statementLabel(target.document.Statement[si]!, si), policy: describePolicy(target, mode, ctx) }));
  }
  state.edits.clear();
  state.originals.clear();
  state.repairedFor.clear();
  return { target: managed, isNew: true, changedStatements: managed.document.Statement, finalLayer: [...policies.identityPolicies, managed], excess };
}

/** Notes on what changed: each near miss fixed, the statements added, how to apply it. */
function describeChange(run: EditRun, change: Change): void {
  const { state, mode, ctx, plan, notes } = run;
  const { target, isNew } = change;
  for (const [si, facts] of state.edits) {
    const statement = target.document.Statement[si]!;
    notes.push(
      note('near-miss-fixed', {
        statement: statementLabel(statement, si),
        policy: describePolicy(target, mode, ctx),
        repairs: describeRepairs(facts).join('; '),
        repairKinds: [...new Set(facts.map((f) => f.kind))].join(','),
      }),
    );
    const widened = facts.filter((f) => f.kind === 'account-in-model-arn' && /[*?]/.test(f.to)).map((f) => f.to);
    if (widened.length > 0) {
      notes.push(note('wildcard-kept-by-fix', { patterns: widened.join(', '), resource: plan.checks[0]?.request.resource ?? undefined }));
    }
  }
  if (state.added.length > 0 && !change.excess) {
    notes.push(
      isNew
        ? note('new-inline-policy', { policy: target.name, count: state.added.length })
        : note('statements-added', { policy: describePolicy(target, mode, ctx), count: state.added.length }),
    );
  }
  notes.push(...plan.notes, ...streamNote(plan));
  if (target.kind === 'managed' && !isNew) {
    notes.push(note('managed-policy-version', { policy: target.name }));
  }
  if (mode === 'sso') {
    notes.push(
      note('sso-permission-set-owner', { role: roleNameOf(ctx.denial.principal) ?? '', permissionSet: permissionSetNameOf(ctx.denial.principal) ?? '' }),
    );
  }
  if (mode === 'boundary') {
    notes.push(note('boundary-caps-only'));
  }
}

/** Validates the change offline (needed checks, nothing lost, no neighbour newly allowed) and renders it. */
function validatedProposal(run: EditRun, change: Change): Proposal {
  const { state, mode, ctx, plan, policies, scope, original, notes } = run;
  const { target, isNew, changedStatements, finalLayer } = change;
  const boundary = policies.permissionsBoundary;
  const originalTarget = state.isNew ? null : ((mode === 'boundary' ? boundary : policies.identityPolicies[state.targetIndex!]) ?? null);
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
  const tName = targetName(mode, ctx, policies);
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
    ...noteFields(notes),
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
  extraNotes: ProposalNote[] = [],
): Proposal {
  if (!policies || (mode === 'boundary' && !policies.permissionsBoundary)) return proposeBlind(ctx, plan, mode, extraNotes);
  const original = currentSet(policies);
  const denied = firstExplicitDeny(original, plan);
  if (denied) return proposeForDeny(ctx, denied.deny, denied.check, policies, extraNotes, denied.undetermined);
  const conditioned = proposeConditionNearMiss(ctx, plan, policies, original, mode);
  if (conditioned) return { ...conditioned, ...noteFields([...extraNotes, ...(conditioned.noteDetails ?? [])]) };

  const boundary = policies.permissionsBoundary;
  const layer = mode === 'boundary' && boundary ? [clonePolicy(boundary)] : policies.identityPolicies.map(clonePolicy);
  const scope = repairScope(ctx, plan, policies, mode);
  const { state, missing, blockedElsewhere } = runRepairs(scope, layer);
  if (mode === 'identity' && boundary && missing.length === 0 && state.edits.size === 0 && blockedElsewhere.length > 0) {
    // The identity policies already allow the call: only the boundary stands in the way, so the fix belongs there.
    return proposeEdit(ctx, plan, policies, 'boundary', [...extraNotes, boundaryOnlyNote(policies, boundary, blockedElsewhere)]);
  }

  const notes: ProposalNote[] = [...extraNotes];
  for (const u of policies.unresolvedPolicies ?? []) {
    notes.push(note('attached-policy-unavailable', { policy: u.name, policyArn: u.arn }));
  }
  const run: EditRun = { ctx, plan, policies, mode, original, scope, state, notes, name: newPolicyName(plan, ctx.denial.action) };
  addMissingStatements(run, missing);
  if (state.targetIndex === undefined) return proposeNoChange(run);
  const change = fitQuota(run);
  describeChange(run, change);
  return validatedProposal(run, change);
}
