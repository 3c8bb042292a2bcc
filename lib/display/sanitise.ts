/**
 * The one sanitiser for every place a person reads event data: terminal, e-mail, chat, HTML, Markdown,
 * SNS attributes, and (credentials only) `--json`. Every string in a CloudTrail event is chosen by whoever
 * made the call, so renderers take a {@link Displayed} view made by {@link forDisplay}, never the raw value.
 *
 * What it does, in order:
 * 1. lone UTF-16 surrogates become U+FFFD (not encodable, would break an SNS message);
 * 2. terminal escape sequences are removed whole (CSI `ESC [ ... final`, OSC `ESC ] ... BEL|ST`, DCS/APC/PM
 *    strings, two-character escapes, and their C1 forms), so `ESC[2J` leaves nothing behind, not `[2J`;
 * 3. the remaining control characters (C0 but tab and line breaks, DEL, C1), bidi embeddings, overrides and
 *    isolates, zero-width and other invisible characters (Unicode tags, variation selectors) and the BOM are removed; single-line values also turn line breaks and
 *    tabs into spaces;
 * 4. credentials are masked ({@link maskCredentials}).
 */

const ESCAPE_SEQUENCE =
  // eslint-disable-next-line no-control-regex
  /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[\u0020-\u002f]*[\u0030-\u007e]?/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// Also what renders as nothing: the combining grapheme joiner, Hangul fillers, variation selectors,
// interlinear annotation marks, and (as surrogate pairs) Unicode tags and the supplementary selectors.
/* eslint-disable no-misleading-character-class -- each character is matched (and removed or escaped) on its own; none is meant to combine */
const INVISIBLE =
  /[\u00ad\u034f\u061c\u115f\u1160\u180b-\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]|\udb40[\udc00-\udc7f\udd00-\uddef]/g;
/* eslint-enable no-misleading-character-class */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const LINE_BREAK = /\r\n|[\r\n\u0085\u2028\u2029\v\f]/g;

export const ELLIPSIS = '\u2026';
export const REDACTED = '(redacted)';
const SECRET_MARK = '(redacted-secret-key)';

