/**
 * Which CloudTrail errors are access problems. The same rules, written as EventBridge wildcard
 * patterns, are exported for the deployment's event pattern so that what the rule delivers and what
 * the decoder accepts cannot drift apart. The one deliberate difference: the decoder reads an
 * "access denied" message in any case, which EventBridge's case-sensitive wildcards cannot express.
 */
import type { ModelAccessIssue } from '../denial/types';
import { MODEL_ACCESS_MESSAGE_WILDCARDS, detectModelAccessIssue } from '../bedrock/model-access';
import { unwrapMessage } from './message-wrap';

/**
 * EventBridge `wildcard` patterns on `errorCode` (case-sensitive, like EventBridge). They cover
 * `AccessDenied`, `AccessDeniedException`, `Client.UnauthorizedOperation`, `UnauthorizedOperation`,
 * `UnauthorizedException`, `UnauthorizedAccess`, SNS `AuthorizationError`, `Forbidden`/`ForbiddenException`.
 */
export const ACCESS_ERROR_CODE_WILDCARDS = ['*AccessDenied*', '*Unauthorized*', '*AuthorizationError*', '*Forbidden*'] as const;

/**
 * EventBridge `wildcard` patterns on `errorMessage` that mark an access problem whatever the code.
 * EventBridge wildcards are case-sensitive and it has no case-insensitive wildcard, so the deployed
 * rule only sees `Access denied*` (Bedrock's spelling) by message; S3's `Access Denied` reaches it
 * through its `AccessDenied` code. The decoder is wider ({@link classifyAccessProblem}): records read
 * from files and event history have not been through the rule and may carry any case or no code.
 */
export const ACCESS_ERROR_MESSAGE_WILDCARDS = ['*is not authorized to perform*', ...MODEL_ACCESS_MESSAGE_WILDCARDS] as const;

/** `Access denied` / `Access Denied` / `ACCESS DENIED` at the start of a message: the decoder ignores case here. */
const ACCESS_DENIED_MESSAGE_RE = /^\s{0,16}access denied/i;

/**
 * Matches an EventBridge-style wildcard (`*` = any run of characters, case-sensitive). Greedy
 * backtracking over at most one pending star keeps it linear per star for these short patterns.
 */
export function matchesWildcard(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let mark = 0;
  while (v < value.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === value[v]) {
      p++;
      v++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = v;
    } else if (star >= 0) {
      p = star + 1;
      v = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Messages are matched on their start only: every marker sits in the first 2 KB. */
const MATCHED_MESSAGE_LENGTH = 2048;

export type AccessProblem = { kind: 'access-denied' } | { kind: 'model-access'; issue: ModelAccessIssue };

/**
 * Classifies an error; null when it is not an access problem (throttling, validation, missing key, ...).
 * Codes match {@link ACCESS_ERROR_CODE_WILDCARDS} and messages {@link ACCESS_ERROR_MESSAGE_WILDCARDS}
 * as EventBridge would, except that a message starting "access denied" matches in any case.
 */
export function classifyAccessProblem(errorCode: string | null | undefined, errorMessage: string | null | undefined): AccessProblem | null {
  const code = typeof errorCode === 'string' && errorCode.length <= 256 ? errorCode : undefined;
  // Messages read from logs arrive inside SDK wrappers (`An error occurred (...) when calling the X operation: ...`): read the inner one.
  const message = typeof errorMessage === 'string' ? unwrapMessage(errorMessage.slice(0, MATCHED_MESSAGE_LENGTH)).text : undefined;
  if (!code && !message) return null;
  const issue = detectModelAccessIssue(code, message);
  if (issue) return { kind: 'model-access', issue };
  if (code && ACCESS_ERROR_CODE_WILDCARDS.some((w) => matchesWildcard(w, code))) return { kind: 'access-denied' };
  if (message && (ACCESS_DENIED_MESSAGE_RE.test(message) || ACCESS_ERROR_MESSAGE_WILDCARDS.some((w) => matchesWildcard(w, message))))
    return { kind: 'access-denied' };
  return null;
}

/** True when the error is an access problem (including Bedrock model-access failures). */
export function isAccessProblem(errorCode: string | null | undefined, errorMessage: string | null | undefined): boolean {
  return classifyAccessProblem(errorCode, errorMessage) !== null;
}
