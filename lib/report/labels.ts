import { principalDisplayName } from '../denial/principal-name';
import type { Principal, Proposal } from '../denial/types';
import type { Incident } from '../incidents/types';
import type { ProposalSummary } from './types';
import { isReady, readinessFacts } from '../denial/readiness';

/**
 * The name people know a principal by, the same as in alerts: the permission set for Identity Center
 * roles (their role names carry a random suffix), else the role, user, ARN tail or calling service.
 * Not escaped: renderers escape for their medium.
 */
export function principalLabel(principal: Principal): string {
  return principalDisplayName(principal);
}

/** Groups principals: the role ARN (stable across sessions), else the caller ARN, else type and name. */
export function principalKey(principal: Principal): string {
  return principal.roleArn ?? principal.arn ?? `${principal.type}:${principalLabel(principal)}@${principal.accountId ?? 'unknown'}`;
}

/** The service an action belongs to: the action's prefix, lower-cased (`SNS:Publish` → `sns`). */
export function serviceOf(incident: Pick<Incident, 'action' | 'eventSource'>): string {
  const colon = incident.action.indexOf(':');
  if (colon > 0) return incident.action.slice(0, colon).toLowerCase();
  const source = incident.eventSource.replace(/\.amazonaws\.com$/, '');
  return source === '' ? 'unknown' : source;
}

/** The account an incident belongs to: the record's account, else the principal's, else the first seen. */
export function accountOf(incident: Incident): string | null {
  return incident.latest.accountId ?? incident.principal.accountId ?? incident.accounts[0] ?? null;
}

export function proposalSummary(proposal: Proposal | undefined): ProposalSummary | null {
  return proposal ? readinessFacts(proposal) : null;
}

/** A fix is ready when a proposal exists and {@link isReady} says so (exact, and evaluation allows the call). */
export function isFixReady(proposal: Proposal | undefined): boolean {
  return proposal !== undefined && isReady(readinessFacts(proposal));
}

/** The columns every incident row of the report starts with (open, resolved): who, what, where, which layer. */
export function incidentColumns(incident: Incident) {
  return {
    fingerprint: incident.fingerprint,
    action: incident.action,
    principal: principalLabel(incident.principal),
    accountId: accountOf(incident),
    deniedRegion: incident.deniedRegion,
    layer: incident.reason.layer,
    status: incident.status,
    firstSeen: incident.firstSeen,
  };
}
