/**
 * The weekly report's lifecycle summary (issue 13): what was fixed by a policy change and how fast,
 * fixes broader than proposed, regressions, incidents that went stale, expected denials by rule, and
 * expired rules. Pure: reads incidents already fetched and the rules file, if any.
 */
import { timeToFixMs, type Incident } from '../incidents/types';
import type { RuleSet } from '../rules/types';
import { isExpired } from '../rules/match';
import { accountOf, principalLabel } from './labels';
import type { ExpectedRuleRow, ExpiredRuleRow, FixedIncident, LoopSummary, RegressionRow, StaleRow } from './types';

const HOUR_MS = 3_600_000;

function within(iso: string | undefined, from: Date, to: Date): boolean {
  if (iso === undefined) return false;
  const t = Date.parse(iso);
  return !Number.isNaN(t) && t >= from.getTime() && t < to.getTime();
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Nearest-rank percentile of sorted values: the smallest value with at least `p` of them at or below it. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? null;
}

/** Median as the rest of the report gives it: the lower middle for an even count. */
export function median(sorted: readonly number[]): number | null {
  return sorted.length === 0 ? null : (sorted[Math.floor((sorted.length - 1) / 2)] ?? null);
}

function unique(incidents: readonly Incident[]): Incident[] {
  const seen = new Map<string, Incident>();
  for (const i of incidents) if (!seen.has(i.fingerprint)) seen.set(i.fingerprint, i);
  return [...seen.values()];
}

function fixedIncident(incident: Incident, ms: number): FixedIncident {
  const r = incident.resolution;
  return {
    fingerprint: incident.fingerprint,
    action: incident.action,
    principal: principalLabel(incident.principal),
    accountId: accountOf(incident),
    fixedAt: r?.at ?? '',
    hoursToFix: Math.floor(ms / HOUR_MS),
    ...(r?.by ? { by: r.by } : {}),
    ...(r?.change ? { change: r.change } : {}),
    ...(r?.scope ? { scope: r.scope } : {}),
    beyondProposal: r?.beyondProposal ?? [],
  };
}

/** Incidents `fixed` by a policy change in [from, to), most recently fixed first. Manual and stale resolutions are not fixes. */
function fixedIn(closed: readonly Incident[], from: Date, to: Date): FixedIncident[] {
  const out: FixedIncident[] = [];
  for (const incident of unique(closed)) {
    const ms = timeToFixMs(incident);
    if (ms === null || !within(incident.resolution?.at, from, to)) continue;
    out.push(fixedIncident(incident, ms));
  }
  return out.sort((a, b) => compareText(b.fixedAt, a.fixedAt) || compareText(a.fingerprint, b.fingerprint));
}

function regressionsIn(seen: readonly Incident[], from: Date, to: Date): RegressionRow[] {
  return unique(seen)
    .filter((i) => i.regressions && within(i.regressions.lastRegressionAt, from, to))
    .map((i) => ({
      fingerprint: i.fingerprint,
      action: i.action,
      principal: principalLabel(i.principal),
      status: i.status,
      regressions: i.regressions?.count ?? 0,
      lastRegressionAt: i.regressions?.lastRegressionAt ?? '',
      ...(i.previousResolution?.by ? { previouslyFixedBy: i.previousResolution.by } : {}),
    }))
    .sort((a, b) => compareText(b.lastRegressionAt, a.lastRegressionAt) || compareText(a.fingerprint, b.fingerprint));
}

function staleIn(stale: readonly Incident[], from: Date, to: Date): StaleRow[] {
  return unique(stale)
    .filter((i) => i.status === 'stale' && i.resolution?.kind === 'stale' && within(i.resolution.at, from, to))
    .map((i) => ({
      fingerprint: i.fingerprint,
      action: i.action,
      principal: principalLabel(i.principal),
      lastSeen: i.lastSeen,
      staleAt: i.resolution?.at ?? '',
      ...(i.resolution?.reason ? { reason: i.resolution.reason } : {}),
    }))
    .sort((a, b) => compareText(b.staleAt, a.staleAt) || compareText(a.fingerprint, b.fingerprint));
}

/** Expected denials of the period per rule (from the rule recorded with them), most denials first. */
function expectedByRule(expected: readonly Incident[], countIn: (fingerprint: string) => number, rules: RuleSet | undefined, asOf: Date): ExpectedRuleRow[] {
  const rows = new Map<string, ExpectedRuleRow>();
  for (const incident of unique(expected)) {
    const by = incident.latest.expectedBy;
    const denials = countIn(incident.fingerprint);
    if (!by || denials === 0) continue;
    const rule = rules?.rules.find((r) => r.id === by.rule);
    const state = !rules ? 'unknown' : !rule ? 'removed' : isExpired(rule, asOf) ? 'expired' : 'active';
    const row = rows.get(by.rule) ?? { rule: by.rule, reason: by.reason, owner: by.owner, denials: 0, incidents: 0, state };
    row.denials += denials;
    row.incidents += 1;
    rows.set(by.rule, row);
  }
  return [...rows.values()].sort((a, b) => b.denials - a.denials || compareText(a.rule, b.rule));
}

function expiredRulesOf(rules: RuleSet | undefined, asOf: Date): ExpiredRuleRow[] {
  return (rules?.rules ?? []).filter((r) => isExpired(r, asOf)).map((r) => ({ id: r.id, owner: r.owner, reason: r.reason, expires: r.expires ?? '' }));
}

export interface LoopInput {
  /** Incidents seen in the period (regressions are occurrences, so they are among them). */
  seen: readonly Incident[];
  /** Incidents of expected denials seen in the period. */
  expected: readonly Incident[];
  /** Incidents in a closed status (`fixed`, `resolved`, `stale`), whatever their age. */
  closed: readonly Incident[];
  countIn: (fingerprint: string) => number;
  rules?: RuleSet;
  from: Date;
  to: Date;
  asOf: Date;
}

export function loopSummary(input: LoopInput): LoopSummary {
  const { from, to } = input;
  const fixed = fixedIn(input.closed, from, to);
  const hours = fixed.map((f) => f.hoursToFix).sort((a, b) => a - b);
  return {
    fixed: { count: fixed.length, medianHours: median(hours), p90Hours: percentile(hours, 0.9), incidents: fixed },
    broaderThanProposal: fixed.filter((f) => f.scope === 'broader-than-proposal'),
    regressions: regressionsIn(input.seen, from, to),
    stale: staleIn(input.closed, from, to),
    expected: expectedByRule(input.expected, input.countIn, input.rules, input.asOf),
    expiredRules: expiredRulesOf(input.rules, input.asOf),
  };
}
