/**
 * IAM wildcard matching: `*` is any run of characters (including none), `?` exactly one.
 * Compiled patterns are cached because the evaluator matches the same patterns many times.
 */
const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 5000;

/**
 * IAM's predefined policy variables for the characters that are otherwise special:
 * `${*}`, `${?}` and `${$}` stand for a literal `*`, `?` and `$`.
 */
const ESCAPE = /\$\{([*?$])\}/g;

const regexLiteral = (ch: string) => ch.replace(/[\\^$.|+*?()[\]{}/-]/g, '\\$&');

function compile(pattern: string, ignoreCase: boolean, escapes: boolean): RegExp {
  const key = `${ignoreCase ? 'i' : 's'}${escapes ? 'e' : 'r'}:${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (escapes && ch === '$' && pattern[i + 1] === '{' && '*?$'.includes(pattern[i + 2] ?? '#') && pattern[i + 3] === '}') {
      source += regexLiteral(pattern[i + 2] as string);
      i += 3;
    } else if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += regexLiteral(ch);
  }
  const re = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, re);
  return re;
}

/** True when `value` matches the IAM wildcard `pattern` (`*` and `?` only; no escapes). */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*') && !pattern.includes('?')) {
    return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  return compile(pattern, ignoreCase, false).test(value);
}

/**
 * Matches a pattern as written in a policy's Resource or in a `StringLike`/`ArnLike` value: IAM
 * wildcards, plus the `${*}`, `${?}`, `${$}` escapes that stand for the literal characters.
 */
export function matchPolicyPattern(pattern: string, value: string, ignoreCase = false): boolean {
  if (!pattern.includes('${')) return wildcardMatch(pattern, value, ignoreCase);
  return compile(pattern, ignoreCase, true).test(value);
}

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
 * documents for it (six characters, exactly).
 */
export function grantPattern(resource: string): string {
  const secret = SECRET_BY_NAME.exec(resource);
  return secret ? `${escapeWildcards(secret[1] as string)}-??????` : escapeWildcards(resource);
}

/** True when a value holds a character IAM would read as a wildcard (or a policy variable). */
export function hasWildcardCharacter(value: string): boolean {
  return /[*?$]/.test(value);
}
