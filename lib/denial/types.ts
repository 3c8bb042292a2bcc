/**
 * The denial contract: what `explain --json` prints for each access problem, what the pipeline
 * stores as the latest explanation of an incident, and what alerts and reports read.
 * Field names are a public contract; add fields, never rename them.
 */
import type { ProposalNote } from './proposal-notes';

export const REASON_LAYERS = ['identity', 'scp', 'rcp', 'permissions-boundary', 'session', 'resource', 'vpc-endpoint', 'model-access', 'unknown'] as const;
export type ReasonLayer = (typeof REASON_LAYERS)[number];

export const MANAGED_BY = ['iam', 'sso', 'service-linked', 'root', 'federated', 'aws-service', 'unknown'] as const;
export type ManagedBy = (typeof MANAGED_BY)[number];

export interface Principal {
  /** `userIdentity.type` as recorded (AssumedRole, IAMUser, Root, FederatedUser, AWSService, AWSAccount, IdentityCenterUser, ...). */
  type: string;
  /** The caller's ARN as recorded (an STS assumed-role ARN for roles), or null when the record has none. */
  arn: string | null;
  accountId: string | null;
  roleName?: string;
  /** The IAM role ARN with its path, from `sessionContext.sessionIssuer.arn`. */
  roleArn?: string;
  sessionName?: string;
  userName?: string;
  managedBy: ManagedBy;
  /** For SSO roles: the permission set name parsed from `AWSReservedSSO_<name>_<suffix>`. */
  permissionSetName?: string;
  /** For AWSService callers and service-invoked calls: the service (`invokedBy`). */
  invokedBy?: string;
  /** Web identity or SAML provider for federated sessions. */
  identityProvider?: string;
  /** Masked access key ID (first 4 and last 4 characters), never the full key. */
  accessKeyId?: string;
  /** IAM Identity Center user ID (`userIdentity.onBehalfOf.userId`) for Identity Center users and trusted identity propagation. */
  identityCenterUserId?: string;
  /** The principal named by the error message (`User: <arn>`) when it differs from `arn`. */
  messageArn?: string;
}

export interface Reason {
  layer: ReasonLayer;
  explicit: boolean;
  /** The denying policy's ARN when the message carries it. */
  policyArn?: string;
  /** The policy type as the message words it ("service control policy", "role trust policy", ...). */
  policyType?: string;
  /** Access Troubleshooter authorization ID, when present. */
  authorizationId?: string;
  /** True for "Encoded authorization failure message" denials. */
  encoded?: boolean;
  /** True when CloudTrail cut the message (it ends with "..."): the clause may be incomplete. */
  truncated?: boolean;
  /** For `layer: "model-access"`: which Bedrock model-access problem it is. */
  modelAccessIssue?: ModelAccessIssue;
  /** For `... transitively through a <type>` explicit denies: that second policy type as worded. */
  transitiveVia?: string;
  /** One plain sentence. */
  summary: string;
}

export const MODEL_ACCESS_ISSUES = [
  /** ValidationException: the model is only served through an inference profile. */
  'on-demand-unsupported',
  /** ResourceNotFoundException "Access denied. This Model is marked by provider as Legacy ...". */
  'legacy',
  /** The model version reached its end of life. */
  'end-of-life',
  /** The first call needs AWS Marketplace permissions to subscribe to a third-party model. */
  'marketplace',
  /** Anthropic's one-time use-case form has not been submitted for the account. */
  'use-case-form',
  /** "You don't have access to the model with the specified model ID." (model access not enabled). */
  'not-enabled',
] as const;
export type ModelAccessIssue = (typeof MODEL_ACCESS_ISSUES)[number];

export const PROFILE_KINDS = ['system', 'application'] as const;
export type InferenceProfileKind = (typeof PROFILE_KINDS)[number];

export interface InferenceProfileInfo {
  /** System profile ID, e.g. `us.anthropic.claude-sonnet-4-5-20250929-v1:0`. */
  id?: string;
  /** Profile ARN in the call region (always set for application profiles). */
  arn?: string;
  kind: InferenceProfileKind;
  /** Geography prefix for system profiles ("us", "eu", "apac", "global", "jp", "au", ...); "application" otherwise. */
  scope: string;
  /** Every region the profile can route to from the call region ("unspecified" is not a region; global lists known commercial regions). */
  destinationRegions: string[];
  /** Where `destinationRegions` came from: the dated table in the repo, or `bedrock:GetInferenceProfile`. */
  destinationsSource: 'table' | 'api' | 'unknown';
  /** Date of the table used, when `destinationsSource` is "table". */
  destinationsAsOf?: string;
}

export const BEDROCK_RESOURCE_TYPES = [
  'foundation-model',
  'inference-profile',
  'application-inference-profile',
  'provisioned-model',
  'custom-model',
  'custom-model-deployment',
  'imported-model',
  'prompt-router',
  'default-prompt-router',
  'marketplace-model-endpoint',
  'unknown',
] as const;
export type BedrockResourceType = (typeof BEDROCK_RESOURCE_TYPES)[number];

export interface ModelInfo {
  /** The modelId as the caller sent it. */
  modelId: string;
  /** Model provider (anthropic, amazon, meta, ...) or "unknown". */
  provider: string;
  family?: string;
  version?: string;
  /** The underlying foundation model ID, e.g. `anthropic.claude-sonnet-4-5-20250929-v1:0`. */
  foundationModelId?: string;
  /** What kind of Bedrock resource `modelId` names. */
  resourceType: BedrockResourceType;
  inferenceProfile?: InferenceProfileInfo;
  /**
   * For on-demand ValidationExceptions: the system inference profile ID to call instead, for the call
   * region's geography (e.g. `us.anthropic.claude-3-5-sonnet-20241022-v2:0` from us-east-1).
   */
  suggestedProfileId?: string;
}

