/**
 * The policy-change loop (issue 13): a successful policy change re-validates the open (and acknowledged)
 * incidents of the principals it touches. Fixed → status `fixed` with its resolution and one follow-up;
 * touched but still denied (or unconfirmed) → one follow-up saying why. The decisions are pure
 * (lib/policy/change); this module reads, writes and publishes. The Lambda and `replay` run it.
 */
import type { Incident, Resolution } from '../incidents/types';
import type { FollowUpLedger, IncidentLister, StatusUpdater } from '../incidents/ports';
import type { Notifier } from '../notify/types';
import type { PolicySimulator, PrincipalPolicies, SimulationDecision } from '../policy/ports';
import type { ChangeAwarePolicySource, PermissionSetNamer } from '../policy/change/ports';
import { decodePolicyChange } from '../policy/change/decode';
import { describePolicyChange, type PolicyChange, type PolicyChangeOutcome } from '../policy/change/types';
import { applyChangeToPolicies, documentsFor, iamChangeTouches, mayTouch, type ChangeDocuments } from '../policy/change/apply';
import { checksFor, denialNamesPolicy, finding, revalidateIdentityChange, revalidateScpChange, type Revalidation } from '../policy/change/revalidate';
import { renderFollowUp } from '../notify/alert/follow-up';
import { isExpectedIncident } from '../rules/expected';
import { decide } from '../rules/match';
import type { RuleSet } from '../rules/types';
import { describeError } from '../errors';
import type { PipelineMetric } from './metrics';

export interface PolicyChangeDeps {
  store: IncidentLister & StatusUpdater & FollowUpLedger & { get(fingerprint: string): Promise<Incident | null> };
  notifier: Notifier;
  /** Where the principals' policies come from; without it no identity change can be evaluated. */
  policySource?: ChangeAwarePolicySource | null;
  /** Confirms an offline allow (and settles an unconfirmed SCP fix) with iam:SimulatePrincipalPolicy. */
  simulator?: PolicySimulator | null;
  permissionSets?: PermissionSetNamer | null;
  topicArn?: string;
  showCommand?: (fingerprint: string) => string;
  /** The rules file: a follow-up carries the severity and route attributes its alert had, so it reaches the same subscribers. */
  rules?: RuleSet;
  count?: (metric: PipelineMetric, value?: number) => void;
  clock: () => Date;
}

export interface IncidentRecheck {
  fingerprint: string;
  verdict: 'fixed' | 'still-denied' | 'unconfirmed';
  followUp: 'sent' | 'already-sent';
}

export type PolicyChangeResult =
  Exclude<PolicyChangeOutcome, { kind: 'change' }> | { kind: 'change'; eventId: string; change: PolicyChange; checked: number; touched: IncidentRecheck[] };

/** Statuses a policy change can fix: the incident is still a problem someone may be fixing. */
const RECHECKED_STATUSES = ['open', 'acknowledged'] as const;

function principalKey(incident: Incident): string {
  const p = incident.principal;
  return JSON.stringify([p.type, p.accountId, p.roleArn ?? p.roleName ?? null, p.userName ?? null, p.roleArn ? null : p.arn]);
}

/** Which open incidents the change could touch at all (cheap filter before any read). */
function isCandidate(change: PolicyChange, incident: Incident): boolean {
  // Expected denials are never alerted, not even by a follow-up; they count apart (docs/rules.md).
  if (isExpectedIncident(incident)) return false;
  const op = change.operation;
  if (op.op === 'organizations-policy') return incident.reason.layer === 'scp';
  if (op.op === 'permission-set') return incident.principal.managedBy === 'sso';
  return incident.principal.managedBy !== 'root' && incident.principal.type !== 'AWSService' && mayTouch(change, incident.principal);
}

interface PolicyPair {
  before: PrincipalPolicies | null;
  after: PrincipalPolicies | null;
}

/** Reads each candidate principal's policies before and after the change (once per principal). */
async function policiesAround(change: PolicyChange, candidates: Incident[], deps: PolicyChangeDeps): Promise<Map<string, PolicyPair>> {
  const source = deps.policySource;
  const pairs = new Map<string, PolicyPair>();
  if (!source) return pairs;
  const read = async (incident: Incident) => {
    try {
      return await source.getPrincipalPolicies(incident.principal);
    } catch {
      return null;
    }
  };
  for (const incident of candidates) {
    const key = principalKey(incident);
    if (!pairs.has(key)) pairs.set(key, { before: await read(incident), after: null });
  }
  await source.applyChange(change);
  let docs: ChangeDocuments = new Map();
  try {
    docs = await documentsFor(change, source);
  } catch {
    // A document that cannot be read leaves the policy unresolved: the verdict cannot count on it.
  }
  const done = new Set<string>();
  for (const incident of candidates) {
    const key = principalKey(incident);
    if (done.has(key)) continue;
    done.add(key);
    const after = await read(incident);
    (pairs.get(key) as PolicyPair).after = after ? applyChangeToPolicies(after, change, docs) : null;
  }
  return pairs;
}

