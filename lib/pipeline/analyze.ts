import type { Denial, Proposal } from '../denial/types';
import { decodeRecord, type DenialOutcome } from '../cloudtrail/decode';
import { withResolvedProfile } from '../bedrock/resolve';
import type { ProfileResolver } from '../bedrock/ports';
import type { PolicySimulator, PolicySource, PrincipalPolicies, RoleTrustPolicy, SimulationDecision } from '../policy/ports';
import { isBothSidesDenial } from '../policy/propose/both-sides';
import { proposeFix } from '../policy/propose/propose';
import type { ProposalMemo } from '../policy/propose/proposal-memo';
import { combineDecisions, reconcileSimulation, simulationRequestsFor } from '../policy/propose/simulation';
import { appendNotes, note, type ProposalNote } from '../policy/propose/notes';
import type { ActionCatalog } from '../policy/catalog/action-catalog';
import { describeError } from '../errors';

/** The optional enrichers: each one is skipped when absent, and a failure of one is a note, never a lost denial. */
export interface AnalyzeDeps {
  policySource?: PolicySource | null;
  profileResolver?: ProfileResolver | null;
  simulator?: PolicySimulator | null;
  /**
   * Loads action → resource types → ARN formats for actions outside the bundled extract (Bedrock,
   * Marketplace, STS), so that proposals name exact ARNs. Absent, other services get a scoped
   * `arn:<partition>:<service>:<region>:<account>:*` pattern with a note, never `"*"`.
   */
  loadCatalog?: ((actions: string[]) => Promise<ActionCatalog>) | null;
  /** Proposes once per identical problem (a storm is one proposal); absent, every record is proposed afresh. */
  proposals?: ProposalMemo | null;
}

/** For an STS role action: the target role's trust policy, when the policy source can read it (a failure is a note). */
async function readRoleTrust(denial: Denial, source: PolicySource | null | undefined, notes: ProposalNote[]): Promise<RoleTrustPolicy | null> {
  if (!source?.getRoleTrustPolicy || !denial.resource || !isBothSidesDenial(denial)) return null;
  try {
    return await source.getRoleTrustPolicy(denial.resource);
  } catch (err) {
    notes.push(note('trust-policy-read-failed', { error: describeError(err) }));
    return null;
  }
}

/**
 * decode → (resolve the inference profile) → (read current policies) → propose → (simulate):
 * the analysis both `explain` and the pipeline run. Only the decode step can reject a record;
 * IAM, Bedrock or simulator failures (throttling, the auditor's own AccessDenied) end up in the
 * proposal's notes with `validated: "not-validated"`, so the incident is still stored and alerted.
 */
export async function analyzeRecord(record: unknown, deps: AnalyzeDeps = {}): Promise<DenialOutcome> {
  const decoded = decodeRecord(record);
  if (decoded.kind !== 'denial') return decoded;
  let denial = decoded.denial;
  const notes: ProposalNote[] = [];

  const profile = denial.model?.inferenceProfile;
  if (deps.profileResolver && profile) {
    const idOrArn = profile.arn ?? profile.id;
    if (idOrArn) {
      try {
        const resolved = await deps.profileResolver.resolve(idOrArn, denial.callRegion);
        if (resolved) denial = withResolvedProfile(denial, resolved);
      } catch (err) {
        notes.push(note('profile-read-failed', { error: describeError(err) }));
      }
    }
  }

  let policies: PrincipalPolicies | null = null;
  let policiesUnreadable = false;
  if (deps.policySource) {
    try {
      policies = await deps.policySource.getPrincipalPolicies(denial.principal);
    } catch (err) {
      policiesUnreadable = true;
      notes.push(note('policies-read-failed', { error: describeError(err) }));
    }
  }

  let catalog: ActionCatalog | undefined;
  if (deps.loadCatalog) {
    try {
      catalog = await deps.loadCatalog([denial.action, ...(denial.relatedActions ?? [])]);
    } catch (err) {
      notes.push(note('action-data-failed', { error: describeError(err) }));
    }
  }

  const roleTrust = await readRoleTrust(denial, deps.policySource, notes);
  const options = { ...(catalog ? { catalog } : {}), ...(roleTrust ? { roleTrust } : {}) };
  let proposal: Proposal = deps.proposals ? deps.proposals.propose(denial, policies, options) : proposeFix(denial, policies, options);
  if (policiesUnreadable) proposal = { ...proposal, validated: 'not-validated' };

  if (deps.simulator && policies && !policiesUnreadable) {
    // A profile call is several evaluations (the profile, then the model in each destination region): all must allow.
    const requests = simulationRequestsFor(denial, proposal, policies);
    if (requests.length > 0) {
      try {
        // One at a time: IAM throttles SimulatePrincipalPolicy bursts.
        const decisions: SimulationDecision[] = [];
        for (const request of requests) decisions.push(await deps.simulator.simulate(request));
        proposal = reconcileSimulation(proposal, combineDecisions(decisions));
      } catch (err) {
        notes.push(note('simulation-failed', { error: describeError(err) }));
      }
    }
  }

  if (notes.length > 0) proposal = appendNotes(proposal, notes);
  return { kind: 'denial', denial: { ...denial, proposal } };
}
