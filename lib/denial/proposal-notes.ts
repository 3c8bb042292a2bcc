/**
 * The codes of proposal notes: part of the denial contract (`Proposal.noteDetails`), so they live
 * beside it. Their wording is rendered by lib/policy/propose/notes.ts.
 */
export const NOTE_CODES = [
  // What the call needs (grant plans)
  'model-id-refused',
  'destination-regions-unknown',
  'application-profile-model-unknown',
  'marketplace-no-resource-type',
  'marketplace-resource-type-unconfirmed',
  'marketplace-product-condition',
  'marketplace-subscription-delay',
  'resource-not-evaluated',
  'resource-wildcard-escaped',
  'resource-from-arn-format',
  'resource-format-unknown',
  'no-resource-type',
  'bearer-token-type-condition',
  'stream-pair',
  // Layers access-auditor does not edit
  'model-legacy',
  'model-end-of-life',
  'upgrade-model',
  'model-access-other',
  'on-demand-use-profile',
  'profile-call-already-allowed',
  'profile-call-needs-statements',
  'profile-check-still-denied',
  'not-checked-add-if-missing',
  'org-policy-explicit-deny',
  'org-policy-no-allow',
  'org-admin-only',
  'scp-region-guardrail',
  'org-policy-only-obstacle',
  'identity-also-denies',
  'layer-not-read',
  'resource-policy-explicit-deny',
  'trust-policy-missing',
  'resource-policy-missing',
  'vpc-endpoint-explicit-deny',
  'vpc-endpoint-missing',
  'session-policy-explicit-deny',
  'session-policy-missing',
  'session-policy-not-read',
  'reported-explicit-deny',
  'deny-statement-not-found',
  'policies-unavailable',
  'service-linked-role',
  'service-linked-look-elsewhere',
  'root-user',
  'root-use-role',
  'layer-unknown',
  'boundary-not-attached',
  'no-editable-principal',
  // Explicit denies in the current policies
  'explicit-deny-statement',
  'explicit-deny-how-to-change',
  // Unchecked proposals
  'nothing-proposed-unchecked',
  'boundary-merge-first',
  'permission-set-merge-first',
  'policies-unavailable-new-policy',
  // The edit
  'boundary-only-obstacle',
  'attached-policy-unavailable',
  'aws-managed-boundary-copy',
  'already-allowed',
  'stays-denied',
  'quota-new-managed-policy',
  'managed-policy-limit',
  'near-miss-no-room',
  'quota-split',
  'near-miss-fixed',
  'wildcard-kept-by-fix',
  'new-inline-policy',
  'statements-added',
  'managed-policy-version',
  'sso-permission-set-owner',
  'boundary-caps-only',
  // Offline validation
  'check-denied-explicitly',
  'check-denied-by-boundary',
  'check-not-allowed',
  'check-undetermined',
  'resource-needs-input',
  'passed-to-service',
  'access-lost',
  'neighbour-newly-allowed',
  'neighbour-other-action',
  'neighbour-kept-wildcard',
  // iam:SimulatePrincipalPolicy
  'simulation-confirms',
  'simulation-agrees-denied',
  'simulation-allows-unchecked',
  'simulation-denies-unchecked',
  'simulation-disagrees-denies',
  'simulation-disagrees-allows',
  // sts:AssumeRole: both sides (the caller's identity policies, the role's trust policy)
  'trust-policy-refuses',
  'trust-policy-allows',
  'trust-policy-undetermined',
  'trust-policy-unavailable',
  'identity-side-allows',
  'identity-side-refuses',
  'both-sides-allow',
  'trust-statement-extended',
  'trust-statement-added',
  'trust-guard-conditions',
  'simulation-identity-side-only',
  // What could not be read (pipeline)
  'profile-read-failed',
  'policies-read-failed',
  'action-data-failed',
  'simulation-failed',
  'trust-policy-read-failed',
] as const;
export type NoteCode = (typeof NOTE_CODES)[number];

export type NoteParams = Record<string, string | number>;

/** One proposal note: what it says (`code`, `params`) and how it reads (`text`, rendered from both). */
export interface ProposalNote {
  code: NoteCode;
  params: NoteParams;
  text: string;
}
