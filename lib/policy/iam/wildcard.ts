/**
 * IAM wildcard matching: `*` is any run of characters (including none), `?` exactly one (UTF-16 code
 * unit). The matcher is a greedy two-pointer walk that backtracks only to the last `*` (O(n·m) at
 * worst, no regular expressions): a caller-chosen value cannot make it backtrack polynomially.
 */
const STAR = -1;
const ANY = -2;

/**
 * The pattern as tokens: STAR, ANY or a character code. With `escapes`, IAM's predefined policy
 * variables `${*}`, `${?}` and `${$}` stand for a literal `*`, `?` and `$`.
 */
function tokenize(pattern: string, escapes: boolean): number[] {
  const tokens: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (escapes && ch === '$' && pattern[i + 1] === '{' && '*?$'.includes(pattern[i + 2] ?? '#') && pattern[i + 3] === '}') {
      tokens.push(pattern.charCodeAt(i + 2));
      i += 3;
    } else if (ch === '*') {
      if (tokens[tokens.length - 1] !== STAR) tokens.push(STAR);
    } else if (ch === '?') tokens.push(ANY);
    else tokens.push(pattern.charCodeAt(i));
  }
  return tokens;
}

/** Case folding as a non-Unicode `i` regular expression does it (ECMAScript Canonicalize). */
function fold(code: number): number {
  if (code < 128) return code >= 97 && code <= 122 ? code - 32 : code;
  const upper = String.fromCharCode(code).toUpperCase();
  if (upper.length !== 1) return code;
  const folded = upper.charCodeAt(0);
  return folded < 128 ? code : folded;
}

function matchTokens(tokens: number[], value: string, ignoreCase: boolean): boolean {
  const same = (t: number, c: number) => t === ANY || t === c || (ignoreCase && t >= 0 && fold(t) === fold(c));
  let p = 0;
  let v = 0;
  let starP = -1;
  let starV = 0;
  while (v < value.length) {
    const t = tokens[p];
    if (t !== undefined && t !== STAR && same(t, value.charCodeAt(v))) {
      p++;
      v++;
    } else if (t === STAR) {
      starP = p++;
      starV = v;
    } else if (starP >= 0) {
      p = starP + 1;
      v = ++starV;
    } else return false;
  }
  while (tokens[p] === STAR) p++;
  return p === tokens.length;
}

/** True when `value` matches the IAM wildcard `pattern` (`*` and `?` only; no escapes). */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === '*') return true;
  return matchTokens(tokenize(pattern, false), value, ignoreCase);
}

/**
 * Matches a pattern as written in a policy's Resource or in a `StringLike`/`ArnLike` value: IAM
 * wildcards, plus the `${*}`, `${?}`, `${$}` escapes that stand for the literal characters.
 */
export function matchPolicyPattern(pattern: string, value: string, ignoreCase = false): boolean {
  if (!pattern.includes('${')) return wildcardMatch(pattern, value, ignoreCase);
  return matchTokens(tokenize(pattern, true), value, ignoreCase);
}

const ESCAPE = /\$\{([*?$])\}/g;

/** Replaces the three escapes by the characters they stand for (for operators that do not match patterns). */
export function unescapeSpecials(text: string): string {
  return text.includes('${') ? text.replace(ESCAPE, (_m, ch: string) => ch) : text;
}

/**
 * Turns a literal value (an S3 key, an ARN read from a record) into a policy pattern that matches
 * exactly that value: `*` → `${*}`, `?` → `${?}`, `$` → `${$}`.
 */
export function escapeWildcards(literal: string): string {
  return literal.replace(/[*?$]/g, (ch) => `\${${ch}}`);
}

/** A secret named without its random suffix (see lib/cloudtrail/resource.ts): `...:secret:<name>-??????`. */
const SECRET_BY_NAME = /^(arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:.+)-\?{6}$/;

/**
 * The pattern that grants exactly a resource from a record: the literal, escaped, except the six
 * `?` that stand for the random suffix of a secret the call named by name, the one wildcard AWS
 * documents for it (six characters, exactly). `secretSuffix` false: the six `?` are literal too.
 */
export function grantPattern(resource: string, secretSuffix = false): string {
  // Only a pattern the decoder built from a secret's name (Denial.resourcePattern 'secret-suffix') keeps its
  // six `?` as wildcards; a secret ARN the record wrote is a literal like any other.
  const secret = secretSuffix ? SECRET_BY_NAME.exec(resource) : null;
  return secret ? `${escapeWildcards(secret[1] as string)}-??????` : escapeWildcards(resource);
}

/** True when a value holds a character IAM would read as a wildcard (or a policy variable). */
export function hasWildcardCharacter(value: string): boolean {
  return /[*?$]/.test(value);
}
