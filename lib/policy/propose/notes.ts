/**
 * Proposal notes as data. Each note has a stable `code`, its parameters, and the sentence rendered
 * from both by `renderNote`: all note wording lives here. `Proposal.notes` keeps the rendered
 * sentences (the JSON contract); `Proposal.noteDetails` holds the notes themselves, in the same order.
 */
import type { Proposal } from '../../denial/types';
import { capitalize, plural, withArticle } from './wording';

export { NOTE_CODES, type NoteCode, type NoteParams, type ProposalNote } from '../../denial/proposal-notes';
import type { NoteCode, NoteParams, ProposalNote } from '../../denial/proposal-notes';

/** When a validation failure holds: after the proposed change, or with the policies as they stand. */
export type CheckStage = 'after-change' | 'current';

const NOT_CHECKED = 'Not checked against current policies: this layer is not in the policies access-auditor reads.';
const SESSION_CREATOR = 'whoever creates the session (the AssumeRole caller, the identity provider or broker passing Policy/PolicyArns)';
const ORG_ADMIN = 'Only an AWS Organizations administrator in the management account (or a delegated administrator) can change it';

function stage(p: { stage: CheckStage }): string {
  return p.stage === 'current' ? 'As the policies stand, ' : 'After the change, ';
}

function statements(count: number, one: string): string {
  return count === 1 ? one : `${count} statements`;
}

/** How to meet a condition on a global key, in one sentence. */
function conditionAdvice(key: string): string {
  const k = key.toLowerCase();
  if (k === 'aws:sourcevpce' || k === 'aws:sourcevpc') return `To meet it, make the call through the VPC endpoint (or VPC) that ${key} names.`;
  if (k.startsWith('aws:multifactorauth'))
    return 'To meet it, call with credentials from an MFA-authenticated session (for example aws sts get-session-token --serial-number ... --token-code ...).';
  if (k === 'aws:sourceip' || k === 'aws:vpcsourceip') return `To meet it, make the call from an address in the range ${key} allows.`;
  if (k.startsWith('aws:principaltag/'))
    return `To meet it, tag the role or user with ${key.slice('aws:PrincipalTag/'.length)} and the value the condition expects (aws iam tag-role / tag-user).`;
  if (k === 'aws:currenttime' || k === 'aws:epochtime') return 'To meet it, make the call inside the time window the condition allows.';
  if (k === 'aws:securetransport') return 'To meet it, make the call over HTTPS.';
  return `To meet it, make the request carry the value of ${key} the condition expects.`;
}

