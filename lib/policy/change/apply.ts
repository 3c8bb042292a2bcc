/**
 * Applies a policy change to one principal's policies (pure), and decides which principals a change
 * touches. The documents a record does not carry (attached policies, boundaries, a version made
 * default) are read first by {@link documentsFor}; everything else here is plain data.
 */
import type { Principal } from '../../denial/types';
import { accountOfArn, lastPathSegment } from '../../aws/arn';
import type { NamedPolicy, PrincipalPolicies } from '../ports';
import type { ManagedPolicyReader, ManagedPolicyVersion } from './ports';
import type { IamIdentityRef, PolicyChange, PolicyChangeOperation } from './types';

/** A change to one role's, user's or group's own policies (inline, attached, boundary). */
type IdentityOperation = Extract<PolicyChangeOperation, { identity: IamIdentityRef }>;

/** Whether the operation changes an identity's own policies: the operations that name an `identity`. */
function changesIdentity(op: PolicyChangeOperation): op is IdentityOperation {
  return 'identity' in op;
}

/** Managed documents a change needs, keyed by {@link documentKey}. */
export type ChangeDocuments = ReadonlyMap<string, ManagedPolicyVersion>;

export const documentKey = (arn: string, versionId?: string): string => `${arn}#${versionId ?? 'default'}`;

/** Reads the managed documents the change names but its record does not carry (one or none). */
export async function documentsFor(change: PolicyChange, reader: ManagedPolicyReader): Promise<ChangeDocuments> {
  const op = change.operation;
  const wanted: Array<{ arn: string; versionId?: string }> = [];
  if (op.op === 'attach-managed' || op.op === 'put-boundary') wanted.push({ arn: op.policyArn });
  if (op.op === 'set-default-version') wanted.push({ arn: op.policyArn, versionId: op.versionId });
  const out = new Map<string, ManagedPolicyVersion>();
  for (const w of wanted) {
    const doc = await reader.getManagedPolicy(w.arn, w.versionId);
    if (doc) out.set(documentKey(w.arn, w.versionId), doc);
  }
  return out;
}

function sameIdentity(policies: PrincipalPolicies, ref: IamIdentityRef): boolean {
  return policies.kind === ref.kind && policies.name === ref.name && accountOfArn(policies.arn) === ref.account;
}

function managedEntry(doc: ManagedPolicyVersion, viaGroup?: string): NamedPolicy {
  return {
    kind: 'managed',
    name: doc.name,
    arn: doc.arn,
    ...(doc.versionId ? { versionId: doc.versionId } : {}),
    ...(viaGroup !== undefined ? { viaGroup } : {}),
    document: doc.document,
  };
}

/** The policies seen through a change to one of their holders: the principal itself, or one of its groups. */
function applyToHolder(policies: PrincipalPolicies, change: PolicyChange, docs: ChangeDocuments, viaGroup: string | undefined): PrincipalPolicies {
  const op = change.operation;
  const mine = (p: NamedPolicy) => p.viaGroup === viaGroup;
  const identity = policies.identityPolicies;
  const unresolved = policies.unresolvedPolicies ?? [];
  switch (op.op) {
    case 'put-inline': {
      const kept = identity.filter((p) => !(mine(p) && p.kind === 'inline' && p.name === op.policyName));
      const entry: NamedPolicy = { kind: 'inline', name: op.policyName, ...(viaGroup !== undefined ? { viaGroup } : {}), document: op.document };
      return { ...policies, identityPolicies: [...kept, entry] };
    }
    case 'delete-inline':
      return { ...policies, identityPolicies: identity.filter((p) => !(mine(p) && p.kind === 'inline' && p.name === op.policyName)) };
    case 'attach-managed': {
      if (identity.some((p) => mine(p) && p.arn === op.policyArn)) return policies;
      const doc = docs.get(documentKey(op.policyArn));
      if (doc) return { ...policies, identityPolicies: [...identity, managedEntry(doc, viaGroup)] };
      // Unknown document: listed as unresolved, so that the offline verdict cannot count on it.
      return { ...policies, unresolvedPolicies: [...unresolved, { name: lastPathSegment(op.policyArn), arn: op.policyArn }] };
    }
    case 'detach-managed':
      return {
        ...policies,
        identityPolicies: identity.filter((p) => !(mine(p) && p.arn === op.policyArn)),
        // Unresolved entries do not say which holder has them: the user may keep the policy directly, so a group's detach leaves them.
        ...(policies.unresolvedPolicies && viaGroup === undefined ? { unresolvedPolicies: unresolved.filter((u) => u.arn !== op.policyArn) } : {}),
      };
    case 'put-boundary': {
      if (viaGroup !== undefined) return policies;
      const doc = docs.get(documentKey(op.policyArn));
      const { permissionsBoundary: _old, ...rest } = policies;
      if (doc) return { ...rest, permissionsBoundary: managedEntry(doc) };
      return { ...rest, unresolvedPolicies: [...unresolved, { name: lastPathSegment(op.policyArn), arn: op.policyArn }] };
    }
    case 'delete-boundary': {
      if (viaGroup !== undefined) return policies;
      const { permissionsBoundary: _old, ...rest } = policies;
      return rest;
    }
    default:
      return policies;
  }
}

