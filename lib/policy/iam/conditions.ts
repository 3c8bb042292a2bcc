import { arnMatches } from './arn-matching';
import { inRange, parseCidr, parseIpAddress } from './ip-address';
import { matchPolicyPattern, unescapeSpecials } from './wildcard';

/** Request context values by condition key. Keys are matched case-insensitively, as IAM does. */
export type RequestContext = Record<string, string | string[]>;

type ConditionValue = string | string[] | boolean | number | Array<string | boolean | number>;
export type ConditionBlock = Record<string, Record<string, ConditionValue>>;

/**
 * Three-valued truth: `unknown` when the request context cannot settle the question (a key the
 * record does not carry, a malformed value, a reading of IAM's rules that the documentation leaves
 * open). Callers resolve it in the direction that never reports a wrong allow.
 */
export type Truth = boolean | 'unknown';

/** Why a condition block did not hold: operator and key as written in the policy. */
export interface ConditionFailure {
  operator: string;
  key: string;
}

export interface ConditionResult {
  /** Resolved for the statement's effect: an unknown holds in a Deny and fails in an Allow. */
  holds: boolean;
  /** Before that resolution. */
  truth: Truth;
  failures: ConditionFailure[];
  /** Operators this evaluator does not implement (their truth is unknown). */
  unsupported: string[];
  /** Condition keys whose truth could not be settled, as written in the policy. */
  undetermined: string[];
}

/** Which absent keys are known to be absent; by default every absent key is (a closed world). */
export interface ContextKnowledge {
  /** True when the request really had no value for this key (lower-case name); false: unknown. */
  isAbsenceKnown(key: string): boolean;
}

export const CLOSED_WORLD: ContextKnowledge = { isAbsenceKnown: () => true };

interface Operator {
  negated: boolean;
  /** True for operators whose policy values are patterns (StringLike, ArnLike): the escapes stay for the matcher. */
  pattern?: boolean;
  /** Whether the request value matches one policy value; unknown when either value is malformed. */
  match(requestValue: string, policyValue: string): Truth;
}

/** A decimal number: optional sign, digits, optional fraction. Not hex, binary, exponents or Infinity. */
const DECIMAL = /^[+-]?\d+(?:\.\d+)?$/;
const num = (s: string): number => (DECIMAL.test(s) ? Number(s) : Number.NaN);

/** ISO 8601 with an explicit zone (`Z` or `±hh:mm`), or a date alone (UTC midnight, as IAM documents). */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):(\d{2})))?$/;
const EPOCH_SECONDS = /^\d+(?:\.\d+)?$/;

/**
 * Milliseconds since the epoch, or NaN for anything else (a zone-less time, free-form text): never
 * read in the host's time zone, so a verdict does not depend on where the tool runs.
 */
function date(s: string): number {
  if (EPOCH_SECONDS.test(s)) return Number(s) * 1000;
  const m = ISO_DATE.exec(s);
  if (!m) return Number.NaN;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((k) => Number(m[k] ?? 0)) as [number, number, number, number, number, number];
  const zoneHours = Number(m[9] ?? 0);
  const zoneMinutes = Number(m[10] ?? 0);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59 || zoneHours > 23 || zoneMinutes > 59) return Number.NaN;
  const utc = new Date(Date.UTC(year, month - 1, day));
  if (utc.getUTCFullYear() !== year || utc.getUTCMonth() !== month - 1 || utc.getUTCDate() !== day) return Number.NaN;
  const fraction = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  const sign = m[8]?.startsWith('-') ? -1 : 1;
  const offset = sign * (zoneHours * 60 + zoneMinutes) * 60_000;
  return utc.getTime() + ((hour * 60 + minute) * 60 + second) * 1000 + fraction - offset;
}

const IPV4_MAPPED = { family: 6 as const, network: 0xffff00000000n, bits: 96 };

function inCidr(ip: string, cidr: string): Truth {
  const address = parseIpAddress(ip);
  const range = parseCidr(cidr);
  if (!address || !range) return 'unknown';
  // An IPv4-mapped IPv6 caller against an IPv4 range: whether AWS compares them is not documented.
  if (address.family !== range.family && inRange(address, IPV4_MAPPED)) return 'unknown';
  return inRange(address, range);
}

const compareWith =
  (read: (s: string) => number, f: (a: number, b: number) => boolean) =>
  (r: string, p: string): Truth => {
    const a = read(r);
    const b = read(p);
    return Number.isNaN(a) || Number.isNaN(b) ? 'unknown' : f(a, b);
  };
