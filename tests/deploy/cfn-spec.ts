import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/**
 * Offline schema check of CloudFormation templates against the resource specification that
 * `@aws-cdk/aws-service-spec` ships as `db.json.gz` (CloudFormation's registry schemas, imported).
 * We cannot deploy from here, so this is the nearest thing to CloudFormation's own
 * "Properties validation failed" step: resource types, property names (nested), required
 * properties, scalar types, enums, and the attributes `Fn::GetAtt` names.
 */

/** A property's type as the spec database encodes it. */
export type SpecType =
  | { type: 'string' | 'integer' | 'number'; allowedValues?: (string | number)[] }
  | { type: 'boolean' | 'json' | 'date-time' | 'tag' }
  | { type: 'array' | 'map'; element: SpecType }
  | { type: 'ref'; reference: { $ref: string } }
  | { type: 'union'; types: SpecType[] };

/** One property of a resource or of a nested type definition. */
export interface SpecProperty {
  type: SpecType;
  required?: boolean;
}

/** A resource type: its properties and the attributes `Fn::GetAtt` may read. */
export interface SpecResource {
  cloudFormationType: string;
  properties: Record<string, SpecProperty>;
  attributes: Record<string, unknown>;
}

/** A nested property type (what a `ref` type points to). */
export interface SpecTypeDefinition {
  name: string;
  properties: Record<string, SpecProperty>;
}

/** The two tables of the spec database the checks need. */
export interface CfnSpec {
  resource(cloudFormationType: string): SpecResource | undefined;
  typeDefinition(id: string): SpecTypeDefinition | undefined;
}

interface SpecDatabase {
  schema: {
    resource: { entities: Record<string, SpecResource> };
    typeDefinition: { entities: Record<string, SpecTypeDefinition & { $id: string }> };
  };
}

let cached: CfnSpec | undefined;

/** Loads (once per process) the spec database shipped by `@aws-cdk/aws-service-spec`. */
export function loadCfnSpec(): CfnSpec {
  if (cached) return cached;
  const file = join(dirname(require.resolve('@aws-cdk/aws-service-spec/package.json')), 'db.json.gz');
  const db = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as SpecDatabase;
  const byType = new Map(Object.values(db.schema.resource.entities).map((r) => [r.cloudFormationType, r]));
  // `$ref` values are the entities' `$id`s, which need not equal their keys in the table.
  const byId = new Map(Object.values(db.schema.typeDefinition.entities).map((t) => [t.$id, t]));
  cached = { resource: (t) => byType.get(t), typeDefinition: (id) => byId.get(id) };
  return cached;
}

/** A resource as found in a template (raw, or after `materialize`). */
export interface ResourceLike {
  Type: string;
  Properties?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A template's parts the checks read. */
export interface TemplateLike {
  Resources?: Record<string, ResourceLike>;
  Outputs?: Record<string, { Value?: unknown; [key: string]: unknown }>;
}

/** "path → problem" lines; empty when CloudFormation's schema validation would pass. */
export type Violations = string[];

const RESOURCE_KEYS = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Metadata',
  'CreationPolicy',
  'UpdatePolicy',
]);
const DELETION_POLICIES = ['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot'];
const UPDATE_REPLACE_POLICIES = ['Delete', 'Retain', 'Snapshot'];

type Json = unknown;

const isPlainObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{Ref}` or a single `Fn::*` key: its value is only known when CloudFormation evaluates it. */
const intrinsicName = (v: Json): string | undefined => {
  if (!isPlainObject(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const [key] = keys as [string];
  return key === 'Ref' || key.startsWith('Fn::') ? key : undefined;
};

const isNoValue = (v: Json): boolean => isPlainObject(v) && v.Ref === 'AWS::NoValue' && Object.keys(v).length === 1;

/** What value checks need besides the value: the spec and the template's resources by name. */
export interface Context {
  spec: CfnSpec;
  /** Resource name → type: a materialized `${Name}` / `${Name.Attr}` string is a deploy-time value. */
  resourceTypes: ReadonlyMap<string, string>;
}

type TokenShape = 'scalar' | 'list' | 'object' | 'unknown';

/**
 * The shape of a whole-string deploy-time token left by `materialize` (undefined when `v` is not
 * one): a Ref yields a string; an attribute has the type the spec gives it.
 */
function deployTimeToken(v: Json, ctx: Context): TokenShape | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^\$\{([^.}]+)(?:\.([^}]+))?\}$/.exec(v);
  const type = m ? ctx.resourceTypes.get(m[1]!) : undefined;
  if (!m || !type) return undefined;
  if (m[2] === undefined) return 'scalar';
  const attribute = ctx.spec.resource(type)?.attributes[m[2]] as { type?: SpecType } | undefined;
  switch (attribute?.type?.type) {
    case undefined:
      return 'unknown';
    case 'array':
      return 'list';
    case 'json':
    case 'map':
    case 'ref':
    case 'tag':
      return 'object';
    default:
      return 'scalar';
  }
}

const SHAPE_OF: Record<SpecType['type'], TokenShape> = {
  string: 'scalar',
  'date-time': 'scalar',
  integer: 'scalar',
  number: 'scalar',
  boolean: 'scalar',
  array: 'list',
  json: 'object',
  map: 'object',
  ref: 'object',
  tag: 'object',
  union: 'unknown',
};

/** Contains a deploy-time token somewhere (e.g. an ARN built with Fn::Sub): its final text is unknown. */
const hasDeployTimeToken = (v: string, ctx: Context): boolean => [...v.matchAll(/\$\{([^.}]+)(?:\.[^}]+)?\}/g)].some((m) => ctx.resourceTypes.has(m[1]!));

const show = (v: Json): string => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

function checkEnum(value: Json, allowed: (string | number)[] | undefined, path: string, ctx: Context, out: Violations): void {
  if (!allowed || allowed.length === 0) return;
  if (typeof value === 'string' && hasDeployTimeToken(value, ctx)) return;
  if (!allowed.map(String).includes(String(value))) {
    out.push(`${path} → ${show(value)} is not one of ${allowed.join(', ')}`);
  }
}

/**
 * Checks `value` against `type`. Intrinsics are accepted wherever a value goes (their result is
 * only known at deploy time), except that both branches of `Fn::If` are checked. Scalars are
 * coerced as CloudFormation does: parameters and YAML scalars arrive as strings, so numeric
 * strings pass for integer/number, "true"/"false" for boolean, and numbers/booleans for string.
 */
export function checkValue(type: SpecType, value: Json, path: string, ctx: Context, out: Violations): void {
  const fn = intrinsicName(value);
  if (fn === 'Fn::If') {
    const arg = (value as Record<string, Json>)['Fn::If'];
    if (Array.isArray(arg) && arg.length === 3) {
      const [cond, whenTrue, whenFalse] = arg as [Json, Json, Json];
      for (const [branch, label] of [
        [whenTrue, String(cond)],
        [whenFalse, `!${String(cond)}`],
      ] as const) {
        if (!isNoValue(branch)) checkValue(type, branch, `${path}.Fn::If(${label})`, ctx, out);
      }
      return;
    }
  }
  if (fn) return;
  const token = type.type === 'union' ? undefined : deployTimeToken(value, ctx);
  if (token) {
    // CloudFormation converts between scalar types at deploy time, never between shapes.
    if (token !== 'unknown' && token !== SHAPE_OF[type.type]) out.push(`${path} → ${show(value)} is a ${token} at deploy time, expected ${type.type}`);
    return;
  }

  switch (type.type) {
    case 'string':
    case 'date-time':
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        out.push(`${path} → expected a string, got ${show(value)}`);
        return;
      }
      if (type.type === 'string') checkEnum(value, type.allowedValues, path, ctx, out);
      return;
    case 'integer':
    case 'number': {
      const ok =
        type.type === 'integer'
          ? (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value))
          : (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)));
      if (!ok) {
        out.push(`${path} → expected ${type.type === 'integer' ? 'an integer' : 'a number'}, got ${show(value)}`);
        return;
      }
      checkEnum(value, type.allowedValues, path, ctx, out);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean' && !(typeof value === 'string' && /^(true|false)$/i.test(value))) {
        out.push(`${path} → expected a boolean, got ${show(value)}`);
      }
      return;
    case 'json':
      if (typeof value !== 'object' || value === null) out.push(`${path} → expected a JSON object, got ${show(value)}`);
      return;
    case 'tag':
      checkObject({ Key: { type: { type: 'string' }, required: true }, Value: { type: { type: 'string' }, required: true } }, value, path, ctx, out);
      return;
    case 'array':
      if (!Array.isArray(value)) {
        out.push(`${path} → expected a list, got ${show(value)}`);
        return;
      }
      value.forEach((item, i) => {
        if (!isNoValue(item)) checkValue(type.element, item, `${path}[${i}]`, ctx, out);
      });
      return;
    case 'map':
      if (!isPlainObject(value)) {
        out.push(`${path} → expected a map, got ${show(value)}`);
        return;
      }
      for (const [key, item] of Object.entries(value)) {
        if (!isNoValue(item)) checkValue(type.element, item, `${path}.${key}`, ctx, out);
      }
      return;
    case 'ref': {
      const definition = ctx.spec.typeDefinition(type.reference.$ref);
      if (!definition) {
        out.push(`${path} → spec has no type definition ${type.reference.$ref}`);
        return;
      }
      checkObject(definition.properties, value, path, ctx, out);
      return;
    }
    case 'union': {
      // Accepted when any alternative accepts it; otherwise report the closest alternative.
      let best: Violations | undefined;
      for (const alternative of type.types) {
        const attempt: Violations = [];
        checkValue(alternative, value, path, ctx, attempt);
        if (attempt.length === 0) return;
        if (!best || attempt.length < best.length) best = attempt;
      }
      out.push(...(best ?? []));
      return;
    }
    default:
      out.push(`${path} → spec type ${JSON.stringify(type)} is not understood by this checker`);
  }
}

function checkObject(properties: Record<string, SpecProperty>, value: Json, path: string, ctx: Context, out: Violations): void {
  if (!isPlainObject(value)) {
    out.push(`${path} → expected an object, got ${show(value)}`);
    return;
  }
  for (const [name, item] of Object.entries(value)) {
    const property = properties[name];
    if (!property) {
      out.push(`${path}.${name} → unknown property (known: ${Object.keys(properties).sort().join(', ')})`);
      continue;
    }
    if (!isNoValue(item)) checkValue(property.type, item, `${path}.${name}`, ctx, out);
  }
  for (const [name, property] of Object.entries(properties)) {
    if (property.required && (value[name] === undefined || isNoValue(value[name]))) out.push(`${path}.${name} → required property is missing`);
  }
}

/**
 * Schema violations of every resource: unknown types, unknown or missing properties (recursively),
 * values of the wrong type or outside an enum, and bad resource-level attributes.
 * Works on raw templates (both Fn::If branches checked) and on `materialize` output.
 */
export function resourceViolations(spec: CfnSpec, template: TemplateLike): Violations {
  const out: Violations = [];
  const resources = template.Resources ?? {};
  const ctx: Context = { spec, resourceTypes: new Map(Object.entries(resources).map(([name, r]) => [name, r.Type])) };
  for (const [name, resource] of Object.entries(resources)) {
    const where = `Resources.${name}`;
    for (const key of Object.keys(resource)) {
      if (!RESOURCE_KEYS.has(key)) out.push(`${where}.${key} → unknown resource attribute`);
    }
    if (resource.DeletionPolicy !== undefined && !DELETION_POLICIES.includes(String(resource.DeletionPolicy))) {
      out.push(`${where}.DeletionPolicy → ${show(resource.DeletionPolicy)} is not one of ${DELETION_POLICIES.join(', ')}`);
    }
    if (resource.UpdateReplacePolicy !== undefined && !UPDATE_REPLACE_POLICIES.includes(String(resource.UpdateReplacePolicy))) {
      out.push(`${where}.UpdateReplacePolicy → ${show(resource.UpdateReplacePolicy)} is not one of ${UPDATE_REPLACE_POLICIES.join(', ')}`);
    }
    if (isCustomResource(resource.Type)) continue; // any properties go to the provider
    const spec_ = spec.resource(resource.Type);
    if (!spec_) {
      out.push(`${where}.Type → ${resource.Type} is not a CloudFormation resource type`);
      continue;
    }
    checkObject(spec_.properties, resource.Properties ?? {}, `${where}.Properties`, ctx, out);
  }
  return out;
}

const isCustomResource = (type: string): boolean => type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';

/** Whether `Fn::GetAtt` may read `attribute` from a resource of `type`. */
function attributeAccepted(spec: CfnSpec, type: string, attribute: string): boolean {
  // Custom resources return what their provider returns; an unknown type is reported on its own.
  if (isCustomResource(type) || !spec.resource(type)) return true;
  if (type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) return true;
  const resource = spec.resource(type);
  return !!resource && Object.prototype.hasOwnProperty.call(resource.attributes, attribute);
}

/** Resource/attribute pairs a `Fn::Sub` string reads (`${Name.Attr}`; `${!Literal}` and its own variables excluded). */
function subAttributes(arg: Json): { resource: string; attribute: string }[] {
  const [text, vars] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, undefined];
  if (typeof text !== 'string') return [];
  const own = isPlainObject(vars) ? vars : {};
  const found: { resource: string; attribute: string }[] = [];
  for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
    const name = m[1]!.trim();
    if (name.startsWith('!') || name in own) continue;
    const dot = name.indexOf('.');
    if (dot > 0) found.push({ resource: name.slice(0, dot), attribute: name.slice(dot + 1) });
  }
  return found;
}

/**
 * Every `Fn::GetAtt` (and `Fn::Sub` `${Name.Attr}`) in Resources and Outputs, in every branch,
 * must name a resource of the template and an attribute its type exposes.
 */
export function getAttViolations(spec: CfnSpec, template: TemplateLike): Violations {
  const out: Violations = [];
  const resources = template.Resources ?? {};
  const check = (resource: string, attribute: string, path: string, how: string): void => {
    const target = resources[resource];
    if (!target) out.push(`${path} → ${how} names unknown resource ${resource}`);
    else if (!attributeAccepted(spec, target.Type, attribute)) {
      const known = Object.keys(spec.resource(target.Type)?.attributes ?? {})
        .sort()
        .join(', ');
      out.push(`${path} → ${how} ${resource}.${attribute}: ${target.Type} has no attribute ${attribute} (has: ${known})`);
    }
  };
  const walk = (value: Json, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}[${i}]`));
      return;
    }
    if (!isPlainObject(value)) return;
    const fn = intrinsicName(value);
    if (fn === 'Fn::GetAtt') {
      const arg = value[fn];
      const [resource, attribute] = Array.isArray(arg) ? [arg[0], arg[1]] : String(arg).split(/\.(.*)/s);
      // An attribute computed by an intrinsic (Fn::GetAtt [X, !Ref P]) cannot be checked offline.
      if (typeof resource === 'string' && typeof attribute === 'string') check(resource, attribute, path, 'Fn::GetAtt');
      else if (typeof resource === 'string' && !resources[resource]) out.push(`${path} → Fn::GetAtt names unknown resource ${resource}`);
    }
    if (fn === 'Fn::Sub') {
      for (const { resource, attribute } of subAttributes(value[fn])) check(resource, attribute, path, 'Fn::Sub');
    }
    for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
  };
  for (const [name, resource] of Object.entries(resources)) walk(resource.Properties ?? {}, `Resources.${name}.Properties`);
  for (const [name, output] of Object.entries(template.Outputs ?? {})) walk(output.Value, `Outputs.${name}.Value`);
  return out;
}

/** All schema violations of a template: resources and GetAtt attributes. */
export function templateViolations(spec: CfnSpec, template: TemplateLike): Violations {
  return [...resourceViolations(spec, template), ...getAttViolations(spec, template)];
}
