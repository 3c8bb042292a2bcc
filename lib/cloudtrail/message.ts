/**
 * The one grammar of AWS access-denied messages (see docs: IAM "Troubleshoot access denied error
 * messages", the S3 403 guide, and the Access Troubleshooter authorization-ID page).
 *
 *   [You are not authorized to perform this operation. ]
 *   User: <principal> is not authorized to perform[:] <action>
 *     [on resource: <arn> | "<s3 arn>" | * | role <name> | user <name> | access key <id> | policy <arn>]
 *     [because no <type> allows the <action> action
 *      | with an explicit deny [in a|an|the <type>[: <policy-arn>][ transitively through a <type>]]]
 *   [. Go to https://...#/authorization-details/<id> for complete details, or call the
 *      GetRequestAuthorizationDetails API with the following authorization id: <id>]
 *   [Encoded authorization failure message: <blob>]
 *
 * plus the other shapes services use (generic `Access Denied`, `Principal [..] is not allowed to
 * execute [..]`, `Access to the resource .. is denied.`, ...), a permission named outside the clause
 * (`An additional permission, <action>, is required`, ...), and the SDK and tool wrappers around a
 * message read from logs (./message-wrap).
 *
 * Messages quoted by people carry redactions and placeholders (`<ACCOUNT_ID>`, `XXXXXXXXXXXX`, `***`,
 * `{account-id}`, ` ... `), sometimes with spaces: the principal is everything after `User:`, a redacted
 * resource runs up to the clause that follows and is kept as written (`resourceText`), and neither
 * hides the because / explicit-deny clause, so the layer stays readable.
 *
 * The parser is written with `indexOf` and bounded, anchored regular expressions only, over at most
 * {@link MAX_PARSED_MESSAGE_LENGTH} characters, so its cost is linear in the input whatever it holds.
 * CloudTrail cuts messages at about 1 KB and marks the cut with `...`: a clause that runs into the cut
 * is never trusted.
 */
import type { ReasonLayer } from '../denial/types';
import { looksRedacted, lowerSameLength, namedMissingAction, normaliseAction, readId, readToken, skipSpaces, stripTrailingDots } from './message-scan';
import { parseBecause, parseExplicit } from './message-clauses';
import { unwrapMessage } from './message-wrap';

/** Messages are parsed up to this length; CloudTrail keeps about 1 KB, so nothing real is lost. */
export const MAX_PARSED_MESSAGE_LENGTH = 8192;

export const MESSAGE_SHAPES = [
  /** `User: <p> is not authorized to perform: <a> ...` */
  'standard',
  /** Only an encoded authorization failure message. */
  'encoded',
  /** `Access Denied` and other messages that name nothing. */
  'generic',
  /** `User: <p> is not authorized to access this resource`. */
  'not-authorized-to-access',
  /** `Principal [<p>] is not allowed to execute [<a>] on the resource`. */
  'principal-not-allowed',
  /** `Access to the resource <r> is denied.` / `Not authorized to access resource <r>`. */
  'resource-denied',
  /** `You are not authorized to perform this operation.` alone, `No access to any requested resource`. */
  'bare',
  /** A message that matches no known grammar. */
  'unrecognized',
  /** No message at all. */
  'empty',
] as const;
export type MessageShape = (typeof MESSAGE_SHAPES)[number];

