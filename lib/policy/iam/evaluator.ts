import type { PolicyDocument, PolicyStatement } from '../../denial/types';
import { arnMatches } from './arn-matching';
import { evaluateCondition, resolvePattern, type ConditionFailure, type RequestContext } from './conditions';
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
}

/** How one statement relates to a request, element by element. */
export interface StatementMatch {
  applies: boolean;
  action: boolean;
  resource: boolean;
  condition: boolean;
  conditionFailures: ConditionFailure[];
  unsupported: string[];
}

function actionMatches(statement: PolicyStatement, action: string): boolean {
  if (statement.Action !== undefined) return asList(statement.Action).some((p) => wildcardMatch(p, action, true));
  if (statement.NotAction !== undefined) return !asList(statement.NotAction).some((p) => wildcardMatch(p, action, true));
  return false;
}

function resourcePatternMatches(pattern: string, resource: string | null, context: RequestContext): boolean {
  const resolved = resolvePattern(pattern, context);
  if (resolved === null) return false;
  // A request without a resource is authorized against "*" only.
  if (resource === null) return resolved === '*';
  return arnMatches(resolved, resource);
}

function resourceMatches(statement: PolicyStatement, resource: string | null, context: RequestContext): boolean {
  if (statement.Resource !== undefined) {
    return asList(statement.Resource).some((p) => resourcePatternMatches(p, resource, context));
  }
  if (statement.NotResource !== undefined) {
    return !asList(statement.NotResource).some((p) => resourcePatternMatches(p, resource, context));
  }
  // Identity policies always name resources; a statement without one (trust policies) is not applicable.
  return false;
}

/** The request context with `aws:PrincipalArn` / `aws:PrincipalAccount` filled in. */
function requestContext(request: EvaluationRequest): RequestContext {
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
  const condition = evaluateCondition(statement.Condition, context, statement.Effect);
  return {
    applies: action && resource && condition.holds,
    action,
    resource,
    condition: condition.holds,
    conditionFailures: condition.failures,
    unsupported: condition.unsupported,
  };
}

interface PolicyVerdict {
  allow?: StatementRef;
  deny?: StatementRef;
  unsupported: string[];
}

function evaluatePolicy(
  policy: EvaluatedPolicy,
  layer: StatementRef['layer'],
  request: EvaluationRequest,
): PolicyVerdict {
  const verdict: PolicyVerdict = { unsupported: [] };
  policy.document.Statement.forEach((statement, index) => {
    const match = matchStatement(statement, request);
    verdict.unsupported.push(...match.unsupported);
    if (!match.applies) return;
    const ref: StatementRef = {
      policy: policy.name,
      layer,
      index,
      ...(policy.arn ? { policyArn: policy.arn } : {}),
      ...(policy.kind ? { policyKind: policy.kind } : {}),
      ...(policy.viaGroup ? { viaGroup: policy.viaGroup } : {}),
      ...(statement.Sid ? { sid: statement.Sid } : {}),
    };
    if (statement.Effect === 'Deny') verdict.deny ??= ref;
    else verdict.allow ??= ref;
  });
  return verdict;
}

/**
 * Evaluates identity policies (and a permissions boundary) the way IAM does for a request within
 * one account: an explicit Deny anywhere wins; otherwise the request is allowed only when an identity
 * statement allows it and, if there is a boundary, the boundary allows it too.
 */
export function evaluate(policies: PolicySet, request: EvaluationRequest): EvaluationResult {
  const unsupported: string[] = [];
  let matchedAllow: StatementRef | undefined;
  let matchedDeny: StatementRef | undefined;
  for (const policy of policies.identity) {
    const v = evaluatePolicy(policy, 'identity', request);
    unsupported.push(...v.unsupported);
    matchedAllow ??= v.allow;
    matchedDeny ??= v.deny;
  }
  let boundaryAllows: boolean | undefined;
  if (policies.permissionsBoundary) {
    const v = evaluatePolicy(policies.permissionsBoundary, 'permissions-boundary', request);
    unsupported.push(...v.unsupported);
    boundaryAllows = v.allow !== undefined;
    matchedDeny ??= v.deny;
  }
  const identityAllows = matchedAllow !== undefined;
  const base = {
    identityAllows,
    ...(boundaryAllows !== undefined ? { boundaryAllows } : {}),
    unsupported: [...new Set(unsupported)],
  };
  if (matchedDeny) {
    return { decision: 'explicitDeny', matchedDeny, ...(matchedAllow ? { matchedAllow } : {}), ...base };
  }
  if (identityAllows && boundaryAllows !== false) {
    return { decision: 'allowed', ...(matchedAllow ? { matchedAllow } : {}), ...base };
  }
  return { decision: 'implicitDeny', ...(matchedAllow ? { matchedAllow } : {}), ...base };
}

/** Convenience: evaluates bare documents as unnamed identity policies. */
export function evaluateDocuments(documents: PolicyDocument[], request: EvaluationRequest): EvaluationResult {
  return evaluate({ identity: documents.map((document, i) => ({ name: `policy-${i}`, document })) }, request);
}
