/**
 * Re-validates a denied call after a policy change (pure): the denied request, with the request context
 * its record settled, evaluated against the principal's policies with the change applied (the
 * three-valued evaluator: an unknown key never becomes an allow). The verdict is
 * - `allowed`: every evaluation the call needs is allowed now: the incident is fixed (and how the change
 *   compares with the proposal);
 * - `still-denied`: the change touched the principal but the call is still denied (why, what remains);
 * - `unconfirmed`: the change may have fixed it but the offline evaluation cannot say so (an unknown
 *   context key, a policy whose document is unknown, another SCP): only IAM's simulator can confirm.
 */
import type { Denial, PolicyStatement, Proposal } from '../../denial/types';
import type { FixScope } from '../../incidents/types';
import type { NoteParams } from '../../denial/proposal-notes';
import { evaluate, type PolicySet } from '../iam/evaluator';
import { planGrant, type Check } from '../propose/grant-plan';
import { buildProposeContext } from '../propose/propose-context';
import { proposeFix } from '../propose/propose';
import { checkFailure } from '../propose/validate';
import type { PrincipalPolicies } from '../ports';
import { addedStatements, compareWithProposal } from './compare';
import type { PolicyChange } from './types';

/** One reason, as data (a proposal note's check codes, or a {@link RecheckCode}) and as a sentence. */
export interface RecheckFinding {
  code: string;
  params: NoteParams;
  text: string;
}

export const RECHECK_CODES = [
  'other-layer',
  'policies-unavailable',
  'unresolved-policies',
  'policies-disagree',
  'scp-allows-now',
  'scp-still-denies',
  'scp-others-unchecked',
  'simulator-denies',
  'simulator-failed',
] as const;
export type RecheckCode = (typeof RECHECK_CODES)[number];

const LAYER_WORDS: Record<string, string> = {
  scp: 'a service control policy',
  rcp: 'a resource control policy',
  session: 'a session policy',
  resource: 'a resource-based policy',
  'vpc-endpoint': 'a VPC endpoint policy',
  'model-access': 'Amazon Bedrock model access',
  unknown: 'a policy the message does not name',
};

const TEMPLATES: Record<RecheckCode, (p: NoteParams) => string> = {
  'other-layer': (p) => `The denial comes from ${LAYER_WORDS[String(p.layer)] ?? String(p.layer)}, which this change does not affect.`,
  'policies-unavailable': () => "The principal's policies could not be read, so the call could not be re-evaluated.",
  'unresolved-policies': (p) => `The documents of ${String(p.policies)} are unknown, so the offline evaluation cannot count on them.`,
  'policies-disagree': (p) =>
    `The denial names ${String(p.what)}, which the principal's policies as read do not show, so the offline evaluation cannot confirm the call is allowed now.`,
  'scp-allows-now': (p) => `Service control policy ${String(p.policy)} no longer denies ${String(p.action)}.`,
  'scp-still-denies': (p) => `Service control policy ${String(p.policy)} still does not allow ${String(p.action)}.`,
  'scp-others-unchecked': () =>
    "Other service control policies of the organization (on the account, its OUs and the root) were not evaluated: only IAM's policy simulator, which sees them, can confirm the call is allowed now.",
  'simulator-denies': (p) => `IAM's policy simulator still answers ${String(p.decision)} for ${String(p.check)}.`,
  'simulator-failed': (p) => `IAM's policy simulator could not be asked: ${String(p.error)}.`,
};

export function finding(code: RecheckCode, params: NoteParams = {}): RecheckFinding {
  return { code, params, text: TEMPLATES[code](params) };
}

export type Revalidation =
  | { verdict: 'allowed'; scope: FixScope; beyondProposal: string[]; checkedBy: Array<'offline-evaluator' | 'iam-simulator'> }
  | { verdict: 'still-denied'; why: RecheckFinding[]; remaining?: Proposal }
  | { verdict: 'unconfirmed'; why: RecheckFinding[]; scope?: FixScope; beyondProposal?: string[] };

/** Layers whose denial the principal's own identity policies (and boundary) decide. */
const IDENTITY_LAYERS = new Set(['identity', 'permissions-boundary']);

/** The evaluations the denied call needs (a profile call is several), with its recorded request context. */
export function checksFor(denial: Denial): Check[] {
  return planGrant(denial, buildProposeContext(denial, {})).checks;
}

export function policySetOf(policies: PrincipalPolicies): PolicySet {
  return { identity: policies.identityPolicies, ...(policies.permissionsBoundary ? { permissionsBoundary: policies.permissionsBoundary } : {}) };
}

/**
 * What the recorded denial proves that the policies read do not show (a permissions boundary, an
 * explicit deny), or null. A stale snapshot or a lagging read can miss them; an allow evaluated without
 * them is not an allow.
 */
