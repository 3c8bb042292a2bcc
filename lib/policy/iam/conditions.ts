import { arnMatches } from './arn-matching';
import { matchPolicyPattern, unescapeSpecials } from './wildcard';

/** Request context values by condition key. Keys are matched case-insensitively, as IAM does. */
export type RequestContext = Record<string, string | string[]>;

type ConditionValue = string | string[] | boolean | number | Array<string | boolean | number>;
export type ConditionBlock = Record<string, Record<string, ConditionValue>>;

/** Why a condition block did not hold: operator and key as written in the policy. */
export interface ConditionFailure {
  operator: string;
  key: string;
}

export interface ConditionResult {
  holds: boolean;
  failures: ConditionFailure[];
  /** Operators this evaluator does not implement (a Deny treats them as holding, an Allow as failing). */
  unsupported: string[];
}

interface Operator {
  negated: boolean;
  /** True for operators whose policy values are patterns (StringLike, ArnLike): the escapes stay for the matcher. */
  pattern?: boolean;
  /** True when the request value matches one policy value. */
  match(requestValue: string, policyValue: string): boolean;
}

const num = (s: string): number => (s.trim() === '' ? Number.NaN : Number(s));

function date(s: string): number {
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  return Date.parse(s);
}

function ipv4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) return null;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return null;
  return ((octets[0]! << 24) >>> 0) + (octets[1]! << 16) + (octets[2]! << 8) + octets[3]!;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const addr = ipv4(ip);
  const net = base === undefined ? null : ipv4(base);
  if (addr === null || net === null) return false;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((addr & mask) >>> 0) === ((net & mask) >>> 0);
}

const compareNum = (f: (a: number, b: number) => boolean) => (r: string, p: string) => {
  const a = num(r);
  const b = num(p);
  return !Number.isNaN(a) && !Number.isNaN(b) && f(a, b);
};
const compareDate = (f: (a: number, b: number) => boolean) => (r: string, p: string) => {
  const a = date(r);
  const b = date(p);
  return !Number.isNaN(a) && !Number.isNaN(b) && f(a, b);
};

const stringEquals = (r: string, p: string) => r === p;
const stringEqualsIgnoreCase = (r: string, p: string) => r.toLowerCase() === p.toLowerCase();
const stringLike = (r: string, p: string) => matchPolicyPattern(p, r);
const arnLike = (r: string, p: string) => arnMatches(p, r);

const OPERATORS: Record<string, Operator> = {
  stringequals: { negated: false, match: stringEquals },
  stringnotequals: { negated: true, match: stringEquals },
  stringequalsignorecase: { negated: false, match: stringEqualsIgnoreCase },
  stringnotequalsignorecase: { negated: true, match: stringEqualsIgnoreCase },
  stringlike: { negated: false, pattern: true, match: stringLike },
  stringnotlike: { negated: true, pattern: true, match: stringLike },
  numericequals: { negated: false, match: compareNum((a, b) => a === b) },
  numericnotequals: { negated: true, match: compareNum((a, b) => a === b) },
  numericlessthan: { negated: false, match: compareNum((a, b) => a < b) },
  numericlessthanequals: { negated: false, match: compareNum((a, b) => a <= b) },
  numericgreaterthan: { negated: false, match: compareNum((a, b) => a > b) },
  numericgreaterthanequals: { negated: false, match: compareNum((a, b) => a >= b) },
  dateequals: { negated: false, match: compareDate((a, b) => a === b) },
  datenotequals: { negated: true, match: compareDate((a, b) => a === b) },
  datelessthan: { negated: false, match: compareDate((a, b) => a < b) },
  datelessthanequals: { negated: false, match: compareDate((a, b) => a <= b) },
  dategreaterthan: { negated: false, match: compareDate((a, b) => a > b) },
  dategreaterthanequals: { negated: false, match: compareDate((a, b) => a >= b) },
  bool: { negated: false, match: (r, p) => r.toLowerCase() === p.toLowerCase() },
  ipaddress: { negated: false, match: inCidr },
  notipaddress: { negated: true, match: inCidr },
  // ArnEquals and ArnLike behave identically in IAM: both accept wildcards.
  arnequals: { negated: false, pattern: true, match: arnLike },
  arnlike: { negated: false, pattern: true, match: arnLike },
  arnnotequals: { negated: true, pattern: true, match: arnLike },
  arnnotlike: { negated: true, pattern: true, match: arnLike },
};

