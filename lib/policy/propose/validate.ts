import type { ValidationVerdict } from '../../denial/types';
import { evaluate, type PolicySet } from '../iam/evaluator';
import type { Check } from './grant-plan';

export interface ValidationOutcome {
  verdict: Exclude<ValidationVerdict, 'not-validated'>;
  /** One sentence per failed check. */
  failures: string[];
  /** Newly allowed neighbours that an edited statement was written for: reported, not failures (absent when none). */
  notes?: string[];
}

export interface ValidationOptions {
  /**
   * Requests the current policies allow that must stay allowed (the denied call's actions on the
   * resources an edited statement named): a fix must never revoke access.
   */
  kept?: Check[];
  /**
   * Says why a newly allowed neighbour is what an edited statement was written for (its own
   * wildcard, or its other actions on a resource the call needs): a sentence for the notes, or null
   * when it is not, which makes it a failure.
   */
  explain?: (neighbour: Check) => string | null;
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
  const failures: string[] = [];
  const notes: string[] = [];
  for (const check of checks) {
    const result = evaluate(after, check.request);
    if (result.decision === 'allowed') continue;
    if (result.decision === 'explicitDeny' && result.matchedDeny) {
      const d = result.matchedDeny;
      failures.push(`After the change, ${check.label} is still denied explicitly by statement ${d.sid ?? `#${d.index}`} of ${d.policy}.`);
    } else if (result.identityAllows && result.boundaryAllows === false) {
      const name = after.permissionsBoundary?.name;
      failures.push(
        `After the change, ${check.label} is still denied because the permissions boundary does not allow it${
          name ? ` (permissions boundary ${name}: whoever administers it must allow the call there too)` : ''
        }.`,
      );
    } else {
      failures.push(`After the change, ${check.label} is still not allowed by any statement.`);
    }
  }
  for (const check of options.kept ?? []) {
    if (evaluate(before, check.request).decision === 'allowed' && evaluate(after, check.request).decision !== 'allowed') {
      failures.push(`The change would no longer allow ${check.label}, which the current policies allow.`);
    }
  }
  for (const neighbour of neighbours) {
    const was = evaluate(before, neighbour.request).decision;
    const now = evaluate(after, neighbour.request).decision;
    if (was === 'allowed' || now !== 'allowed') continue;
    const why = options.explain?.(neighbour) ?? null;
    if (why) notes.push(why);
    else failures.push(`The change would also newly allow ${neighbour.label}, which the denied call does not need.`);
  }
  return {
    verdict: failures.length === 0 ? 'simulated-allow' : 'simulated-deny',
    failures,
    ...(notes.length > 0 ? { notes: [...new Set(notes)] } : {}),
  };
}