/** What a denial message says, field by field. Absent fields were not in the message (or were cut off). */
export interface ParsedMessage {
  shape: MessageShape;
  /** The principal as written after `User:` (an ARN, or words such as `anonymous`). */
  principal?: string;
  /** The action, with its service prefix lower-cased (`SNS:Publish` → `sns:Publish`). */
  action?: string;
  /** The resource ARN (S3 quotes removed) or `*`. */
  resource?: string;
  /**
   * A resource named in words (`role <name>`, `user <name>`, `access key <id>`, `the specified resource`,
   * `this resource`), or a redacted resource ARN as written (`arn:aws:iam::<ACCOUNT_ID>:role/x`).
   */
  resourceText?: string;
  /** The API operation an SDK wrapper names (`An error occurred (..) when calling the InvokeModel operation: ...`). */
  operation?: string;
  layer: ReasonLayer;
  explicit: boolean;
  /** The policy type as worded ("service control policy", "sessions policy", ...). */
  policyType?: string;
  policyArn?: string;
  /** For `... transitively through a <type>`: that second type. */
  transitiveVia?: string;
  authorizationId?: string;
  encoded: boolean;
  /** The encoded blob, when complete (a cut blob cannot be decoded). */
  encodedMessage?: string;
  /** True when the message was cut (ends with `...`) or longer than the parsed maximum. */
  truncated: boolean;
  /** A because-clause (or trailing words) that matches no known grammar, kept for the summary. */
  reasonText?: string;
}

const NOT_AUTHORIZED_TO_PERFORM = ' is not authorized to perform';
/**
 * IAM names some resources in words after `on resource:`: `role <name>`, `user <name>`, `access key <id>`,
 * and `policy <arn>` (the type word before a full ARN).
 */
const WORDED_RESOURCE_LABELS = ['role ', 'user ', 'access key ', 'policy '] as const;
/** How far after `on resource:` the clause that ends a resource (`because`, `with an explicit deny`) is looked for. */
const MAX_RESOURCE_SPAN = 2048;
const ENCODED_MARKER = 'encoded authorization failure message:';
const YOU_ARE_NOT_AUTHORIZED = 'you are not authorized to perform this operation';
const MAX_RESOURCE_WORDS = 200;

function emptyResult(shape: MessageShape, truncated: boolean): ParsedMessage {
  return { shape, layer: 'unknown', explicit: false, encoded: false, truncated };
}

/** The principal before ` is not authorized ...`: everything after `User:` (redactions may hold spaces), else the last word. */
function principalBefore(core: string, lower: string, idx: number): string | undefined {
  const userAt = lower.lastIndexOf('user:', idx);
  const afterUser = userAt >= 0 && idx - userAt <= MAX_RESOURCE_SPAN ? core.slice(userAt + 5, idx).trim() : undefined;
  // `user:` in an earlier sentence (a full stop, then a capital) is not the principal's label.
  const principal = afterUser !== undefined && !/\.\s[A-Z]/.test(afterUser) ? afterUser : core.slice(core.lastIndexOf(' ', idx - 1) + 1, idx);
  return principal || undefined;
}

/**
 * Where AWS's reason clause starts in `window`: the last ` because ` / ` with an explicit deny`, or -1.
 * The resource before it is caller-chosen (an S3 key may hold spaces, quotes and whole clauses), and
 * AWS writes its own clause after the resource, so when several clause starts appear the last one is
 * AWS's; an earlier one is part of the resource name.
 */
export function lastClauseStart(window: string): number {
  return Math.max(window.lastIndexOf(' because '), window.lastIndexOf(' with an explicit deny'));
}

/** Where the resource of `on resource: ...` ends: before AWS's `because` / `with an explicit deny` clause, or -1 when none follows. */
function resourceStop(lower: string, at: number): number {
  const end = lastClauseStart(lower.slice(at, at + MAX_RESOURCE_SPAN));
  return end >= 0 ? at + end : -1;
}

/** Keeps a resource as an ARN (or `*`, or a name) when it reads as one, else as written in `resourceText` (redacted ARNs). */
function setResource(out: ParsedMessage, text: string): void {
  if (!text) return;
  if (looksRedacted(text)) out.resourceText = text;
  else out.resource = text;
}