function replaceManaged(policies: PrincipalPolicies, arn: string, doc: ManagedPolicyVersion | undefined): PrincipalPolicies {
  const swap = (p: NamedPolicy): NamedPolicy =>
    p.kind === 'managed' && p.arn === arn && doc ? { ...p, ...(doc.versionId ? { versionId: doc.versionId } : {}), document: doc.document } : p;
  const boundary = policies.permissionsBoundary;
  return {
    ...policies,
    identityPolicies: policies.identityPolicies.map(swap),
    ...(boundary ? { permissionsBoundary: swap(boundary) } : {}),
  };
}

/**
 * The principal's policies with the change applied: a change to the principal itself, to one of its
 * groups (as far as its policies show the group), to a managed policy it has (identity or boundary), or
 * its removal from a group. Other changes leave them as they are (the source's re-read has them).
 * Idempotent: applying a change the policies already show changes nothing.
 */
export function applyChangeToPolicies(policies: PrincipalPolicies, change: PolicyChange, docs: ChangeDocuments = new Map()): PrincipalPolicies {
  const op = change.operation;
  if (changesIdentity(op)) {
    if (op.identity.kind === 'group') {
      const member = policies.kind === 'user' && accountOfArn(policies.arn) === op.identity.account;
      const showsGroup = policies.identityPolicies.some((p) => p.viaGroup === op.identity.name);
      return member && showsGroup ? applyToHolder(policies, change, docs, op.identity.name) : policies;
    }
    return sameIdentity(policies, op.identity) ? applyToHolder(policies, change, docs, undefined) : policies;
  }
  switch (op.op) {
    case 'new-policy-version':
      if (!op.setAsDefault) return policies;
      return replaceManaged(policies, op.policyArn, {
        arn: op.policyArn,
        name: lastPathSegment(op.policyArn),
        document: op.document,
        ...(op.versionId ? { versionId: op.versionId } : {}),
      });
    case 'set-default-version':
      return replaceManaged(policies, op.policyArn, docs.get(documentKey(op.policyArn, op.versionId)));
    case 'remove-from-group':
      if (!sameIdentity(policies, op.user)) return policies;
      return { ...policies, identityPolicies: policies.identityPolicies.filter((p) => p.viaGroup !== op.group.name) };
    default:
      return policies;
  }
}

/** The IAM role or user name of a principal (roles by their role name, never the session). */
function principalIdentity(principal: Principal): { kind: 'role' | 'user'; name: string } | null {
  if (principal.type === 'IAMUser' && principal.userName) return { kind: 'user', name: principal.userName };
  if (principal.roleName) return { kind: 'role', name: principal.roleName };
  if (principal.roleArn) return { kind: 'role', name: lastPathSegment(principal.roleArn) };
  return null;
}

function accountOf(principal: Principal): string | null {
  return principal.accountId ?? accountOfArn(principal.roleArn ?? principal.arn) ?? null;
}

function holds(policies: PrincipalPolicies | null, test: (p: NamedPolicy) => boolean): boolean {
  if (!policies) return false;
  return policies.identityPolicies.some(test) || (policies.permissionsBoundary ? test(policies.permissionsBoundary) : false);
}

/**
 * Whether an IAM change touches the principal: it changes the principal itself, a group it is in (as
 * its policies before or after show), a managed policy it has, or its group membership. `before` and
 * `after` are its policies around the change (either may be null when unknown).
 */
export function iamChangeTouches(change: PolicyChange, principal: Principal, before: PrincipalPolicies | null, after: PrincipalPolicies | null): boolean {
  const op = change.operation;
  const me = principalIdentity(principal);
  const account = accountOf(principal);
  const isMe = (ref: IamIdentityRef) => me !== null && ref.kind === me.kind && ref.name === me.name && ref.account === account;
  const inGroup = (name: string) => holds(before, (p) => p.viaGroup === name) || holds(after, (p) => p.viaGroup === name);
  if (changesIdentity(op)) {
    return op.identity.kind === 'group' ? me?.kind === 'user' && account === op.identity.account && inGroup(op.identity.name) : isMe(op.identity);
  }
  switch (op.op) {
    case 'new-policy-version':
    case 'set-default-version':
      return holds(before, (p) => p.arn === op.policyArn) || holds(after, (p) => p.arn === op.policyArn);
    case 'add-to-group':
    case 'remove-from-group':
      return isMe(op.user);
    default:
      return false;
  }
}

/**
 * A cheap first filter, before any policy is read: false when the change cannot touch the principal
 * (a change to another role or user, or in another account). Group and managed-policy changes need the
 * principal's policies to decide ({@link iamChangeTouches}), so they pass here for IAM users and roles.
 */
export function mayTouch(change: PolicyChange, principal: Principal): boolean {
  const op = change.operation;
  const me = principalIdentity(principal);
  if (me === null) return false;
  const account = accountOf(principal);
  if (changesIdentity(op)) {
    if (op.identity.account !== account) return false;
    return op.identity.kind === 'group' ? me.kind === 'user' : op.identity.kind === me.kind && op.identity.name === me.name;
  }
  switch (op.op) {
    case 'add-to-group':
    case 'remove-from-group':
      return me.kind === 'user' && op.user.name === me.name && op.user.account === account;
    case 'new-policy-version':
    case 'set-default-version':
      return true;
    default:
      return false;
  }
}
