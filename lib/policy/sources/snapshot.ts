import { isObject, type JsonObject } from '../../aws/json';
import type { PolicyDocument, Principal } from '../../denial/types';
import { lastPathSegment, parseArn } from '../../aws/arn';
import { StringCache } from '../../aws/string-cache';
import { normalizePolicyDocument } from '../iam/document';
import { PolicyDocumentError, SnapshotParseError } from '../errors';
import type { NamedPolicy, PrincipalPolicies, RoleTrustPolicy } from '../ports';
import type { ChangeAwarePolicySource, ManagedPolicyVersion } from '../change/ports';
import type { PolicyChange } from '../change/types';
import { applyChangeToSnapshot, managedPolicyFromSnapshot } from './snapshot-changes';

/** A managed policy with the document of its default version. */
export interface SnapshotManagedPolicy {
  name: string;
  arn: string;
  versionId?: string;
  document: PolicyDocument;
  /** Every version the snapshot lists, by version ID (a later `SetDefaultPolicyVersion` picks one). */
  versions?: Map<string, PolicyDocument>;
}

export interface InlinePolicy {
  name: string;
  document: PolicyDocument;
}

export interface AttachedRef {
  name: string;
  arn: string;
}

export interface SnapshotRole {
  name: string;
  arn: string;
  path: string;
  account: string;
  inline: InlinePolicy[];
  attached: AttachedRef[];
  boundaryArn?: string;
  /** Roles only: the trust policy (`AssumeRolePolicyDocument`). */
  trust?: PolicyDocument;
}

export interface SnapshotUser extends SnapshotRole {
  groups: string[];
  /** The user's tags (`Tags: [{Key, Value}]`): `aws:PrincipalTag/*` for its long-term credentials. */
  tags?: Record<string, string>;
}

export interface SnapshotGroup {
  name: string;
  account: string;
  inline: InlinePolicy[];
  attached: AttachedRef[];
}

/** Parsed `aws iam get-account-authorization-details` output, of one or several accounts. */
export interface PolicySnapshot {
  roles: SnapshotRole[];
  users: SnapshotUser[];
  groups: SnapshotGroup[];
  /** Managed policies by ARN. */
  policies: Map<string, SnapshotManagedPolicy>;
}

type Json = JsonObject;

/** `Tags: [{Key, Value}]` as a map; entries that are not string pairs are skipped. */
function tagsOf(obj: Json): Record<string, string> {
  const out: Record<string, string> = {};
  const tags = obj.Tags;
  if (!Array.isArray(tags)) return out;
  for (const t of tags) if (isObject(t) && typeof t.Key === 'string' && typeof t.Value === 'string') out[t.Key] = t.Value;
  return out;
}

function list(obj: Json, key: string, label: string): Json[] {
  const value = obj[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(isObject)) throw new SnapshotParseError(`${label}: ${key} must be a list of objects`);
  return value;
}

function text(obj: Json, key: string, label: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value === '') throw new SnapshotParseError(`${label}: ${key} is missing`);
  return value;
}

function document(raw: unknown, label: string): PolicyDocument {
  try {
    return normalizePolicyDocument(raw, label);
  } catch (cause) {
    if (cause instanceof PolicyDocumentError) throw new SnapshotParseError(cause.message, { cause });
    throw cause;
  }
}

function inlineList(obj: Json, key: string, label: string): InlinePolicy[] {
  return list(obj, key, label).map((p, i) => {
    const name = text(p, 'PolicyName', `${label} ${key}[${i}]`);
    return { name, document: document(p.PolicyDocument, `${label} inline policy ${name}`) };
  });
}

function attachedList(obj: Json, label: string): AttachedRef[] {
  return list(obj, 'AttachedManagedPolicies', label).map((p, i) => ({
    name: text(p, 'PolicyName', `${label} AttachedManagedPolicies[${i}]`),
    arn: text(p, 'PolicyArn', `${label} AttachedManagedPolicies[${i}]`),
  }));
}

function boundaryOf(obj: Json): string | undefined {
  const b = obj.PermissionsBoundary;
  return isObject(b) && typeof b.PermissionsBoundaryArn === 'string' ? b.PermissionsBoundaryArn : undefined;
}