const TEMPLATES = {
  'model-id-refused': (p: { what: string; id: string }) =>
    `The ${p.what} ${p.id} in the request contains an IAM wildcard character (*, ? or $): it names no real model, and a grant written from it would reach every model it matches, so no statement is proposed for it; correct the model ID the caller sends.`,
  'destination-regions-unknown': (p: { profile: string }) =>
    `The destination regions of ${p.profile} are unknown, so the model grant uses a region wildcard tied to the profile by bedrock:InferenceProfileArn; bedrock:GetInferenceProfile lists the exact regions.`,
  'application-profile-model-unknown': () =>
    'The model behind the application inference profile is unknown: bedrock:GetInferenceProfile lists its model ARNs, which need the same grant conditioned on bedrock:InferenceProfileArn.',
  'marketplace-no-resource-type': () =>
    'aws-marketplace:Subscribe and aws-marketplace:ViewSubscriptions have no resource type, so Resource "*" is the narrowest grant.',
  'marketplace-resource-type-unconfirmed': () => 'The action catalog does not confirm that the Marketplace actions lack a resource type; check Resource "*".',
  'marketplace-product-condition': () =>
    "Restrict aws-marketplace:Subscribe with a Condition on aws-marketplace:ProductId once the model's Marketplace product ID is known (the Bedrock model-access page lists them).",
  'marketplace-subscription-delay': () =>
    "Once the model's Marketplace subscription exists, any principal of the account can invoke it without these permissions; allow about 2 minutes after the change (the first subscription can take up to 15).",
  'resource-not-evaluated': (p: { resource: string; action: string }) =>
    `The record names ${p.resource}, but IAM does not evaluate ${p.action} against any resource, so the grant cannot name one.`,
  'resource-wildcard-escaped': (p: { resource: string; grant: string }) =>
    `${p.resource} contains characters IAM reads as wildcards, so the grant writes them as \${*}, \${?} and \${$} to name exactly that resource (${p.grant}).`,
  /** `named`/`resourceTypes` present: the record named a resource the action does not act on. */
  'resource-from-arn-format': (p: { action: string; resourceType: string; resource: string; named?: string; resourceTypes?: string }) =>
    `${notUsed(p)}: the fix uses the ${p.resourceType} ARN format of ${p.action} (${p.resource}), with the parts the record does not give left as placeholders.`,
  'resource-format-unknown': (p: { action: string; resource: string; named?: string; resourceTypes?: string }) =>
    `${notUsed(p)}, and the resource types of ${p.action} are not in the action catalog, so the fix names ${p.resource}, a placeholder for the resource's ARN.`,
  'no-resource-type': (p: { action: string }) => `${p.action} has no resource type, so Resource "*" is the narrowest grant.`,
  'bearer-token-type-condition': () =>
    'To allow only one kind of Bedrock API key, add a Condition on bedrock:BearerTokenType ("SHORT_TERM" or "LONG_TERM"); the model calls made with the key still need their own bedrock:InvokeModel grant.',
  'stream-pair': () =>
    'The call streamed, so the grant covers bedrock:InvokeModelWithResponseStream and its non-streaming twin bedrock:InvokeModel (Converse and ConverseStream are authorized by the same two actions).',

  'model-legacy': (p: { model: string }) =>
    `${p.model || 'The model'} is marked Legacy by its provider and this account has not used it recently, so Bedrock blocks it: this is a model-lifecycle block, not an IAM problem, and no policy change helps.`,
  'model-end-of-life': (p: { model: string }) => `${p.model || 'The model'} has reached its end of life: no policy change helps.`,
  'upgrade-model': () => 'Upgrade the caller to an active model (the Bedrock model lifecycle page lists replacements).',
  'model-access-other': (p: { model: string; region: string }) =>
    `Bedrock refused access to ${p.model || 'the model'} for a model-access reason: check that the model is available in ${p.region}, that the account's AWS Marketplace subscription exists, and for Anthropic models that the one-time use-case form was submitted.`,
  'on-demand-use-profile': (p: { model: string; region: string; profile: string; geography: string; profileArn: string }) =>
    `${p.model} cannot be invoked on demand in ${p.region}: call it through the inference profile of the region's geography, ${p.profile}${p.geography === 'global' ? '' : ` (or global.${p.model})`}, whose ARN here is ${p.profileArn}.`,
  'profile-call-already-allowed': (p: { principal: string }) =>
    `The current policies of ${p.principal} already allow the profile call: only the model ID in the request must change.`,
  'profile-call-needs-statements': (p: { principal: string }) =>
    `${p.principal} also needs these statements for the profile call; add them to its identity policy.`,
  'profile-check-still-denied': (p: { check: string }) => `Even with these statements, ${p.check} stays denied by the current policies.`,
  'not-checked-add-if-missing': () => 'Not checked against current policies: add these statements if the caller does not already have them.',
  'org-policy-explicit-deny': (p: { policyType: string; action: string; policyArn?: string }) =>
    `${capitalize(withArticle(p.policyType))}${p.policyArn ? ` (${p.policyArn})` : ''} explicitly denies ${p.action} here: no identity policy can override it; its Deny statement must exempt this call.`,
  'org-policy-no-allow': (p: { policyType: string; account: string; action: string }) =>
    `No ${p.policyType} on the path from the organization root to account ${p.account} allows ${p.action}: each level must allow it.`,
  /** `resource` present for an RCP: the resource owner cannot change it either. */
  'org-admin-only': (p: { resource?: string }) => (p.resource === undefined ? `${ORG_ADMIN}.` : `${ORG_ADMIN}; the owner of ${p.resource} cannot.`),
  'scp-region-guardrail': (p: { region: string; partition: string; inference: 'global' | 'regional' }) =>
    `This is Bedrock cross-region inference: the SCP's region guardrail sees aws:RequestedRegion = ${p.region} because the profile routed the call there; the guardrail must exempt requests that carry bedrock:InferenceProfileArn (for example add "ArnNotLike": {"bedrock:InferenceProfileArn": "arn:${p.partition}:bedrock:*:*:inference-profile/*"} to the Deny's Condition) or include ${p.region === 'unspecified' ? '"unspecified"' : p.region} in the allowed regions${p.inference === 'global' && p.region !== 'unspecified' ? ', together with "unspecified" for global inference' : p.inference === 'global' ? ' (the Region that global inference reports)' : ''}.`,
  'org-policy-only-obstacle': (p: { principal: string; policyType: string }) =>
    `The identity policies of ${p.principal} already allow the call: the ${p.policyType} is the only obstacle.`,
  'identity-also-denies': (p: { principal: string; check: string; policyType: string }) =>
    `The identity policies of ${p.principal} do not allow ${p.check} either: run explain again after the ${p.policyType} changes.`,
  /** `policyType` present: the organization policies that are not in the snapshot. */
  'layer-not-read': (p: { policyType?: string }) =>
    p.policyType === undefined ? NOT_CHECKED : `${NOT_CHECKED} (${plural(p.policyType)} are not in the snapshot).`,
  'resource-policy-explicit-deny': (p: { policy: 'role trust policy' | 'resource-based policy'; resource: string; owner: string }) =>
    `The ${p.policy} of ${p.resource} explicitly denies the call: ${p.owner} must change that Deny; no identity policy can override it.`,
  'trust-policy-missing': (p: { role: string; principal: string; owner: string }) =>
    `The trust policy of ${p.role} does not let ${p.principal} assume it: ${p.owner} must add this statement to it (aws iam update-assume-role-policy).`,
  'resource-policy-missing': (p: { resource: string; principal: string; owner: string }) =>
    `The resource-based policy of ${p.resource} does not allow ${p.principal}: ${p.owner} must add this statement (for a cross-account call the caller's identity policy must allow it too).`,
  'vpc-endpoint-explicit-deny': () => 'The VPC endpoint policy explicitly denies the call: the endpoint owner must change that Deny.',
  'vpc-endpoint-missing': (p: { action: string }) =>
    `The policy of the VPC endpoint the call went through does not allow ${p.action}: the endpoint owner (the network or platform team) must add this statement (aws ec2 modify-vpc-endpoint --policy-document).`,
  'session-policy-explicit-deny': () =>
    `The session policy passed when this session was created explicitly denies the call: ${SESSION_CREATOR} must drop that Deny.`,
  'session-policy-missing': (p: { principal: string }) =>
    `The session policy passed when this session was created does not allow the call: ${SESSION_CREATOR} must include these statements; ${p.principal}'s own policies must allow it too.`,
  'session-policy-not-read': () => 'Not checked against current policies: session policies are not recorded anywhere access-auditor can read.',
  /** `policyType` absent: the message does not name the policy type. */
  'reported-explicit-deny': (p: { policyType?: string; policyArn?: string }) =>
    p.policyType
      ? `The message reports an explicit deny in ${withArticle(p.policyType)}${p.policyArn ? ` (${p.policyArn})` : ''}: no Allow can override it, so none is proposed; the Deny statement itself must change or exempt this call.`
      : `The message reports an explicit deny but does not name the policy type${p.policyArn ? ` (the denying policy is ${p.policyArn})` : ''}: no Allow can override it, so none is proposed; the Deny statement itself must change or exempt this call.`,
  /** `likely`: where the deny may come from instead. */
  'deny-statement-not-found': (p: { likely: 'session-policy' | 'unread-layer' }) =>
    `No Deny statement in the current policies matches the call: the policy may have changed since, or the deny comes from ${
      p.likely === 'session-policy'
        ? 'a session policy'
        : 'a policy access-auditor does not read (session policy, SCP, RCP, resource-based or VPC endpoint policy)'
    }.`,
  'policies-unavailable': () => 'Not checked against current policies: they were not available.',
  'service-linked-role': (p: { role?: string }) =>
    `${p.role ?? 'The role'} is a service-linked role: AWS defines its permissions and IAM administrators can view but not edit them, so no policy change is proposed.`,
  'service-linked-look-elsewhere': () =>
    'Look for an SCP, resource policy or VPC endpoint policy that blocks the service, or configure the service to use a customer-managed service role.',
  'root-user': () =>
    'The root user cannot be given identity policies and has every identity permission already: the denial comes from an SCP, RCP or resource-based policy.',
  'root-use-role': () => 'Use an IAM role for this work instead of the root user.',
  'layer-unknown': () => 'The message does not say which policy type denied the call; the proposal assumes the identity policies.',
  'boundary-not-attached': () => 'The message names a permissions boundary but none is attached in the current policies.',
  'no-editable-principal': (p: { principalType: string }) =>
    `The caller (${p.principalType}) has no IAM role or user whose policies could change; the statements show what a principal needs for this call.`,

  'explicit-deny-statement': (p: { statement: string; policy: string; check: string }) =>
    `Statement ${p.statement} of ${p.policy} explicitly denies ${p.check}, and no Allow can override an explicit deny, so no Allow is proposed.`,
  'explicit-deny-how-to-change': (p: { action: string; resource?: string; principalArn?: string }) =>
    `To allow the call, that Deny must change: remove ${p.action} from its actions, exclude ${p.resource ?? 'the resource'} from its resources, or add a condition that exempts this principal${p.principalArn ? ` (for example aws:PrincipalArn ${p.principalArn})` : ''}; whoever owns that policy must decide.`,

  'nothing-proposed-unchecked': () => 'Nothing is proposed, and the current policies were not available to check.',
  'boundary-merge-first': () => 'create-policy-version replaces the whole boundary document: merge these statements into its current version first.',
  'permission-set-merge-first': () =>
    "put-inline-policy-to-permission-set replaces the whole inline policy: merge these statements into the permission set's current inline policy first.",
  'policies-unavailable-new-policy': () =>
    'Not checked against current policies: they were not available (no snapshot entry and no IAM read), so the statements are given as a new policy.',

  'boundary-only-obstacle': (p: { principal: string; check: string; moreChecks: number; boundary: string; principalKind: string }) =>
    `The identity policies of ${p.principal} already allow ${p.check}${
      p.moreChecks > 0 ? ` (and ${p.moreChecks} more evaluation${p.moreChecks > 1 ? 's' : ''} of this call)` : ''
    }, but permissions boundary ${p.boundary} does not, and a boundary caps whatever the identity policies grant: the fix goes into the boundary, so whoever administers the permissions boundary (usually the team that set it to limit what this ${p.principalKind} may be granted) must agree to it.`,
  'attached-policy-unavailable': (p: { policy: string; policyArn: string }) =>
    `The document of attached policy ${p.policy} (${p.policyArn}) was not available, so the offline verdict ignores it.`,
  'aws-managed-boundary-copy': (p: { boundary: string; copy: string }) =>
    `Permissions boundary ${p.boundary} is AWS managed and cannot be edited: the proposal is a customer-managed copy, ${p.copy}, that also allows the call, to set as the boundary instead.`,
  'already-allowed': (p: { layer: 'permissions boundary' | 'policies' }) =>
    `The current ${p.layer} already allow every evaluation this call needs, so nothing is proposed; the denial may predate a policy change, or come from a layer the message did not name (session policy, SCP, resource policy).`,
  /** Followed by the failures, as the policies stand. */
  'stays-denied': (p: { layer: 'permissions boundary' | 'permission set' | 'identity policies' }) =>
    `No change to the ${p.layer} is proposed, and the call stays denied:`,
  'quota-new-managed-policy': (p: { what: string; size: number; limit: number; policy: string }) =>
    `The change would bring ${p.what} to ${p.size} characters, over the IAM quota of ${p.limit}, so the statements go into a new managed policy ${p.policy} instead.`,
  'managed-policy-limit': (p: { principalKind: string; attached: number }) =>
    `The ${p.principalKind} already has ${p.attached} managed policies attached, the default limit: request a quota increase (up to 20) or merge policies first.`,
  'near-miss-no-room': (p: { statement: string; policy: string }) =>
    `Statement ${p.statement} of ${p.policy} is a near miss for this call, but the policy has no room for the fix; the new policy grants the call instead, and the near miss can be cleaned up later.`,
  'quota-split': (p: { what: string; size: number; limit: number }) =>
    `The change brings ${p.what} to ${p.size} characters, over the quota of ${p.limit}: split it before applying.`,
  /** `repairs`: the repairs as sentence fragments (lib/policy/propose/near-miss.ts); `repairKinds`: their kinds, comma-separated. */
  'near-miss-fixed': (p: { statement: string; policy: string; repairs: string; repairKinds: string }) =>
    `Fixed the near miss in statement ${p.statement} of ${p.policy}: ${p.repairs}.`,
  'wildcard-kept-by-fix': (p: { patterns: string; resource?: string }) =>
    `The corrected ${p.patterns} keeps the statement's wildcards, so it now matches every model it was written for; narrow it to ${p.resource ?? 'the model the call used'} if only that model is needed.`,
  'new-inline-policy': (p: { policy: string; count: number }) =>
    `No existing statement comes close to allowing the call, so a new inline policy ${p.policy} holds the ${statements(p.count, 'statement')}.`,
  'statements-added': (p: { policy: string; count: number }) =>
    `Added ${statements(p.count, 'a statement')} to ${p.policy} for what no existing statement grants.`,
  'managed-policy-version': (p: { policy: string }) =>
    `Applying it creates a new default version of ${p.policy}; a managed policy keeps at most 5 versions, so delete an old one first if it has 5.`,
  'sso-permission-set-owner': (p: { role: string; permissionSet: string }) =>
    `Identity Center owns role ${p.role}, so IAM edits to it fail: change permission set ${p.permissionSet} in the management (or delegated administrator) account and provision it again.`,
  'boundary-caps-only': () => 'A permissions boundary only caps permissions: the identity policies must allow the call as well.',

  'check-denied-explicitly': (p: { stage: CheckStage; check: string; statement: string; policy: string }) =>
    `${stage(p)}${p.check} is still denied explicitly by statement ${p.statement} of ${p.policy}.`,
  'check-denied-by-boundary': (p: { stage: CheckStage; check: string; boundary?: string }) =>
    `${stage(p)}${p.check} is still denied because the permissions boundary does not allow it${
      p.boundary ? ` (permissions boundary ${p.boundary}: whoever administers it must allow the call there too)` : ''
    }.`,
  'check-not-allowed': (p: { stage: CheckStage; check: string }) => `${stage(p)}${p.check} is still not allowed by any statement.`,
  'check-undetermined': (p: { stage: CheckStage; check: string; keys: string }) =>
    `${stage(p)}${p.check} depends on ${p.keys}, which the record does not show: policy evaluation allows it only for some values, so the verdict is unknown-context, not an allow.`,
  'resource-needs-input': (p: { resource: string; placeholders: string }) =>
    `The record does not name the exact resource, so the fix names ${p.resource}: replace ${p.placeholders} with the resource the caller uses before applying it (needs-input, not a ready fix).`,
  'passed-to-service': (p: { service: string }) =>
    `The grant lets the role be passed to ${p.service} only (iam:PassedToService), the service the record shows receiving it.`,
  'passed-to-service-unconfirmed': (p: { service: string }) =>
    `The record does not show which service receives the role: the grant names ${p.service} in iam:PassedToService as a guess from the calling service. Confirm or replace the iam:PassedToService value before applying it (needs-input, not a ready fix).`,
  'passed-to-service-unknown': () =>
    'The record does not show which service receives the role, so the grant has no iam:PassedToService condition and would let the role be passed to any service: add one naming that service before applying it (needs-input, not a ready fix).',
  'no-permission-needed': (p: { action: string }) =>
    `${p.action} needs no permission and no policy can deny it, so no policy change helps: the call failed for another reason (expired or invalid credentials, or STS disabled in the region).`,
  'aws-managed-kms-key': (p: { alias: string }) =>
    `${p.alias} is an AWS managed key: its key policy cannot be changed and lets principals of its own account use it only through the AWS service that created it. Nothing is proposed; for cross-account or direct use, encrypt with a customer managed key instead.`,
  'condition-not-met': (p: { statement: string; policy: string; check: string; operator: string; key: string; expected: string; actual: string }) =>
    `Statement ${p.statement} of ${p.policy} already allows ${p.check}, but only when ${p.key} ${p.operator} ${p.expected}; the call had ${p.actual}.`,
  'condition-undetermined': (p: { statement: string; policy: string; check: string; key: string }) =>
    `Statement ${p.statement} of ${p.policy} allows ${p.check} only under a condition on ${p.key}, which the record does not show: check it before changing any policy.`,
  'condition-how-to-meet': (p: { key: string }) => conditionAdvice(p.key),
  'condition-kept': (p: { policy: string }) =>
    `Nothing is proposed that would bypass the condition. If the condition itself is wrong, changing it is for the owner of ${p.policy} to decide.`,
  'resource-policy-side-unread': (p: { resource: string; account: string }) =>
    `${p.resource} belongs to account ${p.account}: its own resource policy must allow the call too, and access-auditor does not read it, so this identity-side fix is not validated for the whole call. The owner of account ${p.account} must check it.`,
  'access-lost': (p: { check: string }) => `The change would no longer allow ${p.check}, which the current policies allow.`,
  'neighbour-newly-allowed': (p: { neighbour: string }) => `The change would also newly allow ${p.neighbour}, which the denied call does not need.`,
  'neighbour-other-action': (p: { statement: string; action: string; resources: string }) =>
    `Statement ${p.statement} also grants ${p.action}, so with the ARNs the call needs it now also allows ${p.action} on ${p.resources}; move those ARNs to a statement of their own if ${p.statement} should not grant ${p.action} on them.`,
  'neighbour-kept-wildcard': (p: { statement: string; neighbour: string; patterns: string }) =>
    `The fix of statement ${p.statement} keeps the statement's wildcard: also allows ${p.neighbour}, which its resource pattern (${p.patterns}) was written for; narrow the pattern if that is not intended.`,

  'simulation-confirms': () => 'iam:SimulatePrincipalPolicy confirms: with the change the call is allowed.',
  'simulation-agrees-denied': (p: { decision: string }) => `iam:SimulatePrincipalPolicy agrees that the call stays denied (${p.decision}).`,
  'simulation-allows-unchecked': () => 'iam:SimulatePrincipalPolicy says the call is allowed with the change (the offline evaluator could not check it).',
  'simulation-denies-unchecked': (p: { decision: string }) => `iam:SimulatePrincipalPolicy says the call is still denied with the change (${p.decision}).`,
  'simulation-disagrees-denies': (p: { decision: string }) =>
    `Disagreement: the offline evaluator allows the call after the change, but iam:SimulatePrincipalPolicy answers ${p.decision} (an SCP, or a policy changed since the snapshot, may deny it); treat the fix as unproven.`,
  'simulation-disagrees-allows': () =>
    'Disagreement: iam:SimulatePrincipalPolicy allows the call after the change, but the offline evaluator does not (see the notes above); check the request context before relying on it.',

  'trust-policy-refuses': (p: { role: string; principal: string; action: string; account: string; how: 'no-allow' | 'explicit-deny' }) =>
    `The trust policy of ${p.role} ${p.how === 'explicit-deny' ? 'explicitly denies' : 'does not allow'} ${p.principal} ${p.action}: account ${p.account}, which owns the role, must change it (aws iam update-assume-role-policy there).`,
  'trust-policy-allows': (p: { role: string; principal: string; action: string }) =>
    `The trust policy of ${p.role} already allows ${p.principal} ${p.action}: only the caller's side needs a change.`,
  'trust-policy-undetermined': (p: { role: string; principal: string; action: string; keys: string }) =>
    `Whether the trust policy of ${p.role} allows ${p.principal} ${p.action} depends on ${p.keys}, which the record does not show: the verdict is unknown-context, not an allow.`,
  'trust-policy-unavailable': (p: { role: string; account: string; identityVerdict: string }) =>
    `The trust policy of ${p.role} (account ${p.account}) was not available (not in the loaded snapshots, not read from IAM): only the caller's side was checked (${p.identityVerdict}), and the call needs both sides, so the whole call is not validated.`,
  'identity-side-allows': (p: { principal: string; account: string; action: string; role: string }) =>
    `The identity policies of ${p.principal} (account ${p.account}) already allow ${p.action} on ${p.role}: the caller's side needs no change.`,
  'identity-side-refuses': (p: { principal: string; account: string; action: string; role: string }) =>
    `The identity policies of ${p.principal} do not allow ${p.action} on ${p.role}: account ${p.account}, the caller's, must change them; the role's trust policy must allow the caller too.`,
  'both-sides-allow': (p: { principal: string; role: string; action: string }) =>
    `Both sides were checked: the identity policies of ${p.principal} and the trust policy of ${p.role} already allow ${p.action}, so nothing is proposed; the denial may predate a policy change, or come from a layer not read (SCP, RCP, session policy).`,
  'trust-statement-extended': (p: { statement: string; principal: string }) =>
    `The fix adds ${p.principal} to the principals of trust statement ${p.statement}, whose action list is exactly the call's; every condition of that statement stays as it is.`,
  'trust-statement-added': (p: { principal: string; action: string }) => `The fix adds a trust statement for ${p.principal} alone and ${p.action} alone.`,
  'trust-guard-conditions': (p: { keys: string; send: string }) =>
    `The trust statement keeps the role's guard conditions (${p.keys}), so the caller must send ${p.send}; none is dropped.`,
  'simulation-identity-side-only': (p: { decision: string }) =>
    `iam:SimulatePrincipalPolicy answers ${p.decision} for the caller's identity policies only: it does not see the role's trust policy, so the verdict stays the offline one.`,
  'trust-policy-read-failed': (p: { error: string }) => `The role's trust policy could not be read (${p.error}); the trust side is not checked.`,

  'profile-read-failed': (p: { error: string }) =>
    `The inference profile could not be read live (${p.error}); destination regions come from the built-in table.`,
  'policies-read-failed': (p: { error: string }) => `Current policies could not be read (${p.error}); the proposal is not checked against them.`,
  'action-data-failed': (p: { error: string }) => `Action data could not be loaded (${p.error}); resource ARNs use the built-in patterns.`,
  'simulation-failed': (p: { error: string }) => `iam:SimulatePrincipalPolicy could not confirm the proposal (${p.error}); the offline verdict stands.`,
} satisfies { [C in NoteCode]: (params: never) => string };

