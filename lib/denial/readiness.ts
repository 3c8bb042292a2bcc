import type { Proposal, TargetKind, ValidationVerdict } from './types';

/** What readiness needs to know of a proposal (a stored summary fits too). */
export interface ReadinessFacts {
  kind: TargetKind;
  validated: ValidationVerdict;
  exact?: boolean;
}

/**
 * The one definition of "fix ready", for alerts, the report and the CLI: the proposal changes
 * something, policy evaluation allows the call with it for every value the record leaves open, and
 * it names exactly the resources the call needed (no placeholder to fill in).
 */
export function isReady(facts: ReadinessFacts): boolean {
  return facts.kind !== 'none' && facts.validated === 'simulated-allow' && facts.exact !== false;
}

export function readinessFacts(proposal: Proposal): ReadinessFacts {
  return { kind: proposal.target.kind, validated: proposal.validated, ...(proposal.exact === undefined ? {} : { exact: proposal.exact }) };
}

/** Who evaluated a verdict, in words: "IAM's policy simulator and the offline evaluator", ... */
export function checkedByWords(proposal: Pick<Proposal, 'checkedBy'>): string {
  const by = proposal.checkedBy ?? [];
  if (by.includes('iam-simulator') && by.includes('offline-evaluator')) return "IAM's policy simulator and the offline evaluator";
  if (by.includes('iam-simulator')) return "IAM's policy simulator";
  return "the offline evaluator only, not IAM's simulator";
}