/** Splits `ForAnyValue:StringLikeIfExists` into its qualifier, base operator and IfExists flag. */
export function parseOperator(name: string): { set?: 'any' | 'all'; base: string; ifExists: boolean } {
  let rest = name;
  let set: 'any' | 'all' | undefined;
  const lower = name.toLowerCase();
  if (lower.startsWith('foranyvalue:')) {
    set = 'any';
    rest = name.slice('ForAnyValue:'.length);
  } else if (lower.startsWith('forallvalues:')) {
    set = 'all';
    rest = name.slice('ForAllValues:'.length);
  }
  let ifExists = false;
  if (rest.toLowerCase().endsWith('ifexists')) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  return { ...(set ? { set } : {}), base: rest.toLowerCase(), ifExists };
}

/** Looks a key up case-insensitively; undefined when the request does not carry it. */
export function contextValue(context: RequestContext, key: string): string[] | undefined {
  const direct = context[key];
  if (direct !== undefined) return Array.isArray(direct) ? direct : [direct];
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(context)) {
    if (k.toLowerCase() === lower) return Array.isArray(v) ? v : [v];
  }
  return undefined;
}

/**
 * Replaces `${key}` policy variables (with `${key, 'default'}` defaults and the `${*}`, `${?}`,
 * `${$}` escapes). Null when a variable has no value: the element then matches nothing.
 */
export function substituteVariables(text: string, context: RequestContext): string | null {
  const resolved = resolvePattern(text, context);
  return resolved === null ? null : unescapeSpecials(resolved);
}

/**
 * Like {@link substituteVariables} but keeps `${*}`, `${?}` and `${$}` as written, for a matcher
 * that reads them as literal characters ({@link matchPolicyPattern}); resolving them to bare `*`
 * first would turn a literal asterisk into a wildcard.
 */
export function resolvePattern(text: string, context: RequestContext): string | null {
  if (!text.includes('${')) return text;
  let unresolved = false;
  const out = text.replace(/\$\{([^}]*)\}/g, (_m, inner: string) => {
    const body = inner.trim();
    if (body === '*' || body === '?' || body === '$') return `\${${body}}`;
    const [keyPart, ...defaultParts] = body.split(',');
    const key = (keyPart ?? '').trim();
    const values = contextValue(context, key);
    if (values && values.length === 1 && values[0] !== undefined) return values[0];
    const fallback = defaultParts.join(',').trim();
    const quoted = /^'(.*)'$/.exec(fallback);
    if (quoted && quoted[1] !== undefined) return quoted[1];
    unresolved = true;
    return '';
  });
  return unresolved ? null : out;
}

function keyHolds(
  op: Operator,
  parsed: { set?: 'any' | 'all'; ifExists: boolean },
  requestValues: string[] | undefined,
  policyValues: string[],
): boolean {
  const missing = requestValues === undefined || (parsed.set !== undefined && requestValues.length === 0);
  if (missing) {
    if (parsed.ifExists) return true;
    if (parsed.set === 'all') return true;
    if (parsed.set === 'any') return false;
    return op.negated;
  }
  const matchesAny = (r: string) => policyValues.some((p) => op.match(r, p));
  if (parsed.set === 'all') return requestValues.every((r) => (op.negated ? !matchesAny(r) : matchesAny(r)));
  if (parsed.set === 'any') return requestValues.some((r) => (op.negated ? !matchesAny(r) : matchesAny(r)));
  const anyMatch = requestValues.some(matchesAny);
  return op.negated ? !anyMatch : anyMatch;
}

/**
 * Evaluates a statement's Condition element: every operator and every key must hold (AND);
 * the values listed for one key are alternatives (OR). Missing keys follow IAM: false for
 * positive operators, true for negated ones, true with IfExists, ForAllValues true, ForAnyValue false.
 */
export function evaluateCondition(
  condition: ConditionBlock | undefined,
  context: RequestContext,
  effect: 'Allow' | 'Deny',
): ConditionResult {
  const result: ConditionResult = { holds: true, failures: [], unsupported: [] };
  if (!condition) return result;
  for (const [operatorName, block] of Object.entries(condition)) {
    const parsed = parseOperator(operatorName);
    for (const [key, raw] of Object.entries(block)) {
      const rawValues = (Array.isArray(raw) ? raw : [raw]).map((v) => String(v));
      let holds: boolean;
      if (parsed.base === 'null') {
        const present = (contextValue(context, key)?.length ?? 0) > 0;
        holds = rawValues.some((v) => (v.toLowerCase() === 'true' ? !present : present));
      } else {
        const op = OPERATORS[parsed.base];
        if (!op) {
          result.unsupported.push(operatorName);
          holds = effect === 'Deny';
        } else {
          const resolve = op.pattern ? resolvePattern : substituteVariables;
          const policyValues = rawValues
            .map((v) => resolve(v, context))
            .filter((v): v is string => v !== null);
          holds = keyHolds(op, parsed, contextValue(context, key), policyValues);
        }
      }
      if (!holds) {
        result.holds = false;
        result.failures.push({ operator: operatorName, key });
      }
    }
  }
  return result;
}
