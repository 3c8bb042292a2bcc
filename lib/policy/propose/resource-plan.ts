/**
 * Plans for every other action: a Marketplace subscription, and the generic plan whose resource the
 * action catalog decides.
 */
import type { Denial } from '../../denial/types';
import { actionHasNoResourceType, arnFromFormat, pickResourceType, resourceFitsAction } from '../catalog/action-catalog';
import { parseBedrockArn } from '../catalog/bedrock-arns';
import { compactList } from '../iam/document';
import { grantPattern } from '../iam/wildcard';
import { actionName } from '../../aws/action';
import type { GrantPlan, PlanContext, PlanKind } from './grant-plan';
import { normalizeAction, request, serviceOf, siblingNeighbours } from './plan-checks';
import { note, type ProposalNote } from './notes';

export function planMarketplace(ctx: PlanContext, region: string): GrantPlan {
  const actions = ['aws-marketplace:Subscribe', 'aws-marketplace:ViewSubscriptions'];
  const resourceNote = actions.every((a) => actionHasNoResourceType(ctx.catalog, a) === true)
    ? note('marketplace-no-resource-type')
    : note('marketplace-resource-type-unconfirmed');
  return {
    kind: 'marketplace',
    actions,
    statements: [
      { Sid: 'AccessAuditorMarketplaceSubscribe', Effect: 'Allow', Action: 'aws-marketplace:Subscribe', Resource: '*' },
      { Sid: 'AccessAuditorMarketplaceViewSubscriptions', Effect: 'Allow', Action: 'aws-marketplace:ViewSubscriptions', Resource: '*' },
    ],
    checks: actions.map((a) => ({ label: `${a}`, request: request(ctx, a, null, { 'aws:RequestedRegion': region }) })),
    neighbours: [{ label: 'aws-marketplace:Unsubscribe', request: request(ctx, 'aws-marketplace:Unsubscribe', null, { 'aws:RequestedRegion': region }) }],
    conditionedNeighbours: [],
    notes: [resourceNote, note('marketplace-product-condition')],
  };
}

/**
 * The resource of a grant for any other action, decided by the action catalog before the record:
 * an action without a resource type is authorized against "*" whatever the record names (Bedrock
 * logs the modelId of a CallWithBearerToken call, which IAM never evaluates); a named resource of a
 * type the action does not act on is ignored; otherwise the named resource is granted as a literal.
 * Without a usable resource, the ARN is built from the action's format with wildcards.
 */
export function planGeneric(denial: Denial, ctx: PlanContext, actions: string[]): GrantPlan {
  const action = actions[0] ?? normalizeAction(denial.action);
  const service = serviceOf(action);
  const region = denial.deniedRegion || denial.callRegion;
  const notes: ProposalNote[] = [];
  const named = denial.resource && denial.resource !== '*' ? denial.resource : null;
  const info = ctx.catalog.lookup(action);
  /** What IAM evaluates (null: against "*" only). */
  let resource: string | null = null;
  /** What the statement names: the literal resource escaped, or a pattern built from the ARN format. */
  let grant = '*';
  let kind: PlanKind = 'resource';
  if (info && info.resourceTypes.length === 0) {
    kind = 'no-resource-type';
    if (named) notes.push(note('resource-not-evaluated', { resource: named, action }));
  } else if (named && (!info || resourceFitsAction(info, named))) {
    resource = named;
    grant = grantPattern(named, denial.resourcePattern === 'secret-suffix');
    if (grant !== named) {
      notes.push(note('resource-wildcard-escaped', { resource: named, grant }));
    }
  } else {
    const type = info ? pickResourceType(info) : undefined;
    const format = type?.arnFormats[0];
    const because = named ? { named, resourceTypes: info?.resourceTypes.map((t) => t.name).join(', ') ?? '' } : {};
    if (format) {
      resource = arnFromFormat(format, { partition: ctx.partition, region, account: ctx.accountId }, 'placeholder');
      notes.push(note('resource-from-arn-format', { action, resourceType: type?.name ?? '', resource, ...because }));
    } else {
      resource = `arn:${ctx.partition}:${service}:${region}:${ctx.accountId}:<RESOURCE>`;
      notes.push(note('resource-format-unknown', { action, resource, ...because }));
    }
    resource = withWordedName(resource, denial.resourceText);
    grant = resource;
    notes.push(note('resource-needs-input', { resource, placeholders: placeholdersIn(resource).join(', ') }));
  }
  if (kind === 'no-resource-type') {
    notes.push(note('no-resource-type', { action }));
  }
  if (action === 'bedrock:CallWithBearerToken') {
    notes.push(note('bearer-token-type-condition'));
  }
  const isBedrock = service === 'bedrock' && resource !== null && parseBedrockArn(resource) !== null;
  const context = { 'aws:RequestedRegion': region };
  return {
    kind: isBedrock ? 'bedrock-resource' : kind,
    actions,
    statements: [{ Sid: sidFor(action), Effect: 'Allow', Action: compactList(actions), Resource: grant }],
    checks: actions.map((a) => ({ label: `${a} on ${resource ?? '*'}`, request: request(ctx, a, resource, context) })),
    neighbours: siblingNeighbours(ctx, actions, resource, context, resource ?? '"*"'),
    conditionedNeighbours: [],
    notes,
    ...(resource !== null && placeholdersIn(resource).length > 0 ? { needsInput: placeholdersIn(resource) } : {}),
  };
}

