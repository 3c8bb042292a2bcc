import { DescribePermissionSetCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import type { PermissionSetNamer } from '../change/ports';

/**
 * Names permission sets with `sso:DescribePermissionSet` (read-only), cached for the container's life:
 * a permission set's name never changes. Its roles in the accounts are `AWSReservedSSO_<name>_<suffix>`.
 * Without an instance ARN (not in the record) the set cannot be described: null.
 */
export class SsoPermissionSetNamer implements PermissionSetNamer {
  private readonly names = new Map<string, Promise<string | null>>();

  constructor(private readonly client: SSOAdminClient = new SSOAdminClient({})) {}

  permissionSetName(permissionSetArn: string, instanceArn?: string): Promise<string | null> {
    if (!instanceArn) return Promise.resolve(null);
    const key = `${instanceArn}|${permissionSetArn}`;
    let name = this.names.get(key);
    if (!name) {
      name = this.client
        .send(new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: permissionSetArn }))
        .then((out) => out.PermissionSet?.Name ?? null);
      // A failed read is not remembered: the next change event asks again.
      name.catch(() => this.names.delete(key));
      this.names.set(key, name);
    }
    return name;
  }
}
