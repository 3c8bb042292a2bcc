import type { Denial } from '../denial/types';
import { cidrContains, parseIp } from './cidr';
import type { CompiledRule, RuleDecision, RuleRef, RuleSet } from './types';
import { wildcardMatch } from './wildcard';

const DAY_MS = 86_400_000;

/** True once the rule's expiry day (UTC) is over. */
export function isExpired(rule: Pick<CompiledRule, 'expires'>, now: Date): boolean {
  if (rule.expires === undefined) return false;
  const end = Date.parse(`${rule.expires}T00:00:00Z`) + DAY_MS;
  return Number.isNaN(end) || now.getTime() >= end;
}

export function ruleRef(rule: CompiledRule): RuleRef {
  return { id: rule.id, index: rule.index, reason: rule.reason, owner: rule.owner, ...(rule.expires ? { expires: rule.expires } : {}) };
}

/** Any pattern matches any of the values; a condition whose value the denial does not have never matches. */
function anyMatch(patterns: readonly string[] | undefined, values: ReadonlyArray<string | null | undefined>, ignoreCase = false): boolean {
  if (!patterns) return true;
  const present = values.filter((v): v is string => typeof v === 'string' && v !== '');
  return patterns.some((p) => present.some((v) => wildcardMatch(p, v, { ignoreCase })));
}

/** Whether every condition the rule names matches the denial. Pure; every denial field is treated as data. */
export function ruleMatches(rule: CompiledRule, denial: Denial): boolean {
  const m = rule.match;
  const p = denial.principal;
  if (!anyMatch(m.account, [denial.accountId ?? p.accountId])) return false;
  if (!anyMatch(m.principal, [p.arn, p.roleArn])) return false;
  if (m.managedBy && !m.managedBy.includes(p.managedBy)) return false;
  // IAM compares actions case-insensitively.
  if (!anyMatch(m.action, [denial.action], true)) return false;
  if (!anyMatch(m.resource, [denial.resource])) return false;
  if (!anyMatch(m.errorCode, [denial.errorCode])) return false;
  if (m.layer && !m.layer.includes(denial.reason.layer)) return false;
  if (m.sourceIp) {
    const address = denial.sourceIPAddress ? parseIp(denial.sourceIPAddress) : null;
    if (!address || !rule.ranges.some((range) => cidrContains(range, address))) return false;
  }
  if (!anyMatch(m.userAgent, [denial.userAgent])) return false;
  return true;
}

/**
 * Applies the ordered rules to one denial: for each effect kind (expect, severity, route) the first
 * live matching rule that has that effect wins. Expired rules never match.
 */
export function decide(rules: RuleSet, denial: Denial, now: Date): RuleDecision {
  const decision: RuleDecision = { expectedBy: null, severity: null, route: null, matched: [], expiredMatches: [] };
  for (const rule of rules.rules) {
    if (!ruleMatches(rule, denial)) continue;
    const ref = ruleRef(rule);
    if (isExpired(rule, now)) {
      decision.expiredMatches.push(ref);
      continue;
    }
    decision.matched.push(ref);
    if (rule.expect && !decision.expectedBy) decision.expectedBy = ref;
    if (rule.severity && !decision.severity) decision.severity = { value: rule.severity, rule: ref };
    if (rule.route && !decision.route) decision.route = { attributes: { ...rule.route }, rule: ref };
  }
  return decision;
}

/** Rules whose expiry day is over at `now`, in file order. */
export function expiredRules(rules: RuleSet, now: Date): RuleRef[] {
  return rules.rules.filter((r) => isExpired(r, now)).map(ruleRef);
}
