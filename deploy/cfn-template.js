'use strict';
// Offline CloudFormation tooling shared by scripts/package-all.sh (through deploy/verify-package.mjs) and tests/deploy: a YAML schema
// for the short-form tags (!Ref, !Sub, ...), the event-pattern generator that keeps the central and
// member rules identical, a structural linter (dangling Ref/GetAtt/Condition, conditional resources
// used unconditionally, parameter defaults violating their own constraints) and a small evaluator
// for the intrinsic functions the templates use. CommonJS so Node runs it without a build step.

const fs = require('node:fs');
const path = require('node:path');
const yaml = require('js-yaml');

/** Short-form tag -> long-form key. `!GetAtt A.B` is special-cased (scalar form splits on the first dot). */
const INTRINSICS = {
  Ref: 'Ref',
  Sub: 'Fn::Sub',
  GetAtt: 'Fn::GetAtt',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  If: 'Fn::If',
  Equals: 'Fn::Equals',
  Not: 'Fn::Not',
  And: 'Fn::And',
  Or: 'Fn::Or',
  FindInMap: 'Fn::FindInMap',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  ImportValue: 'Fn::ImportValue',
  GetAZs: 'Fn::GetAZs',
  Length: 'Fn::Length',
  ToJsonString: 'Fn::ToJsonString',
  Condition: 'Condition',
};

function intrinsicTypes() {
  const types = [];
  for (const [tag, key] of Object.entries(INTRINSICS)) {
    for (const kind of ['scalar', 'sequence', 'mapping']) {
      types.push(
        new yaml.Type(`!${tag}`, {
          kind,
          construct(data) {
            if (tag === 'GetAtt' && kind === 'scalar') {
              const dot = String(data).indexOf('.');
              return { [key]: dot < 0 ? [String(data)] : [data.slice(0, dot), data.slice(dot + 1)] };
            }
            if (kind === 'scalar' && data === null) return { [key]: '' };
            return { [key]: data };
          },
        }),
      );
    }
  }
  return types;
}

/** js-yaml schema understanding CloudFormation's short-form intrinsic tags. */
const CFN_YAML_SCHEMA = yaml.DEFAULT_SCHEMA.extend(intrinsicTypes());

