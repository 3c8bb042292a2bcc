import type { Ajv, ErrorObject } from 'ajv';
import { ConfigError } from '../errors';
import { parseCidr } from './cidr';
import { RULES_SCHEMA } from './schema';
import { RULE_CONDITIONS, type CompiledRule, type Rule, type RuleMatchSpec, type RuleSet } from './types';

/** The rules file is invalid: the message names the file, each problem's rule (index and id) and field. */
export class RulesFileError extends ConfigError {
  override name = 'RulesFileError';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: invalid rules file:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export const DEFAULT_RULES_FILE = 'access-auditor.rules.yml';

// Loaded on first use, not at import: the ingest handler imports this module, and loading Ajv and yaml
// cost about as much as its whole cold start did (npm run bench, cold_start_vs_bare) for deployments
// that ship no rules file. The bundler still bundles them; the bundle runs them only when required.
/* eslint-disable @typescript-eslint/no-require-imports -- deferred loads, see above */
const ajvModule = (): typeof import('ajv') => require('ajv') as typeof import('ajv');
const yamlModule = (): typeof import('yaml') => require('yaml') as typeof import('yaml');
/* eslint-enable @typescript-eslint/no-require-imports */

let validator: ReturnType<Ajv['compile']> | undefined;

function validate(data: unknown): ErrorObject[] {
  validator ??= new (ajvModule().Ajv)({ allErrors: true, strict: true, strictRequired: false }).compile(RULES_SCHEMA);
  return validator(data) ? [] : (validator.errors ?? []);
}

/** `/rules/3/match/sourceIp/1` → `rule 4 (id "scanner") match.sourceIp[1]`: people count rules from 1. */
function wherePath(path: string, data: unknown): string {
  const parts = path.split('/').slice(1);
  if (parts[0] !== 'rules' || parts[1] === undefined) return parts.length === 0 ? 'file' : parts.join('.');
  const index = Number(parts[1]);
  const rule = (data as { rules?: unknown[] }).rules?.[index] as { id?: unknown } | undefined;
  const id = typeof rule?.id === 'string' ? ` (id "${rule.id.slice(0, 64)}")` : '';
  const field = parts
    .slice(2)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
  return `rule ${index + 1}${id}${field ? ` ${field}` : ''}`;
}

/** One line per schema error; the `oneOf` branches' errors are folded into the one that says what is allowed. */
function describeSchemaErrors(errors: readonly ErrorObject[], data: unknown): string[] {
  const lines = new Set<string>();
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  for (const e of errors) {
    const underOneOf = [...oneOfPaths].some((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`));
    if (underOneOf && e.keyword !== 'oneOf') continue;
    const at = wherePath(e.instancePath, data);
    const params = e.params as Record<string, unknown>;
    let what = e.message ?? e.keyword;
    if (e.keyword === 'additionalProperties') what = `unknown field "${String(params.additionalProperty)}"`;
    else if (e.keyword === 'required') what = `missing field "${String(params.missingProperty)}"`;
    else if (e.keyword === 'oneOf') what = 'must be a non-empty string or a non-empty list of allowed values';
    else if (e.keyword === 'anyOf' && e.instancePath.split('/').length === 3) what = 'has no effect: give expect, severity or route';
    else if (e.keyword === 'enum') what = `must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    else if (e.keyword === 'propertyNames')
      what = `route attribute name "${String(params.propertyName)}" is not allowed (letters, digits, _ - ., not a built-in attribute)`;
    else if (e.keyword === 'const') what = `must be ${JSON.stringify(params.allowedValue)}`;
    else if (e.keyword === 'minLength') what = 'must not be empty';
    else if (e.keyword === 'minProperties' && e.instancePath.endsWith('/match'))
      what = 'must name at least one condition (a rule matching everything would hide every denial)';
    else if (e.keyword === 'pattern' && e.instancePath.endsWith('/expires')) what = 'must be a date yyyy-mm-dd';
    else if (e.keyword === 'pattern' && e.instancePath.endsWith('/id')) what = 'must be letters, digits, ".", "_" or "-" (at most 64)';
    // The propertyNames error above says it; ajv also reports the pattern that failed inside it.
    if (e.propertyName !== undefined) continue;
    lines.add(`${at}: ${what}`);
  }
  return [...lines];
}

function asList<T extends string>(value: T | T[] | undefined): T[] | undefined {
  return value === undefined ? undefined : Array.isArray(value) ? value : [value];
}

function isRealDate(day: string): boolean {
  const t = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === day;
}

type RawRule = Omit<Rule, 'index' | 'match'> & { match: Record<string, string | string[]> };

/** Checks the schema cannot express: unique ids, real dates, CIDR ranges. */
function compile(raw: RawRule[]): { rules: CompiledRule[]; problems: string[] } {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const rules = raw.map((r, index): CompiledRule => {
    const at = `rule ${index + 1} (id "${r.id}")`;
    const first = seen.get(r.id);
    if (first !== undefined) problems.push(`${at} id: duplicate of rule ${first + 1}`);
    else seen.set(r.id, index);
    if (r.expires !== undefined && !isRealDate(r.expires)) problems.push(`${at} expires: "${r.expires}" is not a date (yyyy-mm-dd)`);
    // The caller writes its own user agent: an expect rule on it alone would let anyone silence their denials.
    if (r.expect && Object.keys(r.match).every((key) => key === 'userAgent'))
      problems.push(
        `${at} match: an expect rule must name a condition besides userAgent (the caller writes its user agent: anyone could silence their denials)`,
      );
    const match: RuleMatchSpec = {};
    for (const key of RULE_CONDITIONS) {
      const list = asList(r.match[key]);
      if (list) (match as Record<string, string[]>)[key] = list;
    }
    const ranges = (match.sourceIp ?? []).flatMap((text, i) => {
      const range = parseCidr(text);
      if (!range) problems.push(`${at} match.sourceIp[${i}]: "${text.slice(0, 80)}" is not an IPv4 or IPv6 CIDR range (host bits must be zero)`);
      return range ? [range] : [];
    });
    const { match: _raw, ...rest } = r;
    return { ...rest, index, match, ranges };
  });
  return { rules, problems };
}

/**
 * Parses and validates a rules file (YAML, or JSON, which is YAML). Never returns a partial rule set:
 * a file with any problem is rejected whole, since a half-read file could silence denials nobody meant
 * to silence, or route them to the wrong team.
 * @throws RulesFileError listing every problem with its rule number, id and field.
 */
export function parseRules(text: string, source = DEFAULT_RULES_FILE): RuleSet {
  let data: unknown;
  try {
    data = yamlModule().parse(text, { prettyErrors: true, uniqueKeys: true, maxAliasCount: 100 });
  } catch (err) {
    const message = err instanceof yamlModule().YAMLParseError ? err.message : String(err);
    throw new RulesFileError(source, [`not valid YAML: ${message.split('\n')[0]}`]);
  }
  const errors = validate(data);
  if (errors.length > 0) throw new RulesFileError(source, describeSchemaErrors(errors, data));
  const { rules, problems } = compile((data as { rules: RawRule[] }).rules);
  if (problems.length > 0) throw new RulesFileError(source, problems);
  return { source, rules };
}
