/**
 * An interpreter of EventBridge event patterns, faithful for the operators access-auditor's rule
 * uses (exact values, `prefix`, `wildcard`, `$or`, nested objects, arrays) and the common others
 * (`suffix`, `equals-ignore-case`, `anything-but`, `exists`, `numeric`). Anything else throws, so a
 * pattern cannot silently pass a test with an operator this file does not understand.
 *
 * Semantics, per the EventBridge user guide ("Event patterns", "Comparison operators"):
 * - every field named in the pattern must match (AND); `$or` holds sub-patterns of which one must;
 * - a leaf is an array of matchers, any of which may match (OR);
 * - an array in the event matches when any element matches;
 * - a field missing from the event matches only `{ "exists": false }`;
 * - matching is case-sensitive unless `equals-ignore-case` says otherwise.
 */

/** A pattern this interpreter cannot evaluate, or one EventBridge would reject. */
export class PatternError extends Error {
  override name = 'PatternError';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when the event matches the pattern. */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) throw new PatternError('a pattern must be an object');
  return matchObject(pattern, event, '');
}

function matchObject(pattern: Record<string, unknown>, event: unknown, path: string): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    const where = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(expected) || expected.length < 2 || !expected.every(isObject)) {
        throw new PatternError(`${where}: $or takes an array of at least two patterns`);
      }
      if (!expected.some((alternative) => matchObject(alternative as Record<string, unknown>, event, path))) return false;
      continue;
    }
    const actual = isObject(event) && Object.prototype.hasOwnProperty.call(event, key) ? event[key] : undefined;
    if (isObject(expected)) {
      if (!matchNested(expected, actual, where)) return false;
    } else if (Array.isArray(expected)) {
      if (!matchLeaf(expected, actual, where)) return false;
    } else {
      throw new PatternError(`${where}: a leaf must be an array of matchers, got ${JSON.stringify(expected)}`);
    }
  }
  return true;
}

function matchNested(pattern: Record<string, unknown>, actual: unknown, where: string): boolean {
  if (Array.isArray(actual)) return actual.some((item) => matchNested(pattern, item, where));
  if (actual === undefined) {
    // A nested pattern over a missing object can still match if it only asks for absences.
    return matchObject(pattern, {}, where);
  }
  return isObject(actual) && matchObject(pattern, actual, where);
}

function matchLeaf(matchers: unknown[], actual: unknown, where: string): boolean {
  if (matchers.length === 0) throw new PatternError(`${where}: empty matcher list`);
  if (actual === undefined) return matchers.some((m) => isObject(m) && 'exists' in m && m.exists === false);
  if (isObject(actual)) return false; // leaf matchers never match an object (exists included)
  const values: Json[] = Array.isArray(actual) ? (actual as Json[]) : [actual as Json];
  return matchers.some((m) => values.some((v) => matchValue(m, v, where)));
}

function matchValue(matcher: unknown, value: Json, where: string): boolean {
  if (matcher === null || typeof matcher !== 'object') {
    if (typeof matcher === 'number') return typeof value === 'number' && value === matcher;
    return value === matcher;
  }
  if (Array.isArray(matcher)) throw new PatternError(`${where}: nested arrays are not matchers`);
  const keys = Object.keys(matcher);
  if (keys.length !== 1) throw new PatternError(`${where}: a matcher object has exactly one operator, got ${keys.join(',')}`);
  const [operator] = keys as [string];
  const arg = (matcher as Record<string, unknown>)[operator];
  switch (operator) {
    case 'exists':
      if (typeof arg !== 'boolean') throw new PatternError(`${where}: exists takes a boolean`);
      return arg;
    case 'prefix':
      return typeof value === 'string' && affix(arg, where, operator, (needle, ci) => fold(value, ci).startsWith(fold(needle, ci)));
    case 'suffix':
      return typeof value === 'string' && affix(arg, where, operator, (needle, ci) => fold(value, ci).endsWith(fold(needle, ci)));
    case 'equals-ignore-case':
      if (typeof arg !== 'string') throw new PatternError(`${where}: equals-ignore-case takes a string`);
      return typeof value === 'string' && value.toLowerCase() === arg.toLowerCase();
    case 'wildcard':
      if (typeof arg !== 'string') throw new PatternError(`${where}: wildcard takes a string`);
      return typeof value === 'string' && wildcardRegExp(arg).test(value);
    case 'anything-but':
      return anythingBut(arg, value, where);
    case 'numeric':
      return typeof value === 'number' && numeric(arg, value, where);
    default:
      throw new PatternError(`${where}: operator "${operator}" is not supported by this interpreter`);
  }
}