/** Parses a template from text; YAML (with short-form tags) or JSON. */
function parseTemplate(text, filename = 'template') {
  const value = yaml.load(text, { schema: CFN_YAML_SCHEMA, filename });
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${filename}: a template must be a mapping`);
  }
  return value;
}

/** Reads and parses a template file. */
function loadTemplateFile(file) {
  return parseTemplate(fs.readFileSync(file, 'utf8'), path.basename(file));
}

// --- event pattern ---------------------------------------------------------------------------

/** Condition and parameter names both templates must declare for the generated pattern. */
const EVENT_SOURCE_CONDITION = 'HasEventSourceFilter';
const EVENT_SOURCE_PARAMETER = 'EventSources';

/**
 * Wraps the plain EventBridge pattern in `Fn::If`: with a non-empty EventSources parameter the
 * pattern also requires `detail.eventSource` to be one of the comma-separated names.
 */
function buildCfnEventPattern(base) {
  const filtered = structuredClone(base);
  filtered.detail = {
    eventSource: { 'Fn::Split': [',', { Ref: EVENT_SOURCE_PARAMETER }] },
    ...filtered.detail,
  };
  return { 'Fn::If': [EVENT_SOURCE_CONDITION, filtered, structuredClone(base)] };
}

const PATTERN_BEGIN = '# BEGIN generated event pattern';
const PATTERN_END = '# END generated event pattern';

/** Renders the CloudFormation pattern as a JSON block indented for a YAML template. */
function renderPatternBlock(cfnPattern, indent) {
  const pad = ' '.repeat(indent);
  const json = JSON.stringify(cfnPattern, null, 2)
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
  return `${pad}${PATTERN_BEGIN} from deploy/event-pattern.json by deploy/sync-event-pattern.mjs: do not edit\n${json}\n${pad}${PATTERN_END}`;
}

/** Replaces the generated block in a YAML template's text; throws when the markers are missing. */
function replacePatternBlock(text, cfnPattern) {
  const lines = text.split('\n');
  const begin = lines.findIndex((l) => l.trim().startsWith(PATTERN_BEGIN));
  const end = lines.findIndex((l) => l.trim().startsWith(PATTERN_END));
  if (begin < 0 || end < begin) throw new Error(`markers "${PATTERN_BEGIN}" / "${PATTERN_END}" not found`);
  const indent = lines[begin].length - lines[begin].trimStart().length;
  return [...lines.slice(0, begin), renderPatternBlock(cfnPattern, indent), ...lines.slice(end + 1)].join('\n');
}

// --- linting ---------------------------------------------------------------------------------

const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

/** Names a Fn::Sub string refers to: `${Name}` and `${Name.Attr}`, not `${!Literal}`. */
function subVariables(text) {
  const names = [];
  const re = /\$\{([^}]*)\}/g;
  let m;
  while ((m = re.exec(text))) {
    const inner = m[1].trim();
    if (!inner.startsWith('!')) names.push(inner);
  }
  return names;
}

/**
 * Structural checks CloudFormation would otherwise only report at deploy time. Returns problems as
 * human-readable strings (empty when the template is sound).
 */
function lintTemplate(template) {
  const problems = [];
  const resources = template.Resources ?? {};
  const parameters = template.Parameters ?? {};
  const conditions = template.Conditions ?? {};
  if (!Object.keys(resources).length) problems.push('Resources is empty');

  for (const [name, p] of Object.entries(parameters)) {
    if (!p || typeof p.Type !== 'string') problems.push(`Parameter ${name} has no Type`);
    if (p && p.Default !== undefined) {
      const def = String(p.Default);
      if (p.AllowedPattern && !new RegExp(`^(?:${p.AllowedPattern})$`).test(def)) {
        problems.push(`Parameter ${name} default "${def}" violates AllowedPattern`);
      }
      if (Array.isArray(p.AllowedValues) && !p.AllowedValues.map(String).includes(def)) {
        problems.push(`Parameter ${name} default "${def}" is not among AllowedValues`);
      }
    }
  }

  /** `guards`: conditions known true where the value sits (resource Condition + enclosing Fn::If branches). */
  const walk = (value, where, guards) => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${where}[${i}]`, guards));
      return;
    }
    if (!value || typeof value !== 'object') return;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [key] = keys;
      const arg = value[key];
      if (key === 'Ref') {
        checkTarget(String(arg), where, guards);
        return;
      }
      if (key === 'Fn::GetAtt') {
        const target = Array.isArray(arg) ? arg[0] : String(arg).split('.')[0];
        if (!resources[target]) problems.push(`${where}: Fn::GetAtt to unknown resource ${target}`);
        else checkTarget(target, where, guards);
        return;
      }
      if (key === 'Fn::Sub') {
        const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
        for (const v of subVariables(String(text))) {
          const base = v.split('.')[0];
          if (vars && Object.prototype.hasOwnProperty.call(vars, v)) continue;
          if (v.includes('.') && !resources[base]) problems.push(`${where}: Fn::Sub \${${v}} names unknown resource`);
          else if (!v.includes('.')) checkTarget(v, where, guards);
          else checkTarget(base, where, guards);
        }
        if (vars && typeof vars === 'object') walk(vars, `${where}.Fn::Sub`, guards);
        return;
      }
      if (key === 'Fn::If') {
        if (!Array.isArray(arg) || arg.length !== 3) {
          problems.push(`${where}: Fn::If needs [condition, then, else]`);
          return;
        }
        const [cond, whenTrue, whenFalse] = arg;
        if (!conditions[cond]) problems.push(`${where}: Fn::If names unknown condition ${cond}`);
        walk(whenTrue, `${where}.Fn::If(${cond})`, new Set([...guards, cond]));
        walk(whenFalse, `${where}.Fn::If(!${cond})`, guards);
        return;
      }
    }
    for (const [k, v] of Object.entries(value)) walk(v, `${where}.${k}`, guards);
  };

  const checkTarget = (name, where, guards) => {
    if (PSEUDO_PARAMETERS.has(name) || parameters[name]) return;
    const target = resources[name];
    if (!target) {
      problems.push(`${where}: reference to unknown ${name}`);
      return;
    }
    if (target.Condition && !guards.has(target.Condition)) {
      problems.push(`${where}: uses ${name} (Condition ${target.Condition}) outside Fn::If/Condition ${target.Condition}`);
    }
  };

  const walkConditions = (value, where) => {
    if (Array.isArray(value)) return value.forEach((v, i) => walkConditions(v, `${where}[${i}]`));
    if (!value || typeof value !== 'object') return;
    if (typeof value.Condition === 'string' && Object.keys(value).length === 1) {
      if (!conditions[value.Condition]) problems.push(`${where}: unknown condition ${value.Condition}`);
      return;
    }
    if (value.Ref !== undefined) {
      const name = String(value.Ref);
      if (!PSEUDO_PARAMETERS.has(name) && !parameters[name]) problems.push(`${where}: conditions may only Ref parameters, not ${name}`);
      return;
    }
    for (const [k, v] of Object.entries(value)) walkConditions(v, `${where}.${k}`);
  };
  for (const [name, body] of Object.entries(conditions)) walkConditions(body, `Conditions.${name}`);

  for (const [name, r] of Object.entries(resources)) {
    if (!r || typeof r.Type !== 'string' || !/^(AWS::\w+::\w+(::\w+)?|Custom::[\w-]+)$/.test(r.Type)) {
      problems.push(`Resource ${name} has no valid Type`);
    }
    if (r.Condition !== undefined && !conditions[r.Condition]) problems.push(`Resource ${name}: unknown condition ${r.Condition}`);
    for (const dep of [].concat(r.DependsOn ?? [])) {
      if (!resources[dep]) problems.push(`Resource ${name}: DependsOn unknown ${dep}`);
    }
    const guards = new Set(r.Condition ? [r.Condition] : []);
    walk(r.Properties ?? {}, `Resources.${name}.Properties`, guards);
  }
  for (const [name, o] of Object.entries(template.Outputs ?? {})) {
    if (!o || o.Value === undefined) problems.push(`Output ${name} has no Value`);
    if (o && o.Condition !== undefined && !conditions[o.Condition]) problems.push(`Output ${name}: unknown condition ${o.Condition}`);
    walk(o?.Value, `Outputs.${name}.Value`, new Set(o?.Condition ? [o.Condition] : []));
  }
  return problems;
}

