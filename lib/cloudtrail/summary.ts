/**
 * One plain sentence per denial, for people: who, what, on what, and which policy layer said no.
 */
import type { ModelAccessIssue, ModelInfo, Principal, Reason } from '../denial/types';
import { parseArn } from '../aws/arn';
import type { ParsedMessage } from './message';

/** How a principal is named in a sentence ("role X", "permission set X (role Y)", "user X", ...). */
export function describePrincipal(p: Principal): string {
  if (p.managedBy === 'sso' && p.permissionSetName) return `permission set ${p.permissionSetName} (role ${p.roleName ?? '?'})`;
  if (p.managedBy === 'service-linked' && p.roleName) return `service-linked role ${p.roleName}`;
  if (p.roleName) return `role ${p.roleName}`;
  if (p.managedBy === 'root') return `the root user of account ${p.accountId ?? 'unknown'}`;
  if (p.type === 'FederatedUser') return `federated user ${p.sessionName ?? p.arn ?? 'unknown'}`;
  if (p.userName) return `user ${p.userName}`;
  if (p.type === 'AWSService') return `AWS service ${p.invokedBy ?? 'unknown'}`;
  if (p.type === 'AWSAccount') return `a principal of account ${p.accountId ?? 'unknown'}`;
  if (p.identityCenterUserId) return `Identity Center user ${p.identityCenterUserId}`;
  return p.arn ?? 'an unidentified principal';
}

/** How a resource is named ("the foundation model X in us-east-2", "the inference profile Y in us-east-1", an ARN). */
export function describeResource(resource: string | null, deniedRegion: string): string | null {
  if (!resource) return null;
  const arn = parseArn(resource);
  if (arn?.service === 'bedrock') {
    const slash = arn.resource.indexOf('/');
    const type = slash > 0 ? arn.resource.slice(0, slash) : '';
    const id = arn.resource.slice(slash + 1);
    if (type === 'foundation-model') {
      return arn.region ? `the foundation model ${id} in ${arn.region}` : `the global foundation model ${id} (region "unspecified")`;
    }
    if (type === 'inference-profile') return `the inference profile ${id} in ${arn.region || deniedRegion}`;
    if (type === 'application-inference-profile') return `the application inference profile ${id} in ${arn.region || deniedRegion}`;
  }
  return resource;
}

function article(words: string): string {
  return /^[aeiou]/i.test(words) ? 'an' : 'a';
}

function capitalise(s: string): string {
  return s.length > 0 ? (s[0] as string).toUpperCase() + s.slice(1) : s;
}

export interface SummaryInput {
  principal: Principal;
  action: string;
  resource: string | null;
  callRegion: string;
  deniedRegion: string;
  eventSource: string;
  message: ParsedMessage;
  reason: Omit<Reason, 'summary'>;
  model?: ModelInfo;
}

function routedNote(input: SummaryInput): string {
  const { deniedRegion, callRegion, model } = input;
  if (!model || deniedRegion === callRegion || deniedRegion === 'unspecified' || !callRegion) return '';
  const scope = model.inferenceProfile?.scope;
  return scope ? ` (the ${scope} inference profile routed the ${callRegion} call there)` : ` (the call was made in ${callRegion})`;
}

function bearerNote(action: string): string {
  return action.endsWith(':CallWithBearerToken') ? ', which every call made with an Amazon Bedrock API key needs' : '';
}

function modelAccessSentence(issue: ModelAccessIssue, input: SummaryInput, relatedActions: string[]): string {
  const who = describePrincipal(input.principal);
  const model = input.model?.foundationModelId ?? input.model?.modelId ?? 'the model';
  switch (issue) {
    case 'on-demand-unsupported': {
      const profile = input.model?.suggestedProfileId;
      return `Model ${model} cannot be invoked with on-demand throughput in ${input.callRegion}; call it through ${profile ? `the inference profile ${profile}` : 'an inference profile that contains it'} (ID or ARN) instead.`;
    }
    case 'legacy':
      return `Amazon Bedrock blocks ${model} for this account: the provider marked it Legacy and it was not used recently, so switch to an active model (no IAM change fixes this).`;
    case 'end-of-life':
      return `Model ${model} has reached its end of life on Amazon Bedrock; switch to an active model (no IAM change fixes this).`;
    case 'marketplace': {
      const actions = relatedActions.length > 0 ? relatedActions.join(' and ') : 'aws-marketplace:ViewSubscriptions and aws-marketplace:Subscribe';
      return `Enabling ${model} on first use needs the AWS Marketplace permissions ${actions}, which ${who} lacks; grant them once (or have an administrator invoke the model first).`;
    }
    case 'use-case-form':
      return `Anthropic models need the one-time use-case form for this account before ${model} can be invoked; submit it in the Bedrock console or with PutUseCaseForModelAccess.`;
    case 'not-enabled':
      return `Model access to ${model} is not enabled for this account, so ${who} cannot invoke it; enable model access in the Bedrock console.`;
    default:
      return `${capitalise(who)} cannot use ${model} on Amazon Bedrock.`;
  }
}

