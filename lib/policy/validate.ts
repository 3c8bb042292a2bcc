import type { ValidationVerdict } from '../denial/types';
import { evaluate, type PolicySet } from './evaluator';
import type { Check } from './grant-plan';

export interface ValidationOutcome {
  verdict: Exclude<ValidationVerdict, 'not-validated'>;
  /** One sentence per failed check. */
  failures: string[];
}

/**
 * Offline proof of a change: every evaluation the call needs is allowed after it, and no
 * neighbouring request that was denied before is allowed after.
 */
export function validateChange(before: PolicySet, after: PolicySet, checks: Check[], neighbours: Check[]): ValidationOutcome {
  const failures: string[] = [];
  for (const check of checks) {
    const result = evaluate(after, check.request);
    if (result.decision === 'allowed') continue;
    if (result.decision === 'explicitDeny' && result.matchedDeny) {
      const d = result.matchedDeny;
      failures.push(`After the change, ${check.label} is still denied explicitly by statement ${d.sid ?? `#${d.index}`} of ${d.policy}.`);
    } else if (result.identityAllows && result.boundaryAllows === false) {
      failures.push(`After the change, ${check.label} is still denied because the permissions boundary does not allow it.`);
    } else {
      failures.push(`After the change, ${check.label} is still not allowed by any statement.`);
    }
  }
  for (const neighbour of neighbours) {
    const was = evaluate(before, neighbour.request).decision;
    const now = evaluate(after, neighbour.request).decision;
    if (was !== 'allowed' && now === 'allowed') {
      failures.push(`The change would also newly allow ${neighbour.label}, which the denied call does not need.`);
    }
  }
  return { verdict: failures.length === 0 ? 'simulated-allow' : 'simulated-deny', failures };
}