function accountOf(arn: string, label: string): string {
  const account = parseArn(arn)?.account;
  if (!account) throw new SnapshotParseError(`${label}: ${arn} is not an IAM ARN`);
  return account;
}

function parseOne(input: unknown, label: string, into: PolicySnapshot): void {
  if (!isObject(input)) throw new SnapshotParseError(`${label}: expected the JSON object printed by aws iam get-account-authorization-details`);
  const known = ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'];
  if (!known.some((k) => k in input)) {
    throw new SnapshotParseError(`${label}: none of ${known.join(', ')} found; is this get-account-authorization-details output?`);
  }
  for (const [i, r] of list(input, 'RoleDetailList', label).entries()) {
    const where = `${label} RoleDetailList[${i}]`;
    const arn = text(r, 'Arn', where);
    const name = text(r, 'RoleName', where);
    into.roles.push({
      name,
      arn,
      path: typeof r.Path === 'string' ? r.Path : '/',
      account: accountOf(arn, where),
      inline: inlineList(r, 'RolePolicyList', `role ${name}`),
      attached: attachedList(r, `role ${name}`),
      ...(boundaryOf(r) ? { boundaryArn: boundaryOf(r) } : {}),
      ...(r.AssumeRolePolicyDocument !== undefined && r.AssumeRolePolicyDocument !== null
        ? { trust: document(r.AssumeRolePolicyDocument, `role ${name} trust policy`) }
        : {}),
    });
  }
  for (const [i, u] of list(input, 'UserDetailList', label).entries()) {
    const where = `${label} UserDetailList[${i}]`;
    const arn = text(u, 'Arn', where);
    const name = text(u, 'UserName', where);
    const groups = Array.isArray(u.GroupList) ? u.GroupList.filter((g): g is string => typeof g === 'string') : [];
    into.users.push({
      name,
      arn,
      path: typeof u.Path === 'string' ? u.Path : '/',
      account: accountOf(arn, where),
      inline: inlineList(u, 'UserPolicyList', `user ${name}`),
      attached: attachedList(u, `user ${name}`),
      groups,
      ...(boundaryOf(u) ? { boundaryArn: boundaryOf(u) } : {}),
      tags: tagsOf(u),
    });
  }
  for (const [i, g] of list(input, 'GroupDetailList', label).entries()) {
    const where = `${label} GroupDetailList[${i}]`;
    const name = text(g, 'GroupName', where);
    const account = typeof g.Arn === 'string' ? accountOf(g.Arn, where) : '';
    into.groups.push({ name, account, inline: inlineList(g, 'GroupPolicyList', `group ${name}`), attached: attachedList(g, `group ${name}`) });
  }
  for (const [i, p] of list(input, 'Policies', label).entries()) {
    const where = `${label} Policies[${i}]`;
    const arn = text(p, 'Arn', where);
    const name = text(p, 'PolicyName', where);
    const versions = list(p, 'PolicyVersionList', where);
    const defaultId = typeof p.DefaultVersionId === 'string' ? p.DefaultVersionId : undefined;
    const version = versions.find((v) => v.IsDefaultVersion === true) ?? versions.find((v) => v.VersionId === defaultId);
    if (!version) throw new SnapshotParseError(`${where}: policy ${name} has no default version in PolicyVersionList`);
    const versionId = typeof version.VersionId === 'string' ? version.VersionId : defaultId;
    const versionDocs = new Map<string, PolicyDocument>();
    for (const v of versions) {
      if (typeof v.VersionId === 'string' && v.Document !== undefined && v.Document !== null) {
        versionDocs.set(v.VersionId, document(v.Document, `managed policy ${name} version ${v.VersionId}`));
      }
    }
    into.policies.set(arn, {
      name,
      arn,
      ...(versionId ? { versionId } : {}),
      document: document(version.Document, `managed policy ${name}`),
      versions: versionDocs,
    });
  }
}

/**
 * Parses one or several `get-account-authorization-details` outputs (one per account is normal).
 * Documents may be URL-encoded strings (SDK output) or objects (CLI output).
 * @throws SnapshotParseError naming the file (label) and element that is wrong.
 */
