/**
 * The one grammar of AWS access-denied messages (see docs: IAM "Troubleshoot access denied error
 * messages", the S3 403 guide, and the Access Troubleshooter authorization-ID page).
 *
 *   [You are not authorized to perform this operation. ]
 *   User: <principal> is not authorized to perform[:] <action>
 *     [on resource: <arn> | "<s3 arn>" | * | role <name> | user <name> | access key <id>]
 *     [because no <type> allows the <action> action
 *      | with an explicit deny [in a|an|the <type>[: <policy-arn>][ transitively through a <type>]]]
 *   [. Go to https://...#/authorization-details/<id> for complete details, or call the
 *      GetRequestAuthorizationDetails API with the following authorization id: <id>]
 *   [Encoded authorization failure message: <blob>]
 *
 * plus the other shapes services use (generic `Access Denied`, `Principal [..] is not allowed to
 * execute [..]`, `Access to the resource .. is denied.`, ...).
 *
 * The parser is written with `indexOf` and bounded, anchored regular expressions only, over at most
 * {@link MAX_PARSED_MESSAGE_LENGTH} characters, so its cost is linear in the input whatever it holds.
 * CloudTrail cuts messages at about 1 KB and marks the cut with `...`: a clause that runs into the cut
 * is never trusted.
 */
import type { ReasonLayer } from '../denial/types';
import { layerForPolicyType, looksLikePolicyType, lowerSameLength, normaliseAction, readId, readToken, skipSpaces, stripTrailingDots } from './message-scan';

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
  /** A resource named in words: `role <name>`, `user <name>`, `access key <id>`, `the specified resource`, `this resource`. */
  resourceText?: string;
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
/** IAM names some resources in words after `on resource:`: `role <name>`, `user <name>`, `access key <id>`. */
const WORDED_RESOURCE_LABELS = ['role ', 'user ', 'access key '] as const;
const ENCODED_MARKER = 'encoded authorization failure message:';
const YOU_ARE_NOT_AUTHORIZED = 'you are not authorized to perform this operation';
const MAX_POLICY_TYPE_LENGTH = 100;
const MAX_RESOURCE_WORDS = 200;
const SDK_PREFIX_RE = /^An error occurred \([^()]{0,100}\) when calling the [A-Za-z0-9]{0,100} operation(?: \(reached max retries: \d{1,3}\))?: /;
const EXCEPTION_PREFIX_RE = /^[A-Za-z][A-Za-z.]{0,79}(?:Exception|Error|AccessDenied): /;

function emptyResult(shape: MessageShape, truncated: boolean): ParsedMessage {
  return { shape, layer: 'unknown', explicit: false, encoded: false, truncated };
}

/** Parses the because-clause of an implicit deny (`because no <type> allows ...`) and S3 guardrails. */
function parseBecause(core: string, lower: string, at: number, out: ParsedMessage): void {
  const clauseStart = at;
  if (lower.startsWith('no ', at) || lower.startsWith('the ', at)) {
    const typeStart = at + (lower.startsWith('no ', at) ? 3 : 4);
    const allow = lower.indexOf(' allow', typeStart);
    if (allow > typeStart && allow - typeStart <= MAX_POLICY_TYPE_LENGTH) {
      const words = core.slice(typeStart, allow).trim();
      const layer = looksLikePolicyType(words) ? layerForPolicyType(words) : 'unknown';
      if (layer !== 'unknown') {
        out.layer = layer;
        out.explicit = false;
        out.policyType = words;
        return;
      }
    }
  }
  if (lower.startsWith('public acls are prevented by the blockpublicacls', at)) {
    setGuardrail(out, 'S3 Block Public Access (BlockPublicAcls)');
    return;
  }
  if (lower.startsWith('public policies are prevented by the blockpublicpolicy', at)) {
    setGuardrail(out, 'S3 Block Public Access (BlockPublicPolicy)');
    return;
  }
  if (lower.startsWith('this bucket has blocked upload requests that specify server side encryption with customer provided keys', at)) {
    setGuardrail(out, 'S3 bucket setting that blocks SSE-C uploads');
    return;
  }
  out.reasonText = `because ${core.slice(clauseStart)}`;
}

