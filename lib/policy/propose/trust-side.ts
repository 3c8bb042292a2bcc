/**
 * The trust side of an STS role action: does the target role's trust policy let the caller in, and
 * the least change that does (the exact caller role ARN, the exact action, every condition kept).
 */
import type { Denial, PolicyDocument, PolicyStatement, Principal, Proposal } from '../../denial/types';
import type { RoleTrustPolicy } from '../ports';
import { asList, cloneDocument, compactList } from '../iam/document';
import { matchStatement, type EvaluationRequest, type EvaluationResult } from '../iam/evaluator';
import { asCallerStatement, evaluateTrustPolicy, statementNamesCaller, type PrincipalCaller } from '../iam/principal';
import { lastPathSegment } from '../../aws/arn';
import { request } from './plan-checks';
import type { PlanContext } from './grant-plan';
import { noteFields, type ProposalNote } from './notes';
import { renderTerraform } from '../render/terraform';

/** The STS actions a role's trust policy authorizes (lower case). */
const TRUST_ACTIONS = new Set([
  'sts:assumerole',
  'sts:assumerolewithwebidentity',
  'sts:assumerolewithsaml',
  'sts:tagsession',
  'sts:setsourceidentity',
  'sts:setcontext',
]);

export function isTrustAction(action: string): boolean {
  return TRUST_ACTIONS.has(action.toLowerCase());
}

/**
 * Condition keys that guard a role against confused deputies and strangers: a new trust statement
 * copies them from the role's other AWS-principal statements, and no edit ever drops them.
 */
const GUARD_KEYS = [
  'sts:ExternalId',
  'aws:PrincipalOrgID',
  'aws:PrincipalOrgPaths',
  'aws:SourceIdentity',
  'sts:SourceIdentity',
  'aws:SourceAccount',
  'aws:SourceArn',
  'aws:SourceOrgID',
  'aws:MultiFactorAuthPresent',
  'aws:MultiFactorAuthAge',
];
const GUARDS = new Set(GUARD_KEYS.map((k) => k.toLowerCase()));

export function callerOf(principal: Principal): PrincipalCaller {
  return {
    arn: principal.roleArn ?? principal.arn ?? null,
    sessionArn: principal.roleArn ? principal.arn : null,
    account: principal.accountId,
    ...(principal.identityProvider ? { federatedProvider: principal.identityProvider } : {}),
  };
}

/** How the trust policy answers the caller. */
export type TrustState = { kind: 'allows' } | { kind: 'undetermined'; keys: string[] } | { kind: 'refuses'; explicit: boolean; statement?: string };

export function trustRequests(ctx: PlanContext, actions: string[]): EvaluationRequest[] {
  return actions.map((a) => request(ctx, a, null, {}));
}

export function trustState(document: PolicyDocument, caller: PrincipalCaller, requests: EvaluationRequest[]): TrustState {
  const results: EvaluationResult[] = requests.map((r) => evaluateTrustPolicy(document, caller, r));
  const best = (r: EvaluationResult) => r.bestCaseDecision ?? r.decision;
  // A Deny that applies whatever the record leaves open; one that depends on an unknown key only makes the verdict unknown.
  const denied = results.find((r) => r.decision === 'explicitDeny' && best(r) === 'explicitDeny');
  if (denied) return { kind: 'refuses', explicit: true, statement: denied.matchedDeny?.sid ?? `#${(denied.matchedDeny?.index ?? 0) + 1}` };
  if (results.every((r) => r.decision === 'allowed')) return { kind: 'allows' };
  if (results.every((r) => best(r) === 'allowed')) {
    return { kind: 'undetermined', keys: [...new Set(results.flatMap((r) => r.undetermined))] };
  }
  return { kind: 'refuses', explicit: false };
}

function awsPrincipals(statement: PolicyStatement): string[] | null {
  const p = statement.Principal;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return null;
  const aws = (p as Record<string, unknown>).AWS;
  if (aws === undefined) return null;
  return asList(aws as string | string[]);
}

const sameActions = (statement: PolicyStatement, actions: string[]) => {
  const have = new Set(asList(statement.Action).map((a) => a.toLowerCase()));
  const want = new Set(actions.map((a) => a.toLowerCase()));
  return have.size === want.size && [...want].every((a) => have.has(a));
};

/** The guard conditions of the role's AWS-principal Allow statements, each key once (the first statement's values). */
export function guardConditions(document: PolicyDocument): NonNullable<PolicyStatement['Condition']> {
  const out: NonNullable<PolicyStatement['Condition']> = {};
  const seen = new Set<string>();
  for (const s of document.Statement) {
    if (s.Effect !== 'Allow' || !awsPrincipals(s) || !s.Condition) continue;
    for (const [operator, block] of Object.entries(s.Condition)) {
      for (const [key, value] of Object.entries(block)) {
        if (!GUARDS.has(key.toLowerCase()) || seen.has(key.toLowerCase())) continue;
        seen.add(key.toLowerCase());
        out[operator] = { ...out[operator], [key]: value };
      }
    }
  }
  return out;
}

/**
 * The conditions of the Allow statements that already trust the caller (by account, `*` or its ARN) for
 * these actions: a statement added for the caller alone must be no easier to meet than those, or it
 * would route around a condition (a source IP range, a VPC endpoint) someone wrote on purpose.
 */