/** Reads `on resource: <resource>` from `i` (after the colon); returns where the resource ended, or -1 when it ran into a cut. */
function parseOnResource(core: string, lower: string, i: number, truncated: boolean, out: ParsedMessage): number {
  const stop = resourceStop(lower, i);
  if (core[i] === '"') {
    // The closing quote is the last one before the clause that follows (a redaction may hold quotes).
    const close = stop >= 0 ? core.lastIndexOf('"', stop) : core.indexOf('"', i + 1);
    if (close <= i) return -1; // the quoted resource was cut
    // S3 object keys may hold any character: only the part before the key can show a redaction.
    const quoted = core.slice(i + 1, close);
    const slash = quoted.indexOf('/', 'arn:aws:s3:::'.length);
    if (looksRedacted(slash > 0 ? quoted.slice(0, slash) : quoted)) out.resourceText = quoted;
    else if (quoted) out.resource = quoted;
    return skipSpaces(core, close + 1);
  }
  const label = WORDED_RESOURCE_LABELS.find((l) => lower.startsWith(l, i));
  if (label) {
    const tok = readToken(core, i + label.length, truncated);
    if (!tok.complete) return -1;
    const name = stripTrailingDots(tok.text);
    if (name.startsWith('arn:')) setResource(out, name);
    else out.resourceText = `${label}${name}`;
    return skipSpaces(core, tok.end);
  }
  const tok = readToken(core, i, truncated);
  // A resource with spaces in it (a redaction such as `<Log Archive Account>` or ` ... `) runs up to the clause that follows.
  const rest = stop >= 0 ? core.slice(i, stop).trim() : stripTrailingDots(core.slice(i).trim());
  if (rest.includes(' ') && looksRedacted(rest) && (stop >= 0 || !truncated)) {
    out.resourceText = rest;
    return stop >= 0 ? skipSpaces(core, stop) : core.length;
  }
  if (!tok.complete) return -1;
  setResource(out, tok.end === core.length ? stripTrailingDots(tok.text) : tok.text);
  return skipSpaces(core, tok.end);
}

/** Parses `... is not authorized to perform[:] <action> [on resource: ...] [because ... | with an explicit deny ...]`. */
function parseStandard(core: string, lower: string, idx: number, truncated: boolean, out: ParsedMessage): void {
  out.shape = 'standard';
  const principal = principalBefore(core, lower, idx);
  if (principal) out.principal = principal;

  let i = idx + NOT_AUTHORIZED_TO_PERFORM.length;
  if (core[i] === ':') i++;
  i = skipSpaces(core, i);
  if (lower.startsWith('this operation', i)) return;

  const action = readToken(core, i, truncated);
  const normalised = action.complete ? normaliseAction(stripTrailingDots(action.text)) : null;
  if (normalised) out.action = normalised;
  i = skipSpaces(core, action.end);

  if (lower.startsWith('on resource:', i) || lower.startsWith('on resource ', i)) {
    i = parseOnResource(core, lower, skipSpaces(core, i + 'on resource'.length + (core[i + 'on resource'.length] === ':' ? 1 : 0)), truncated, out);
    if (i < 0) return;
  } else if (lower.startsWith('on the specified resource', i)) {
    out.resourceText = 'the specified resource';
    i = skipSpaces(core, i + 'on the specified resource'.length);
  } else if (lower.startsWith('on this resource', i)) {
    out.resourceText = 'this resource';
    i = skipSpaces(core, i + 'on this resource'.length);
  } else if (lower.startsWith('on ', i)) {
    // Other worded resources ("on the resource associated with this ciphertext because ..."): keep the words.
    const end = lastClauseStart(lower.slice(i, i + MAX_RESOURCE_WORDS));
    if (end > 3) {
      const stop = i + end;
      out.resourceText = core.slice(i + 3, stop);
      i = skipSpaces(core, stop);
    }
  }

  if (lower.startsWith('because ', i)) {
    parseBecause(core, lower, i + 'because '.length, out);
  } else if (lower.startsWith('with an explicit deny', i)) {
    parseExplicit(core, lower, i + 'with an explicit deny'.length, truncated, out);
  } else if (i < core.length) {
    const rest = stripTrailingDots(core.slice(i).trim());
    if (rest) out.reasonText = rest;
  }
}