const compareNum = (f: (a: number, b: number) => boolean) => compareWith(num, f);
const compareDate = (f: (a: number, b: number) => boolean) => compareWith(date, f);

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
function binaryEquals(r: string, p: string): Truth {
  const a = r.trim();
  const b = p.trim();
  if (!BASE64.test(a) || !BASE64.test(b)) return 'unknown';
  return Buffer.from(a, 'base64').equals(Buffer.from(b, 'base64'));
}

const stringEquals = (r: string, p: string) => r === p;
const stringEqualsIgnoreCase = (r: string, p: string) => r.toLowerCase() === p.toLowerCase();
const stringLike = (r: string, p: string) => matchPolicyPattern(p, r);
const arnLike = (r: string, p: string) => arnMatches(p, r);
const BOOLEAN = /^(?:true|false)$/i;
const boolEquals = (r: string, p: string): Truth => (BOOLEAN.test(r) && BOOLEAN.test(p) ? r.toLowerCase() === p.toLowerCase() : 'unknown');

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
  bool: { negated: false, match: boolEquals },
  binaryequals: { negated: false, match: binaryEquals },
  ipaddress: { negated: false, match: inCidr },
  notipaddress: { negated: true, match: inCidr },
  // ArnEquals and ArnLike behave identically in IAM: both accept wildcards.
  arnequals: { negated: false, pattern: true, match: arnLike },
  arnlike: { negated: false, pattern: true, match: arnLike },
  arnnotequals: { negated: true, pattern: true, match: arnLike },
  arnnotlike: { negated: true, pattern: true, match: arnLike },
};

/** Operators whose policy values may hold policy variables (IAM substitutes them in string and ARN operators only). */
const SUBSTITUTING = /^(?:string|arn)/;

/** Three-valued logic (Kleene): shared by conditions and the evaluator's Resource and statement matching. */
export const or = (values: Truth[]): Truth => (values.includes(true) ? true : values.includes('unknown') ? 'unknown' : false);
export const and = (values: Truth[]): Truth => (values.includes(false) ? false : values.includes('unknown') ? 'unknown' : true);
export const not = (value: Truth): Truth => (value === 'unknown' ? value : !value);

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

/** Each context's keys lower-cased, built on the first case-insensitive look-up (contexts are not changed after evaluation starts). */
const lowerCased = new WeakMap<RequestContext, Map<string, string[]>>();

function lowerCaseIndex(context: RequestContext): Map<string, string[]> {
  let index = lowerCased.get(context);
  if (!index) {
    index = new Map();
    for (const [k, v] of Object.entries(context)) {
      const lower = k.toLowerCase();
      if (!index.has(lower)) index.set(lower, Array.isArray(v) ? v : [v]);
    }
    lowerCased.set(context, index);
  }
  return index;
}

/** Looks a key up case-insensitively; undefined when the request does not carry it. */
export function contextValue(context: RequestContext, key: string): string[] | undefined {
  const direct = context[key];
  if (direct !== undefined) return Array.isArray(direct) ? direct : [direct];
  return lowerCaseIndex(context).get(key.toLowerCase());
}

/** A policy value after its variables are replaced: the text, or why there is none. */
export type ResolvedValue = { text: string } | { unresolved: true } | { ambiguous: true };

/**
 * Replaces `${key}` policy variables (with `${key, 'default'}` defaults), keeping the `${*}`,
 * `${?}`, `${$}` escapes as written for a pattern matcher. A variable without a value is
 * `unresolved`; in a pattern, a value that itself holds `*` or `?` is `ambiguous` (IAM does not
 * say whether such a value matches as a wildcard or literally).
 */
export function resolveValue(text: string, context: RequestContext, pattern: boolean): ResolvedValue {
  if (!text.includes('${')) return { text };
  let unresolved = false;
  let ambiguous = false;
  const out = text.replace(/\$\{([^}]*)\}/g, (_m, inner: string) => {
    const body = inner.trim();
    if (body === '*' || body === '?' || body === '$') return `\${${body}}`;
    const [keyPart, ...defaultParts] = body.split(',');
    const values = contextValue(context, (keyPart ?? '').trim());
    let value: string | undefined;
    if (values && values.length === 1) value = values[0];
    else {
      const quoted = /^'(.*)'$/.exec(defaultParts.join(',').trim());
      value = quoted?.[1];
    }
    if (value === undefined) {
      unresolved = true;
      return '';
    }
    if (pattern && /[*?]/.test(value)) ambiguous = true;
    return value;
  });
  if (unresolved) return { unresolved: true };
  return ambiguous ? { ambiguous: true } : { text: out };
}

/**
 * Like {@link resolveValue} for a pattern; null when a variable has no value or its value would be
 * read as a wildcard. For callers that only need a usable pattern.
 */
