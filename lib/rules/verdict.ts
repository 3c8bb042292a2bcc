import type { Denial } from '../denial/types';
import { severityFor, type Severity } from '../alerts/severity';
import { decide } from './match';
import type { RuleDecision, RuleSet } from './types';

/** What the rules make of one denial: the `rules test` line, and the data behind `--json`. */
export interface RuleVerdict {
  eventId: string;
  eventTime: string;
  action: string;
  principal: string | null;
  fingerprint: string;
  /** `expected`: an expect rule matched (counted apart, never alerted); `alert`: it would alert as a new incident would. */
  outcome: 'expected' | 'alert';
  /** The rule IDs that matched, in file order (live rules only). */
  matched: string[];
  expectedBy: string | null;
  /** The severity the alert would carry, and whether a rule set it. */
  severity: Severity;
  severityRule: string | null;
  route: Record<string, string>;
  routeRule: string | null;
  /** Expired rules that would have matched: they no longer do. */
  expiredMatches: string[];
}

/**
 * The verdict for one denial as the pipeline would reach it at `now`. The computed severity is that of a
 * first occurrence (an incident's count raises it later); an `expected` denial has no alert at all.
 */
export function ruleVerdict(rules: RuleSet, denial: Denial, now: Date): RuleVerdict {
  const decision: RuleDecision = decide(rules, denial, now);
  const expected = decision.expectedBy !== null;
  return {
    eventId: denial.eventId,
    eventTime: denial.eventTime,
    action: denial.action,
    principal: denial.principal.arn,
    fingerprint: denial.fingerprint,
    outcome: expected ? 'expected' : 'alert',
    matched: decision.matched.map((r) => r.id),
    expectedBy: decision.expectedBy?.id ?? null,
    severity: decision.severity?.value ?? severityFor({ reason: denial.reason, principal: denial.principal, count: 1 }),
    severityRule: decision.severity?.rule.id ?? null,
    route: decision.route?.attributes ?? {},
    routeRule: decision.route?.rule.id ?? null,
    expiredMatches: decision.expiredMatches.map((r) => r.id),
  };
}
