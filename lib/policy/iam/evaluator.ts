import type { PolicyDocument, PolicyStatement } from '../../denial/types';
import { arnMatches } from './arn-matching';
import { arnSegments } from '../../aws/arn';
import {
  and,
  CLOSED_WORLD,
  not,
  or,
  evaluateCondition,
  resolveValue,
  type ConditionFailure,
  type ContextKnowledge,
  type RequestContext,
  type ResolvedValue,
  type Truth,
} from './conditions';
import { asList } from './document';
import { wildcardMatch } from './wildcard';

export const DECISIONS = ['allowed', 'explicitDeny', 'implicitDeny'] as const;
export type Decision = (typeof DECISIONS)[number];

/** One API request as IAM authorizes it. */
export interface EvaluationRequest {
  /** `service:Action`, any case. */
  action: string;
  /** The resource ARN; null for actions without a resource type (matched only by `Resource: "*"`). */
  resource: string | null;
  context: RequestContext;
  /** Added to the context as `aws:PrincipalArn` unless the context already has it. */
  principalArn?: string | null;
  /** Added to the context as `aws:PrincipalAccount` unless the context already has it. */
  principalAccount?: string | null;
  /**
   * Which keys missing from `context` are known to be absent from the request. Default: all of them
   * (a closed world). A request read from a CloudTrail record passes what the record settles, so that a
   * condition on anything else (resource tags, most service keys) is undetermined, not false.
   */
  knowledge?: ContextKnowledge;
}

/** A policy as the evaluator sees it (a {@link NamedPolicy} fits). */
export interface EvaluatedPolicy {
  name: string;
  arn?: string;
  kind?: 'inline' | 'managed';
  viaGroup?: string;
  document: PolicyDocument;
}

export interface PolicySet {
  identity: EvaluatedPolicy[];
  /** When present, the request must also be allowed by the boundary. */
  permissionsBoundary?: EvaluatedPolicy;
}

/** Where a statement lives. */
export interface StatementRef {
  policy: string;
  policyArn?: string;
  policyKind?: 'inline' | 'managed';
  viaGroup?: string;
  layer: 'identity' | 'permissions-boundary';
  index: number;
  sid?: string;
}

export interface EvaluationResult {
  decision: Decision;
  matchedAllow?: StatementRef;
  matchedDeny?: StatementRef;
  identityAllows: boolean;
  /** Undefined when there is no boundary. */
  boundaryAllows?: boolean;
  /** Condition operators this evaluator does not implement, as encountered. */
  unsupported: string[];
  /**
   * Keys (and `Resource` for an element whose variables could not be read) that the decision depends on
   * but the request context cannot settle. `decision` assumes the worst of them (a Deny applies, an
   * Allow does not); `bestCaseDecision` assumes the best. Empty when the decision holds either way.
   */
  undetermined: string[];
  /** The decision if every undetermined element went the caller's way; present only when it differs. */
  bestCaseDecision?: Decision;
}

/** How one statement relates to a request, element by element. */
export interface StatementMatch {
  applies: boolean;
  action: boolean;
  resource: boolean;
  condition: boolean;
  conditionFailures: ConditionFailure[];
  unsupported: string[];
  /** Whether the statement applies before unknowns are resolved against its effect. */
  truth: Truth;
  /** Condition keys (and `Resource`) whose truth the context could not settle. */
  undetermined: string[];
}

function actionMatches(statement: PolicyStatement, action: string): boolean {
  if (statement.Action !== undefined) return asList(statement.Action).some((p) => wildcardMatch(p, action, true));
  if (statement.NotAction !== undefined) return !asList(statement.NotAction).some((p) => wildcardMatch(p, action, true));
  return false;
}

/**
 * Replaces policy variables in a Resource pattern. IAM substitutes them only in the resource part of an
 * ARN (after the fifth colon); before it a `${...}` stays literal text, which no real ARN contains.
 */
function resolveResourcePattern(pattern: string, context: RequestContext): ResolvedValue {
  const head = arnSegments(pattern);
  if (!head || !pattern.startsWith('arn:')) return resolveValue(pattern, context, true);
  const prefix = pattern.slice(0, pattern.length - head.resource.length);
  const rest = resolveValue(head.resource, context, true);
  return 'text' in rest ? { text: prefix + rest.text } : rest;
}

function resourcePatternMatches(pattern: string, resource: string | null, context: RequestContext): Truth {
  const resolved = resolveResourcePattern(pattern, context);
  // A variable without a value, or one whose value holds a wildcard: IAM's documentation leaves the
  // statement's fate open, so the caller resolves it the safe way.
  if (!('text' in resolved)) return 'unknown';
  // A request without a resource is authorized against "*" only.
  if (resource === null) return resolved.text === '*';
  return arnMatches(resolved.text, resource);
}

function resourceMatches(statement: PolicyStatement, resource: string | null, context: RequestContext): Truth {
  if (statement.Resource !== undefined) {
    return or(asList(statement.Resource).map((p) => resourcePatternMatches(p, resource, context)));
  }
  if (statement.NotResource !== undefined) {
    return not(or(asList(statement.NotResource).map((p) => resourcePatternMatches(p, resource, context))));
  }
  // Identity policies always name resources; a statement without one (trust policies) is not applicable.
  return false;
}

/**
 * Contexts built per request: one evaluation matches every statement of every policy against the same
 * request, so the context is completed once, not once per statement. Requests are treated as immutable
 * once evaluated (every caller builds a new request object for a new context).
 */
const completed = new WeakMap<EvaluationRequest, RequestContext>();

/** The request context with `aws:PrincipalArn` / `aws:PrincipalAccount` filled in. */
function requestContext(request: EvaluationRequest): RequestContext {
  let context = completed.get(request);
  if (!context) {
    context = completeContext(request);
    completed.set(request, context);
  }
  return context;
}

