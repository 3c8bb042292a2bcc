/**
 * Applies near-miss repairs to the layer being edited (identity policies, permission set or
 * permissions boundary) and answers the questions validation asks about them: what an edited
 * statement was written for, what it must keep allowing, and what else it now reaches.
 */
import type { PolicyStatement } from '../../denial/types';
import { resourceFitsAction, type ActionCatalog } from '../catalog/action-catalog';
import { isInventedModelId } from '../catalog/model-ids';
import { parseBedrockArn } from '../catalog/bedrock-arns';
import { asList } from '../iam/document';
import { evaluate, matchStatement, type EvaluationResult, type PolicySet } from '../iam/evaluator';
import type { Check, GrantPlan } from './grant-plan';
import { repairStatement, type Repair, type RepairFact } from './near-miss';
import type { NamedPolicy } from '../ports';
import { wildcardMatch } from '../iam/wildcard';
import { note, type ProposalNote } from './notes';

/** The edit in progress on one layer. */
export interface EditState {
  layer: NamedPolicy[];
  /** Index of the policy that changes (repairs and additions all go to one policy). */
  targetIndex?: number;
  isNew: boolean;
  /** Repairs by statement index in the target policy. */
  edits: Map<number, RepairFact[]>;
  /** Edited statements as they were before their first repair. */
  originals: Map<number, PolicyStatement>;
  /** The needed checks each edited statement was repaired for. */
  repairedFor: Map<number, Check[]>;
  added: PolicyStatement[];
}

/** How the layer being edited sits among the principal's policies. */
export interface RepairScope {
  plan: GrantPlan;
  catalog: ActionCatalog;
  /** The principal's full policy set with `layer` in place of the layer being edited. */
  withLayer(layer: NamedPolicy[]): PolicySet;
  /** Whether the edited layer alone allows, read from an evaluation of the full set. */
  layerAllows(result: EvaluationResult): boolean;
  editable(policy: NamedPolicy): boolean;
}

export interface RepairOutcome {
  state: EditState;
  /** Needed checks the edited layer still does not allow. */
  missing: Check[];
  /** Needed checks the edited layer allows but the other layer (boundary, or identity policies) does not. */
  blockedElsewhere: Check[];
}

function actionGranted(statement: PolicyStatement, action: string): boolean {
  return asList(statement.Action).some((p) => wildcardMatch(p, action, true));
}

function withStatement(layer: NamedPolicy[], pi: number, si: number, statement: PolicyStatement): NamedPolicy[] {
  return layer.map((policy, i) => {
    if (i !== pi) return policy;
    const statements = [...policy.document.Statement];
    statements[si] = statement;
    return { ...policy, document: { ...policy.document, Statement: statements } };
  });
}

/**
 * True when a repaired statement newly reaches a neighbour with an action the statement did not
 * grant before (the repair added it): the statement's author never chose that, so the repair is not
 * made and the call gets a precise statement instead.
 */
function addsForeignAction(scope: RepairScope, before: NamedPolicy[], original: PolicyStatement, repaired: PolicyStatement): boolean {
  return scope.plan.neighbours.some(
    (n) =>
      matchStatement(repaired, n.request).applies &&
      !actionGranted(original, n.request.action) &&
      !scope.layerAllows(evaluate(scope.withLayer(before), n.request)),
  );
}

/** A resource pattern that grants nothing real: an account in a foundation-model ARN, or an invented model ID. */
function grantsNothing(pattern: string, checks: Check[]): boolean {
  const arn = parseBedrockArn(pattern);
  if (!arn) return false;
  if (arn.type === 'foundation-model' && arn.account !== '') return true;
  return checks.some((c) => {
    const target = c.request.resource ? parseBedrockArn(c.request.resource) : null;
    return target !== null && target.type === arn.type && arn.id !== target.id && isInventedModelId(arn.id, target.id);
  });
}

/**
 * What an edited statement allowed that must stay allowed: the denied call's actions (those the
 * statement granted) on each resource it named, in the context of the call it was repaired for.
 */
export function keptChecks(scope: RepairScope, original: PolicyStatement, repairedFor: Check[]): Check[] {
  const first = repairedFor[0];
  if (!first) return [];
  const actions = scope.plan.actions.filter((a) => actionGranted(original, a));
  return asList(original.Resource)
    .filter((pattern) => pattern !== '*' && !grantsNothing(pattern, repairedFor))
    .flatMap((pattern) => actions.map((action) => ({ label: `${action} on ${pattern}`, request: { ...first.request, action, resource: pattern } })));
}

function loses(scope: RepairScope, before: NamedPolicy[], after: NamedPolicy[], kept: Check[]): boolean {
  return kept.some((k) => scope.layerAllows(evaluate(scope.withLayer(before), k.request)) && !scope.layerAllows(evaluate(scope.withLayer(after), k.request)));
}