/** Where to look when the message names no policy, for cases whose usual causes are known. */
function knownHint(action: string, message: ParsedMessage): string {
  if (/^sts:AssumeRole/.test(action)) return " (check both the caller's identity policies and the target role's trust policy)";
  if (message.reasonText && /IAM user access not activated/i.test(message.reasonText)) {
    return ' (IAM access to billing data is not activated for this account: the root user turns it on in the account settings)';
  }
  return '';
}

/** Builds `reason.summary`. */
export function summarise(input: SummaryInput, relatedActions: string[] = []): string {
  const { principal, action, message, reason } = input;
  if (reason.layer === 'model-access' && reason.modelAccessIssue) return modelAccessSentence(reason.modelAccessIssue, input, relatedActions);
  const who = describePrincipal(principal);
  const what = describeResource(input.resource, input.deniedRegion);
  const on = what ? ` on ${what}` : message.resource === '*' ? ' on any resource (*)' : message.resourceText ? ` on ${message.resourceText}` : '';
  const routed = routedNote(input);
  const cut = reason.truncated && reason.layer === 'unknown' ? ' CloudTrail cut the message before it said which policy denied the call.' : '';

  const decode = '`aws sts decode-authorization-message --encoded-message <message>` (sts:DecodeAuthorizationMessage)';
  // CloudTrail may cut the blob; the caller's own error still holds it whole.
  const blobCut = reason.encoded && !message.encodedMessage;
  if (reason.encoded && (reason.layer === 'unknown' || !reason.policyType)) {
    return blobCut
      ? `${capitalise(who)} was denied ${action}${on}; the reason is in an encoded authorization failure message that CloudTrail cut, so decode the full one from the caller's error with ${decode}.`
      : `${capitalise(who)} was denied ${action}${on}; the reason is in an encoded authorization failure message, which ${decode} decodes.`;
  }
  const decodeNote = !reason.encoded
    ? ''
    : blobCut
      ? `; CloudTrail cut the encoded message, so decode the caller's copy with ${decode} for the full context`
      : `; ${decode} decodes the attached message for the full context`;
  if (reason.layer !== 'unknown' && reason.policyType) {
    const type = reason.policyType;
    if (type.startsWith('S3 ')) return `The ${type} blocks ${action} for ${who}${on}.`;
    if (reason.explicit) {
      const arn = reason.policyArn ? ` (${reason.policyArn})` : '';
      const via = reason.transitiveVia ? ` applied through ${article(reason.transitiveVia)} ${reason.transitiveVia}` : '';
      return `An explicit deny in ${article(type)} ${type}${arn}${via} blocks ${action} for ${who}${on}${routed}${decodeNote}.`;
    }
    if (reason.layer === 'identity') return `No ${type} attached to ${who} allows ${action}${on}${routed}${bearerNote(action)}${decodeNote}.`;
    return `No ${type} allows ${action} for ${who}${on}${routed}${bearerNote(action)}${decodeNote}.`;
  }
  if (reason.explicit) {
    return `An explicit deny blocks ${action} for ${who}${on}${routed}; the message does not say which policy.${cut}`;
  }
  const hint = knownHint(action, message);
  switch (message.shape) {
    case 'generic':
    case 'bare':
    case 'empty':
    case 'unrecognized': {
      const words = message.shape === 'unrecognized' && message.reasonText ? ` ("${message.reasonText.slice(0, 200)}")` : '';
      const s3 = input.eventSource.startsWith('s3.') ? ' (S3 gives generic messages to cross-account requests and directory buckets)' : '';
      return `${capitalise(who)} was denied ${action}${on}${routed}; the message${words} does not say which policy denied it${s3}${hint}.${cut}`;
    }
    default: {
      const because = message.reasonText ? ` (${message.reasonText.slice(0, 200)})` : '';
      return `${capitalise(who)} is not authorized to perform ${action}${on}${routed}${because}; the message does not say which policy denied it${hint}.${cut}`;
    }
  }
}
