import type { Denial, Principal } from '../../denial/types';
import { BUNDLED_ACTION_CATALOG, combineCatalogs, type ActionCatalog } from '../catalog/action-catalog';
import { parseArn, partitionOf } from '../../aws/arn';
import type { PlanContext } from './grant-plan';
import type { RoleTrustPolicy } from '../ports';

/** Options of `proposeFix`. */
export interface ProposeOptions {
  /** Account used in ARNs when the denial carries none. */
  accountId?: string;
  /** Extra action facts (from `loadActionCatalog`), consulted before the bundled catalog. */
  catalog?: ActionCatalog;
  /** Partition when neither the resource nor the principal ARN tells (default `aws`). */
  partition?: string;
  /**
   * For STS role actions (`sts:AssumeRole`, ...): the target role's trust policy, read beforehand.
   * Null or absent: not available, so the trust side is not checked and the call is never called an allow.
   */
  roleTrust?: RoleTrustPolicy | null;
}

export interface ProposeContext extends PlanContext {
  denial: Denial;
}

const SSO_ROLE = /^AWSReservedSSO_(.+)_[0-9a-f]+$/;

/** Role name from `roleName`, the role ARN, or the STS assumed-role ARN. */
export function roleNameOf(principal: Principal): string | undefined {
  if (principal.roleName) return principal.roleName;
  const fromArn = (arn: string | undefined | null) => {
    const parsed = arn ? parseArn(arn) : null;
    if (!parsed) return undefined;
    if (parsed.service === 'iam' && parsed.resource.startsWith('role/')) return parsed.resource.split('/').pop();
    if (parsed.service === 'sts' && parsed.resource.startsWith('assumed-role/')) return parsed.resource.split('/')[1];
    return undefined;
  };
  return fromArn(principal.roleArn) ?? fromArn(principal.arn);
}

export function userNameOf(principal: Principal): string | undefined {
  if (principal.userName) return principal.userName;
  const parsed = principal.arn ? parseArn(principal.arn) : null;
  if (parsed?.service === 'iam' && parsed.resource.startsWith('user/')) return parsed.resource.split('/').pop();
  return undefined;
}

export function isRolePrincipal(principal: Principal): boolean {
  return principal.type === 'AssumedRole' || principal.roleArn !== undefined || roleNameOf(principal) !== undefined;
}

export function isSsoPrincipal(principal: Principal): boolean {
  const name = roleNameOf(principal);
  return principal.managedBy === 'sso' || (principal.roleArn ?? '').includes('/aws-reserved/sso.amazonaws.com/') || (name !== undefined && SSO_ROLE.test(name));
}

export function permissionSetNameOf(principal: Principal): string | undefined {
  if (principal.permissionSetName) return principal.permissionSetName;
  const name = roleNameOf(principal);
  return name ? SSO_ROLE.exec(name)?.[1] : undefined;
}

export function isServiceLinked(principal: Principal): boolean {
  return principal.managedBy === 'service-linked' || (principal.roleArn ?? '').includes(':role/aws-service-role/');
}

export function isRoot(principal: Principal): boolean {
  return principal.managedBy === 'root' || principal.type === 'Root';
}

/** The ARN IAM uses as `aws:PrincipalArn`: the role ARN (with path) for sessions, else the caller ARN. */
export function principalArnOf(principal: Principal): string | null {
  if (principal.roleArn) return principal.roleArn;
  // An STS session ARN is never aws:PrincipalArn (IAM uses the role ARN, with its path): unknown instead.
  const parsed = principal.arn ? parseArn(principal.arn) : null;
  if (parsed?.service === 'sts' && parsed.resource.startsWith('assumed-role/')) return null;
  return principal.arn ?? null;
}

export function buildProposeContext(denial: Denial, options: ProposeOptions): ProposeContext {
  const principal = denial.principal;
  const partition = options.partition ?? partitionOf(denial.resource) ?? partitionOf(principal.roleArn) ?? partitionOf(principal.arn) ?? 'aws';
  const accountId = denial.accountId ?? principal.accountId ?? options.accountId ?? '<ACCOUNT_ID>';
  return {
    denial,
    partition,
    accountId,
    catalog: options.catalog ? combineCatalogs(options.catalog, BUNDLED_ACTION_CATALOG) : BUNDLED_ACTION_CATALOG,
    principalArn: principalArnOf(principal),
    principalAccount: principal.accountId ?? denial.accountId,
    ...(denial.requestContext
      ? { recordContext: { values: denial.requestContext.values, determined: new Set(denial.requestContext.determined.map((k) => k.toLowerCase())) } }
      : {}),
  };
}
