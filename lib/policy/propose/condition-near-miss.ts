/**
 * An Allow that already names the denied action and resource, but whose condition the call did not
 * meet (no MFA, not through the VPC endpoint, outside the IP range, a missing principal tag...). Adding
 * an unconditioned grant would quietly bypass a guard someone wrote on purpose, so the answer is the
 * condition: which one failed, the value the call had, and how to meet it. Widening the condition is
 * left to the owner of the policy, and said so.
 */
import type { PolicyStatement, Proposal } from '../../denial/types';
import type { PrincipalPolicies } from '../ports';
import { contextValue } from '../iam/conditions';
import { evaluate, matchStatement, type EvaluatedPolicy, type PolicySet } from '../iam/evaluator';
import type { Check, GrantPlan } from './grant-plan';
import type { ProposeContext } from './propose-context';
import { targetKind, targetName, type EditMode } from './edit-target';
import { note, noteFields, type ProposalNote } from './notes';

/** Keys the grant plans set themselves (destination regions, inference profiles, the passed-to service): their repairs are the plan's. */
const PLANNED_KEY = /^(?:aws:requestedregion|bedrock:.*|iam:passedtoservice)$/;

interface Miss {
  policy: EvaluatedPolicy;
  index: number;
  statement: PolicyStatement;
  check: Check;
  failed: Array<{ operator: string; key: string }>;
  undetermined: string[];
}

function policyValues(statement: PolicyStatement, operator: string, key: string): string {
  const block = statement.Condition?.[operator]?.[key];
  return (Array.isArray(block) ? block : [block]).map(String).join(', ');
}

/**
 * The first Allow that matches a needed evaluation in action and resource and fails (or is undetermined)
 * on at least one record-context key; the keys reported are the record-context ones.
 */
function findMiss(set: PolicySet, plan: GrantPlan): Miss | null {
  const policies = [...set.identity, ...(set.permissionsBoundary ? [set.permissionsBoundary] : [])];
  for (const check of plan.checks) {
    if (evaluate(set, check.request).decision === 'allowed') continue;
    for (const policy of policies) {
      for (const [index, statement] of policy.document.Statement.entries()) {
        if (statement.Effect !== 'Allow' || !statement.Condition) continue;
        const m = matchStatement(statement, check.request);
        if (!m.action || !m.resource || m.truth === true) continue;
        const failed = m.conditionFailures.filter((f) => !PLANNED_KEY.test(f.key.toLowerCase()));
        const undetermined = m.undetermined.filter((k) => k !== 'Resource' && !PLANNED_KEY.test(k.toLowerCase()));
        // Only plan-modelled keys fail: the near-miss repairs may fix those. Any record-context key failing
        // too makes it a guard the call did not meet, never routed around, whatever else fails with it.
        if (failed.length + undetermined.length === 0) continue;
        return { policy, index, statement, check, failed, undetermined };
      }
    }
  }
  return null;
}

function missNotes(miss: Miss): ProposalNote[] {
  const statement = miss.statement.Sid ?? `#${miss.index}`;
  const where = { statement, policy: miss.policy.name, check: miss.check.label };
  const notes: ProposalNote[] = [];
  for (const f of miss.failed) {
    const had = contextValue(miss.check.request.context, f.key);
    const actual = had ? had.join(', ') : 'no value';
    notes.push(note('condition-not-met', { ...where, operator: f.operator, key: f.key, expected: policyValues(miss.statement, f.operator, f.key), actual }));
  }
  for (const key of miss.undetermined) notes.push(note('condition-undetermined', { ...where, key }));
  for (const key of new Set([...miss.failed.map((f) => f.key), ...miss.undetermined])) notes.push(note('condition-how-to-meet', { key }));
  notes.push(note('condition-kept', { policy: miss.policy.name }));
  return notes;
}

/**
 * The proposal for a conditioned near miss in the principal's policies, or null when there is none.
 * It changes nothing: `simulated-deny` when the call failed the condition, `unknown-context` when the
 * record does not show whether it met it.
 */
export function proposeConditionNearMiss(ctx: ProposeContext, plan: GrantPlan, policies: PrincipalPolicies, set: PolicySet, mode: EditMode): Proposal | null {
  const miss = findMiss(set, plan);
  if (!miss) return null;
  const name = targetName(mode, ctx, policies);
  return {
    target: {
      kind: targetKind(mode),
      ...(name ? { name } : {}),
      policyName: miss.policy.name,
      ...(miss.policy.arn ? { policyArn: miss.policy.arn } : {}),
    },
    statements: [],
    validated: miss.failed.length > 0 ? 'simulated-deny' : 'unknown-context',
    ...noteFields(missNotes(miss)),
  };
}
