import type { ManagedBy, ReasonLayer } from '../denial/types';
import type { Severity } from '../alerts/severity';
import type { CidrRange } from './cidr';

/** The conditions a rule can name; a rule matches a denial when every condition it names matches. */
export const RULE_CONDITIONS = ['account', 'principal', 'managedBy', 'action', 'resource', 'errorCode', 'layer', 'sourceIp', 'userAgent'] as const;
export type RuleCondition = (typeof RULE_CONDITIONS)[number];

/** The rule's conditions, each a list of alternatives (any one matches); wildcard patterns except `managedBy`, `layer` (exact) and `sourceIp` (CIDR). */
export interface RuleMatchSpec {
  account?: string[];
  principal?: string[];
  managedBy?: ManagedBy[];
  action?: string[];
  resource?: string[];
  errorCode?: string[];
  layer?: ReasonLayer[];
  sourceIp?: string[];
  userAgent?: string[];
}

/** One rule of `access-auditor.rules.yml`, as validated. */
export interface Rule {
  id: string;
  /** Position in the file, from 0: rules are ordered, and errors name it. */
  index: number;
  reason: string;
  owner: string;
  /** `yyyy-mm-dd`: the rule matches through the end of that UTC day, and not after. */
  expires?: string;
  match: RuleMatchSpec;
  /** The denial is normal: counted as expected, never alerted, shown apart in the report. */
  expect?: true;
  /** Overrides the alert's computed severity (its `severity` message attribute). */
  severity?: Severity;
  /** Extra SNS message attributes (e.g. `team: payments`) for subscription filter policies. */
  route?: Record<string, string>;
}

/** A rule with its CIDR ranges parsed once. */
export interface CompiledRule extends Rule {
  ranges: CidrRange[];
}

/** The loaded rules file: what matching needs, and where it came from (for messages). */
export interface RuleSet {
  source: string;
  rules: CompiledRule[];
}

/** A rule as outputs name it. */
export interface RuleRef {
  id: string;
  index: number;
  reason: string;
  owner: string;
  expires?: string;
}

/**
 * What the rules decide for one denial: for each effect kind, the first matching rule that has it.
 * `matched` lists every live rule that matched, in file order; `expiredMatches` the expired ones that
 * would have matched (they no longer do: that is how a forgotten exception shows itself).
 */
export interface RuleDecision {
  expectedBy: RuleRef | null;
  severity: { value: Severity; rule: RuleRef } | null;
  route: { attributes: Record<string, string>; rule: RuleRef } | null;
  matched: RuleRef[];
  expiredMatches: RuleRef[];
}

export const NO_RULES: RuleSet = Object.freeze({ source: '(no rules file)', rules: [] }) as RuleSet;