export function parseAuthorizationDetails(inputs: unknown | unknown[], labels: string[] = []): PolicySnapshot {
  const snapshot: PolicySnapshot = { roles: [], users: [], groups: [], policies: new Map() };
  const all = Array.isArray(inputs) ? inputs : [inputs];
  all.forEach((input, i) => parseOne(input, labels[i] ?? `snapshot ${i + 1}`, snapshot));
  return snapshot;
}

function managed(snapshot: PolicySnapshot, ref: AttachedRef, viaGroup?: string): NamedPolicy | null {
  const policy = snapshot.policies.get(ref.arn);
  if (!policy) return null;
  return {
    kind: 'managed',
    name: policy.name,
    arn: policy.arn,
    ...(policy.versionId ? { versionId: policy.versionId } : {}),
    ...(viaGroup !== undefined ? { viaGroup } : {}),
    document: policy.document,
  };
}

function collect(snapshot: PolicySnapshot, owner: SnapshotRole, kind: 'role' | 'user', groups: SnapshotGroup[]): PrincipalPolicies {
  const identity: NamedPolicy[] = [];
  const unresolved: Array<{ name: string; arn: string }> = [];
  const addManaged = (ref: AttachedRef, viaGroup?: string) => {
    const p = managed(snapshot, ref, viaGroup);
    if (p) identity.push(p);
    else unresolved.push(ref);
  };
  for (const p of owner.inline) identity.push({ kind: 'inline', name: p.name, document: p.document });
  for (const ref of owner.attached) addManaged(ref);
  for (const g of groups) {
    for (const p of g.inline) identity.push({ kind: 'inline', name: p.name, viaGroup: g.name, document: p.document });
    for (const ref of g.attached) addManaged(ref, g.name);
  }
  let permissionsBoundary: NamedPolicy | undefined;
  if (owner.boundaryArn) {
    const b = managed(snapshot, { name: lastPathSegment(owner.boundaryArn), arn: owner.boundaryArn });
    if (b) permissionsBoundary = b;
    else unresolved.push({ name: lastPathSegment(owner.boundaryArn), arn: owner.boundaryArn });
  }
  return {
    arn: owner.arn,
    kind,
    name: owner.name,
    path: owner.path,
    identityPolicies: identity,
    ...(permissionsBoundary ? { permissionsBoundary } : {}),
    ...(unresolved.length ? { unresolvedPolicies: unresolved } : {}),
    ...('tags' in owner && owner.tags ? { userTags: owner.tags as Record<string, string> } : {}),
    source: 'snapshot',
  };
}

/** The role ARN, else the role name + account from the STS assumed-role ARN. */
function roleKey(principal: Principal): { arn?: string; name?: string; account?: string } {
  const name = principal.roleName;
  if (principal.roleArn) return { arn: principal.roleArn, name: name ?? lastPathSegment(principal.roleArn), account: parseArn(principal.roleArn)?.account };
  const sts = principal.arn ? parseArn(principal.arn) : null;
  if (sts?.service === 'sts' && sts.resource.startsWith('assumed-role/')) {
    return { name: name ?? sts.resource.split('/')[1], account: sts.account };
  }
  return name ? { name, ...(principal.accountId ? { account: principal.accountId } : {}) } : {};
}

function uniqueBy<T extends { name: string; account: string }>(items: T[], name?: string, account?: string | null): T | undefined {
  if (!name) return undefined;
  const hits = items.filter((i) => i.name === name && (!account || i.account === account));
  return hits.length === 1 ? hits[0] : undefined;
}