// --- evaluation ------------------------------------------------------------------------------

/** Marker for a value CloudFormation only knows at deploy time (a resource's Ref or attribute). */
function deployTimeToken(name, attribute) {
  return attribute ? `\${${name}.${attribute}}` : `\${${name}}`;
}

/** Parameter values: the template's defaults overridden by `overrides`. */
function parameterValues(template, overrides = {}) {
  const out = {};
  for (const [name, p] of Object.entries(template.Parameters ?? {})) {
    if (p.Default !== undefined) out[name] = String(p.Default);
  }
  return { ...out, ...overrides };
}

const NO_VALUE = Symbol('AWS::NoValue');

/**
 * Evaluates intrinsics against concrete parameter values. Resource references become
 * `${Name}` / `${Name.Attr}` tokens, so statements and ARNs can be asserted as strings.
 * `ctx`: { template, parameters, pseudo } where pseudo maps e.g. 'AWS::Region' to a value.
 */
function resolveValue(value, ctx) {
  const out = resolveInner(value, ctx);
  return out === NO_VALUE ? undefined : out;
}

function refValue(name, ctx) {
  if (name === 'AWS::NoValue') return NO_VALUE;
  if (ctx.parameters[name] !== undefined) return ctx.parameters[name];
  if (ctx.pseudo[name] !== undefined) return ctx.pseudo[name];
  if (ctx.template.Resources?.[name]) return deployTimeToken(name);
  throw new Error(`Ref to unknown ${name}`);
}