/** The text to parse: capped, without CloudTrail's cut marker (then `truncated`) and SDK or exception prefixes. */
function messageText(message: string): { text: string; truncated: boolean; operation?: string; action?: string } {
  const overlong = message.length > MAX_PARSED_MESSAGE_LENGTH;
  let text = (overlong ? message.slice(0, MAX_PARSED_MESSAGE_LENGTH) : message).trim();
  let truncated = overlong;
  if (text.endsWith('...') || text.endsWith('…')) {
    truncated = true;
    text = text.slice(0, text.length - (text.endsWith('…') ? 1 : 3)).trimEnd();
  }
  const unwrapped = unwrapMessage(text);
  return { ...unwrapped, text: unwrapped.text.trim(), truncated };
}

/** The message text and its same-length lower-cased copy, always cut together. */
interface Scanned {
  text: string;
  lower: string;
}

/**
 * `at` when no reason clause starts after it, else -1: AWS appends its suffixes (Access Troubleshooter,
 * encoded message) after the clause, so a marker followed by a clause is inside a caller-chosen name.
 */
function afterLastClause(lower: string, at: number): number {
  return at >= 0 && lastClauseStart(lower.slice(at)) < 0 ? at : -1;
}

/** Reads and removes the `Encoded authorization failure message: <blob>` suffix; returns where it began, or -1. */
function takeEncodedSuffix(s: Scanned, truncated: boolean, out: ParsedMessage): number {
  // The last marker is AWS's, and only when no reason clause follows it: an earlier one is inside a caller-chosen name.
  const encodedAt = afterLastClause(s.lower, s.lower.lastIndexOf(ENCODED_MARKER));
  if (encodedAt >= 0) {
    out.encoded = true;
    const tok = readToken(s.text, skipSpaces(s.text, encodedAt + ENCODED_MARKER.length), truncated);
    if (tok.complete && tok.text) out.encodedMessage = tok.text;
    s.text = s.text.slice(0, encodedAt);
    s.lower = s.lower.slice(0, encodedAt);
  }
  return encodedAt;
}

/** Reads the authorization ID and removes the Access Troubleshooter suffix (`Go to https://...`); returns where it began, or -1. */
function takeTroubleshooterSuffix(s: Scanned, truncated: boolean, out: ParsedMessage): number {
  const { text, lower } = s;
  // AWS appends this suffix after the clause: the last markers are AWS's, earlier ones are inside a caller-chosen name.
  const idAt = afterLastClause(lower, lower.lastIndexOf('authorization id:'));
  const urlAt = afterLastClause(lower, lower.lastIndexOf('#/authorization-details/'));
  const authorizationId =
    (idAt >= 0 ? readId(text, idAt + 'authorization id:'.length, truncated) : undefined) ??
    (urlAt >= 0 ? readId(text, urlAt + '#/authorization-details/'.length, truncated && lower.indexOf(' ', urlAt) < 0) : undefined);
  if (authorizationId) out.authorizationId = authorizationId;
  let suffixAt = afterLastClause(lower, lower.lastIndexOf('go to https://'));
  if (suffixAt < 0) suffixAt = afterLastClause(lower, lower.lastIndexOf('go to http'));
  if (suffixAt < 0 && idAt >= 0) suffixAt = lower.lastIndexOf('call the getrequestauthorizationdetails', idAt);
  if (suffixAt >= 0) {
    s.text = text.slice(0, suffixAt);
    s.lower = lower.slice(0, suffixAt);
  }
  return suffixAt;
}

/** The clause that says who was denied what, without a leading `You are not authorized to perform this operation.` (then `bare`). */
function coreClause(text: string): { core: string; coreLower: string; bare: boolean } {
  const core = stripTrailingDots(text.trim());
  const coreLower = lowerSameLength(core);
  if (!coreLower.startsWith(YOU_ARE_NOT_AUTHORIZED)) return { core, coreLower, bare: false };
  const after = skipSpaces(core, YOU_ARE_NOT_AUTHORIZED.length + (core[YOU_ARE_NOT_AUTHORIZED.length] === '.' ? 1 : 0));
  return { core: core.slice(after), coreLower: coreLower.slice(after), bare: true };
}

