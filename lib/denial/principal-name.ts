/**
 * The names a principal goes by in everything people read (alerts, the report, the CLI): one rule, so
 * that an incident is called the same everywhere. Not escaped: each renderer escapes for its medium.
 */
import type { Principal } from './types';
import { parseArn } from '../aws/arn';

/** The name people know the principal by: permission set, role, user, else the ARN's last part. */
export function principalDisplayName(principal: Principal): string {
  return principal.permissionSetName ?? principal.roleName ?? principal.userName ?? arnPrincipalName(principal.arn) ?? principal.invokedBy ?? principal.type;
}

/** The IAM name used for the `principal` attribute (role or user name: what filter policies match). */
export function principalAttributeName(principal: Principal): string {
  return principal.roleName ?? principal.userName ?? arnPrincipalName(principal.arn) ?? principal.invokedBy ?? principal.type;
}

function arnPrincipalName(arn: string | null): string | undefined {
  if (arn === null) return undefined;
  const resource = parseArn(arn)?.resource ?? '';
  if (resource === '') return undefined;
  const parts = resource.split('/');
  if (parts[0] === 'assumed-role' && parts[1] !== undefined) return parts[1];
  return parts[parts.length - 1];
}