export const TARGET_KINDS = [
  'identity-policy',
  'sso-permission-set',
  'service-linked-role',
  'scp',
  'rcp',
  'permissions-boundary',
  'session-policy',
  'resource-policy',
  'vpc-endpoint-policy',
  'model-access',
  'none',
] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/**
 * - `simulated-allow`: with the fix, policy evaluation allows every evaluation the call needs, whatever
 *   the parts of the request the record does not show (`checkedBy` says who evaluated).
 * - `simulated-deny`: with the fix the call is still denied.
 * - `unknown-context`: the verdict depends on condition keys the record does not settle (named in the notes).
 * - `needs-input`: the record does not name the exact resource: the fix holds a placeholder to fill in.
 * - `not-validated`: the policies were not available to check against.
 */
export const VALIDATION_VERDICTS = ['simulated-allow', 'simulated-deny', 'unknown-context', 'needs-input', 'not-validated'] as const;
export type ValidationVerdict = (typeof VALIDATION_VERDICTS)[number];

/** An IAM policy statement as it appears in a document (values may be string or string[]). */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: Record<string, Record<string, string | string[] | boolean | number | Array<string | boolean | number>>>;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement[];
}

export interface Proposal {
  target: {
    kind: TargetKind;
    /** Role, user, permission set, or the organization/key/endpoint owner that must act. */
    name?: string;
    /** The existing policy that changes; absent when a new policy is added. */
    policyName?: string;
    policyArn?: string;
  };
  statements: PolicyStatement[];
  policyAfter?: PolicyDocument;
  diff?: string;
  terraform?: string;
  cli?: string;
  validated: ValidationVerdict;
  /**
   * True when the statements name exactly the resources the call needed (no placeholder, no wildcard
   * standing in for a resource the record did not name); false when someone must fill something in.
   * Absent when there are no statements.
   */
  exact?: boolean;
  /** Who evaluated the verdict: the offline evaluator on the policies read, IAM's policy simulator, or both. */
  checkedBy?: Array<'offline-evaluator' | 'iam-simulator'>;
  notes: string[];
  /**
   * The same notes as data, in the same order: a stable `code` (lib/policy/propose/notes.ts), its
   * parameters, and the sentence in `notes`. Absent on proposals stored before it existed.
   */
  noteDetails?: ProposalNote[];
  /**
   * Changes another party must make too, each with its own target and verdict: for `sts:AssumeRole`
   * (and the other STS role actions), the target role's trust policy, owned by the role's account,
   * when the caller's identity policies need a change as well. `validated` above covers every side.
   */
  alsoNeeded?: Proposal[];
}

/** One decoded access denial: the incident object of the `explain` contract. */
export interface Denial {
  eventId: string;
  eventTime: string;
  eventSource: string;
  eventName: string;
  /** The account the record belongs to (`recipientAccountId`, else the principal's). */
  accountId: string | null;
  principal: Principal;
  action: string;
  callRegion: string;
  deniedRegion: string;
  resource: string | null;
  /**
   * The resource as the message words it when no exact ARN could be made from those words: an access
   * key (`access key AKIA…MPLE`, masked), `the specified resource`, `role <name>` / `user <name>` (IAM's
   * words carry no path, and a role's ARN may have one, such as Identity Center's
   * `/aws-reserved/sso.amazonaws.com/`), a redacted ARN as written, or a name that is not an ARN. For
   * notes, sentences and placeholders; `resource` stays an exact ARN or null.
   */
  resourceText?: string;
  /**
   * How to read `resource` when it is not a plain literal. `secret-suffix`: the decoder completed a secret
   * the call named by name (or by partial ARN) with `-??????`, the pattern AWS documents for the six
   * random characters of a secret's ARN; those six `?` are wildcards, every other character is literal.
   * Absent: `resource` is a literal (a record value ending in `-??????` included).
   */
  resourcePattern?: 'secret-suffix';
  reason: Reason;
  model?: ModelInfo;
  fingerprint: string;
  /**
   * The request context IAM evaluated, as far as the record shows it: global condition keys (time,
   * MFA, principal, source IP or VPC endpoint, TLS) and the lower-case keys the record settles
   * (present, or known to be absent). Any other key is unknown to the evaluator.
   */
  requestContext?: { values: Record<string, string | string[]>; determined: string[] };
  proposal?: Proposal;
  /**
   * Raw error code and message as recorded (the message may be truncated by CloudTrail). A code
   * recorded as a number (`403`) is given as its text (`"403"`); no code is `""`.
   */
  errorCode: string;
  errorMessage: string | null;
  /** True when the call was authenticated with an Amazon Bedrock API key (bearer token). */
  bearerToken?: boolean;
  sourceIPAddress?: string;
  userAgent?: string;
  /** Other actions the message says are needed too (e.g. both AWS Marketplace actions for model access). */
  relatedActions?: string[];
  /**
   * Set when an `expect` rule of the rules file matched (lib/rules): the denial is normal. It is counted
   * under its own fingerprint (the denial's, salted with the rule ID), never alerted, and reported apart.
   */
  expectedBy?: ExpectedBy;
}

/** The `expect` rule that matched a denial, as recorded with it. */
export interface ExpectedBy {
  rule: string;
  reason: string;
  owner: string;
  /** The fingerprint the denial has without the rule: the incident it would otherwise belong to. */
  fingerprint: string;
}