/** Whether the change touches this incident (its principal, its permission set, or the SCP that denied it). */
async function touches(change: PolicyChange, incident: Incident, pair: PolicyPair | undefined, deps: PolicyChangeDeps): Promise<boolean> {
  const op = change.operation;
  if (op.op === 'organizations-policy') {
    const account = incident.latest.accountId ?? incident.principal.accountId;
    if (incident.latest.reason.policyArn) return denialNamesPolicy(incident.latest, op.policyId);
    return op.event !== 'UpdatePolicy' && op.targetId === account;
  }
  if (op.op === 'permission-set') {
    // Only provisioning puts a permission set's policies on the accounts' roles.
    if (op.event !== 'ProvisionPermissionSet') return false;
    if (op.targetAccount && op.targetAccount !== incident.principal.accountId) return false;
    const name = deps.permissionSets ? await deps.permissionSets.permissionSetName(op.permissionSetArn, op.instanceArn).catch(() => null) : null;
    return name !== null && name === incident.principal.permissionSetName;
  }
  return iamChangeTouches(change, incident.principal, pair?.before ?? null, pair?.after ?? null);
}

/** Asks IAM's simulator about every evaluation the call needs, with the principal's live policies. */
async function confirm(revalidation: Revalidation, incident: Incident, after: PrincipalPolicies | null, deps: PolicyChangeDeps): Promise<Revalidation> {
  if (!deps.simulator || !after || revalidation.verdict === 'still-denied') return revalidation;
  // An unknown context key: the simulator would read it as absent and could allow what IAM denies.
  const settleable =
    revalidation.verdict === 'allowed' ||
    revalidation.why.every((w) => ['scp-allows-now', 'scp-others-unchecked', 'unresolved-policies', 'policies-disagree'].includes(w.code));
  if (!settleable) return revalidation;
  const decisions: Array<{ check: string; decision: SimulationDecision }> = [];
  try {
    for (const check of checksFor(incident.latest)) {
      const request = {
        policySourceArn: after.arn,
        extraPolicies: [],
        action: check.request.action,
        resource: check.request.resource,
        context: check.request.context,
      };
      decisions.push({ check: check.label, decision: await deps.simulator.simulate(request) });
    }
  } catch (err) {
    const note = finding('simulator-failed', { error: describeError(err) });
    return revalidation.verdict === 'allowed' ? revalidation : { ...revalidation, why: [...revalidation.why, note] };
  }
  const refused = decisions.find((d) => d.decision !== 'allowed');
  if (refused) return { verdict: 'still-denied', why: [finding('simulator-denies', { decision: refused.decision, check: refused.check })] };
  if (revalidation.verdict === 'allowed') return { ...revalidation, checkedBy: ['offline-evaluator', 'iam-simulator'] };
  return {
    verdict: 'allowed',
    scope: revalidation.scope ?? 'other-than-proposal',
    beyondProposal: revalidation.beyondProposal ?? [],
    checkedBy: ['iam-simulator'],
  };
}

function resolutionFor(change: PolicyChange, revalidation: Extract<Revalidation, { verdict: 'allowed' }>): Resolution {
  return {
    kind: 'policy-change',
    eventId: change.eventId,
    at: change.eventTime,
    ...(change.by ? { by: change.by } : {}),
    reason: describePolicyChange(change),
    change: change.eventName,
    scope: revalidation.scope,
    ...(revalidation.beyondProposal.length > 0 ? { beyondProposal: revalidation.beyondProposal } : {}),
    checkedBy: revalidation.checkedBy,
  };
}

/** Marks the incident fixed; true also when a previous delivery of this same change already did. */
async function markFixed(incident: Incident, resolution: Resolution, deps: PolicyChangeDeps): Promise<Incident | null> {
  const from = incident.status;
  if (await deps.store.setStatus(incident.fingerprint, 'fixed', deps.clock(), { from, resolution })) {
    return { ...incident, status: 'fixed', resolution, statusChangedAt: deps.clock().toISOString() };
  }
  const current = await deps.store.get(incident.fingerprint);
  return current?.status === 'fixed' && current.resolution?.eventId === resolution.eventId ? current : null;
}

