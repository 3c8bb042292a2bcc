/**
 * Policy changes applied to a loaded snapshot, so that an offline replay of a denial followed by the
 * change that fixes it sees the policies as they were at each point. Mutates the snapshot in place;
 * a change to something the snapshot does not hold (another account's role) changes nothing.
 */
import { lastPathSegment } from '../../aws/arn';
import type { ManagedPolicyVersion } from '../change/ports';
import type { IamIdentityRef, PolicyChange } from '../change/types';
import type { AttachedRef, InlinePolicy, PolicySnapshot, SnapshotGroup, SnapshotRole, SnapshotUser } from './snapshot';

type Holder = SnapshotRole | SnapshotUser | SnapshotGroup;

function holderOf(snapshot: PolicySnapshot, ref: IamIdentityRef): Holder | undefined {
  const list: Holder[] = ref.kind === 'role' ? snapshot.roles : ref.kind === 'user' ? snapshot.users : snapshot.groups;
  return list.find((h) => h.name === ref.name && (h.account === '' || h.account === ref.account));
}

function putInline(list: InlinePolicy[], policy: InlinePolicy): void {
  const at = list.findIndex((p) => p.name === policy.name);
  if (at >= 0) list[at] = policy;
  else list.push(policy);
}

function removeWhere<T>(list: T[], test: (item: T) => boolean): void {
  for (let i = list.length - 1; i >= 0; i--) if (test(list[i] as T)) list.splice(i, 1);
}

function attach(list: AttachedRef[], snapshot: PolicySnapshot, arn: string): void {
  if (list.some((r) => r.arn === arn)) return;
  list.push({ name: snapshot.policies.get(arn)?.name ?? lastPathSegment(arn), arn });
}

/** A change to a role, user or group of the snapshot; true when it changed something. */
function applyToHolder(snapshot: PolicySnapshot, change: PolicyChange): boolean {
  const op = change.operation;
  if (!('identity' in op)) return false;
  const holder = holderOf(snapshot, op.identity);
  if (!holder) return false;
  switch (op.op) {
    case 'put-inline':
      putInline(holder.inline, { name: op.policyName, document: op.document });
      return true;
    case 'delete-inline':
      removeWhere(holder.inline, (p) => p.name === op.policyName);
      return true;
    case 'attach-managed':
      attach(holder.attached, snapshot, op.policyArn);
      return true;
    case 'detach-managed':
      removeWhere(holder.attached, (r) => r.arn === op.policyArn);
      return true;
    case 'put-boundary':
      if ('path' in holder) holder.boundaryArn = op.policyArn;
      return 'path' in holder;
    case 'delete-boundary':
      if ('path' in holder) delete holder.boundaryArn;
      return 'path' in holder;
  }
}

/** Applies one change to the snapshot; true when the snapshot changed. */
export function applyChangeToSnapshot(snapshot: PolicySnapshot, change: PolicyChange): boolean {
  const op = change.operation;
  switch (op.op) {
    case 'new-policy-version': {
      const policy = snapshot.policies.get(op.policyArn);
      if (!policy) return false;
      const versions = policy.versions ?? new Map();
      if (op.versionId) versions.set(op.versionId, op.document);
      policy.versions = versions;
      if (!op.setAsDefault) return op.versionId !== undefined;
      policy.document = op.document;
      if (op.versionId) policy.versionId = op.versionId;
      return true;
    }
    case 'set-default-version': {
      const policy = snapshot.policies.get(op.policyArn);
      const document = policy?.versions?.get(op.versionId);
      if (!policy || !document) return false;
      policy.document = document;
      policy.versionId = op.versionId;
      return true;
    }
    case 'add-to-group':
    case 'remove-from-group': {
      const user = snapshot.users.find((u) => u.name === op.user.name && u.account === op.user.account);
      if (!user) return false;
      removeWhere(user.groups, (g) => g === op.group.name);
      if (op.op === 'add-to-group') user.groups.push(op.group.name);
      return true;
    }
    case 'permission-set':
    case 'organizations-policy':
      return false;
    default:
      return applyToHolder(snapshot, change);
  }
}

/** A managed policy of the snapshot, at its default version or the one asked for. */
export function managedPolicyFromSnapshot(snapshot: PolicySnapshot, arn: string, versionId?: string): ManagedPolicyVersion | null {
  const policy = snapshot.policies.get(arn);
  if (!policy) return null;
  if (versionId === undefined || versionId === policy.versionId) {
    return { arn, name: policy.name, ...(policy.versionId ? { versionId: policy.versionId } : {}), document: policy.document };
  }
  const document = policy.versions?.get(versionId);
  return document ? { arn, name: policy.name, versionId, document } : null;
}