function setGuardrail(out: ParsedMessage, words: string): void {
  out.layer = 'resource';
  out.explicit = true;
  out.policyType = words;
}

/** Parses `with an explicit deny [in a|an|the <type>[: <arn>][ transitively through a <type>]]`. */
function parseExplicit(core: string, lower: string, at: number, truncated: boolean, out: ParsedMessage): void {
  out.explicit = true;
  let i = skipSpaces(core, at);
  let article = '';
  for (const a of ['in an ', 'in a ', 'in the ']) {
    if (lower.startsWith(a, i)) {
      article = a;
      break;
    }
  }
  if (!article) return;
  i += article.length;
  const limit = Math.min(core.length, i + MAX_POLICY_TYPE_LENGTH);
  const window = lower.slice(i, limit);
  const colon = window.indexOf(': ');
  const transitive = window.indexOf(' transitively through ');
  const ends = [colon, transitive, window.indexOf('. '), window.indexOf(', ')].filter((n) => n >= 0);
  const typeEnd = ends.length > 0 ? i + Math.min(...ends) : core.length;
  if (typeEnd === core.length && (truncated || core.length - i > MAX_POLICY_TYPE_LENGTH)) return;
  const words = stripTrailingDots(core.slice(i, typeEnd).trim());
  out.policyType = words;
  out.layer = looksLikePolicyType(words) ? layerForPolicyType(words) : 'unknown';
  let j = typeEnd;
  if (colon >= 0 && j === i + colon) {
    const tok = readToken(core, skipSpaces(core, j + 2), truncated);
    const arn = tok.text.replace(/\.$/, '');
    if (tok.complete && arn.startsWith('arn:')) out.policyArn = arn;
    j = tok.end;
  }
  const rest = lower.indexOf(' transitively through ', j);
  if (rest >= 0 && rest - j <= 2) {
    const viaStart = rest + ' transitively through '.length;
    const viaArticle = lower.startsWith('an ', viaStart) ? 3 : lower.startsWith('a ', viaStart) ? 2 : lower.startsWith('the ', viaStart) ? 4 : 0;
    const viaFrom = viaStart + viaArticle;
    const viaColon = lower.indexOf(':', viaFrom);
    const viaEnd = viaColon >= 0 && viaColon - viaFrom <= MAX_POLICY_TYPE_LENGTH ? viaColon : Math.min(core.length, viaFrom + MAX_POLICY_TYPE_LENGTH);
    if (!(viaEnd === core.length && truncated)) {
      const via = stripTrailingDots(core.slice(viaFrom, viaEnd).trim());
      if (via) out.transitiveVia = via;
    }
    if (viaColon >= 0 && viaColon === viaEnd && out.policyArn === undefined) {
      const tok = readToken(core, skipSpaces(core, viaColon + 1), truncated);
      const arn = tok.text.replace(/\.$/, '');
      if (tok.complete && arn.startsWith('arn:')) out.policyArn = arn;
    }
  }
}