/**
 * A role or user the message names in words (`role Foo`) fills the name part of the placeholder and
 * leaves only its path to fill in: `role/<Path>Foo` (IAM's words never carry the path).
 */
function withWordedName(resource: string, words: string | undefined): string {
  const m = words ? /^(role|user) ([\w+=,.@-]{1,64})$/.exec(words) : null;
  if (!m) return resource;
  const placeholder = m[1] === 'role' ? '<RoleNameWithPath>' : '<UserNameWithPath>';
  return resource.includes(placeholder) ? resource.replace(placeholder, `<Path>${m[2] as string}`) : resource;
}

/** The `<Name>` placeholders of a resource the record did not name, in order. */
function placeholdersIn(resource: string): string[] {
  return [...resource.matchAll(/<[A-Za-z_]+>/g)].map((m) => m[0]);
}

/** `AccessAuditor` + the action name, a valid Sid (alphanumerics only). */
function sidFor(action: string): string {
  return `AccessAuditor${(actionName(action) ?? 'Grant').replace(/[^A-Za-z0-9]/g, '')}`;
}

/**
 * Calls after which the service that receives a passed role is certain (eventSource → eventName →
 * iam:PassedToService). Anything else is a guess: RDS passes roles to rds.amazonaws.com,
 * monitoring.rds.amazonaws.com (enhanced monitoring) or others depending on the parameter; EC2 to
 * ec2.amazonaws.com or spotfleet.amazonaws.com; ECS to ecs-tasks.amazonaws.com or ecs.amazonaws.com.
 */
const CERTAIN_PASSED_TO: Readonly<Record<string, { service: string; events: readonly string[] }>> = {
  'lambda.amazonaws.com': {
    service: 'lambda.amazonaws.com',
    events: ['CreateFunction', 'CreateFunction20150331', 'UpdateFunctionConfiguration', 'UpdateFunctionConfiguration20150331v2'],
  },
  'ec2.amazonaws.com': { service: 'ec2.amazonaws.com', events: ['RunInstances', 'AssociateIamInstanceProfile', 'ReplaceIamInstanceProfileAssociation'] },
  'ecs.amazonaws.com': { service: 'ecs-tasks.amazonaws.com', events: ['RegisterTaskDefinition', 'RunTask', 'StartTask'] },
};

/** The best guess when the call is not in the table: services whose eventSource is not the principal that usually receives the role. */
const GUESSED_PASSED_TO: Readonly<Record<string, string>> = { 'ecs.amazonaws.com': 'ecs-tasks.amazonaws.com' };

/**
 * An `iam:PassRole` grant names the service the role is passed to (`iam:PassedToService`), so the fix
 * lets the caller hand the role to that service only. The record never shows that key: when the call
 * makes the service certain (`CERTAIN_PASSED_TO`), the checks carry it; otherwise the condition names a
 * guess (or, without a service eventSource, is left out) and the plan needs input, so the verdict does
 * not confirm the tool's own guess and the fix is never called ready.
 */
export function withPassedToService(plan: GrantPlan, denial: Denial): GrantPlan {
  if (!plan.actions.some((a) => a.toLowerCase() === 'iam:passrole')) return plan;
  const needsInput = [...(plan.needsInput ?? []), 'iam:PassedToService'];
  const source = denial.eventSource.toLowerCase();
  if (!/^[a-z0-9.-]+\.amazonaws\.com$/.test(source) || source === 'iam.amazonaws.com') {
    return { ...plan, notes: [...plan.notes, note('passed-to-service-unknown')], needsInput };
  }
  const known = CERTAIN_PASSED_TO[source];
  const certain = known !== undefined && known.events.includes(denial.eventName);
  const service = certain ? known.service : (GUESSED_PASSED_TO[source] ?? source);
  const condition = { StringEquals: { 'iam:PassedToService': service } };
  return {
    ...plan,
    statements: plan.statements.map((s) => ({ ...s, Condition: condition })),
    checks: plan.checks.map((c) => ({ ...c, request: { ...c.request, context: { ...c.request.context, 'iam:PassedToService': service } } })),
    notes: [...plan.notes, certain ? note('passed-to-service', { service }) : note('passed-to-service-unconfirmed', { service })],
    ...(certain ? {} : { needsInput }),
  };
}
