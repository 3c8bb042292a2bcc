import { hash } from 'node:crypto';
import type { Denial } from '../denial/types';
import type { RuleRef } from './types';

/**
 * The fingerprint of an expected denial: the denial's own, salted with the rule's ID. Expected
 * occurrences then count (exactly once, with day rollups) in an incident of their own, so they never
 * open, reopen or silence the incident of the same denial when no rule matches it (another source IP,
 * or after the rule expired), and the report can count them per rule.
 */
export function expectedFingerprint(fingerprint: string, ruleId: string): string {
  return hash('sha256', `expected\u0000${ruleId}\u0000${fingerprint}`, 'hex').slice(0, 16);
}

/** The denial as recorded when an `expect` rule matched it. */
export function asExpected(denial: Denial, rule: RuleRef): Denial {
  return {
    ...denial,
    fingerprint: expectedFingerprint(denial.fingerprint, rule.id),
    expectedBy: { rule: rule.id, reason: rule.reason, owner: rule.owner, fingerprint: denial.fingerprint },
  };
}

/** Whether an incident (through its latest denial) counts expected denials: such an incident never alerts. */
export function isExpectedIncident(incident: { latest?: Pick<Denial, 'expectedBy'> }): boolean {
  return incident.latest?.expectedBy !== undefined;
}