/** The first acceptable repair of a statement of the layer for one check, with where it applies. */
function findRepair(scope: RepairScope, state: EditState, check: Check): { pi: number; si: number; repair: Repair } | null {
  for (const [pi, policy] of state.layer.entries()) {
    if (!scope.editable(policy) || (state.targetIndex !== undefined && pi !== state.targetIndex)) continue;
    for (const [si, statement] of policy.document.Statement.entries()) {
      const original = state.targetIndex === pi ? (state.originals.get(si) ?? statement) : statement;
      let repair = repairStatement(statement, check.request);
      if (!repair) continue;
      const kept = keptChecks(scope, original, [check]);
      if (loses(scope, state.layer, withStatement(state.layer, pi, si, repair.after), kept)) {
        // Never revoke: add the corrected resource next to the one it would have replaced.
        repair = repairStatement(statement, check.request, { keepResources: true });
        if (!repair || loses(scope, state.layer, withStatement(state.layer, pi, si, repair.after), kept)) continue;
      }
      if (addsForeignAction(scope, state.layer, original, repair.after)) continue;
      return { pi, si, repair };
    }
  }
  return null;
}

/**
 * For each needed evaluation the full policy set denies: when the edited layer is what denies it,
 * repair a near-miss statement of that layer (within the policy already being edited); when the
 * layer allows it already, record that the other layer blocks it.
 */
export function runRepairs(scope: RepairScope, layer: NamedPolicy[]): RepairOutcome {
  const state: EditState = { layer, isNew: false, edits: new Map(), originals: new Map(), repairedFor: new Map(), added: [] };
  const missing: Check[] = [];
  const blockedElsewhere: Check[] = [];
  for (const check of scope.plan.checks) {
    const result = evaluate(scope.withLayer(state.layer), check.request);
    if (result.decision === 'allowed') continue;
    if (scope.layerAllows(result)) {
      blockedElsewhere.push(check);
      continue;
    }
    const found = findRepair(scope, state, check);
    if (found) {
      const { pi, si, repair } = found;
      const statements = state.layer[pi]!.document.Statement;
      if (!state.originals.has(si)) state.originals.set(si, statements[si]!);
      statements[si] = repair.after;
      state.edits.set(si, [...(state.edits.get(si) ?? []), ...repair.facts]);
      state.repairedFor.set(si, [...(state.repairedFor.get(si) ?? []), check]);
      state.targetIndex = pi;
    }
    const after = evaluate(scope.withLayer(state.layer), check.request);
    if (!scope.layerAllows(after)) missing.push(check);
    else if (after.decision !== 'allowed') blockedElsewhere.push(check);
  }
  return { state, missing, blockedElsewhere };
}

function fits(catalog: ActionCatalog, action: string, resource: string): boolean {
  const info = catalog.lookup(action);
  if (!info) return true;
  return info.resourceTypes.length > 0 && resourceFitsAction(info, resource);
}

/** A neighbour derived from an edited statement: one of its other actions on a resource the repair added. */
export interface StatementNeighbour extends Check {
  statementIndex: number;
}

/**
 * The edited statements' other actions (those the call does not need) on the resources their repair
 * made them reach, when the action acts on that kind of resource: the statement's author chose those
 * actions for that model, so validation reports them rather than failing.
 */
export function statementNeighbours(scope: RepairScope, state: EditState): StatementNeighbour[] {
  const needed = new Set(scope.plan.actions.map((a) => a.toLowerCase()));
  const out: StatementNeighbour[] = [];
  for (const [si, original] of state.originals) {
    const others = asList(original.Action).filter((a) => !/[*?]/.test(a) && !needed.has(a.toLowerCase()));
    for (const action of others) {
      for (const check of state.repairedFor.get(si) ?? []) {
        const resource = check.request.resource;
        if (resource === null || !fits(scope.catalog, action, resource)) continue;
        out.push({ statementIndex: si, label: `${action} on ${resource}`, request: { ...check.request, action } });
      }
    }
  }
  return out;
}

function list(values: string[]): string {
  if (values.length <= 1) return values[0] ?? '';
  return `${values.slice(0, -1).join(', ')} and ${values[values.length - 1] ?? ''}`;
}

/**
 * The validation rule for newly allowed neighbours (lib/policy/README.md): one that an edited
 * statement reaches with an action it granted before is what that statement was written for, so it
 * is reported; anything else (an added statement, an action a repair added) is a failure.
 */
export function explainNeighbour(
  target: NamedPolicy,
  state: EditState,
  derived: StatementNeighbour[],
  label: (statement: PolicyStatement, index: number) => string,
): (neighbour: Check) => ProposalNote | null {
  return (neighbour) => {
    for (const [si, original] of state.originals) {
      const statement = target.document.Statement[si];
      if (!statement || !matchStatement(statement, neighbour.request).applies || !actionGranted(original, neighbour.request.action)) continue;
      const name = label(statement, si);
      const action = neighbour.request.action;
      if (derived.some((d) => d === neighbour)) {
        const resources = [...new Set(derived.filter((d) => d.statementIndex === si && d.request.action === action).map((d) => d.request.resource ?? '*'))];
        return note('neighbour-other-action', { statement: name, action, resources: list(resources) });
      }
      return note('neighbour-kept-wildcard', { statement: name, neighbour: neighbour.label, patterns: asList(statement.Resource).join(', ') });
    }
    return null;
  };
}
