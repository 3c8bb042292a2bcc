import type { PolicyStatement } from '../../denial/types';
import { arnMatches } from '../iam/arn-matching';
import { formatBedrockArn, INVOKE_ACTIONS, isInvokeAction, modelFamilyKey, parseBedrockArn, stripGeoPrefix, type BedrockArn } from '../catalog/bedrock-arns';
import { parseOperator } from '../iam/conditions';
import { asList, compactList } from '../iam/document';
import { matchStatement, type EvaluationRequest } from '../iam/evaluator';
import { isInventedModelId } from '../catalog/model-ids';
import { grantPattern, hasWildcardCharacter, matchPolicyPattern, wildcardMatch } from '../iam/wildcard';

export const NEAR_MISS_KINDS = [
  'account-in-model-arn',
  'model-id',
  'other-version',
  'region',
  'missing-action',
  'region-condition',
  'profile-condition',
  'missing-profile-arn',
  'missing-model-arn',
] as const;
export type NearMissKind = (typeof NEAR_MISS_KINDS)[number];

/** One change made to a statement, with what a note needs to explain it. */
export interface RepairFact {
  kind: NearMissKind;
  /** The pattern or value before the change (for replacements). */
  from?: string;
  /** The new pattern, resource or value. */
  to: string;
  /** For added regions: the region the call also needs ("" for the region-less global form). */
  region?: string;
  /** For added regions: the region(s) the statement granted already. */
  grantedRegion?: string;
}

/** Options of {@link repairStatement}. */
export interface RepairOptions {
  /** Never replace a resource: add the corrected one next to it (used when a replacement would revoke access). */
  keepResources?: boolean;
}