function conditionsAlreadyOnCaller(document: PolicyDocument, caller: PrincipalCaller, actions: string[]): NonNullable<PolicyStatement['Condition']> {
  let out: NonNullable<PolicyStatement['Condition']> = {};
  for (const s of document.Statement) {
    if (s.Effect !== 'Allow' || !s.Condition || !statementNamesCaller(s, caller)) continue;
    if (!actions.every((a) => matchStatement(asCallerStatement(s), { action: a, resource: null, context: {} }).action)) continue;
    out = mergeConditions(out, s.Condition);
  }
  return out;
}

/** Both condition blocks; where both test the same operator and key, the first one's values stay. */
function mergeConditions(
  a: NonNullable<PolicyStatement['Condition']>,
  b: NonNullable<PolicyStatement['Condition']>,
): NonNullable<PolicyStatement['Condition']> {
  const out: NonNullable<PolicyStatement['Condition']> = {};
  for (const block of [a, b]) {
    for (const [operator, keys] of Object.entries(block)) {
      for (const [key, value] of Object.entries(keys)) {
        if (out[operator]?.[key] === undefined) out[operator] = { ...out[operator], [key]: value };
      }
    }
  }
  return out;
}

/** What a caller must send to satisfy the guard conditions, in words. */
export function whatToSend(condition: NonNullable<PolicyStatement['Condition']>, action: string): { keys: string[]; send: string } {
  const keys: string[] = [];
  const parts: string[] = [];
  for (const block of Object.values(condition)) {
    for (const [key, value] of Object.entries(block)) {
      const shown = (Array.isArray(value) ? value : [value]).map(String).join(' or ');
      const lower = key.toLowerCase();
      if (!GUARDS.has(lower)) continue;
      keys.push(key);
      if (lower === 'sts:externalid') parts.push(`ExternalId ${shown} in its ${action} call`);
      else if (lower === 'aws:principalorgid') parts.push(`its call from an account of organization ${shown}`);
      else if (lower.endsWith('sourceidentity')) parts.push(`SourceIdentity ${shown}`);
      else if (lower.startsWith('aws:multifactorauth')) parts.push('an MFA-authenticated session');
      else parts.push(`${key} ${shown}`);
    }
  }
  return { keys, send: parts.join('; ') };
}

export interface TrustChange {
  document: PolicyDocument;
  statement: PolicyStatement;
  /** The index of the statement extended, absent when a statement is added. */
  extended?: number;
}

/**
 * The least change to the trust policy: add the caller role ARN to an Allow statement for exactly
 * these actions whose conditions the caller can still meet (conditions untouched), else a new
 * statement for the caller alone and these actions alone, with the role's guard conditions copied.
 */
export function trustChange(
  trust: RoleTrustPolicy,
  callerArn: string,
  actions: string[],
  requests: EvaluationRequest[],
  caller?: PrincipalCaller,
): TrustChange {
  const document = cloneDocument(trust.document);
  const inherited = caller ? conditionsAlreadyOnCaller(trust.document, caller, actions) : {};
  // Extending another statement would hand the caller that statement's conditions instead of its own.
  const extendable = Object.keys(inherited).length === 0;
  const index = !extendable
    ? -1
    : document.Statement.findIndex(
        (s) =>
          s.Effect === 'Allow' &&
          awsPrincipals(s) !== null &&
          s.Action !== undefined &&
          sameActions(s, actions) &&
          requests.every((r) => matchStatement(asCallerStatement(s), { ...r, resource: null }).truth !== false),
      );
  const existing = index >= 0 ? document.Statement[index] : undefined;
  if (existing) {
    const principal = existing.Principal as Record<string, unknown>;
    const aws = awsPrincipals(existing) ?? [];
    const statement = { ...existing, Principal: { ...principal, AWS: aws.includes(callerArn) ? compactList(aws) : [...aws, callerArn] } };
    document.Statement[index] = statement;
    return { document, statement, extended: index };
  }
  const guards = mergeConditions(guardConditions(trust.document), inherited);
  const statement: PolicyStatement = {
    Sid: 'AccessAuditorTrustCaller',
    Effect: 'Allow',
    Principal: { AWS: callerArn },
    Action: compactList(actions),
    ...(Object.keys(guards).length ? { Condition: guards } : {}),
  };
  document.Statement.push(statement);
  return { document, statement };
}

export function roleLabel(trust: RoleTrustPolicy | null | undefined, denial: Denial): string {
  return trust?.roleArn ?? denial.resource ?? 'the role';
}

export function trustOwner(trust: RoleTrustPolicy): string {
  return `account ${trust.account} (owner of role ${lastPathSegment(trust.roleArn)})`;
}

/** A proposal for the trust side: the target names the role's account, the one that must act. */
export function trustProposal(
  trust: RoleTrustPolicy,
  statements: PolicyStatement[],
  after: PolicyDocument | undefined,
  validated: Proposal['validated'],
  notes: ProposalNote[],
): Proposal {
  return {
    target: { kind: 'resource-policy', name: trustOwner(trust), policyName: `trust policy of ${lastPathSegment(trust.roleArn)}` },
    statements,
    ...(after ? { policyAfter: after, terraform: renderTerraform('assume_role_policy', after) } : {}),
    validated,
    ...(statements.length ? { exact: true } : {}),
    ...(validated !== 'not-validated' ? { checkedBy: ['offline-evaluator' as const] } : {}),
    ...noteFields(notes),
  };
}