/** Resolves a principal in a snapshot; null for root, AWS services, federated users and unknown principals. */
export function principalPoliciesFromSnapshot(snapshot: PolicySnapshot, principal: Principal): PrincipalPolicies | null {
  if (principal.managedBy === 'root' || principal.type === 'Root' || principal.type === 'AWSService') return null;
  const isUser = principal.type === 'IAMUser' || (principal.arn ?? '').includes(':user/');
  if (isUser) {
    const user =
      snapshot.users.find((u) => u.arn === principal.arn) ??
      uniqueBy(
        snapshot.users,
        principal.userName ?? (principal.arn ? lastPathSegment(principal.arn) : undefined),
        principal.accountId ?? parseArn(principal.arn ?? '')?.account,
      );
    if (!user) return null;
    const groups = user.groups
      .map((g) => snapshot.groups.find((x) => x.name === g && (x.account === '' || x.account === user.account)))
      .filter((g): g is SnapshotGroup => g !== undefined);
    return collect(snapshot, user, 'user', groups);
  }
  const key = roleKey(principal);
  if (!key.arn && !key.name) return null;
  // The STS ARN has no path, so a path-less ARN or a bare name falls back to name + account when unique.
  const role = (key.arn ? snapshot.roles.find((r) => r.arn === key.arn) : undefined) ?? uniqueBy(snapshot.roles, key.name, key.account);
  return role ? collect(snapshot, role, 'role', []) : null;
}

/**
 * The trust policy of a role, by role ARN: the exact ARN (with path), else the role name and account
 * when unique (an ARN written without the role's path). Roles of every loaded snapshot are searched,
 * so a role of another account is found when its account's snapshot is loaded too.
 */
export function roleTrustFromSnapshot(snapshot: PolicySnapshot, roleArn: string): RoleTrustPolicy | null {
  const parsed = parseArn(roleArn);
  if (parsed?.service !== 'iam' || !parsed.resource.startsWith('role/')) return null;
  const role = snapshot.roles.find((r) => r.arn === roleArn) ?? uniqueBy(snapshot.roles, lastPathSegment(roleArn), parsed.account);
  if (!role?.trust) return null;
  return { roleArn: role.arn, account: role.account, document: role.trust, source: 'snapshot' };
}

/**
 * A {@link PolicySource} over `--policies` snapshot files (already parsed JSON). It follows policy
 * changes: `replay` applies each change record to the loaded snapshot in input order.
 */
export class SnapshotPolicySource implements ChangeAwarePolicySource {
  constructor(private readonly snapshot: PolicySnapshot) {}

  /** Parses the given file contents; see {@link parseAuthorizationDetails}. */
  static fromSnapshots(inputs: unknown[], labels?: string[]): SnapshotPolicySource {
    return new SnapshotPolicySource(parseAuthorizationDetails(inputs, labels));
  }

  /** One result object per principal: the snapshot never changes, and callers (the proposal memo) key on the object. */
  private readonly resolved = new Map<string, PrincipalPolicies | null>();

  async getPrincipalPolicies(principal: Principal): Promise<PrincipalPolicies | null> {
    const key = JSON.stringify([
      principal.type,
      principal.managedBy,
      principal.accountId,
      principal.roleArn ?? null,
      principal.roleName ?? null,
      principal.userName ?? null,
      principal.roleArn ? null : principal.arn,
    ]);
    if (!this.resolved.has(key)) this.resolved.set(key, principalPoliciesFromSnapshot(this.snapshot, principal));
    return this.resolved.get(key) ?? null;
  }

  async getRoleTrustPolicy(roleArn: string): Promise<RoleTrustPolicy | null> {
    return this.trusts.get(roleArn);
  }

  /** Applies the change to the snapshot; the principals it resolved are resolved again. */
  async applyChange(change: PolicyChange): Promise<void> {
    if (applyChangeToSnapshot(this.snapshot, change)) {
      this.resolved.clear();
      // Trust policies are not among the changes followed today; dropping their cache keeps it right if they are.
      this.trusts = this.newTrustCache();
    }
  }

  async getManagedPolicy(arn: string, versionId?: string): Promise<ManagedPolicyVersion | null> {
    return managedPolicyFromSnapshot(this.snapshot, arn, versionId);
  }

  /** Each role ARN is looked up once (a search through every role of the snapshot); bounded, since the ARNs come from records. */
  private trusts = this.newTrustCache();

  private newTrustCache(): StringCache<RoleTrustPolicy | null> {
    return new StringCache<RoleTrustPolicy | null>(4096, (roleArn) => roleTrustFromSnapshot(this.snapshot, roleArn));
  }
}
