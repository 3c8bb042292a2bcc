/**
 * How an applied change compares with the proposal: which Allow statements it added, and what they allow
 * beyond the proposed statements (actions, resources, a missing condition). Pure.
 */
import type { PolicyStatement, Proposal } from '../../denial/types';
import type { FixScope } from '../../incidents/types';
import { asList } from '../iam/document';
import { wildcardMatch } from '../iam/wildcard';
import type { NamedPolicy, PrincipalPolicies } from '../ports';
import type { PolicyChange } from './types';

/** At most this many phrases name what a change allows beyond the proposal. */
export const MAX_BEYOND_PHRASES = 8;

function policyKey(p: NamedPolicy): string {
  return JSON.stringify([p.kind, p.arn ?? p.name, p.viaGroup ?? null]);
}

/** Key order at every depth: a replacer list would drop the nested keys (a condition's operators and keys) and make different statements equal. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortedKeys(v)]));
}

const canonical = (s: PolicyStatement): string => JSON.stringify(sortedKeys(s));

/** The identity statements the change added: in `after` but not in the same policy `before`. */
export function addedStatements(before: PrincipalPolicies | null, after: PrincipalPolicies | null, change: PolicyChange): PolicyStatement[] {
  const added: PolicyStatement[] = [];
  if (after && before) {
    const old = new Map<string, Set<string>>();
    for (const p of before.identityPolicies) old.set(policyKey(p), new Set(p.document.Statement.map(canonical)));
    for (const p of after.identityPolicies) {
      const had = old.get(policyKey(p));
      for (const s of p.document.Statement) if (!had?.has(canonical(s))) added.push(s);
    }
    if (added.length > 0) return added;
  }
  // Nothing to diff against (the source already showed the change): the change's own document is what it added.
  const op = change.operation;
  if (op.op === 'put-inline' || op.op === 'new-policy-version') return [...op.document.Statement];
  if (op.op === 'attach-managed') {
    const attached = after?.identityPolicies.find((p) => p.arn === op.policyArn);
    return attached ? [...attached.document.Statement] : [];
  }
  return [];
}

/** True when every value `pattern` can match is matched by `covering` (checked on the pattern's text). */
function patternCovers(covering: string, pattern: string, ignoreCase: boolean): boolean {
  // A `?` in the covering pattern stands for one character; matched against a `*` it would claim more than it covers.
  if (/[*?]/.test(pattern) && covering.includes('?')) return covering === pattern;
  return wildcardMatch(covering, pattern, ignoreCase);
}

function covers(proposal: PolicyStatement, statement: PolicyStatement): boolean {
  if (proposal.Effect !== 'Allow' || proposal.NotAction !== undefined || proposal.NotResource !== undefined) return false;
  if (statement.NotAction !== undefined || statement.NotResource !== undefined) return false;
  const actions = asList(proposal.Action);
  const resources = asList(proposal.Resource);
  const actionsOk = asList(statement.Action).every((a) => actions.some((p) => patternCovers(p, a, true)));
  const resourcesOk = asList(statement.Resource).every((r) => resources.some((p) => patternCovers(p, r, false)));
  const conditionOk = proposal.Condition === undefined || JSON.stringify(proposal.Condition) === JSON.stringify(statement.Condition);
  return actionsOk && resourcesOk && conditionOk;
}

/** What one added statement allows beyond the proposed statements, one phrase each. */
function beyondPhrases(statement: PolicyStatement, proposed: PolicyStatement[]): string[] {
  const phrases: string[] = [];
  if (statement.NotAction !== undefined) phrases.push(`every action except ${asList(statement.NotAction).join(', ')} (NotAction)`);
  if (statement.NotResource !== undefined) phrases.push(`every resource except ${asList(statement.NotResource).join(', ')} (NotResource)`);
  const allows = proposed.filter((p) => p.Effect === 'Allow');
  const actions = allows.flatMap((p) => asList(p.Action));
  const resources = allows.flatMap((p) => asList(p.Resource));
  for (const a of asList(statement.Action)) if (!actions.some((p) => patternCovers(p, a, true))) phrases.push(`action ${a}`);
  for (const r of asList(statement.Resource)) if (!resources.some((p) => patternCovers(p, r, false))) phrases.push(`resource ${r}`);
  const conditioned = allows.filter((p) => p.Condition !== undefined);
  if (phrases.length === 0 && conditioned.length > 0 && statement.Condition === undefined) {
    const keys = [...new Set(conditioned.flatMap((p) => Object.values(p.Condition ?? {}).flatMap((block) => Object.keys(block))))];
    phrases.push(`the same access without the proposed condition on ${keys.join(', ')}`);
  }
  if (phrases.length === 0) phrases.push('a combination of actions, resources and conditions no single proposed statement allows');
  return phrases;
}

/**
 * Compares the Allow statements a change added with the proposal: `matches-proposal` when each is
 * covered by a proposed statement, `broader-than-proposal` with what it allows beyond, `other-than-proposal`
 * when it added no Allow statement (it removed a deny, changed a boundary or an SCP), `no-proposal`
 * when there was no proposed statement to compare with.
 */
export function compareWithProposal(added: PolicyStatement[], proposal: Proposal | undefined): { scope: FixScope; beyondProposal: string[] } {
  const allows = added.filter((s) => s.Effect === 'Allow');
  if (allows.length === 0) return { scope: 'other-than-proposal', beyondProposal: [] };
  const proposed = [...(proposal?.statements ?? []), ...(proposal?.alsoNeeded ?? []).flatMap((p) => p.statements)];
  if (proposed.length === 0) return { scope: 'no-proposal', beyondProposal: [] };
  const beyond: string[] = [];
  for (const statement of allows) {
    if (proposed.some((p) => covers(p, statement))) continue;
    for (const phrase of beyondPhrases(statement, proposed)) if (!beyond.includes(phrase)) beyond.push(phrase);
  }
  if (beyond.length === 0) return { scope: 'matches-proposal', beyondProposal: [] };
  return { scope: 'broader-than-proposal', beyondProposal: beyond.slice(0, MAX_BEYOND_PHRASES) };
}
