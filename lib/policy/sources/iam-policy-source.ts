import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  paginateListAttachedGroupPolicies,
  paginateListAttachedRolePolicies,
  paginateListAttachedUserPolicies,
  paginateListGroupPolicies,
  paginateListGroupsForUser,
  paginateListRolePolicies,
  paginateListUserPolicies,
  type AttachedPolicy,
} from '@aws-sdk/client-iam';
import type { PolicyDocument, Principal } from '../../denial/types';
import { lastPathSegment, parseArn } from '../../aws/arn';
import { normalizePolicyDocument } from '../iam/document';
import { PolicySourceError } from '../errors';
import type { NamedPolicy, PrincipalPolicies, RoleTrustPolicy } from '../ports';
import type { ChangeAwarePolicySource, ManagedPolicyVersion } from '../change/ports';

export interface IamPolicySourceOptions {
  /** Client for the home account (default: a new IAMClient with adaptive retry). */
  client?: IAMClient;
  /**
   * Client for a principal's account; null or undefined means "use `client`". Use
   * `assumeRoleClientFactory` to read other accounts through a read-only role.
   */
  clientForAccount?: (accountId: string) => Promise<IAMClient | null | undefined>;
  /** How long a principal's policies are reused (IAM throttles hard); default 300 s, 0 disables. */
  cacheTtlSeconds?: number;
  clock?: () => Date;
}

interface CacheEntry {
  expires: number;
  value: Promise<PrincipalPolicies | null>;
}

type Target = { kind: 'role' | 'user'; name: string; account: string | undefined };

function isNoSuchEntity(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'NoSuchEntityException' || (error as { name?: string } | null)?.name === 'NoSuchEntity';
}

function decode(raw: string | undefined, label: string): PolicyDocument {
  if (!raw) throw new PolicySourceError(`${label}: IAM returned no policy document`);
  // IAM returns RFC 3986 URL-encoded documents and SDK v3 does not decode them.
  return normalizePolicyDocument(raw, label);
}

function targetOf(principal: Principal): Target | null {
  if (principal.managedBy === 'root' || principal.type === 'Root' || principal.type === 'AWSService') return null;
  const arn = principal.arn ? parseArn(principal.arn) : null;
  const account = principal.accountId ?? arn?.account ?? undefined;
  if (principal.type === 'IAMUser' || (arn?.service === 'iam' && arn.resource.startsWith('user/'))) {
    const name = principal.userName ?? arn?.resource.split('/').pop();
    return name ? { kind: 'user', name, account } : null;
  }
  const roleName =
    principal.roleName ??
    (principal.roleArn ? lastPathSegment(principal.roleArn) : undefined) ??
    (arn?.service === 'sts' && arn.resource.startsWith('assumed-role/') ? arn.resource.split('/')[1] : undefined);
  const roleAccount = (principal.roleArn ? parseArn(principal.roleArn)?.account : undefined) ?? account;
  return roleName ? { kind: 'role', name: roleName, account: roleAccount } : null;
}

/**
 * Reads a principal's policies live from IAM: inline and attached managed policies (default
 * version), a user's groups, and the permissions boundary. Results are cached per principal for
 * `cacheTtlSeconds`; principals of other accounts are read through `clientForAccount`.
 */
export class IamPolicySource implements ChangeAwarePolicySource {
  private readonly client: IAMClient;
  private readonly ttlMs: number;
  private readonly clock: () => Date;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly trustCache = new Map<string, { expires: number; value: Promise<RoleTrustPolicy | null> }>();

  constructor(private readonly options: IamPolicySourceOptions = {}) {
    this.client = options.client ?? new IAMClient({ maxAttempts: 5, retryMode: 'adaptive' });
    this.ttlMs = (options.cacheTtlSeconds ?? 300) * 1000;
    this.clock = options.clock ?? (() => new Date());
  }

  async getPrincipalPolicies(principal: Principal): Promise<PrincipalPolicies | null> {
    const target = targetOf(principal);
    if (!target) return null;
    const key = `${target.kind}:${target.account ?? ''}:${target.name}`;
    const now = this.clock().getTime();
    const hit = this.cache.get(key);
    if (hit && hit.expires > now) return hit.value;
    const value = this.read(target);
    if (this.ttlMs > 0) {
      this.cache.set(key, { expires: now + this.ttlMs, value });
      // A failed read is not cached: the next event retries.
      value.catch(() => this.cache.delete(key));
    }
    return value;
  }

