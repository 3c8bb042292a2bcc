/**
 * `sts:AssumeRole` (and the other STS role actions) needs two allows: the caller's identity policies,
 * in the caller's account, and the target role's trust policy, in the role's account. This module
 * checks every side whose policy is available, says which side refuses and which account must act,
 * and proposes each side's change; a side that could not be read keeps the call from being an allow.
 */
import type { Denial, Proposal, ValidationVerdict } from '../../denial/types';
import type { PrincipalPolicies, RoleTrustPolicy } from '../ports';
import { evaluate } from '../iam/evaluator';
import { accountOfArn } from '../../aws/arn';
import { normalizeAction, type GrantPlan } from './grant-plan';
import { isRoot, isServiceLinked, type ProposeContext } from './propose-context';
import { appendNotes, note, type ProposalNote } from './notes';
import {
  callerOf,
  guardConditions,
  isTrustAction,
  roleLabel,
  trustChange,
  trustProposal,
  trustRequests,
  trustState,
  whatToSend,
  type TrustState,
} from './trust-side';
import type { PrincipalCaller } from '../iam/principal';
import type { EvaluationRequest } from '../iam/evaluator';

/** Worst first: one side still denied outweighs everything, one side not checked any partial answer. */
const VERDICT_ORDER: ValidationVerdict[] = ['simulated-deny', 'not-validated', 'needs-input', 'unknown-context', 'simulated-allow'];

export function worstVerdict(...verdicts: ValidationVerdict[]): ValidationVerdict {
  return VERDICT_ORDER.find((v) => verdicts.includes(v)) ?? 'not-validated';
}

const BOTH_SIDES_LAYERS = new Set(['identity', 'unknown', 'resource', 'permissions-boundary']);

/** Whether the denial is an STS role action whose two sides this module weighs. */
export function isBothSidesDenial(denial: Denial): boolean {
  return (
    isTrustAction(normalizeAction(denial.action)) &&
    BOTH_SIDES_LAYERS.has(denial.reason.layer) &&
    !isRoot(denial.principal) &&
    !isServiceLinked(denial.principal)
  );
}

function identityAllows(policies: PrincipalPolicies, plan: GrantPlan): boolean {
  const set = { identity: policies.identityPolicies, ...(policies.permissionsBoundary ? { permissionsBoundary: policies.permissionsBoundary } : {}) };
  return plan.checks.length > 0 && plan.checks.every((c) => evaluate(set, c.request).decision === 'allowed');
}

interface TrustInputs {
  trust: RoleTrustPolicy;
  caller: PrincipalCaller & { arn: string };
  action: string;
  role: string;
  requests: EvaluationRequest[];
}

function verdictOf(state: TrustState): ValidationVerdict {
  return state.kind === 'allows' ? 'simulated-allow' : state.kind === 'undetermined' ? 'unknown-context' : 'simulated-deny';
}

function guardNotes(condition: Parameters<typeof whatToSend>[0], action: string): ProposalNote[] {
  const { keys, send } = whatToSend(condition, action);
  return keys.length ? [note('trust-guard-conditions', { keys: keys.join(', '), send })] : [];
}