function completeContext(request: EvaluationRequest): RequestContext {
  const context: RequestContext = { ...request.context };
  const has = (key: string) => Object.keys(context).some((k) => k.toLowerCase() === key.toLowerCase());
  if (request.principalArn && !has('aws:PrincipalArn')) context['aws:PrincipalArn'] = request.principalArn;
  if (request.principalAccount && !has('aws:PrincipalAccount')) context['aws:PrincipalAccount'] = request.principalAccount;
  return context;
}

/** Matches one statement against a request; `applies` is true when all three elements match. */
export function matchStatement(statement: PolicyStatement, request: EvaluationRequest): StatementMatch {
  const context = requestContext(request);
  const action = actionMatches(statement, request.action);
  const resource = resourceMatches(statement, request.resource, context);
  const condition = evaluateCondition(statement.Condition, context, statement.Effect, request.knowledge ?? CLOSED_WORLD);
  const resolve = (t: Truth) => (t === 'unknown' ? statement.Effect === 'Deny' : t);
  const truth = and([action, resource, condition.truth]);
  const undetermined = truth === 'unknown' ? [...(resource === 'unknown' ? ['Resource'] : []), ...condition.undetermined] : [];
  return {
    applies: resolve(truth),
    action,
    resource: resolve(resource),
    condition: condition.holds,
    conditionFailures: condition.failures,
    unsupported: condition.unsupported,
    truth,
    undetermined,
  };
}

interface PolicyVerdict {
  /** The first Allow and Deny that apply, unknowns resolved the safe way. */
  allow?: StatementRef;
  deny?: StatementRef;
  /** Whether an Allow / a Deny applies when every unknown goes the caller's way. */
  bestCaseAllows: boolean;
  bestCaseDenies: boolean;
  unsupported: string[];
  undetermined: string[];
}

function statementRef(policy: EvaluatedPolicy, layer: StatementRef['layer'], index: number, statement: PolicyStatement): StatementRef {
  return {
    policy: policy.name,
    layer,
    index,
    ...(policy.arn ? { policyArn: policy.arn } : {}),
    ...(policy.kind ? { policyKind: policy.kind } : {}),
    ...(policy.viaGroup ? { viaGroup: policy.viaGroup } : {}),
    ...(statement.Sid ? { sid: statement.Sid } : {}),
  };
}

function evaluatePolicy(policy: EvaluatedPolicy, layer: StatementRef['layer'], request: EvaluationRequest): PolicyVerdict {
  const verdict: PolicyVerdict = { bestCaseAllows: false, bestCaseDenies: false, unsupported: [], undetermined: [] };
  policy.document.Statement.forEach((statement, index) => {
    const match = matchStatement(statement, request);
    verdict.unsupported.push(...match.unsupported);
    verdict.undetermined.push(...match.undetermined);
    const isDeny = statement.Effect === 'Deny';
    if (match.truth === true || (match.truth === 'unknown' && !isDeny)) {
      if (isDeny) verdict.bestCaseDenies = true;
      else verdict.bestCaseAllows = true;
    }
    if (!match.applies) return;
    const ref = statementRef(policy, layer, index, statement);
    if (isDeny) verdict.deny ??= ref;
    else verdict.allow ??= ref;
  });
  return verdict;
}

function decide(denied: boolean, identityAllows: boolean, boundaryAllows: boolean | undefined): Decision {
  if (denied) return 'explicitDeny';
  return identityAllows && boundaryAllows !== false ? 'allowed' : 'implicitDeny';
}

/**
 * Evaluates identity policies (and a permissions boundary) the way IAM does for a request within
 * one account: an explicit Deny anywhere wins; otherwise the request is allowed only when an identity
 * statement allows it and, if there is a boundary, the boundary allows it too. Whatever the context
 * cannot settle is resolved so that the decision is never a wrong allow (see `undetermined`).
 */
export function evaluate(policies: PolicySet, request: EvaluationRequest): EvaluationResult {
  const identity = policies.identity.map((policy) => evaluatePolicy(policy, 'identity', request));
  const boundary = policies.permissionsBoundary ? evaluatePolicy(policies.permissionsBoundary, 'permissions-boundary', request) : undefined;
  const all = boundary ? [...identity, boundary] : identity;
  const matchedAllow = identity.find((v) => v.allow)?.allow;
  const matchedDeny = all.find((v) => v.deny)?.deny;
  const identityAllows = matchedAllow !== undefined;
  const boundaryAllows = boundary ? boundary.allow !== undefined : undefined;
  const decision = decide(matchedDeny !== undefined, identityAllows, boundaryAllows);
  const bestCase = decide(
    all.some((v) => v.bestCaseDenies),
    identity.some((v) => v.bestCaseAllows),
    boundary ? boundary.bestCaseAllows : undefined,
  );
  return {
    decision,
    ...(matchedDeny && decision === 'explicitDeny' ? { matchedDeny } : {}),
    ...(matchedAllow ? { matchedAllow } : {}),
    identityAllows,
    ...(boundaryAllows !== undefined ? { boundaryAllows } : {}),
    unsupported: [...new Set(all.flatMap((v) => v.unsupported))],
    undetermined: bestCase === decision ? [] : [...new Set(all.flatMap((v) => v.undetermined))],
    ...(bestCase !== decision ? { bestCaseDecision: bestCase } : {}),
  };
}

/** Convenience: evaluates bare documents as unnamed identity policies. */
export function evaluateDocuments(documents: PolicyDocument[], request: EvaluationRequest): EvaluationResult {
  return evaluate({ identity: documents.map((document, i) => ({ name: `policy-${i}`, document })) }, request);
}