/** Replaces lone UTF-16 surrogates, which are not valid UTF-8. */
export function wellFormed(value: string): string {
  return value.replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * Removes escape sequences, control and invisible characters. Single-line (default): line breaks and tabs
 * become spaces, runs of spaces collapse, ends are trimmed. Multi-line: line breaks become `\n`, tabs two spaces.
 */
export function stripControl(value: string, options: { multiline?: boolean } = {}): string {
  const clean = wellFormed(value).replace(ESCAPE_SEQUENCE, '');
  if (options.multiline) return clean.replace(LINE_BREAK, '\n').replace(/\t/g, '  ').replace(CONTROL, '').replace(INVISIBLE, '');
  return clean.replace(LINE_BREAK, ' ').replace(/\t/g, ' ').replace(CONTROL, '').replace(INVISIBLE, '').replace(/ {2,}/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// Credentials. The rules, which docs/security.md repeats:
// - access key IDs: AKIA/ASIA/ABIA/ACCA + 16 upper-case letters or digits, not followed by another (glued
//   to text on the left too): the prefix and the last 4 stay (`AKIA…MPLE`), enough to find the key in IAM;
// - Amazon Bedrock API keys (`ABSK...`, `bedrock-api-key-...`);
// - a secret access key shape, in a run of [A-Za-z0-9/+] (a run followed by `=` is padded base64 data,
//   never a key): the whole run when it is exactly 40 characters with an upper-case letter, a lower-case
//   letter and a digit, and does not follow `:` (so the resource part of an ARN, `arn:aws:s3:::Bucket/...`,
//   is not taken for one); or one `/`-separated segment of a longer run (a session name at the end of an
//   assumed-role ARN) when it is exactly 40 characters with at least two of each. UUIDs (KMS key IDs,
//   request and event IDs) have hyphens, hex digests have no upper case, and ARNs are broken by `:`, `-`,
//   `.` or `_`: none of them match. The cost: a 40-character path segment mixing cases and digits (a
//   base62 object key) is shown redacted;
// - a labelled secret: `aws_secret_access_key`, `aws_session_token`, `SecretAccessKey`, `SessionToken`,
//   `password`, `passwd`, `secret`, `token`, `api_key`, `client_secret`, `private_key` followed by `=` or `:`
//   (quotes allowed), also inside a longer name (`db_password=`): the value is redacted, the label kept. The
//   label `secret` right after `:` or `/` is a name, so `arn:...:secret:name` (Secrets Manager) stays, and
//   so is a label followed by `:` inside an ARN (`arn:...:function:reset-password:prod`, a Lambda alias);
// - `Bearer <token>` / `Basic <token>` and PEM private key blocks.

// No boundary on the left: an attacker can glue a key to other text (`v1:0AKIA...`). On the right one more
// upper-case letter or digit makes 21 characters, which is not a key ID.
const ACCESS_KEY_ID = /(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12}([A-Z0-9]{4})(?![A-Z0-9])/g;
const BEDROCK_LONG_TERM_KEY = /(?<![A-Za-z0-9])ABSK[A-Za-z0-9+/=]{16,}/g;
const BEDROCK_SHORT_TERM_KEY = /bedrock-api-key-[A-Za-z0-9+/=%_-]{16,}/g;
const BASE64_RUN = /[A-Za-z0-9/+]{40,}/g;
const SECRET_KEY_LENGTH = 40;

function hasClasses(text: string, atLeast: number): boolean {
  const count = (re: RegExp) => (text.match(re) ?? []).length;
  return count(/[A-Z]/g) >= atLeast && count(/[a-z]/g) >= atLeast && count(/[0-9]/g) >= atLeast;
}

function redactSecretKeyShapes(value: string): string {
  return value.replace(BASE64_RUN, (run: string, offset: number) => {
    if (value[offset + run.length] === '=') return run;
    if (run.length === SECRET_KEY_LENGTH) return value[offset - 1] !== ':' && hasClasses(run, 1) ? SECRET_MARK : run;
    if (!run.includes('/')) return run;
    return run
      .split('/')
      .map((segment) => (segment.length === SECRET_KEY_LENGTH && hasClasses(segment, 2) ? SECRET_MARK : segment))
      .join('/');
  });
}
const LABELLED_SECRET =
  /((?:aws_?)?(?:secret_?access_?key|session_?token|access_?token|refresh_?token|client_?secret|private_?key|api_?key|password|passwd|secret|token)["']?\s*[:=]\s*["']?)([^\s"'&,;}\]]{1,4096})/gi;
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;

/** The text from the start of the token that ends at the match (no blanks, quotes or separators). */
const TOKEN_BEFORE = /[^\s"'`,;=(){}[\]<>]*$/;

/**
 * `arn:...:secret:name` (Secrets Manager) and `.../secret/...` name a secret; they do not hold one. Nor
 * does a label that is a colon-separated part of an ARN: `arn:...:function:reset-password:prod` is a
 * Lambda function and its alias, and a proposed policy must name it exactly.
 */
function isArnPart(label: string, whole: string, offset: number): boolean {
  const before = whole[offset - 1];
  if ((before === ':' || before === '/') && /^secret["']?\s*[:=]/i.test(label)) return true;
  if (!/^[A-Za-z_]+:$/.test(label)) return false;
  const token = TOKEN_BEFORE.exec(whole.slice(Math.max(0, offset - 2048), offset))?.[0] ?? '';
  return /^arn:[a-z-]+:[a-z0-9-]+:/i.test(token);
}

/** Masks access key IDs and redacts secrets wherever they appear in `value` (rules above). */
export function maskCredentials(value: string): string {
  const masked = value
    .replace(PEM_PRIVATE_KEY, `-----BEGIN PRIVATE KEY----- ${REDACTED}`)
    .replace(LABELLED_SECRET, (match: string, label: string, secret: string, offset: number, whole: string) =>
      secret === REDACTED || isArnPart(label, whole, offset) ? match : `${label}${REDACTED}`,
    )
    .replace(AUTH_SCHEME, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(ACCESS_KEY_ID, (_m, prefix: string, last: string) => `${prefix}${ELLIPSIS}${last}`)
    .replace(BEDROCK_LONG_TERM_KEY, `ABSK${ELLIPSIS}(masked)`)
    .replace(BEDROCK_SHORT_TERM_KEY, `bedrock-api-key-${ELLIPSIS}(masked)`);
  return redactSecretKeyShapes(masked);
}

// Escape sequences and control or invisible characters, as separators between the pieces of a value.
// eslint-disable-next-line no-misleading-character-class -- each character is matched (and removed or escaped) on its own; none is meant to combine
const SEPARATORS = new RegExp(`${ESCAPE_SEQUENCE.source}|${CONTROL.source}|${INVISIBLE.source}|${LINE_BREAK.source}`, 'g');

/**
 * Masks each piece between separators on its own, so that a credential glued to text by an escape
 * sequence or an invisible character (`ROLE\u202eAKIA...`, `[2JAKIA...`) is still a whole token.
 */
function maskPieces(value: string): string {
  let out = '';
  let last = 0;
  for (const m of value.matchAll(SEPARATORS)) {
    // A string sequence (OSC, DCS) carries text of its own: a credential there is masked too.
    out += maskCredentials(value.slice(last, m.index)) + maskCredentials(m[0]);
    last = m.index + m[0].length;
  }
  // Then the whole, so that a label split from its value by an escape (`ESC password=...`) is seen too.
  return maskCredentials(out + maskCredentials(value.slice(last)));
}

/**
 * One value for a person to read on one line: no escapes, controls or invisible characters, credentials
 * masked (before stripping, piece by piece, and after, when stripping joined the pieces of one).
 */
export function displayLine(value: string): string {
  return memo(lineCache, value, (v) => maskCredentials(stripControl(maskPieces(wellFormed(v)))));
}

/** Multi-line text (a diff, a policy, a command) for a person to read: as {@link displayLine}, line breaks kept. */
export function displayBlock(value: string): string {
  return memo(blockCache, value, (v) => maskCredentials(stripControl(maskPieces(wellFormed(v)), { multiline: true })));
}

// One alert renders the same fields several times (budgets, forms, the view of the latest denial): the
// results are remembered, a bounded number of them. Pure functions of the value, so a cache is safe.
const CACHE_LIMIT = 4096;
const lineCache = new Map<string, string>();
const blockCache = new Map<string, string>();
const jsonCache = new Map<string, string>();

function memo(cache: Map<string, string>, value: string, compute: (v: string) => string): string {
  const hit = cache.get(value);
  if (hit !== undefined) return hit;
  const result = compute(value);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(value, result);
  return result;
}

// ---------------------------------------------------------------------------------------------
// The sanitised view

declare const DISPLAYED: unique symbol;
/**
 * A value whose every string went through the sanitiser, at every depth; renderers accept only this, and
 * only {@link forDisplay} makes one (the brand cannot be written by hand), so a field cannot reach a
 * renderer raw by someone forgetting to clean it.
 */
export type Displayed<T> = T extends string | number | boolean | bigint | symbol | null | undefined
  ? T
  : T extends (infer U)[]
    ? Displayed<U>[]
    : T extends readonly (infer U)[]
      ? readonly Displayed<U>[]
      : { [K in keyof T]: Displayed<T[K]> } & { readonly [DISPLAYED]: true };

/** Fields rendered as multi-line blocks (proposal diff, Terraform, CLI commands); every other string is one line. */
const MULTILINE_FIELDS: ReadonlySet<string> = new Set(['diff', 'terraform', 'cli']);

/**
 * A deep copy of `value` in which every string (keys of records too) went through {@link displayLine}, or
 * {@link displayBlock} for the fields in `MULTILINE_FIELDS`. Plain objects and arrays are copied; other
 * objects (Date) are kept. Idempotent: a view passed again comes back unchanged.
 */
export function forDisplay<T>(value: T): Displayed<T> {
  return sanitiseDeep(value, false) as Displayed<T>;
}

/** A plain record (literal, JSON.parse, or `Object.create(null)`); other objects (Date) are left alone. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function sanitiseDeep(value: unknown, multiline: boolean): unknown {
  if (typeof value === 'string') return multiline ? displayBlock(value) : displayLine(value);
  if (Array.isArray(value)) return value.map((v) => sanitiseDeep(v, multiline));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[displayLine(k)] = sanitiseDeep(v, MULTILINE_FIELDS.has(k));
  return out;
}

// ---------------------------------------------------------------------------------------------
// --json

// C1 controls (U+0085 among them), U+2028/U+2029 (line breaks to JavaScript and to many line splitters),
// bidi and invisible characters: JSON allows them raw; they are written as \uXXXX, which parses back to
// the same string.
// eslint-disable-next-line no-misleading-character-class -- each character is matched (and removed or escaped) on its own; none is meant to combine
const JSON_UNSAFE = new RegExp(`[\\u007f-\\u009f\\u2028\\u2029]|${INVISIBLE.source}`, 'g');

/**
 * A string for --json: kept as it is (escaped by JSON), credentials masked piece by piece; when removing the
 * invisible characters would reveal one more (`AKIA\u200bIOSF...`), the cleaned text is given instead.
 */
function maskForJson(value: string): string {
  return memo(jsonCache, value, maskForJsonUncached);
}

function maskForJsonUncached(value: string): string {
  const masked = maskPieces(wellFormed(value));
  const cleaned = stripControl(masked, { multiline: true });
  const cleanedMasked = maskCredentials(cleaned);
  return cleanedMasked === cleaned ? masked : cleanedMasked;
}

function maskDeep(value: unknown): unknown {
  if (typeof value === 'string') return maskForJson(value);
  if (Array.isArray(value)) return value.map(maskDeep);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[maskForJson(k)] = maskDeep(v);
  return out;
}

/** `\\uXXXX` for each UTF-16 unit (a tag character is a surrogate pair: two escapes). */
function escapeUnits(unit: string): string {
  return Array.from({ length: unit.length }, (_, i) => `\\u${unit.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');
}

/**
 * One `--json` line: credentials masked in every string (the output contract, docs/incident-contract.md),
 * other text kept as is, and every character a line splitter or terminal could act on escaped, so the
 * line holds exactly one record and no raw control character.
 */
export function jsonLine(value: unknown): string {
  return jsonText(value);
}

/** {@link jsonLine} with indentation (a pretty-printed document, as `report --format json` writes). */
export function jsonText(value: unknown, indent?: number): string {
  const text = JSON.stringify(maskDeep(value), null, indent) ?? 'null';
  return text.replace(JSON_UNSAFE, escapeUnits) + '\n';
}
