/**
 * A successful policy change, decoded from its CloudTrail record: what the policy-change loop applies to
 * the principals' policies before re-validating their open incidents (docs/incident-lifecycle.md).
 */
import type { PolicyDocument } from '../../denial/types';

/** IAM changes (eventSource `iam.amazonaws.com`; recorded in us-east-1 only). */
export const IAM_CHANGE_EVENTS = [
  'PutRolePolicy',
  'DeleteRolePolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'PutRolePermissionsBoundary',
  'DeleteRolePermissionsBoundary',
  'PutUserPolicy',
  'DeleteUserPolicy',
  'AttachUserPolicy',
  'DetachUserPolicy',
  'PutUserPermissionsBoundary',
  'DeleteUserPermissionsBoundary',
  'PutGroupPolicy',
  'DeleteGroupPolicy',
  'AttachGroupPolicy',
  'DetachGroupPolicy',
  'CreatePolicyVersion',
  'SetDefaultPolicyVersion',
  'AddUserToGroup',
  'RemoveUserFromGroup',
] as const;

/** IAM Identity Center permission-set changes (eventSource `sso.amazonaws.com`; recorded in the instance's home region). */
export const SSO_CHANGE_EVENTS = [
  'PutInlinePolicyToPermissionSet',
  'DeleteInlinePolicyFromPermissionSet',
  'AttachManagedPolicyToPermissionSet',
  'DetachManagedPolicyFromPermissionSet',
  'AttachCustomerManagedPolicyReferenceToPermissionSet',
  'DetachCustomerManagedPolicyReferenceFromPermissionSet',
  'PutPermissionsBoundaryToPermissionSet',
  'DeletePermissionsBoundaryFromPermissionSet',
  'ProvisionPermissionSet',
] as const;

/** AWS Organizations policy changes (eventSource `organizations.amazonaws.com`; recorded in us-east-1 only). */
export const ORGANIZATIONS_CHANGE_EVENTS = ['UpdatePolicy', 'AttachPolicy', 'DetachPolicy'] as const;

export type IamChangeEvent = (typeof IAM_CHANGE_EVENTS)[number];
export type SsoChangeEvent = (typeof SSO_CHANGE_EVENTS)[number];
export type OrganizationsChangeEvent = (typeof ORGANIZATIONS_CHANGE_EVENTS)[number];
export type PolicyChangeEvent = IamChangeEvent | SsoChangeEvent | OrganizationsChangeEvent;

/** The event sources of the three, as CloudTrail records them, with their EventBridge `source`. */
export const CHANGE_EVENT_SOURCES = {
  'iam.amazonaws.com': { source: 'aws.iam', events: IAM_CHANGE_EVENTS },
  'sso.amazonaws.com': { source: 'aws.sso', events: SSO_CHANGE_EVENTS },
  'organizations.amazonaws.com': { source: 'aws.organizations', events: ORGANIZATIONS_CHANGE_EVENTS },
} as const;

/** An IAM identity by name in an account (IAM's events name roles, users and groups without their path). */
export interface IamIdentityRef {
  kind: 'role' | 'user' | 'group';
  name: string;
  /** The account the change was made in (`recipientAccountId`). */
  account: string;
}

/** What the change does, as data. Documents are present when the record carries them. */
export type PolicyChangeOperation =
  | { op: 'put-inline'; identity: IamIdentityRef; policyName: string; document: PolicyDocument }
  | { op: 'delete-inline'; identity: IamIdentityRef; policyName: string }
  | { op: 'attach-managed'; identity: IamIdentityRef; policyArn: string }
  | { op: 'detach-managed'; identity: IamIdentityRef; policyArn: string }
  | { op: 'put-boundary'; identity: IamIdentityRef; policyArn: string }
  | { op: 'delete-boundary'; identity: IamIdentityRef }
  /** `CreatePolicyVersion`: a new version, in force only with `setAsDefault`. */
  | { op: 'new-policy-version'; policyArn: string; versionId?: string; setAsDefault: boolean; document: PolicyDocument }
  | { op: 'set-default-version'; policyArn: string; versionId: string }
  | { op: 'add-to-group' | 'remove-from-group'; user: IamIdentityRef; group: IamIdentityRef }
  /** Any permission-set change; only `ProvisionPermissionSet` puts it in force on the accounts' roles. */
  | { op: 'permission-set'; event: SsoChangeEvent; permissionSetArn: string; instanceArn?: string; targetAccount?: string; document?: PolicyDocument }
  /** An Organizations policy: new content (UpdatePolicy) or an attachment to a target (account, OU or root). */
  | { op: 'organizations-policy'; event: OrganizationsChangeEvent; policyId: string; targetId?: string; document?: PolicyDocument };

/** One successful policy change. Every string comes from the record: attacker-controlled, sanitised where shown. */
export interface PolicyChange {
  eventId: string;
  eventTime: string;
  eventName: PolicyChangeEvent;
  eventSource: keyof typeof CHANGE_EVENT_SOURCES;
  /** The account the change was made in. */
  accountId: string;
  region: string;
  /** Who made it: the caller's ARN (`userIdentity.arn`), else its principal ID; null when the record has neither. */
  by: string | null;
  operation: PolicyChangeOperation;
}

export type PolicyChangeOutcome =
  | { kind: 'change'; change: PolicyChange }
  | { kind: 'skipped'; eventId: string | null; reason: string }
  | { kind: 'invalid'; eventId: string | null; message: string };

/** The change in words, e.g. `inline policy allow-bedrock on role chat-web-role`. Untrusted values included: sanitise before showing. */
export function describePolicyChange(change: PolicyChange): string {
  const op = change.operation;
  const on = (ref: IamIdentityRef) => `${ref.kind} ${ref.name}`;
  switch (op.op) {
    case 'put-inline':
      return `inline policy ${op.policyName} put on ${on(op.identity)}`;
    case 'delete-inline':
      return `inline policy ${op.policyName} deleted from ${on(op.identity)}`;
    case 'attach-managed':
      return `managed policy ${op.policyArn} attached to ${on(op.identity)}`;
    case 'detach-managed':
      return `managed policy ${op.policyArn} detached from ${on(op.identity)}`;
    case 'put-boundary':
      return `permissions boundary ${op.policyArn} set on ${on(op.identity)}`;
    case 'delete-boundary':
      return `permissions boundary removed from ${on(op.identity)}`;
    case 'new-policy-version':
      return `new version${op.versionId ? ` ${op.versionId}` : ''} of ${op.policyArn}${op.setAsDefault ? ' (default)' : ' (not default)'}`;
    case 'set-default-version':
      return `version ${op.versionId} of ${op.policyArn} made default`;
    case 'add-to-group':
      return `user ${op.user.name} added to group ${op.group.name}`;
    case 'remove-from-group':
      return `user ${op.user.name} removed from group ${op.group.name}`;
    case 'permission-set':
      return `permission set ${op.permissionSetArn}: ${op.event}${op.targetAccount ? ` (account ${op.targetAccount})` : ''}`;
    case 'organizations-policy':
      return `Organizations policy ${op.policyId}: ${op.event}${op.targetId ? ` (target ${op.targetId})` : ''}`;
  }
}
