/**
 * Amazon Bedrock failures that are access problems without an AccessDenied code (aws-facts 4.8, 4.9):
 * the on-demand-throughput ValidationException, the Legacy-model ResourceNotFoundException whose
 * message starts "Access denied", end of life, the AWS Marketplace subscription permissions, the
 * Anthropic use-case form, and model access not enabled.
 */
import type { ModelAccessIssue } from '../denial/types';

/** Only the start of a message is inspected: the markers are all near it. */
const INSPECTED_LENGTH = 2048;

/**
 * EventBridge `wildcard` patterns on `errorMessage` that catch the model-access failures whose error
 * code is not an access code (the AccessDenied-coded ones are caught by the code patterns). Both
 * apostrophes appear in the on-demand message.
 */
export const MODEL_ACCESS_MESSAGE_WILDCARDS = [
  'Access denied*',
  '*on-demand throughput isn’t supported*',
  "*on-demand throughput isn't supported*",
  '*support on-demand throughput*',
  '*reached the end of its life*',
  '*use case details have not been submitted*',
  '*account is not authorized to invoke this API operation*',
] as const;

const ANY_MARKER_RE = /on-demand|^access denied|end of its life|use case details|arketplace|access to the model|invoke this api operation/i;

/**
 * Bedrock's account-level wording for a model (or Bedrock itself) not enabled for the account in this
 * Region, under an AccessDeniedException or a ValidationException code. The same words followed by
 * more (`... with a prompt resource.`) are another problem and are not matched.
 */
const ACCOUNT_NOT_AUTHORIZED_RE = /^your account is not authorized to invoke this api operation\.?$/i;

/** The model-access issue a Bedrock error describes, or null. */
export function detectModelAccessIssue(errorCode: string | undefined, errorMessage: string | undefined): ModelAccessIssue | null {
  if (!errorMessage) return null;
  const m = errorMessage.length > INSPECTED_LENGTH ? errorMessage.slice(0, INSPECTED_LENGTH) : errorMessage;
  // One scan rules out the common case (a plain AccessDenied message) before the specific tests.
  if (!ANY_MARKER_RE.test(m)) return null;
  // Each case is gated by a plain substring search (AWS keeps these words' case), since this runs on every denial.
  if (m.includes('on-demand') && /on-demand throughput isn['’]t supported|doesn['’]t support on-demand throughput/i.test(m)) return 'on-demand-unsupported';
  if (/^access denied\b/i.test(m) && /\blegacy\b/i.test(m)) return 'legacy';
  if (m.includes('end of its life')) return 'end-of-life';
  if (m.includes('use case details have not been submitted')) return 'use-case-form';
  const accessCode = errorCode === undefined || errorCode.includes('AccessDenied');
  if (accessCode && m.includes('arketplace') && /aws-marketplace:(?:Subscribe|ViewSubscriptions)|required AWS Marketplace actions/i.test(m))
    return 'marketplace';
  if (accessCode && m.includes('access to the model') && /don['’]t have access to the model/i.test(m)) return 'not-enabled';
  if (m.length <= 80 && ACCOUNT_NOT_AUTHORIZED_RE.test(m.trim())) return 'not-enabled';
  return null;
}

/** The AWS Marketplace actions a marketplace model-access message lists, in message order. */
export function marketplaceActionsIn(errorMessage: string): string[] {
  const out: string[] = [];
  const re = /aws-marketplace:([A-Za-z]{1,64})/g;
  const text = errorMessage.slice(0, INSPECTED_LENGTH);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const action = `aws-marketplace:${m[1] as string}`;
    if (!out.includes(action)) out.push(action);
  }
  return out;
}

/** The model ID named in an on-demand ValidationException (`Invocation of model ID <id> with on-demand ...`). */
export function modelIdInOnDemandMessage(errorMessage: string): string | null {
  const m = /Invocation of model ID (\S{1,512}) with on-demand/.exec(errorMessage.slice(0, INSPECTED_LENGTH));
  return m ? (m[1] as string) : null;
}
