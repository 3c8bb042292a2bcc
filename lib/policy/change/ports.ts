import type { PolicyDocument } from '../../denial/types';
import type { PolicySource } from '../ports';
import type { PolicyChange } from './types';

/** A managed policy's document at one version (the default one when no version was asked for). */
export interface ManagedPolicyVersion {
  arn: string;
  name: string;
  versionId?: string;
  document: PolicyDocument;
}

/** Reads managed policy documents, for changes whose record names a policy without its document. */
export interface ManagedPolicyReader {
  /** Null when the policy (or that version) does not exist or the source does not hold it. */
  getManagedPolicy(arn: string, versionId?: string): Promise<ManagedPolicyVersion | null>;
}

/**
 * A policy source that follows policy changes: a snapshot applies each change to itself (offline
 * replay, in event-time order), IAM forgets what it cached so that the next read sees the change.
 */
export interface ChangeAwarePolicySource extends PolicySource, ManagedPolicyReader {
  applyChange(change: PolicyChange): Promise<void>;
}

/** Names an IAM Identity Center permission set (its roles are `AWSReservedSSO_<name>_<suffix>`). */
export interface PermissionSetNamer {
  /** Null when unknown. */
  permissionSetName(permissionSetArn: string, instanceArn?: string): Promise<string | null>;
}

/** True when the source follows policy changes (a snapshot, IAM, or a CLI combination of both). */
export function isChangeAware(source: PolicySource | null | undefined): source is ChangeAwarePolicySource {
  const candidate = source as Partial<ChangeAwarePolicySource> | null | undefined;
  return typeof candidate?.applyChange === 'function' && typeof candidate.getManagedPolicy === 'function';
}