function unexplainedDenial(denial: Denial, change: PolicyChange, before: PrincipalPolicies | null, after: PrincipalPolicies): string | null {
  const op = change.operation.op;
  if (denial.reason.layer === 'permissions-boundary' && op !== 'delete-boundary' && !before?.permissionsBoundary && !after.permissionsBoundary)
    return 'a permissions boundary';
  if (denial.reason.explicit) {
    const shown = before ? checksFor(denial).some((check) => evaluate(policySetOf(before), check.request).decision === 'explicitDeny') : false;
    if (!shown) return 'an explicit deny';
  }
  return null;
}

/**
 * The verdict for one incident's denied call after an IAM change that touched its principal: `before`
 * and `after` are the principal's policies around the change, `proposal` the incident's.
 */
export function revalidateIdentityChange(
  denial: Denial,
  proposal: Proposal | undefined,
  change: PolicyChange,
  before: PrincipalPolicies | null,
  after: PrincipalPolicies | null,
): Revalidation {
  if (!after) return { verdict: 'unconfirmed', why: [finding('policies-unavailable')] };
  if (!IDENTITY_LAYERS.has(denial.reason.layer)) return { verdict: 'still-denied', why: [finding('other-layer', { layer: denial.reason.layer })] };
  const set = policySetOf(after);
  const failures = checksFor(denial)
    .map((check) => checkFailure(set, check))
    .filter((f): f is NonNullable<typeof f> => f !== null);
  const compared = compareWithProposal(addedStatements(before, after, change), proposal);
  const unresolved = after.unresolvedPolicies ?? [];
  if (failures.length === 0) {
    // An allow that a policy of unknown content could still deny is not an allow.
    if (unresolved.length > 0)
      return { verdict: 'unconfirmed', why: [finding('unresolved-policies', { policies: unresolved.map((u) => u.name).join(', ') })], ...compared };
    const unexplained = unexplainedDenial(denial, change, before, after);
    if (unexplained) return { verdict: 'unconfirmed', why: [finding('policies-disagree', { what: unexplained })], ...compared };
    return { verdict: 'allowed', ...compared, checkedBy: ['offline-evaluator'] };
  }
  if (failures.every((f) => f.code === 'check-undetermined')) return { verdict: 'unconfirmed', why: failures, ...compared };
  const remaining = proposeFix(denial, after);
  return { verdict: 'still-denied', why: failures, ...(remaining.statements.length > 0 || remaining.target.kind !== 'none' ? { remaining } : {}) };
}

/** Whether the denial names this Organizations policy as the one that denied it. */
export function denialNamesPolicy(denial: Denial, policyId: string): boolean {
  const arn = denial.reason.policyArn;
  return typeof arn === 'string' && arn.endsWith(`/${policyId}`);
}

/**
 * The verdict after an Organizations policy change touched an SCP denial: the changed policy (new
 * content, or detached from the account) is evaluated against the denied request, and the identity
 * policies must allow it too. Never `allowed` offline: the other SCPs in force (the account's, its
 * OUs', the root's) are not known here, so a possible fix is `unconfirmed` until the simulator says so.
 */
export function revalidateScpChange(denial: Denial, change: PolicyChange, after: PrincipalPolicies | null, statements?: PolicyStatement[]): Revalidation {
  const op = change.operation;
  if (op.op !== 'organizations-policy') return { verdict: 'still-denied', why: [] };
  const policy = op.policyId;
  const checks = checksFor(denial);
  const detachedHere = op.event === 'DetachPolicy' && op.targetId === (denial.accountId ?? denial.principal.accountId);
  if (!detachedHere) {
    if (!statements) return { verdict: 'unconfirmed', why: [finding('scp-others-unchecked')] };
    // An SCP filters: the request must match an Allow in it and no Deny. Read as an identity document.
    const scpSet: PolicySet = { identity: [{ name: policy, document: { Version: '2012-10-17', Statement: statements } }] };
    const denied = checks.filter((c) => evaluate(scpSet, c.request).decision !== 'allowed');
    if (denied.length > 0) return { verdict: 'still-denied', why: [finding('scp-still-denies', { policy, action: denial.action })] };
  }
  const why = [finding('scp-allows-now', { policy, action: denial.action })];
  if (after) {
    const failures = checks.map((check) => checkFailure(policySetOf(after), check)).filter((f): f is NonNullable<typeof f> => f !== null);
    if (failures.some((f) => f.code !== 'check-undetermined'))
      return { verdict: 'still-denied', why: [...why, ...failures], remaining: proposeFix(denial, after) };
  }
  return { verdict: 'unconfirmed', why: [...why, finding('scp-others-unchecked')], scope: 'other-than-proposal', beyondProposal: [] };
}