/** How one Allow statement was changed so that it allows a request it almost allowed. */
export interface Repair {
  kinds: NearMissKind[];
  after: PolicyStatement;
  facts: RepairFact[];
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function repairAction(s: PolicyStatement, action: string, facts: RepairFact[]): boolean {
  if (!isInvokeAction(action) || s.Action === undefined) return false;
  const patterns = asList(s.Action);
  const sibling = INVOKE_ACTIONS.find((a) => a.toLowerCase() !== action.toLowerCase());
  if (!sibling || !patterns.some((p) => wildcardMatch(p, sibling, true))) return false;
  s.Action = [...patterns, action];
  facts.push({ kind: 'missing-action', from: sibling, to: action });
  return true;
}

function sameModel(pattern: BedrockArn, target: BedrockArn): boolean {
  return matchPolicyPattern(stripGeoPrefix(pattern.id), stripGeoPrefix(target.id));
}

function repairResource(s: PolicyStatement, resource: string, facts: RepairFact[], options: RepairOptions): boolean {
  const target = parseBedrockArn(resource);
  // A model or profile ID holding a wildcard character is no real model: writing it into a policy would widen it.
  if (!target || s.Resource === undefined || hasWildcardCharacter(target.id)) return false;
  const patterns = asList(s.Resource);
  const parsed = patterns.map((p) => ({ raw: p, arn: parseBedrockArn(p) }));
  const literal = grantPattern(resource);

  // 1. Fix a pattern that is wrong in place: an account in a foundation-model ARN, a wrong model ID.
  for (const [k, { raw, arn }] of parsed.entries()) {
    if (!arn || arn.type !== target.type) continue;
    const fixed = { ...arn };
    const found: RepairFact[] = [];
    const accountInModel = arn.type === 'foundation-model' && arn.account !== '';
    if (accountInModel) {
      fixed.account = '';
      found.push({ kind: 'account-in-model-arn', from: arn.account, to: '' });
    }
    const otherId = !wildcardMatch(arn.id, target.id) && modelFamilyKey(arn.id) === modelFamilyKey(target.id) && !arn.id.includes('*');
    if (otherId) {
      fixed.id = arn.type === 'foundation-model' ? stripGeoPrefix(target.id) : target.id;
      // A pattern that never matched (account in a model ARN) or names an invented ID grants nothing: replace it.
      // One that names a real model grants it today: keep it and add the called one next to it.
      const replace = !options.keepResources && (accountInModel || isInventedModelId(arn.id, target.id));
      if (!replace) {
        s.Resource = [...patterns, literal];
        facts.push({ kind: 'other-version', from: arn.id, to: target.id });
        return true;
      }
      found.push({ kind: 'model-id', from: arn.id, to: fixed.id });
    }
    if (found.length === 0) continue;
    const candidate = formatBedrockArn(fixed);
    if (!arnMatches(candidate, resource)) continue;
    const next = [...patterns];
    if (options.keepResources) next.push(candidate);
    else next[k] = candidate;
    s.Resource = compactList(next);
    for (const f of found) if (f.kind === 'account-in-model-arn') f.to = candidate;
    facts.push(...found.map((f) => (f.kind === 'account-in-model-arn' ? { ...f, from: raw } : f)));
    return true;
  }

  // 2. The same model granted elsewhere: add the region or resource kind that is missing.
  const sameType = parsed.find(({ arn }) => arn && arn.type === target.type && sameModel(arn, target));
  const related = parsed.find(
    ({ arn }) => arn && ['foundation-model', 'inference-profile', 'application-inference-profile'].includes(arn.type) && sameModel(arn, target),
  );
  if (sameType?.arn) {
    if (sameType.arn.region !== target.region) {
      s.Resource = [...patterns, literal];
      facts.push({ kind: 'region', to: resource, region: target.region, grantedRegion: sameType.arn.region });
      return true;
    }
    return false;
  }
  if (related) {
    s.Resource = [...patterns, literal];
    facts.push({ kind: target.type === 'foundation-model' ? 'missing-model-arn' : 'missing-profile-arn', to: resource });
    return true;
  }
  return false;
}

function addConditionValue(s: PolicyStatement, operator: string, key: string, value: string): void {
  const block = s.Condition?.[operator];
  if (!block) return;
  const current = block[key];
  const values = (Array.isArray(current) ? current : current === undefined ? [] : [current]).map(String);
  if (!values.includes(value)) values.push(value);
  block[key] = values.length === 1 ? (values[0] as string) : values;
}

function repairConditions(s: PolicyStatement, request: EvaluationRequest, facts: RepairFact[]): boolean {
  const match = matchStatement(s, request);
  if (match.condition) return true;
  for (const failure of match.conditionFailures) {
    const parsed = parseOperator(failure.operator);
    const key = failure.key.toLowerCase();
    const positive = ['stringequals', 'stringlike', 'stringequalsignorecase', 'arnequals', 'arnlike'].includes(parsed.base);
    const wanted = request.context[Object.keys(request.context).find((k) => k.toLowerCase() === key) ?? ''];
    if (!positive || typeof wanted !== 'string') return false;
    if (key === 'aws:requestedregion') {
      addConditionValue(s, failure.operator, failure.key, wanted);
      facts.push({ kind: 'region-condition', to: wanted });
    } else if (key === 'bedrock:inferenceprofilearn') {
      const existing = s.Condition?.[failure.operator]?.[failure.key];
      const values = (Array.isArray(existing) ? existing : [existing]).map(String);
      const target = parseBedrockArn(wanted);
      const related = values.some((v) => {
        const arn = parseBedrockArn(v);
        return arn && target && modelFamilyKey(arn.id) === modelFamilyKey(target.id);
      });
      if (!related) return false;
      addConditionValue(s, failure.operator, failure.key, wanted);
      facts.push({ kind: 'profile-condition', to: wanted });
    } else {
      return false;
    }
  }
  return matchStatement(s, request).condition;
}

/**
 * Tries to turn an Allow statement that almost allows `request` into one that does, by the
 * smallest change that keeps its intent: add the missing invoke action, fix an account ID in a
 * Bedrock ARN, replace an invented model ID (a real one of another version is kept and the called
 * one added next to it), add the missing region or resource of the same model, widen a region or
 * profile condition. Null when the statement is unrelated, already allows the request, or grants
 * `Resource: "*"` (changing it would reach every resource).
 */
export function repairStatement(statement: PolicyStatement, request: EvaluationRequest, options: RepairOptions = {}): Repair | null {
  if (statement.Effect !== 'Allow' || statement.NotAction !== undefined || statement.NotResource !== undefined) return null;
  // Widening a `Resource: "*"` statement would grant the change on every resource: add a precise statement instead.
  if (asList(statement.Resource).includes('*')) return null;
  const first = matchStatement(statement, request);
  if (first.applies) return null;
  const after = clone(statement);
  const facts: RepairFact[] = [];
  if (!first.action && !repairAction(after, request.action, facts)) return null;
  if (!first.resource && (request.resource === null || !repairResource(after, request.resource, facts, options))) return null;
  if (!repairConditions(after, request, facts)) return null;
  if (!matchStatement(after, request).applies) return null;
  return { kinds: facts.map((f) => f.kind), after, facts };
}

function list(values: string[]): string {
  if (values.length <= 1) return values[0] ?? '';
  return `${values.slice(0, -1).join(', ')} and ${values[values.length - 1] ?? ''}`;
}

/**
 * One plain sentence fragment per kind of change made to a statement, e.g.
 * "it granted the model only in us-east-1, so the model ARNs in us-east-2 and us-west-2 were added".
 */
export function describeRepairs(facts: RepairFact[]): string[] {
  const out: string[] = [];
  const regions = facts.filter((f) => f.kind === 'region');
  for (const f of facts) {
    switch (f.kind) {
      case 'account-in-model-arn':
        out.push(`${f.from ?? ''} puts the account ID in a foundation-model ARN, which never has one, so it never matched; it is now ${f.to}`);
        break;
      case 'model-id':
        break;
      case 'other-version':
        out.push(`it granted ${f.from ?? ''}, a real model ID of the same family, so it was kept and ${f.to} was added next to it`);
        break;
      case 'missing-action':
        out.push(`it granted ${f.from ?? ''} but not ${f.to}, which the call needs, so ${f.to} was added`);
        break;
      case 'region-condition':
        out.push(`its aws:RequestedRegion condition excluded ${f.to}, where the call is routed, so ${f.to} was added to it`);
        break;
      case 'profile-condition':
        out.push(`its bedrock:InferenceProfileArn condition did not name the profile the call used, so ${f.to} was added to it`);
        break;
      case 'missing-model-arn':
        out.push(`it granted the inference profile but not the model it routes to, so ${f.to} was added`);
        break;
      case 'missing-profile-arn':
        out.push(`it granted the model but not the inference profile the call used, so ${f.to} was added`);
        break;
      case 'region':
        break;
    }
  }
  const models = facts.filter((f) => f.kind === 'model-id');
  const byPair = new Map<string, RepairFact[]>();
  for (const f of models) {
    const key = `${stripGeoPrefix(f.from ?? '')} ${stripGeoPrefix(f.to)}`;
    byPair.set(key, [...(byPair.get(key) ?? []), f]);
  }
  for (const group of byPair.values()) {
    const from = stripGeoPrefix(group[0]?.from ?? '');
    const to = stripGeoPrefix(group[0]?.to ?? '');
    out.push(
      `it named the model ID ${from} instead of ${to}, the ID the call used${group.length > 1 ? ` (in ${group.length} ARNs)` : ''}, and now names ${to}`,
    );
  }
  if (regions.length > 0) {
    const granted = [...new Set(regions.map((f) => f.grantedRegion || 'no region'))];
    const wanted = regions.map((f) => (f.region === '' ? 'the region-less global form' : (f.region ?? '')));
    out.push(
      `it granted the model only in ${list(granted)}, but the inference profile also routes the call to ${list(wanted)}, so ${
        regions.length === 1 ? 'that ARN was' : 'those ARNs were'
      } added`,
    );
  }
  return out;
}
