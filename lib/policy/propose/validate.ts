import type { ValidationVerdict } from '../../denial/types';
import { evaluate, type Decision, type EvaluationResult, type PolicySet } from '../iam/evaluator';
import type { Check } from './grant-plan';
import { note, type ProposalNote } from './notes';

export interface ValidationOutcome {
  verdict: Extract<ValidationVerdict, 'simulated-allow' | 'simulated-deny' | 'unknown-context'>;
  /** One note per failed check. */
  failures: ProposalNote[];
  /** Newly allowed neighbours that an edited statement was written for: reported, not failures (absent when none). */
  notes?: ProposalNote[];
}

export interface ValidationOptions {
  /**
   * Requests the current policies allow that must stay allowed (the denied call's actions on the
   * resources an edited statement named): a fix must never revoke access.
   */
  kept?: Check[];
  /**
   * Says why a newly allowed neighbour is what an edited statement was written for (its own
   * wildcard, or its other actions on a resource the call needs): a note, or null
   * when it is not, which makes it a failure.
   */
  explain?: (neighbour: Check) => ProposalNote | null;
}

/** The decision if everything the context leaves open went the caller's way. */
const bestCase = (result: EvaluationResult): Decision => result.bestCaseDecision ?? result.decision;

/** Why one needed evaluation is not allowed after the change; null when it is. */
export function checkFailure(after: PolicySet, check: Check): ProposalNote | null {
  const stage = 'after-change';
  const result = evaluate(after, check.request);
  if (result.decision === 'allowed') return null;
  if (bestCase(result) === 'allowed') return note('check-undetermined', { stage, check: check.label, keys: result.undetermined.join(', ') });
  if (result.decision === 'explicitDeny' && result.matchedDeny) {
    const d = result.matchedDeny;
    return note('check-denied-explicitly', { stage, check: check.label, statement: d.sid ?? `#${d.index}`, policy: d.policy });
  }
  if (result.identityAllows && result.boundaryAllows === false) {
    const name = after.permissionsBoundary?.name;
    return note('check-denied-by-boundary', { stage, check: check.label, boundary: name || undefined });
  }
  return note('check-not-allowed', { stage, check: check.label });
}

/**
 * Offline proof of a change: every evaluation the call needs is allowed after it (identity and
 * boundary together, explicit denies first), nothing the policies allowed becomes denied, and no
 * neighbouring request that was denied before is allowed after, unless `explain` accounts for it.
 * What the request context leaves open is read against the fix: a needed evaluation counts as allowed
 * only if it is allowed for every unknown value (else `unknown-context`), and a neighbour or a kept
 * request as allowed if any value would allow it.
 */
export function validateChange(before: PolicySet, after: PolicySet, checks: Check[], neighbours: Check[], options: ValidationOptions = {}): ValidationOutcome {
  const failures: ProposalNote[] = [];
  const notes: ProposalNote[] = [];
  for (const check of checks) {
    const failure = checkFailure(after, check);
    if (failure) failures.push(failure);
  }
  for (const check of options.kept ?? []) {
    if (evaluate(before, check.request).decision === 'allowed' && bestCase(evaluate(after, check.request)) !== 'allowed') {
      failures.push(note('access-lost', { check: check.label }));
    }
  }
  for (const neighbour of neighbours) {
    if (bestCase(evaluate(before, neighbour.request)) === 'allowed' || bestCase(evaluate(after, neighbour.request)) !== 'allowed') continue;
    const why = options.explain?.(neighbour) ?? null;
    if (why) notes.push(why);
    else failures.push(note('neighbour-newly-allowed', { neighbour: neighbour.label }));
  }
  const undeterminedOnly = failures.length > 0 && failures.every((f) => f.code === 'check-undetermined');
  return {
    verdict: failures.length === 0 ? 'simulated-allow' : undeterminedOnly ? 'unknown-context' : 'simulated-deny',
    failures,
    ...(notes.length > 0 ? { notes: uniqueByText(notes) } : {}),
  };
}

/** The notes without repeats (the same sentence from two neighbours), first occurrence kept. */
function uniqueByText(notes: ProposalNote[]): ProposalNote[] {
  const seen = new Set<string>();
  return notes.filter((n) => !seen.has(n.text) && seen.add(n.text));
}
