import type { ValidationVerdict } from '../../denial/types';
import { evaluate, type PolicySet } from '../iam/evaluator';
import type { Check } from './grant-plan';
import { note, type ProposalNote } from './notes';

export interface ValidationOutcome {
  verdict: Exclude<ValidationVerdict, 'not-validated'>;
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

/**
 * Offline proof of a change: every evaluation the call needs is allowed after it (identity and
 * boundary together, explicit denies first), nothing the policies allowed becomes denied, and no
 * neighbouring request that was denied before is allowed after, unless `explain` accounts for it.
 */
export function validateChange(
  before: PolicySet,
  after: PolicySet,
  checks: Check[],
  neighbours: Check[],
  options: ValidationOptions = {},
): ValidationOutcome {
  const failures: ProposalNote[] = [];
  const notes: ProposalNote[] = [];
  const stage = 'after-change';
  for (const check of checks) {
    const result = evaluate(after, check.request);
    if (result.decision === 'allowed') continue;
    if (result.decision === 'explicitDeny' && result.matchedDeny) {
      const d = result.matchedDeny;
      failures.push(note('check-denied-explicitly', { stage, check: check.label, statement: d.sid ?? `#${d.index}`, policy: d.policy }));
    } else if (result.identityAllows && result.boundaryAllows === false) {
      const name = after.permissionsBoundary?.name;
      failures.push(note('check-denied-by-boundary', { stage, check: check.label, boundary: name || undefined }));
    } else {
      failures.push(note('check-not-allowed', { stage, check: check.label }));
    }
  }
  for (const check of options.kept ?? []) {
    if (evaluate(before, check.request).decision === 'allowed' && evaluate(after, check.request).decision !== 'allowed') {
      failures.push(note('access-lost', { check: check.label }));
    }
  }
  for (const neighbour of neighbours) {
    const was = evaluate(before, neighbour.request).decision;
    const now = evaluate(after, neighbour.request).decision;
    if (was === 'allowed' || now !== 'allowed') continue;
    const why = options.explain?.(neighbour) ?? null;
    if (why) notes.push(why);
    else failures.push(note('neighbour-newly-allowed', { neighbour: neighbour.label }));
  }
  return {
    verdict: failures.length === 0 ? 'simulated-allow' : 'simulated-deny',
    failures,
    ...(notes.length > 0 ? { notes: uniqueByText(notes) } : {}),
  };
}

/** The notes without repeats (the same sentence from two neighbours), first occurrence kept. */
function uniqueByText(notes: ProposalNote[]): ProposalNote[] {
  const seen = new Set<string>();
  return notes.filter((n) => !seen.has(n.text) && seen.add(n.text));
}