/** Reads the core clause by its shape (standard first, then the other shapes services use) into `out`. */
function parseCoreClause(core: string, coreLower: string, clauseTruncated: boolean, bare: boolean, out: ParsedMessage): void {
  const idx = coreLower.indexOf(NOT_AUTHORIZED_TO_PERFORM);
  if (idx > 0) {
    parseStandard(core, coreLower, idx, clauseTruncated, out);
    return;
  }
  const youAt = coreLower.startsWith('you are not authorized to perform:') ? 'you are not authorized to perform:'.length : -1;
  if (youAt > 0) {
    // "You are not authorized to perform: athena:StartQueryExecution on the resource. ..." (no principal).
    out.shape = 'standard';
    const tok = readToken(core, skipSpaces(core, youAt), clauseTruncated);
    const action = tok.complete ? normaliseAction(stripTrailingDots(tok.text)) : null;
    if (action) out.action = action;
    return;
  }
  const principalNotAllowed = /^Principal \[([^\]]{1,2048})\] is not allowed to execute \[([^\]]{1,256})\]/.exec(core);
  if (principalNotAllowed) {
    out.shape = 'principal-not-allowed';
    out.principal = principalNotAllowed[1] as string;
    const action = normaliseAction(principalNotAllowed[2] as string);
    if (action) out.action = action;
    return;
  }
  const toAccess = coreLower.indexOf(' is not authorized to access');
  if (toAccess > 0) {
    out.shape = 'not-authorized-to-access';
    const start = core.lastIndexOf(' ', toAccess - 1) + 1;
    const principal = core.slice(start, toAccess);
    if (principal && principal.toLowerCase() !== 'user:') out.principal = principal;
    return;
  }
  const accessTo = /^Access to the resource (\S{1,2048}) is denied/i.exec(core) ?? /^Not authorized to access resource (\S{1,2048})/i.exec(core);
  if (accessTo) {
    out.shape = 'resource-denied';
    const r = stripTrailingDots(accessTo[1] as string);
    if (!(clauseTruncated && accessTo.index + accessTo[0].length === core.length)) out.resource = r;
    return;
  }
  parseUnnamedClause(core, coreLower, bare, out);
}

/** The shapes that name nothing: generic `Access Denied`, encoded only, bare, else unrecognized words. */
function parseUnnamedClause(core: string, coreLower: string, bare: boolean, out: ParsedMessage): void {
  if (coreLower.startsWith('access denied')) {
    out.shape = 'generic';
  } else if (out.encoded) {
    out.shape = 'encoded';
  } else if (bare || coreLower.startsWith('no access to any requested resource') || coreLower.startsWith('an unknown error occurred')) {
    out.shape = 'bare';
  } else {
    out.reasonText = core.slice(0, 512);
  }
}

/**
 * Parses an access-denied message. Never throws; cost is linear in the (capped) input.
 * @param message the raw `errorMessage` (CloudTrail) or SDK error text
 */
export function parseDenialMessage(message: string | null | undefined): ParsedMessage {
  if (typeof message !== 'string' || message.trim().length === 0) return emptyResult('empty', false);
  const { text, truncated, operation, action: wrapperAction } = messageText(message);
  const scanned: Scanned = { text, lower: lowerSameLength(text) };
  const out = emptyResult('unrecognized', truncated);
  const encodedAt = takeEncodedSuffix(scanned, truncated, out);
  const suffixAt = takeTroubleshooterSuffix(scanned, truncated, out);
  const { core, coreLower, bare } = coreClause(scanned.text);
  // Once the Access Troubleshooter or encoded suffix is removed, the clause before it is complete.
  const clauseTruncated = truncated && suffixAt < 0 && encodedAt < 0;
  parseCoreClause(core, coreLower, clauseTruncated, bare, out);
  // A permission named elsewhere in the words, else the action a wrapper names (CloudFormation's `API: <action>`).
  const named = out.action ? null : (namedMissingAction(core, clauseTruncated) ?? (wrapperAction ? normaliseAction(wrapperAction) : null));
  if (named) out.action = named;
  if (operation) out.operation = operation;
  return out;
}