/** The trust side's proposal, or null when the trust policy already lets the caller in. */
function trustSide(inputs: TrustInputs, plan: GrantPlan, now: TrustState): Proposal | null {
  const { trust, caller, action, role, requests } = inputs;
  const who = { role, principal: caller.arn, action };
  if (now.kind === 'allows') return null;
  if (now.kind === 'undetermined') {
    const notes = [note('trust-policy-undetermined', { ...who, keys: now.keys.join(', ') }), ...guardNotes(guardConditions(trust.document), action)];
    return trustProposal(trust, [], undefined, 'unknown-context', notes);
  }
  const refuses = note('trust-policy-refuses', { ...who, account: trust.account, how: now.explicit ? 'explicit-deny' : 'no-allow' });
  // No Allow can override an explicit Deny: that statement itself must change.
  if (now.explicit) return trustProposal(trust, [], undefined, 'simulated-deny', [refuses]);
  const change = trustChange(trust, caller.arn, plan.actions, requests, caller);
  const after = trustState(change.document, caller, requests);
  const notes: ProposalNote[] = [
    refuses,
    change.extended !== undefined
      ? note('trust-statement-extended', { statement: change.statement.Sid ?? `#${change.extended + 1}`, principal: caller.arn })
      : note('trust-statement-added', { principal: caller.arn, action: plan.actions.join(', ') }),
    ...guardNotes(change.statement.Condition ?? {}, action),
  ];
  if (after.kind === 'undetermined')
    notes.push(note('check-undetermined', { stage: 'after-change', check: `${action} on ${role} (trust policy)`, keys: after.keys.join(', ') }));
  // The new statement keeps the conditions the policy already sets for this caller: if the call fails them, it stays refused.
  if (after.kind === 'refuses')
    notes.push(
      note('check-not-allowed', {
        stage: 'after-change',
        check: `${action} on ${role} (trust policy: the call does not meet the conditions it already sets for this caller)`,
      }),
    );
  return trustProposal(trust, [change.statement], change.document, verdictOf(after), notes);
}

/**
 * Proposes for an STS role action: null when {@link isBothSidesDenial} says it is not one, or when
 * the message named the trust policy and it is not available (the message-based trust proposal stands).
 * `identitySide` is the identity proposal for a context (the ordinary path of proposeFix).
 */
export function proposeBothSides(
  ctx: ProposeContext,
  plan: GrantPlan,
  policies: PrincipalPolicies | null,
  trust: RoleTrustPolicy | null | undefined,
  identitySide: (ctx: ProposeContext) => Proposal,
): Proposal | null {
  const denial = ctx.denial;
  if (!isBothSidesDenial(denial)) return null;
  const action = normalizeAction(denial.action);
  const role = roleLabel(trust, denial);
  const caller = callerOf(denial.principal);
  const fromMessage = denial.reason.layer === 'resource';
  // A caller without an IAM ARN (web identity, SAML): the ordinary path, whose notes do not claim a trust check.
  if (!caller.arn) return null;
  if (!trust) {
    if (fromMessage) return null;
    const base = identitySide(ctx);
    const unavailable = note('trust-policy-unavailable', { role, account: accountOfArn(role) ?? 'unknown', identityVerdict: base.validated });
    return appendNotes({ ...base, validated: base.validated === 'simulated-allow' ? 'not-validated' : base.validated }, [unavailable]);
  }
  // The message blamed the trust policy: the identity side is still evaluated, as an identity denial would be.
  const identityCtx = fromMessage ? { ...ctx, denial: { ...denial, reason: { ...denial.reason, layer: 'identity' as const, explicit: false } } } : ctx;
  const inputs: TrustInputs = { trust, caller: { ...caller, arn: caller.arn }, action, role, requests: trustRequests(ctx, plan.actions) };
  const trustProposalOrNull = trustSide(inputs, plan, trustState(trust.document, inputs.caller, inputs.requests));
  const principalAccount = denial.principal.accountId ?? ctx.accountId;
  const who = { principal: caller.arn, account: principalAccount, action, role };
  const identityOk = policies ? identityAllows(policies, plan) : null;

  if (identityOk === true) {
    if (!trustProposalOrNull) return appendNotes(identitySide(identityCtx), [note('both-sides-allow', who)]);
    const notes = [note('identity-side-allows', who), ...(trustProposalOrNull.noteDetails ?? [])];
    return { ...trustProposalOrNull, notes: notes.map((n) => n.text), noteDetails: notes };
  }
  const base = identitySide(identityCtx);
  const sideNotes: ProposalNote[] = identityOk === false ? [note('identity-side-refuses', who)] : [];
  if (!trustProposalOrNull) return appendNotes(base, [...sideNotes, note('trust-policy-allows', who)]);
  const trustSummary = trustProposalOrNull.noteDetails?.[0];
  return {
    ...appendNotes(base, [...sideNotes, ...(trustSummary ? [trustSummary] : [])]),
    validated: worstVerdict(base.validated, trustProposalOrNull.validated),
    alsoNeeded: [trustProposalOrNull],
  };
}