export function resolvePattern(text: string, context: RequestContext): string | null {
  const r = resolveValue(text, context, true);
  return 'text' in r ? r.text : null;
}

/** Replaces policy variables and the escapes; null when a variable has no value. */
export function substituteVariables(text: string, context: RequestContext): string | null {
  const r = resolveValue(text, context, false);
  return 'text' in r ? unescapeSpecials(r.text) : null;
}

type RequestValues = string[] | 'absent' | 'unknown';

function requestValuesOf(context: RequestContext, key: string, knowledge: ContextKnowledge): RequestValues {
  const values = contextValue(context, key);
  if (values !== undefined) return values;
  return knowledge.isAbsenceKnown(key.toLowerCase()) ? 'absent' : 'unknown';
}

function absentKeyHolds(op: Operator, parsed: { set?: 'any' | 'all'; ifExists: boolean }): boolean {
  if (parsed.ifExists) return true;
  if (parsed.set === 'all') return true;
  if (parsed.set === 'any') return false;
  return op.negated;
}

function keyHolds(op: Operator, parsed: { set?: 'any' | 'all'; ifExists: boolean }, request: RequestValues, policyValues: Array<string | null>): Truth {
  if (request === 'unknown') return 'unknown';
  if (request === 'absent' || (parsed.set !== undefined && request.length === 0)) return absentKeyHolds(op, parsed);
  const matchesOne = (r: string): Truth => or(policyValues.map((p) => (p === null ? 'unknown' : op.match(r, p))));
  const each = (r: string): Truth => (op.negated ? not(matchesOne(r)) : matchesOne(r));
  if (parsed.set === 'all') return and(request.map(each));
  if (parsed.set === 'any') return or(request.map(each));
  // A single-valued operator on a key with several values: IAM leaves the outcome open.
  if (request.length !== 1) return 'unknown';
  return each(request[0] as string);
}

function nullHolds(request: RequestValues, rawValues: string[]): Truth {
  if (request === 'unknown') return 'unknown';
  const present = request !== 'absent' && request.length > 0;
  return or(rawValues.map((v) => (BOOLEAN.test(v) ? (v.toLowerCase() === 'true' ? !present : present) : 'unknown')));
}

function policyValuesFor(base: string, op: Operator, rawValues: string[], context: RequestContext): Array<string | null> {
  if (!SUBSTITUTING.test(base)) return rawValues;
  return rawValues.map((v) => {
    const r = resolveValue(v, context, op.pattern === true);
    if (!('text' in r)) return null;
    return op.pattern ? r.text : unescapeSpecials(r.text);
  });
}

function conditionKeyTruth(
  operatorName: string,
  key: string,
  raw: ConditionValue,
  context: RequestContext,
  knowledge: ContextKnowledge,
): { truth: Truth; unsupported?: boolean } {
  const parsed = parseOperator(operatorName);
  const rawValues = (Array.isArray(raw) ? raw : [raw]).map((v) => String(v));
  const request = requestValuesOf(context, key, knowledge);
  if (parsed.base === 'null') return { truth: nullHolds(request, rawValues) };
  const op = OPERATORS[parsed.base];
  if (!op) return { truth: 'unknown', unsupported: true };
  return { truth: keyHolds(op, parsed, request, policyValuesFor(parsed.base, op, rawValues, context)) };
}

/**
 * Evaluates a statement's Condition element: every operator and every key must hold (AND);
 * the values listed for one key are alternatives (OR). Known-absent keys follow IAM: false for
 * positive operators, true for negated ones, true with IfExists, ForAllValues true, ForAnyValue false.
 * Anything the context cannot settle is unknown, and `holds` resolves it against the statement:
 * a Deny is assumed to apply and an Allow not to, so no verdict is ever a wrong allow.
 */
export function evaluateCondition(
  condition: ConditionBlock | undefined,
  context: RequestContext,
  effect: 'Allow' | 'Deny',
  knowledge: ContextKnowledge = CLOSED_WORLD,
): ConditionResult {
  const result: ConditionResult = { holds: true, truth: true, failures: [], unsupported: [], undetermined: [] };
  if (!condition) return result;
  const truths: Truth[] = [];
  for (const [operatorName, block] of Object.entries(condition)) {
    for (const [key, raw] of Object.entries(block)) {
      const { truth, unsupported } = conditionKeyTruth(operatorName, key, raw, context, knowledge);
      if (unsupported) result.unsupported.push(operatorName);
      if (truth === false) result.failures.push({ operator: operatorName, key });
      if (truth === 'unknown') result.undetermined.push(key);
      truths.push(truth);
    }
  }
  result.truth = and(truths);
  result.holds = result.truth === 'unknown' ? effect === 'Deny' : result.truth;
  return result;
}