async function followUp(
  incident: Incident,
  verdict: IncidentRecheck['verdict'],
  change: PolicyChange,
  revalidation: Revalidation,
  deps: PolicyChangeDeps,
): Promise<IncidentRecheck> {
  const now = deps.clock();
  const claimed = await deps.store.claimFollowUp(incident.fingerprint, { eventId: change.eventId, kind: verdict, claimedAt: now.toISOString() });
  if (!claimed) return { fingerprint: incident.fingerprint, verdict, followUp: 'already-sent' };
  const decision = deps.rules ? decide(deps.rules, incident.latest, now) : null;
  const message = renderFollowUp({
    incident,
    ...(decision?.severity ? { severity: decision.severity.value } : {}),
    ...(decision?.route ? { route: decision.route.attributes } : {}),
    kind: verdict,
    change: { eventId: change.eventId, eventName: change.eventName, at: change.eventTime, by: change.by, summary: describePolicyChange(change) },
    why: revalidation.verdict === 'allowed' ? [] : revalidation.why.map((w) => w.text),
    ...(revalidation.verdict === 'still-denied' && revalidation.remaining ? { remaining: revalidation.remaining } : {}),
    ...(deps.topicArn !== undefined ? { topicArn: deps.topicArn } : {}),
    ...(deps.showCommand ? { showCommand: deps.showCommand } : {}),
  });
  await deps.notifier.publish(message);
  await deps.store.completeFollowUp(incident.fingerprint, change.eventId, deps.clock());
  deps.count?.('FollowUpsSent');
  return { fingerprint: incident.fingerprint, verdict, followUp: 'sent' };
}

async function recheck(change: PolicyChange, incident: Incident, pair: PolicyPair | undefined, deps: PolicyChangeDeps): Promise<IncidentRecheck | null> {
  const after = pair?.after ?? null;
  const offline =
    change.operation.op === 'organizations-policy'
      ? revalidateScpChange(incident.latest, change, after, change.operation.document?.Statement)
      : revalidateIdentityChange(incident.latest, incident.proposal, change, pair?.before ?? null, after);
  const revalidation = await confirm(offline, incident, after, deps);
  if (revalidation.verdict !== 'allowed') return followUp(incident, revalidation.verdict, change, revalidation, deps);
  const fixed = await markFixed(incident, resolutionFor(change, revalidation), deps);
  // Another delivery moved it first (a new occurrence reopened it, someone resolved it): nothing to say.
  if (!fixed) return null;
  deps.count?.('IncidentsFixed');
  return followUp(fixed, 'fixed', change, revalidation, deps);
}

/** Runs a decoded change against the open incidents. */
export async function applyPolicyChange(change: PolicyChange, deps: PolicyChangeDeps): Promise<PolicyChangeResult> {
  deps.count?.('PolicyChangesProcessed');
  const open: Incident[] = [];
  for (const status of RECHECKED_STATUSES) open.push(...(await deps.store.list({ status })));
  const candidates = open.filter((incident) => isCandidate(change, incident));
  const identityChange = change.operation.op !== 'organizations-policy' && change.operation.op !== 'permission-set';
  // The source follows every change (a snapshot must see it for later denials), touched or not.
  const pairs = identityChange && candidates.length > 0 ? await policiesAround(change, candidates, deps) : null;
  if (!pairs) await deps.policySource?.applyChange(change);
  const touched: IncidentRecheck[] = [];
  for (const incident of candidates) {
    const pair = pairs?.get(principalKey(incident));
    if (!(await touches(change, incident, pair, deps))) continue;
    const result = await recheck(change, incident, pairs ? pair : await afterOnly(incident, deps), deps);
    if (result) touched.push(result);
  }
  return { kind: 'change', eventId: change.eventId, change, checked: candidates.length, touched };
}

/** For SCP and permission-set changes: the principal's policies as they are now (identity side of the re-check). */
async function afterOnly(incident: Incident, deps: PolicyChangeDeps): Promise<PolicyPair> {
  if (!deps.policySource) return { before: null, after: null };
  try {
    const after = await deps.policySource.getPrincipalPolicies(incident.principal);
    return { before: null, after };
  } catch {
    return { before: null, after: null };
  }
}

/** One CloudTrail record that may be a policy change: decoded, then run against the open incidents. */
export async function processPolicyChange(record: unknown, deps: PolicyChangeDeps): Promise<PolicyChangeResult> {
  const decoded = decodePolicyChange(record);
  if (decoded.kind !== 'change') return decoded;
  return applyPolicyChange(decoded.change, deps);
}
