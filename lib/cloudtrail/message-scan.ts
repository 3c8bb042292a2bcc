/**
 * Helpers of the denial-message grammar (./message): what action and policy-type words mean, and the
 * scanning of tokens, spaces, ids and case, with bounded loops only, so that parsing stays linear in
 * the input.
 */
import type { ReasonLayer } from '../denial/types';
import { parseArn } from '../aws/arn';

const ACTION_RE = /^([A-Za-z0-9][A-Za-z0-9.-]{0,63}):([A-Za-z0-9*?][A-Za-z0-9*?_-]{0,127})$/;

/** Lower-cases the service prefix of an action; null when the text is not `service:Action`. */
export function normaliseAction(text: string): string | null {
  const m = ACTION_RE.exec(text);
  if (!m) return null;
  return `${(m[1] as string).toLowerCase()}:${m[2] as string}`;
}

/** Maps the policy-type words of a message to a reason layer. */
export function layerForPolicyType(words: string): ReasonLayer {
  const w = words.toLowerCase();
  if (w.includes('service control')) return 'scp';
  if (w.includes('resource control')) return 'rcp';
  if (w.includes('permissions boundary') || w.includes('permission boundary')) return 'permissions-boundary';
  if (w.includes('vpc endpoint')) return 'vpc-endpoint';
  if (w.includes('identity-based') || w.includes('identity based')) return 'identity';
  if (w.includes('session')) return 'session';
  if (w.includes('resource-based') || w.includes('resource based')) return 'resource';
  if (w.includes('trust policy')) return 'resource';
  return 'unknown';
}

/** Policy-type words end with the noun: anything else is a cut or unknown clause. */
export function looksLikePolicyType(words: string): boolean {
  return /(?:polic(?:y|ies)|boundar(?:y|ies))$/i.test(words) && !words.includes(',');
}

/** A token read up to the next space; `complete` is false when it ran into the end of a cut message. */
export interface Token {
  text: string;
  end: number;
  complete: boolean;
}

export function readToken(s: string, from: number, truncated: boolean): Token {
  let end = s.indexOf(' ', from);
  const atEnd = end < 0;
  if (atEnd) end = s.length;
  return { text: s.slice(from, end), end, complete: !(atEnd && truncated) };
}

export function skipSpaces(s: string, from: number): number {
  let i = from;
  while (i < s.length && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9 || s.charCodeAt(i) === 10 || s.charCodeAt(i) === 13)) i++;
  return i;
}

export function stripTrailingDots(s: string): string {
  let end = s.length;
  while (end > 0 && (s[end - 1] === '.' || s[end - 1] === ' ')) end--;
  return s.slice(0, end);
}

/**
 * Lower-cases without changing the length, so that indexes found in the lower-cased text apply to the
 * original (full Unicode lower-casing can lengthen strings, e.g. `İ`).
 */
export function lowerSameLength(s: string): string {
  const l = s.toLowerCase();
  return l.length === s.length ? l : s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** Reads the id that follows a marker: lowercase letters and digits (uppercase accepted, as in AWS examples). */
export function readId(s: string, from: number, truncated: boolean): string | undefined {
  let i = skipSpaces(s, from);
  const start = i;
  while (i < s.length && i - start < 256) {
    const c = s.charCodeAt(i);
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!alnum) break;
    i++;
  }
  if (i === start) return undefined;
  if (i === s.length && truncated) return undefined;
  return s.slice(start, i);
}

/** Placeholder and redaction marks people put in ARNs they quote: `<ACCOUNT_ID>`, `{id}`, `${VAR}`, `***`, ` ... `, quoted words. */
const REDACTION_MARK_RE = /[<>{}"\s]|\*\*\*/;

/**
 * True when an ARN-like text was redacted or holds a placeholder: it carries a redaction mark, or it is
 * shaped like an ARN whose account is neither digits, `aws` nor empty (`XXXXXXXXXXXX`, `acctNR`).
 * Such text is kept as written, never used as an ARN.
 */
export function looksRedacted(text: string): boolean {
  if (REDACTION_MARK_RE.test(text)) return true;
  if (!text.startsWith('arn:')) return false;
  const arn = parseArn(text);
  return arn === null || !(arn.account === '' || arn.account === 'aws' || /^\d{1,12}$/.test(arn.account));
}

/** Where a missing permission is named outside the `perform: <action>` clause ("An additional permission, `iam:PassRole`, is required", ...). */
const NAMED_ACTION_RE =
  /(?:additional permission,? `?|you need (?:the )?`?|requires? (?:the )?permission to perform:? `?|requires? (?:the )?`?|not authorized to perform:? `?)([A-Za-z0-9-]{1,64}:[A-Za-z0-9*]{1,128})/i;

/** The action a message names as missing outside the standard clause; null when none, or when it runs into a cut. */
export function namedMissingAction(text: string, truncated: boolean): string | null {
  const window = text.slice(0, 2048);
  const m = NAMED_ACTION_RE.exec(window);
  if (!m) return null;
  if (truncated && m.index + m[0].length >= text.length) return null;
  return normaliseAction(m[1] as string);
}