  /**
   * The trust policy of a role, read with iam:GetRole in the role's account (through `clientForAccount`,
   * like principals of other accounts); null when the role does not exist. Cached like principals.
   */
  async getRoleTrustPolicy(roleArn: string): Promise<RoleTrustPolicy | null> {
    const parsed = parseArn(roleArn);
    if (parsed?.service !== 'iam' || !parsed.resource.startsWith('role/')) return null;
    const key = `trust:${roleArn}`;
    const now = this.clock().getTime();
    const hit = this.trustCache.get(key);
    if (hit && hit.expires > now) return hit.value;
    const value = this.readTrust(roleArn, lastPathSegment(roleArn), parsed.account || undefined);
    if (this.ttlMs > 0) {
      this.trustCache.set(key, { expires: now + this.ttlMs, value });
      value.catch(() => this.trustCache.delete(key));
    }
    return value;
  }

  /** A policy change happened: what was cached may be out of date, so the next reads go to IAM. */
  async applyChange(): Promise<void> {
    this.cache.clear();
    this.trustCache.clear();
  }

  /**
   * A managed policy's document, at `versionId` or its default version, read in the policy's account
   * (AWS-managed policies with the home client); null when the policy or version does not exist.
   */
  async getManagedPolicy(arn: string, versionId?: string): Promise<ManagedPolicyVersion | null> {
    const account = parseArn(arn)?.account;
    const client = await this.clientFor(account && /^\d{12}$/.test(account) ? account : undefined);
    try {
      const policy = await client.send(new GetPolicyCommand({ PolicyArn: arn }));
      const version = versionId ?? policy.Policy?.DefaultVersionId;
      if (!version) return null;
      const read = await client.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: version }));
      const name = policy.Policy?.PolicyName ?? lastPathSegment(arn);
      return { arn, name, versionId: version, document: decode(read.PolicyVersion?.Document, `managed policy ${name} version ${version}`) };
    } catch (error) {
      if (isNoSuchEntity(error)) return null;
      if (error instanceof PolicySourceError) throw error;
      throw new PolicySourceError(`cannot read managed policy ${arn}`, { cause: error });
    }
  }

  private async readTrust(roleArn: string, roleName: string, account: string | undefined): Promise<RoleTrustPolicy | null> {
    const client = await this.clientFor(account);
    try {
      const { Role: role } = await client.send(new GetRoleCommand({ RoleName: roleName }));
      if (!role?.Arn || !role.AssumeRolePolicyDocument) return null;
      // Without a client for the role's account the home client answered: a role of the same name there is another role.
      if (account && parseArn(role.Arn)?.account !== account) return null;
      const document = decode(role.AssumeRolePolicyDocument, `trust policy of role ${roleName}`);
      return { roleArn: role.Arn, account: parseArn(role.Arn)?.account ?? account ?? '', document, source: 'iam' };
    } catch (error) {
      if (isNoSuchEntity(error)) return null;
      if (error instanceof PolicySourceError) throw error;
      throw new PolicySourceError(`cannot read the trust policy of role ${roleArn}`, { cause: error });
    }
  }

  private async clientFor(account: string | undefined): Promise<IAMClient> {
    if (!account || !this.options.clientForAccount) return this.client;
    return (await this.options.clientForAccount(account)) ?? this.client;
  }

  private async read(target: Target): Promise<PrincipalPolicies | null> {
    const client = await this.clientFor(target.account);
    try {
      return target.kind === 'role' ? await this.readRole(client, target.name) : await this.readUser(client, target.name);
    } catch (error) {
      if (isNoSuchEntity(error)) return null;
      if (error instanceof PolicySourceError) throw error;
      throw new PolicySourceError(`cannot read the policies of ${target.kind} ${target.name}`, { cause: error });
    }
  }

  private async managed(client: IAMClient, ref: AttachedPolicy, viaGroup?: string): Promise<NamedPolicy> {
    const arn = ref.PolicyArn ?? '';
    const policy = await client.send(new GetPolicyCommand({ PolicyArn: arn }));
    const versionId = policy.Policy?.DefaultVersionId;
    if (!versionId) throw new PolicySourceError(`managed policy ${arn} has no default version`);
    const version = await client.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }));
    const name = ref.PolicyName ?? policy.Policy?.PolicyName ?? lastPathSegment(arn);
    return {
      kind: 'managed',
      name,
      arn,
      versionId,
      ...(viaGroup !== undefined ? { viaGroup } : {}),
      document: decode(version.PolicyVersion?.Document, `managed policy ${name}`),
    };
  }

  private async readRole(client: IAMClient, roleName: string): Promise<PrincipalPolicies> {
    const { Role: role } = await client.send(new GetRoleCommand({ RoleName: roleName }));
    if (!role?.Arn) throw new PolicySourceError(`iam:GetRole returned no role for ${roleName}`);
    const identity: NamedPolicy[] = [];
    for await (const page of paginateListRolePolicies({ client }, { RoleName: roleName })) {
      for (const name of page.PolicyNames ?? []) {
        const r = await client.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
        identity.push({ kind: 'inline', name, document: decode(r.PolicyDocument, `inline policy ${name} of role ${roleName}`) });
      }
    }
    for await (const page of paginateListAttachedRolePolicies({ client }, { RoleName: roleName })) {
      for (const ref of page.AttachedPolicies ?? []) identity.push(await this.managed(client, ref));
    }
    const boundaryArn = role.PermissionsBoundary?.PermissionsBoundaryArn;
    return {
      arn: role.Arn,
      kind: 'role',
      name: role.RoleName ?? roleName,
      path: role.Path ?? '/',
      identityPolicies: identity,
      ...(boundaryArn ? { permissionsBoundary: await this.managed(client, { PolicyArn: boundaryArn }) } : {}),
      source: 'iam',
    };
  }

  private async readUser(client: IAMClient, userName: string): Promise<PrincipalPolicies> {
    const { User: user } = await client.send(new GetUserCommand({ UserName: userName }));
    if (!user?.Arn) throw new PolicySourceError(`iam:GetUser returned no user for ${userName}`);
    const identity: NamedPolicy[] = [];
    for await (const page of paginateListUserPolicies({ client }, { UserName: userName })) {
      for (const name of page.PolicyNames ?? []) {
        const r = await client.send(new GetUserPolicyCommand({ UserName: userName, PolicyName: name }));
        identity.push({ kind: 'inline', name, document: decode(r.PolicyDocument, `inline policy ${name} of user ${userName}`) });
      }
    }
    for await (const page of paginateListAttachedUserPolicies({ client }, { UserName: userName })) {
      for (const ref of page.AttachedPolicies ?? []) identity.push(await this.managed(client, ref));
    }
    for await (const page of paginateListGroupsForUser({ client }, { UserName: userName })) {
      for (const group of page.Groups ?? []) {
        const groupName = group.GroupName;
        if (!groupName) continue;
        for await (const gp of paginateListGroupPolicies({ client }, { GroupName: groupName })) {
          for (const name of gp.PolicyNames ?? []) {
            const r = await client.send(new GetGroupPolicyCommand({ GroupName: groupName, PolicyName: name }));
            identity.push({
              kind: 'inline',
              name,
              viaGroup: groupName,
              document: decode(r.PolicyDocument, `inline policy ${name} of group ${groupName}`),
            });
          }
        }
        for await (const ga of paginateListAttachedGroupPolicies({ client }, { GroupName: groupName })) {
          for (const ref of ga.AttachedPolicies ?? []) identity.push(await this.managed(client, ref, groupName));
        }
      }
    }
    const boundaryArn = user.PermissionsBoundary?.PermissionsBoundaryArn;
    return {
      arn: user.Arn,
      kind: 'user',
      name: user.UserName ?? userName,
      path: user.Path ?? '/',
      identityPolicies: identity,
      ...(boundaryArn ? { permissionsBoundary: await this.managed(client, { PolicyArn: boundaryArn }) } : {}),
      // GetUser returns the user's tags: with long-term credentials they are all of aws:PrincipalTag/*.
      userTags: Object.fromEntries(
        (user.Tags ?? []).filter((t) => t.Key !== undefined && t.Value !== undefined).map((t) => [t.Key as string, t.Value as string]),
      ),
      source: 'iam',
    };
  }
}
