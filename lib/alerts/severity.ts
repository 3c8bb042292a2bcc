import type { Incident } from '../incidents/types';

export const SEVERITIES = ['high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Counts from which an incident is at least medium / high whatever its layer. */
export const SEVERITY_COUNTS = { medium: 10, high: 100 } as const;

/**
 * The severity published as the `severity` message attribute (for routing with filter policies).
 * - high: an explicit deny, an SCP or RCP (only an organization administrator can change them), the
 *   root user, or 100 occurrences and more: a guardrail was hit or something is failing at volume.
 * - low: the layer could not be determined and it happened fewer than 10 times: little to act on yet.
 * - medium: everything else, e.g. a missing identity-policy allow or Bedrock model access, which
 *   usually means a feature is broken for its users.
 */
export function severityFor(incident: Pick<Incident, 'reason' | 'count' | 'principal'>): Severity {
  const { reason, count } = incident;
  if (reason.explicit || reason.layer === 'scp' || reason.layer === 'rcp') return 'high';
  if (incident.principal.type === 'Root' || count >= SEVERITY_COUNTS.high) return 'high';
  if (reason.layer === 'unknown' && count < SEVERITY_COUNTS.medium) return 'low';
  return 'medium';
}