/** Why a generic grant does not use the record's resource: it names none, or one the action does not act on. */
function notUsed(p: { action: string; named?: string; resourceTypes?: string }): string {
  return p.named !== undefined
    ? `${p.named} is not a resource ${p.action} acts on (${p.resourceTypes ?? ''}), so the grant does not use it`
    : 'The denial names no resource';
}

/** The parameters a note of this code takes (none: no argument). */
export type NoteArgs<C extends NoteCode> = Parameters<(typeof TEMPLATES)[C]>;

/** The sentence for a note: the one place note wording comes from. */
export function renderNote(code: NoteCode, params: NoteParams): string {
  return (TEMPLATES[code] as (p: NoteParams) => string)(params);
}

/** A note with its rendered text. Parameters left undefined are dropped. */
export function note<C extends NoteCode>(code: C, ...args: NoteArgs<C>): ProposalNote {
  const given = (args[0] ?? {}) as Record<string, string | number | undefined>;
  const params: NoteParams = {};
  for (const [key, value] of Object.entries(given)) if (value !== undefined) params[key] = value;
  return { code, params, text: renderNote(code, params) };
}

/** The same note with some parameters changed, rendered again. */
export function withParams(n: ProposalNote, changes: NoteParams): ProposalNote {
  const params = { ...n.params, ...changes };
  return { code: n.code, params, text: renderNote(n.code, params) };
}

/** The two note fields of a proposal: the sentences (`notes`) and the notes themselves (`noteDetails`). */
export function noteFields(notes: ProposalNote[]): Pick<Proposal, 'notes' | 'noteDetails'> {
  return { notes: notes.map((n) => n.text), noteDetails: notes };
}

/** Appends notes to a proposal (to `noteDetails` too when it has them, so the two stay in step). */
export function appendNotes(proposal: Proposal, added: ProposalNote[]): Proposal {
  return {
    ...proposal,
    notes: [...proposal.notes, ...added.map((n) => n.text)],
    ...(proposal.noteDetails ? { noteDetails: [...proposal.noteDetails, ...added] } : {}),
  };
}
