/**
 * Reads a record's `errorCode` and `errorMessage`. CloudTrail writes both as strings, but records
 * that pass through other tools (SIEM exports, hand-made fixtures, HTTP-status-minded converters)
 * can carry `errorCode: 403`: such codes are read as their text rather than dropped, and the reading
 * is reported so that a skip reason never says "no errorCode" about a record that has one.
 */
import { cap, own } from '../aws/json';

/** Longest error code read: real codes are short identifiers (`Client.UnauthorizedOperation`). */
export const MAX_ERROR_CODE_LENGTH = 256;

export interface ErrorFields {
  /** The error code as text: a string as recorded, a number or boolean as its text; undefined when absent or unreadable. */
  code?: string;
  /** The error message when it is non-empty text. */
  message?: string;
  /** How `code` was read when it was not a string, e.g. `a number, read as "403"`. */
  codeCoercion?: string;
  /** Why a present `errorCode` could not be read (`an object`, `longer than 256 characters`). */
  codeUnreadable?: string;
  /** Why a present `errorMessage` could not be read (`a number`, `an array`). */
  messageUnreadable?: string;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Reads the error fields of a record. Never throws. */
export function readErrorFields(record: unknown): ErrorFields {
  const out: ErrorFields = {};
  const code = own(record, 'errorCode');
  if (typeof code === 'string') {
    if (code.length > MAX_ERROR_CODE_LENGTH) out.codeUnreadable = `longer than ${MAX_ERROR_CODE_LENGTH} characters`;
    else if (code.length > 0) out.code = code;
  } else if ((typeof code === 'number' && Number.isFinite(code)) || typeof code === 'boolean') {
    out.code = String(code);
    out.codeCoercion = `${kindOf(code)}, read as "${out.code}"`;
  } else if (code !== undefined && code !== null) {
    out.codeUnreadable = typeof code === 'number' ? 'a non-finite number' : kindOf(code);
  }

  const message = own(record, 'errorMessage');
  if (typeof message === 'string') {
    if (message.length > 0) out.message = message;
  } else if (message !== undefined && message !== null) {
    out.messageUnreadable = kindOf(message);
  }
  return out;
}

/** Why a record whose error fields are not an access problem is skipped: accurate about what the record holds. */
export function skipReason(fields: ErrorFields): string {
  const { code, message, codeCoercion, codeUnreadable, messageUnreadable } = fields;
  const messagePart = message
    ? 'its errorMessage is not an access problem either'
    : messageUnreadable
      ? `its errorMessage is ${messageUnreadable}, not text`
      : 'it has no errorMessage';
  if (code) {
    const how = codeCoercion ? ` (recorded as ${codeCoercion})` : '';
    return `errorCode ${cap(code, 80)}${how} is not an access problem, and ${messagePart}`;
  }
  if (codeUnreadable) return `the errorCode is ${codeUnreadable} and cannot be read, and ${messagePart}`;
  if (message) return 'the record has no errorCode and its errorMessage is not an access problem';
  if (messageUnreadable) return `the record has no errorCode and its errorMessage is ${messageUnreadable}, not text`;
  return 'the call did not fail (no errorCode or errorMessage)';
}
