import type { Proposal } from '../denial/types';
import { decodeRecord, type DenialOutcome } from '../cloudtrail/decode';
import { withResolvedProfile } from '../bedrock/resolve';
import type { ProfileResolver } from '../bedrock/ports';
import type { PolicySimulator, PolicySource, PrincipalPolicies, SimulationDecision } from '../policy/ports';
import { proposeFix } from '../policy/propose';
import { combineDecisions, reconcileSimulation, simulationRequestsFor } from '../policy/simulation';
import type { ActionCatalog } from '../policy/action-catalog';
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
  const notes: string[] = [];

  const profile = denial.model?.inferenceProfile;
  if (deps.profileResolver && profile) {
    const idOrArn = profile.arn ?? profile.id;
    if (idOrArn) {
      try {
        const resolved = await deps.profileResolver.resolve(idOrArn, denial.callRegion);
        if (resolved) denial = withResolvedProfile(denial, resolved);
      } catch (err) {
        notes.push(`The inference profile could not be read live (${describeError(err)}); destination regions come from the built-in table.`);
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
      notes.push(`Current policies could not be read (${describeError(err)}); the proposal is not checked against them.`);
    }
  }

  let catalog: ActionCatalog | undefined;
  if (deps.loadCatalog) {
    try {
      catalog = await deps.loadCatalog([denial.action, ...(denial.relatedActions ?? [])]);
    } catch (err) {
      notes.push(`Action data could not be loaded (${describeError(err)}); resource ARNs use the built-in patterns.`);
    }
  }

  let proposal: Proposal = proposeFix(denial, policies, catalog ? { catalog } : undefined);
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
        notes.push(`iam:SimulatePrincipalPolicy could not confirm the proposal (${describeError(err)}); the offline verdict stands.`);
      }
    }
  }

  if (notes.length > 0) proposal = { ...proposal, notes: [...proposal.notes, ...notes] };
  return { kind: 'denial', denial: { ...denial, proposal } };
}
