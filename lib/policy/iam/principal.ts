/**
 * The `Principal` element of resource-based policies (role trust policies first): which callers a
 * statement names, and the evaluation of a trust policy for one caller. Pure; the identity
 * evaluator (evaluator.ts) ignores `Principal`, so a trust policy is evaluated here by keeping the
 * statements that name the caller and evaluating those like identity statements on `Resource: "*"`.
 */
import type { PolicyDocument, PolicyStatement } from '../../denial/types';
import { parseArn } from '../../aws/arn';
import { evaluate, type EvaluationRequest, type EvaluationResult, type StatementRef } from './evaluator';

/** The caller as a `Principal` element sees it. */
export interface PrincipalCaller {
  /** `aws:PrincipalArn`: the IAM role ARN with its path for a role session, the user ARN for a user. */
  arn: string | null;
  /** The STS assumed-role session ARN, for a role session (a trust policy may name it). */
  sessionArn?: string | null;
  /** The caller's account. */
  account: string | null;
  /** For web identity and SAML callers: the identity provider (ARN or name, as the record gives it). */
  federatedProvider?: string;
}

const ACCOUNT_ID = /^\d{12}$/;

function values(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** One `AWS` value: `*`, an account ID, an account root ARN, or the exact role, user or session ARN. */
function awsValueMatches(value: string, caller: PrincipalCaller): boolean {
  if (value === '*') return true;
  if (ACCOUNT_ID.test(value)) return caller.account === value;
  const arn = parseArn(value);
  if (!arn) return false;
  if (arn.service === 'iam' && arn.resource === 'root') return caller.account !== null && arn.account === caller.account;
  // IAM accepts no partial wildcard in Principal: any other value names one principal exactly.
  return value === caller.arn || (caller.sessionArn !== undefined && caller.sessionArn !== null && value === caller.sessionArn);
}

function federatedValueMatches(value: string, caller: PrincipalCaller): boolean {
  const provider = caller.federatedProvider;
  if (!provider) return false;
  return value === provider || value.endsWith(`/${provider}`) || provider.endsWith(`/${value}`);
}

/**
 * Whether a `Principal` (or `NotPrincipal`) element names the caller. `"*"` names everyone; `AWS`
 * values name accounts and principals; `Service` principals never name an IAM caller; `Federated`
 * names a web identity or SAML caller of that provider.
 */
export function principalElementMatches(element: unknown, caller: PrincipalCaller): boolean {
  if (element === '*') return true;
  if (element === null || typeof element !== 'object' || Array.isArray(element)) return false;
  const block = element as Record<string, unknown>;
  if (values(block.AWS).some((v) => awsValueMatches(v, caller))) return true;
  return values(block.Federated).some((v) => federatedValueMatches(v, caller));
}

/** Whether a statement applies to the caller by its `Principal` / `NotPrincipal`; neither (an identity statement) is false. */
export function statementNamesCaller(statement: PolicyStatement, caller: PrincipalCaller): boolean {
  if (statement.Principal !== undefined) return principalElementMatches(statement.Principal, caller);
  if (statement.NotPrincipal !== undefined) return !principalElementMatches(statement.NotPrincipal, caller);
  return false;
}

/** The statement as the identity evaluator reads it: no principal, any resource (a trust policy's resource is the role). */
export function asCallerStatement(statement: PolicyStatement): PolicyStatement {
  const { Principal: _p, NotPrincipal: _n, Resource: _r, NotResource: _nr, ...rest } = statement;
  return { ...rest, Resource: '*' };
}

/**
 * Evaluates a role trust policy for one caller and one action (`sts:AssumeRole`, `sts:TagSession`,
 * ...): an explicit Deny naming the caller wins, else an Allow naming the caller is needed. The
 * request's context settles the conditions the same three-valued way as for identity policies, so a
 * statement conditioned on a key the record does not show (`sts:ExternalId`, `aws:PrincipalOrgID`)
 * leaves the verdict undetermined, never an allow. Statement indexes refer to the trust policy.
 */
export function evaluateTrustPolicy(document: PolicyDocument, caller: PrincipalCaller, request: EvaluationRequest): EvaluationResult {
  const kept: number[] = [];
  const statements: PolicyStatement[] = [];
  document.Statement.forEach((statement, index) => {
    if (!statementNamesCaller(statement, caller)) return;
    kept.push(index);
    statements.push(asCallerStatement(statement));
  });
  const result = evaluate({ identity: [{ name: 'trust policy', document: { Statement: statements } }] }, { ...request, resource: null });
  const remap = (ref: StatementRef | undefined) => (ref ? { ...ref, index: kept[ref.index] ?? ref.index } : undefined);
  const matchedAllow = remap(result.matchedAllow);
  const matchedDeny = remap(result.matchedDeny);
  return { ...result, ...(matchedAllow ? { matchedAllow } : {}), ...(matchedDeny ? { matchedDeny } : {}) };
}
