import type { PolicyDocument, Principal } from '../denial/types';

/** One identity policy of a principal, as found in a snapshot or read live from IAM. */
export interface NamedPolicy {
  kind: 'inline' | 'managed';
  name: string;
  /** Managed policies only. */
  arn?: string;
  /** Managed policies only: the default version that is in force. */
  versionId?: string;
  /** Set for policies a user inherits from a group: the group name. */
  viaGroup?: string;
  document: PolicyDocument;
}

/** The policies in force for a principal's IAM role or user. */
export interface PrincipalPolicies {
  /** The IAM role or user ARN (with path). */
  arn: string;
  kind: 'role' | 'user';
  name: string;
  path: string;
  identityPolicies: NamedPolicy[];
  permissionsBoundary?: NamedPolicy;
  /**
   * Attached policies whose documents could not be read (an AWS-managed policy missing from a
   * snapshot taken without the AWSManagedPolicy filter): the offline verdict ignores them.
   */
  unresolvedPolicies?: Array<{ name: string; arn: string }>;
  /**
   * An IAM user's tags, when the source read them: with long-term credentials they are the whole of
   * `aws:PrincipalTag/*`. (A role's tags are not: tags passed when the session was made override them,
   * and the denied call's record does not show those, so for roles the keys stay unknown.)
   */
  userTags?: Record<string, string>;
  source: 'snapshot' | 'iam';
}

/** A role's trust policy (`AssumeRolePolicyDocument`): the other side of `sts:AssumeRole`, owned by the role's account. */
export interface RoleTrustPolicy {
  /** The role ARN with its path. */
  roleArn: string;
  /** The account that owns the role, and so must change its trust policy. */
  account: string;
  document: PolicyDocument;
  source: 'snapshot' | 'iam';
}

/** Where current policies come from: a snapshot file, or IAM read live (cached, cross-account through a read role). */
export interface PolicySource {
  /** Null when the principal has no IAM role or user to read (root, AWS service, unknown), or it is not found. */
  getPrincipalPolicies(principal: Principal): Promise<PrincipalPolicies | null>;
  /** The trust policy of a role of any account the source can read; null when it cannot find it. Optional: not every source reads trust policies. */
  getRoleTrustPolicy?(roleArn: string): Promise<RoleTrustPolicy | null>;
}

export interface SimulationRequest {
  policySourceArn: string;
  /** Identity policies simulated in addition to the principal's live ones (`PolicyInputList`). */
  extraPolicies: PolicyDocument[];
  /**
   * A permissions boundary simulated instead of the principal's live one
   * (`PermissionsBoundaryPolicyInputList`): how a proposed boundary change is checked.
   */
  permissionsBoundaryPolicies?: PolicyDocument[];
  action: string;
  resource: string | null;
  context: Record<string, string | string[]>;
}

export type SimulationDecision = 'allowed' | 'explicitDeny' | 'implicitDeny';

/** `iam:SimulatePrincipalPolicy`, used to confirm the offline verdict. */
export interface PolicySimulator {
  simulate(request: SimulationRequest): Promise<SimulationDecision>;
}
