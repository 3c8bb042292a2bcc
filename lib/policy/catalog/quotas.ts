import type { NamedPolicy } from '../ports';
import { policySize } from '../iam/document';

/** IAM policy size quotas in characters, whitespace not counted (aws-facts 8.1). */
export const POLICY_QUOTAS = {
  roleInlineTotal: 10_240,
  userInlineTotal: 2_048,
  groupInlineTotal: 5_120,
  managed: 6_144,
  permissionSetInline: 32_768,
} as const;

/** Default number of managed policies that can be attached to one role or user. */
export const MANAGED_POLICIES_PER_PRINCIPAL = 10;

export interface QuotaExcess {
  what: string;
  size: number;
  limit: number;
}

/**
 * Checks the quota that an edited or added policy counts against. `policies` is the principal's
 * identity policy list after the change; `changed` is the policy that changed in it.
 */
export function quotaExcess(principalKind: 'role' | 'user' | 'permission-set', policies: NamedPolicy[], changed: NamedPolicy): QuotaExcess | null {
  if (principalKind === 'permission-set') {
    const size = policySize(changed.document);
    return size > POLICY_QUOTAS.permissionSetInline ? { what: 'the permission set inline policy', size, limit: POLICY_QUOTAS.permissionSetInline } : null;
  }
  if (changed.kind === 'managed') {
    const size = policySize(changed.document);
    return size > POLICY_QUOTAS.managed ? { what: `managed policy ${changed.name}`, size, limit: POLICY_QUOTAS.managed } : null;
  }
  if (changed.viaGroup !== undefined) {
    const size = policies.filter((p) => p.kind === 'inline' && p.viaGroup === changed.viaGroup).reduce((n, p) => n + policySize(p.document), 0);
    return size > POLICY_QUOTAS.groupInlineTotal
      ? { what: `the inline policies of group ${changed.viaGroup}`, size, limit: POLICY_QUOTAS.groupInlineTotal }
      : null;
  }
  const size = policies.filter((p) => p.kind === 'inline' && p.viaGroup === undefined).reduce((n, p) => n + policySize(p.document), 0);
  const limit = principalKind === 'role' ? POLICY_QUOTAS.roleInlineTotal : POLICY_QUOTAS.userInlineTotal;
  return size > limit ? { what: `the inline policies of the ${principalKind}`, size, limit } : null;
}