function fold(text: string, caseInsensitive: boolean): string {
  return caseInsensitive ? text.toLowerCase() : text;
}

/** `prefix`/`suffix` take a string or `{ "equals-ignore-case": string }`. */
function affix(arg: unknown, where: string, operator: string, test: (needle: string, caseInsensitive: boolean) => boolean): boolean {
  if (typeof arg === 'string') return test(arg, false);
  if (isObject(arg) && typeof arg['equals-ignore-case'] === 'string' && Object.keys(arg).length === 1) {
    return test(arg['equals-ignore-case'], true);
  }
  throw new PatternError(`${where}: ${operator} takes a string or {"equals-ignore-case": string}`);
}

/** `*` matches any run of characters (including none); `\*` and `\\` are literal. */
export function wildcardRegExp(wildcard: string): RegExp {
  let source = '';
  for (let i = 0; i < wildcard.length; i += 1) {
    const c = wildcard[i] as string;
    if (c === '\\') {
      const next = wildcard[i + 1];
      if (next !== '*' && next !== '\\') throw new PatternError(`wildcard "${wildcard}": "\\" may only escape "*" or "\\"`);
      source += `\\${next}`;
      i += 1;
    } else if (c === '*') {
      // Conservative: "**" adds nothing over "*", and this interpreter refuses rather than guess.
      if (wildcard[i + 1] === '*') throw new PatternError(`wildcard "${wildcard}": consecutive "*"`);
      source += '.*';
    } else {
      source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 's');
}

function anythingBut(arg: unknown, value: Json, where: string): boolean {
  if (Array.isArray(arg)) return !arg.some((a) => matchValue(a, value, where));
  if (isObject(arg)) {
    const [operator] = Object.keys(arg);
    if (operator !== 'prefix' && operator !== 'suffix' && operator !== 'wildcard' && operator !== 'equals-ignore-case') {
      throw new PatternError(`${where}: anything-but does not take "${String(operator)}"`);
    }
    const inner = arg[operator];
    const alternatives = Array.isArray(inner) ? inner : [inner];
    return typeof value === 'string' && !alternatives.some((a) => matchValue({ [operator]: a }, value, where));
  }
  return !matchValue(arg, value, where);
}

const NUMERIC_OPERATORS: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '=': (a, b) => a === b,
  '>=': (a, b) => a >= b,
  '>': (a, b) => a > b,
};

function numeric(arg: unknown, value: number, where: string): boolean {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0) throw new PatternError(`${where}: numeric takes [op, n(, op, n)]`);
  for (let i = 0; i < arg.length; i += 2) {
    const compare = NUMERIC_OPERATORS[String(arg[i])];
    const bound = arg[i + 1];
    if (!compare || typeof bound !== 'number') throw new PatternError(`${where}: bad numeric comparison ${JSON.stringify(arg)}`);
    if (!compare(value, bound)) return false;
  }
  return true;
}

/** Operators a pattern uses, with how often: for budgets such as "keep wildcards few". */
export function countOperators(pattern: unknown): Record<string, number> {
  const counts: Record<string, number> = {};
  const bump = (key: string): void => {
    counts[key] = (counts[key] ?? 0) + 1;
  };
  const visitPattern = (node: unknown): void => {
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$or') {
        bump('$or');
        if (Array.isArray(value)) value.forEach(visitPattern);
      } else if (Array.isArray(value)) {
        for (const matcher of value) bump(isObject(matcher) ? (Object.keys(matcher)[0] ?? 'empty') : 'exact');
      } else {
        visitPattern(value);
      }
    }
  };
  visitPattern(pattern);
  return counts;
}
