/**
 * Least-privilege rules every policy in the deployment must satisfy, as functions returning the
 * violations (so the rules themselves can be tested against bad statements).
 */
import type { MaterializedTemplate } from '../../deploy/cfn-template';

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: string | string[];
  NotResource?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface LocatedStatement {
  where: string;
  statement: Statement;
}

/** Actions that support no resource-level permissions, the only ones allowed on Resource "*". */
export const RESOURCE_STAR_ACTIONS: ReadonlySet<string> = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);

/** The only IAM actions allowed anywhere: explicit reads (Get*, List*) and the simulator. */
export function isAllowedIamAction(action: string): boolean {
  return /^iam:(Get|List)[A-Za-z]+$/.test(action) || action === 'iam:SimulatePrincipalPolicy';
}

export function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Violations of the identity-policy rules by one statement (Deny statements are never a grant). */
export function identityStatementProblems(statement: Statement): string[] {
  if (statement.Effect === 'Deny') return [];
  const problems: string[] = [];
  if (statement.NotAction !== undefined) problems.push('Allow with NotAction');
  if (statement.NotResource !== undefined) problems.push('Allow with NotResource');
  const actions = asList(statement.Action);
  if (!actions.length) problems.push('no Action');
  for (const action of actions) {
    if (action === '*') problems.push('action "*"');
    else if (/^[^:]+:\*$/.test(action)) problems.push(`service-wide action ${action}`);
    if (action.toLowerCase().startsWith('iam:') && !isAllowedIamAction(action))
      problems.push(`IAM action ${action} is not an explicit Get/List/SimulatePrincipalPolicy`);
  }
  const resources = asList(statement.Resource);
  if (!resources.length) problems.push('no Resource');
  if (resources.includes('*')) {
    const unjustified = actions.filter((a) => !RESOURCE_STAR_ACTIONS.has(a));
    if (unjustified.length) problems.push(`Resource "*" for ${unjustified.join(', ')}`);
  }
  return problems;
}

function isEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object') {
    return asList((principal as Record<string, unknown>).AWS as string | string[] | undefined).includes('*');
  }
  return false;
}

/** Violations by a resource-policy statement (key, topic, queue, bus, trust policies). */
export function resourceStatementProblems(statement: Statement): string[] {
  if (statement.Effect === 'Deny') return [];
  const problems: string[] = [];
  if (statement.NotAction !== undefined) problems.push('Allow with NotAction');
  if (statement.NotPrincipal !== undefined) problems.push('Allow with NotPrincipal');
  for (const action of asList(statement.Action)) {
    if (action === '*') problems.push('action "*"');
    else if (/^[^:]+:\*$/.test(action)) problems.push(`service-wide action ${action}`);
    if (action.toLowerCase().startsWith('iam:') && !isAllowedIamAction(action)) problems.push(`IAM action ${action}`);
  }
  if (isEveryone(statement.Principal) && !statement.Condition) problems.push('Principal "*" without a Condition');
  return problems;
}

type Resource = MaterializedTemplate['Resources'][string];

function policyStatements(document: unknown): Statement[] {
  return asList((document as { Statement?: Statement | Statement[] } | undefined)?.Statement);
}

/** Every identity-policy statement: inline role policies and IAM policy resources. */
export function identityStatements(template: MaterializedTemplate): LocatedStatement[] {
  const out: LocatedStatement[] = [];
  for (const [name, resource] of Object.entries(template.Resources) as [string, Resource][]) {
    const p = resource.Properties;
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of asList(p.Policies as { PolicyName: string; PolicyDocument: unknown }[] | undefined)) {
        policyStatements(policy.PolicyDocument).forEach((statement, i) => out.push({ where: `${name}/${policy.PolicyName}[${i}]`, statement }));
      }
    }
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy' || resource.Type === 'AWS::IAM::RolePolicy') {
      policyStatements(p.PolicyDocument).forEach((statement, i) => out.push({ where: `${name}[${i}]`, statement }));
    }
  }
  return out;
}

/** Every resource-policy statement: trust, key, topic, queue and event-bus policies. */
export function resourceStatements(template: MaterializedTemplate): LocatedStatement[] {
  const out: LocatedStatement[] = [];
  const add = (where: string, document: unknown): void => {
    policyStatements(document).forEach((statement, i) => out.push({ where: `${where}[${i}]`, statement }));
  };
  for (const [name, resource] of Object.entries(template.Resources) as [string, Resource][]) {
    const p = resource.Properties;
    switch (resource.Type) {
      case 'AWS::IAM::Role':
        add(`${name}/trust`, p.AssumeRolePolicyDocument);
        break;
      case 'AWS::KMS::Key':
        add(`${name}/key-policy`, p.KeyPolicy);
        break;
      case 'AWS::SNS::TopicPolicy':
      case 'AWS::SQS::QueuePolicy':
      case 'AWS::S3::BucketPolicy':
        add(name, p.PolicyDocument);
        break;
      case 'AWS::Events::EventBusPolicy':
        add(name, { Statement: p.Statement });
        break;
      default:
        break;
    }
  }
  return out;
}

/** All actions a role's inline policies allow. */
export function roleActions(template: MaterializedTemplate, roleName: string): string[] {
  return identityStatements(template)
    .filter((s) => s.where.startsWith(`${roleName}/`) && s.statement.Effect === 'Allow')
    .flatMap((s) => asList(s.statement.Action))
    .sort();
}

/** The condition keys a statement tests, under any operator, lower-cased (IAM condition keys are case-insensitive). */
function conditionKeys(statement: Statement): Set<string> {
  const keys = new Set<string>();
  for (const block of Object.values(statement.Condition ?? {})) for (const key of Object.keys(block)) keys.add(key.toLowerCase());
  return keys;
}

const SOURCE_KEYS = ['aws:sourceaccount', 'aws:sourcearn'];

/**
 * Confused deputy: an Allow to a service principal must say on whose behalf (aws:SourceAccount or
 * aws:SourceArn); an Allow to everyone must be bound to the organization or a source. Deny is never a grant.
 */
export function servicePrincipalProblems(statement: Statement): string[] {
  if (statement.Effect === 'Deny') return [];
  const keys = conditionKeys(statement);
  const principal = statement.Principal;
  const services = principal && typeof principal === 'object' ? asList((principal as Record<string, unknown>).Service as string | string[] | undefined) : [];
  const problems: string[] = [];
  if (services.length > 0 && !SOURCE_KEYS.some((k) => keys.has(k)))
    problems.push(`service principal ${services.join(', ')} without aws:SourceAccount or aws:SourceArn`);
  if (isEveryone(principal) && ![...SOURCE_KEYS, 'aws:principalorgid'].some((k) => keys.has(k)))
    problems.push('Principal "*" without aws:PrincipalOrgID, aws:SourceAccount or aws:SourceArn');
  return problems;
}

/** Lambda permissions granted to a service without naming the source (SourceArn or SourceAccount). */
export function lambdaPermissionProblems(template: MaterializedTemplate): string[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Permission')
    .filter(([, r]) => String(r.Properties.Principal).endsWith('.amazonaws.com') && !r.Properties.SourceArn && !r.Properties.SourceAccount)
    .map(([name, r]) => `${name}: ${String(r.Properties.Principal)} without SourceArn or SourceAccount`);
}