/** Parses `... is not authorized to perform[:] <action> [on resource: ...] [because ... | with an explicit deny ...]`. */
function parseStandard(core: string, lower: string, idx: number, truncated: boolean, out: ParsedMessage): void {
  out.shape = 'standard';
  const principalStart = core.lastIndexOf(' ', idx - 1) + 1;
  let principal = core.slice(principalStart, idx);
  if (/^user:/i.test(principal)) principal = principal.slice(5);
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
    i = skipSpaces(core, i + 'on resource'.length + (core[i + 'on resource'.length] === ':' ? 1 : 0));
    if (core[i] === '"') {
      const close = core.indexOf('"', i + 1);
      if (close < 0) return; // the quoted resource was cut
      out.resource = core.slice(i + 1, close);
      i = skipSpaces(core, close + 1);
    } else if (WORDED_RESOURCE_LABELS.some((l) => lower.startsWith(l, i))) {
      const label = WORDED_RESOURCE_LABELS.find((l) => lower.startsWith(l, i)) as string;
      const tok = readToken(core, i + label.length, truncated);
      if (!tok.complete) return;
      out.resourceText = `${label}${stripTrailingDots(tok.text)}`;
      i = skipSpaces(core, tok.end);
    } else {
      const tok = readToken(core, i, truncated);
      if (!tok.complete) return;
      const r = tok.end === core.length ? stripTrailingDots(tok.text) : tok.text;
      if (r) out.resource = r;
      i = skipSpaces(core, tok.end);
    }
  } else if (lower.startsWith('on the specified resource', i)) {
    out.resourceText = 'the specified resource';
    i = skipSpaces(core, i + 'on the specified resource'.length);
  } else if (lower.startsWith('on this resource', i)) {
    out.resourceText = 'this resource';
    i = skipSpaces(core, i + 'on this resource'.length);
  } else if (lower.startsWith('on ', i)) {
    // Other worded resources ("on the resource associated with this ciphertext because ..."): keep the words.
    const window = lower.slice(i, i + MAX_RESOURCE_WORDS);
    const end = [window.indexOf(' because '), window.indexOf(' with an explicit deny')].filter((n) => n > 3);
    if (end.length > 0) {
      const stop = i + Math.min(...end);
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
function messageText(message: string): { text: string; truncated: boolean } {
  const overlong = message.length > MAX_PARSED_MESSAGE_LENGTH;
  let text = (overlong ? message.slice(0, MAX_PARSED_MESSAGE_LENGTH) : message).trim();
  let truncated = overlong;
  if (text.endsWith('...') || text.endsWith('…')) {
    truncated = true;
    text = text.slice(0, text.length - (text.endsWith('…') ? 1 : 3)).trimEnd();
  }
  return { text: text.replace(SDK_PREFIX_RE, '').replace(EXCEPTION_PREFIX_RE, ''), truncated };
}

/** The message text and its same-length lower-cased copy, always cut together. */
interface Scanned {
  text: string;
  lower: string;
}

/** Reads and removes the `Encoded authorization failure message: <blob>` suffix; returns where it began, or -1. */
function takeEncodedSuffix(s: Scanned, truncated: boolean, out: ParsedMessage): number {
  const encodedAt = s.lower.indexOf(ENCODED_MARKER);
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
  const idAt = lower.indexOf('authorization id:');
  const urlAt = lower.indexOf('#/authorization-details/');
  const authorizationId =
    (idAt >= 0 ? readId(text, idAt + 'authorization id:'.length, truncated) : undefined) ??
    (urlAt >= 0 ? readId(text, urlAt + '#/authorization-details/'.length, truncated && lower.indexOf(' ', urlAt) < 0) : undefined);
  if (authorizationId) out.authorizationId = authorizationId;
  let suffixAt = lower.indexOf('go to https://');
  if (suffixAt < 0) suffixAt = lower.indexOf('go to http');
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
  const { text, truncated } = messageText(message);
  const scanned: Scanned = { text, lower: lowerSameLength(text) };
  const out = emptyResult('unrecognized', truncated);
  const encodedAt = takeEncodedSuffix(scanned, truncated, out);
  const suffixAt = takeTroubleshooterSuffix(scanned, truncated, out);
  const { core, coreLower, bare } = coreClause(scanned.text);
  // Once the Access Troubleshooter or encoded suffix is removed, the clause before it is complete.
  const clauseTruncated = truncated && suffixAt < 0 && encodedAt < 0;
  parseCoreClause(core, coreLower, clauseTruncated, bare, out);
  return out;
}
