import type { Denial, PolicyDocument, Proposal } from '../../denial/types';
import { planGrant } from './grant-plan';
import { appendNotes, note } from './notes';
import type { PrincipalPolicies, SimulationDecision, SimulationRequest } from '../ports';
import { buildProposeContext, type ProposeOptions } from './propose-context';

/** The policy to add to the principal's current ones when simulating: the changed document, or the statements. */
function extraPolicies(proposal: Proposal): PolicyDocument[] {
  if (proposal.policyAfter) return [proposal.policyAfter];
  if (proposal.statements.length > 0) return [{ Version: '2012-10-17', Statement: proposal.statements }];
  return [];
}

/**
 * Every request the offline validation checked, as `iam:SimulatePrincipalPolicy` inputs: the
 * proposed document as an extra identity policy, or, for a permissions-boundary target, as the
 * boundary to simulate in place of the live one. Empty when the proposal changes no identity policy
 * or boundary, or the principal has no IAM role or user to simulate.
 */
export function simulationRequestsFor(
  denial: Denial,
  proposal: Proposal,
  policies: PrincipalPolicies | null,
  options: ProposeOptions = {},
): SimulationRequest[] {
  if (!policies) return [];
  if (!['identity-policy', 'sso-permission-set', 'permissions-boundary'].includes(proposal.target.kind)) return [];
  if (proposal.statements.length === 0) return [];
  const ctx = buildProposeContext(denial, options);
  const plan = planGrant(denial, ctx);
  const extra = extraPolicies(proposal);
  // A boundary proposal replaces the live boundary in the simulation; as an identity policy it would still be capped by it.
  const inputs = proposal.target.kind === 'permissions-boundary' ? { extraPolicies: [], permissionsBoundaryPolicies: extra } : { extraPolicies: extra };
  return plan.checks.map((check) => ({
    policySourceArn: policies.arn,
    ...inputs,
    action: check.request.action,
    resource: check.request.resource,
    context: check.request.context,
  }));
}

/**
 * The one request that best stands for the denied call: the check on the resource the message
 * named, else the first check. Null when there is nothing to simulate.
 */
export function simulationRequestFor(
  denial: Denial,
  proposal: Proposal,
  policies: PrincipalPolicies | null,
  options: ProposeOptions = {},
): SimulationRequest | null {
  const all = simulationRequestsFor(denial, proposal, policies, options);
  const action = denial.action.toLowerCase();
  return (
    all.find((r) => r.resource === denial.resource && r.action.toLowerCase() === action) ?? all.find((r) => r.action.toLowerCase() === action) ?? all[0] ?? null
  );
}

/** The worst of several decisions: one explicit deny outweighs everything, one implicit deny any allow. */
export function combineDecisions(decisions: SimulationDecision[]): SimulationDecision {
  if (decisions.includes('explicitDeny')) return 'explicitDeny';
  if (decisions.includes('implicitDeny') || decisions.length === 0) return 'implicitDeny';
  return 'allowed';
}

/**
 * Folds the IAM policy simulator's decision into a proposal. Agreement keeps the verdict (and says
 * it was confirmed); disagreement is written into the notes, never hidden, and the verdict becomes
 * "simulated-deny" unless both say allowed (the simulator sees SCPs and the live policies; the offline
 * evaluator sees the exact request context).
 */
export function reconcileSimulation(proposal: Proposal, decision: SimulationDecision): Proposal {
  const offline = proposal.validated;
  // A placeholder resource or an unsettled context: the simulator cannot settle either.
  if (offline === 'needs-input' || offline === 'unknown-context') return proposal;
  // STS role actions: the simulator sees the caller's identity policies, not the role's trust policy.
  const trustSide = proposal.noteDetails?.some((n) => n.code === 'trust-policy-unavailable') || (proposal.alsoNeeded?.length ?? 0) > 0;
  if (trustSide && (offline === 'not-validated' || decision === 'allowed')) return appendNotes(proposal, [note('simulation-identity-side-only', { decision })]);
  const simAllows = decision === 'allowed';
  const checked: Proposal['checkedBy'] = offline === 'not-validated' ? ['iam-simulator'] : ['offline-evaluator', 'iam-simulator'];
  return reconcileWith({ ...proposal, checkedBy: checked }, offline, simAllows, decision);
}

function reconcileWith(proposal: Proposal, offline: Proposal['validated'], simAllows: boolean, decision: SimulationDecision): Proposal {
  if (offline === 'simulated-allow' && simAllows) return appendNotes(proposal, [note('simulation-confirms')]);
  if (offline === 'simulated-deny' && !simAllows) return appendNotes(proposal, [note('simulation-agrees-denied', { decision })]);
  if (offline === 'not-validated') {
    return appendNotes({ ...proposal, validated: simAllows ? 'simulated-allow' : 'simulated-deny' }, [
      simAllows ? note('simulation-allows-unchecked') : note('simulation-denies-unchecked', { decision }),
    ]);
  }
  return appendNotes({ ...proposal, validated: 'simulated-deny' }, [
    offline === 'simulated-allow' ? note('simulation-disagrees-denies', { decision }) : note('simulation-disagrees-allows'),
  ]);
}