function resolveInner(value, ctx) {
  if (Array.isArray(value)) {
    return value.map((v) => resolveInner(v, ctx)).filter((v) => v !== NO_VALUE);
  }
  if (!value || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [key] = keys;
    const arg = value[key];
    switch (key) {
      case 'Ref':
        return refValue(String(arg), ctx);
      case 'Fn::GetAtt': {
        const [name, attr] = Array.isArray(arg) ? arg : String(arg).split(/\.(.*)/s);
        return deployTimeToken(name, attr);
      }
      case 'Fn::If': {
        const [cond, whenTrue, whenFalse] = arg;
        return resolveInner(evaluateCondition(cond, ctx) ? whenTrue : whenFalse, ctx);
      }
      case 'Fn::Split': {
        const [sep, source] = arg;
        return String(resolveInner(source, ctx)).split(sep);
      }
      case 'Fn::Join': {
        const [sep, items] = arg;
        return resolveInner(items, ctx).join(sep);
      }
      case 'Fn::Select': {
        const [index, items] = arg;
        return resolveInner(items, ctx)[Number(resolveInner(index, ctx))];
      }
      case 'Fn::Sub': {
        const [text, vars = {}] = Array.isArray(arg) ? arg : [arg, {}];
        const resolvedVars = resolveInner(vars, ctx);
        return String(text).replace(/\$\{([^}]*)\}/g, (whole, inner) => {
          const name = inner.trim();
          if (name.startsWith('!')) return `\${${name.slice(1)}}`;
          if (resolvedVars[name] !== undefined) return String(resolvedVars[name]);
          if (name.includes('.')) {
            const [res, attr] = name.split(/\.(.*)/s);
            return deployTimeToken(res, attr);
          }
          return String(refValue(name, ctx));
        });
      }
      case 'Fn::Equals':
      case 'Fn::Not':
      case 'Fn::And':
      case 'Fn::Or':
        return evaluateConditionBody(value, ctx);
      default:
        break;
    }
  }
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    const r = resolveInner(v, ctx);
    if (r !== NO_VALUE) out[k] = r;
  }
  return out;
}

function evaluateConditionBody(body, ctx) {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    if ('Condition' in body) return evaluateCondition(body.Condition, ctx);
    if ('Fn::Equals' in body) {
      const [a, b] = body['Fn::Equals'].map((v) => resolveInner(v, ctx));
      return String(a) === String(b);
    }
    if ('Fn::Not' in body) return !evaluateConditionBody(body['Fn::Not'][0], ctx);
    if ('Fn::And' in body) return body['Fn::And'].every((c) => evaluateConditionBody(c, ctx));
    if ('Fn::Or' in body) return body['Fn::Or'].some((c) => evaluateConditionBody(c, ctx));
  }
  throw new Error(`unsupported condition ${JSON.stringify(body)}`);
}

/** Evaluates the named condition of ctx.template. */
function evaluateCondition(name, ctx) {
  const body = ctx.template.Conditions?.[name];
  if (body === undefined) throw new Error(`unknown condition ${name}`);
  return evaluateConditionBody(body, ctx);
}

/**
 * The template as CloudFormation would see it for the given parameter values: resources whose
 * Condition is false are dropped, intrinsics are resolved (resource references become tokens).
 */
function materialize(template, overrides = {}, pseudo = {}) {
  const ctx = {
    template,
    parameters: parameterValues(template, overrides),
    pseudo: {
      'AWS::Partition': 'aws',
      'AWS::Region': 'us-east-1',
      'AWS::AccountId': '111122223333',
      'AWS::StackName': 'stack',
      'AWS::URLSuffix': 'amazonaws.com',
      ...pseudo,
    },
  };
  const resources = {};
  for (const [name, r] of Object.entries(template.Resources ?? {})) {
    if (r.Condition && !evaluateCondition(r.Condition, ctx)) continue;
    resources[name] = { ...r, Properties: resolveValue(r.Properties ?? {}, ctx) };
  }
  const outputs = {};
  for (const [name, o] of Object.entries(template.Outputs ?? {})) {
    if (o.Condition && !evaluateCondition(o.Condition, ctx)) continue;
    outputs[name] = { ...o, Value: resolveValue(o.Value, ctx) };
  }
  return { Resources: resources, Outputs: outputs, parameters: ctx.parameters };
}

module.exports = {
  CFN_YAML_SCHEMA,
  EVENT_SOURCE_CONDITION,
  EVENT_SOURCE_PARAMETER,
  PATTERN_BEGIN,
  PATTERN_END,
  buildCfnEventPattern,
  evaluateCondition,
  lintTemplate,
  loadTemplateFile,
  materialize,
  parameterValues,
  parseTemplate,
  renderPatternBlock,
  replacePatternBlock,
  resolveValue,
};
