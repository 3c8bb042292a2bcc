import type { Denial, PolicyStatement } from '../../denial/types';
import {
  actionHasNoResourceType,
  arnFromFormat,
  pickResourceType,
  resourceFitsAction,
  siblingActions,
  type ActionCatalog,
} from '../catalog/action-catalog';
import {
  foundationModelArn,
  geoPrefixOf,
  inferenceProfileArn,
  isInvokeAction,
  neighbourModelId,
  parseBedrockArn,
  STREAM_EVENT_NAMES,
  stripGeoPrefix,
} from '../catalog/bedrock-arns';
import { compactList } from '../iam/document';
import type { EvaluationRequest } from '../iam/evaluator';
import { sameProviderNeighbour } from '../catalog/model-ids';
import { escapeWildcards, hasWildcardCharacter } from '../iam/wildcard';
import { actionName, actionService } from '../../aws/action';

/** One request the fix must allow (or, for a neighbour, must not newly allow). */
export interface Check {
  label: string;
  request: EvaluationRequest;
}

export const PLAN_KINDS = [
  'geo-profile',
  'global-profile',
  'application-profile',
  'foundation-model',
  'bedrock-resource',
  'resource',
  'no-resource-type',
  'marketplace',
] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];

/** What the denied call needs: the canonical statements and every evaluation IAM makes for it. */
export interface GrantPlan {
  kind: PlanKind;
  /** Actions granted: the denied one, plus `bedrock:InvokeModel` for a streaming call. */
  actions: string[];
  /** Statements that grant exactly what the call needs, used when nothing existing can be fixed. */
  statements: PolicyStatement[];
  /** Every evaluation the call needs (for a profile call: the profile and the model in each destination). */
  checks: Check[];
  /** Requests that must not become allowed (another model, another action of the service). */
  neighbours: Check[];
  /** Requests that must not become allowed when the conditioned statements are used (the model invoked directly). */
  conditionedNeighbours: Check[];
  notes: string[];
  profileArn?: string;
  foundationModelId?: string;
}

export interface PlanContext {
  partition: string;
  accountId: string;
  catalog: ActionCatalog;
  principalArn: string | null;
  principalAccount: string | null;
}

/** `SNS:Publish` → `sns:Publish`: IAM action prefixes are case-insensitive, lower case is the norm. */
export function normalizeAction(action: string): string {
  const i = action.indexOf(':');
  if (i < 0) return action;
  const service = action.slice(0, i).toLowerCase();
  const name = action.slice(i + 1);
  if (service === 'bedrock') {
    const known = ['InvokeModel', 'InvokeModelWithResponseStream', 'CallWithBearerToken'].find(
      (n) => n.toLowerCase() === name.toLowerCase(),
    );
    if (known) return `bedrock:${known}`;
  }
  return `${service}:${name}`;
}

/**
 * Actions to grant. A streaming call (InvokeModelWithResponseStream, ConverseStream) gets both
 * invoke actions: applications that stream nearly always also make plain calls to the same model,
 * and AWS's own inference policy grants the pair. A plain call gets only `bedrock:InvokeModel`.
 */
export function grantedActions(denial: Denial): string[] {
  const action = normalizeAction(denial.action);
  const stream =
    (STREAM_EVENT_NAMES as readonly string[]).includes(denial.eventName) ||
    action === 'bedrock:InvokeModelWithResponseStream';
  if (isInvokeAction(action) && stream) return ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];
  return [action];
}

function serviceOf(action: string): string {
  return actionService(action);
}

function request(ctx: PlanContext, action: string, resource: string | null, context: Record<string, string>): EvaluationRequest {
  return { action, resource, context, principalArn: ctx.principalArn, principalAccount: ctx.principalAccount };
}

function forEachAction(actions: string[], make: (action: string) => Check[]): Check[] {
  return actions.flatMap(make);
}

const uniq = (values: string[]) => [...new Set(values)];

/** Another provider's model, and a real model of the call's own provider but another family (what `anthropic.claude-*` would reach). */
function otherModels(fmId: string): string[] {
  const same = sameProviderNeighbour(fmId);
  return uniq([neighbourModelId(fmId), ...(same ? [same] : [])]);
}

/** Real sibling actions on the same resource (catalog or the fixed Bedrock list): a grant must not newly allow them. */
function siblingNeighbours(ctx: PlanContext, actions: string[], resource: string | null, context: Record<string, string>, what: string): Check[] {
  const granted = new Set(actions.map((a) => a.toLowerCase()));
  const siblings = uniq(actions.flatMap((a) => siblingActions(ctx.catalog, a))).filter((a) => !granted.has(a.toLowerCase()));
  const service = serviceOf(actions[0] ?? '');
  const name = service === 'bedrock' ? 'Bedrock' : service;
  return siblings.map((a) => ({ label: `another ${name} action (${a}) on ${what}`, request: request(ctx, a, resource, context) }));
}

/**
 * Model and profile IDs come from the record. One holding an IAM wildcard character names no real
 * model, and a grant written from it would reach every model it matches: that part gets no statement.
 */
function refusalNote(what: string, id: string): string {
  return `The ${what} ${id} in the request contains an IAM wildcard character (*, ? or $): it names no real model, and a grant written from it would reach every model it matches, so no statement is proposed for it; correct the model ID the caller sends.`;
}

function planSystemProfile(denial: Denial, ctx: PlanContext, actions: string[]): GrantPlan {
  const model = denial.model;
  const profile = model?.inferenceProfile;
  const resourceArn = denial.resource ? parseBedrockArn(denial.resource) : null;
  const profileId = profile?.id ?? (resourceArn?.type === 'inference-profile' ? resourceArn.id : model?.modelId ?? '');
  const fmId = model?.foundationModelId ?? stripGeoPrefix(profileId);
  const scope = profile?.scope ?? geoPrefixOf(profileId) ?? 'unknown';
  const profileArn =
    profile?.arn ??
    (resourceArn?.type === 'inference-profile' && denial.resource
      ? denial.resource
      : inferenceProfileArn(ctx.partition, denial.callRegion, ctx.accountId, profileId));
  const call = denial.callRegion;
  const notes: string[] = [];
  const neighbours: Check[] = [
    ...otherModels(fmId).flatMap((other) =>
      actions.flatMap((a) => [
        {
          label: `the ${scope} profile of another model (${other})`,
          request: request(ctx, a, inferenceProfileArn(ctx.partition, call, ctx.accountId, `${scope}.${other}`), { 'aws:RequestedRegion': call }),
        },
        {
          label: `another model (${other}) invoked directly in ${call}`,
          request: request(ctx, a, foundationModelArn(ctx.partition, call, other), { 'aws:RequestedRegion': call }),
        },
      ]),
    ),
    ...siblingNeighbours(ctx, actions, foundationModelArn(ctx.partition, call, fmId), { 'aws:RequestedRegion': call }, 'the model'),
  ];
  const action = compactList(actions);
  const refusedProfile = hasWildcardCharacter(profileId);
  const refusedModel = refusedProfile || hasWildcardCharacter(fmId);
  if (refusedProfile) notes.push(refusalNote('inference profile ID', profileId));
  else if (refusedModel) notes.push(refusalNote('model ID', fmId));
  /** The profile statement, then the model statements (tied to the profile): dropped when their ID is refused. */
  const keep = (statements: PolicyStatement[]) => statements.filter((_s, i) => (i === 0 ? !refusedProfile : !refusedModel));

  if (scope === 'global') {
    const regionless = `arn:${ctx.partition}:bedrock:::foundation-model/${fmId}`;
    const inCall = foundationModelArn(ctx.partition, call, fmId);
    return {
      kind: 'global-profile',
      actions,
      profileArn,
      foundationModelId: fmId,
      statements: keep([
        {
          Sid: 'AccessAuditorGlobalInferenceProfile',
          Effect: 'Allow',
          Action: action,
          Resource: profileArn,
          Condition: { StringEquals: { 'aws:RequestedRegion': call } },
        },
        {
          Sid: 'AccessAuditorGlobalModelInCallRegion',
          Effect: 'Allow',
          Action: action,
          Resource: inCall,
          Condition: { StringEquals: { 'aws:RequestedRegion': call, 'bedrock:InferenceProfileArn': profileArn } },
        },
        {
          Sid: 'AccessAuditorGlobalModelAnyRegion',
          Effect: 'Allow',
          Action: action,
          Resource: regionless,
          Condition: { StringEquals: { 'aws:RequestedRegion': 'unspecified', 'bedrock:InferenceProfileArn': profileArn } },
        },
      ]),
      checks: forEachAction(actions, (a) => [
        { label: `${a} on the global profile in ${call}`, request: request(ctx, a, profileArn, { 'aws:RequestedRegion': call }) },
        {
          label: `${a} on the model in ${call} through the profile`,
          request: request(ctx, a, inCall, { 'aws:RequestedRegion': call, 'bedrock:InferenceProfileArn': profileArn }),
        },
        {
          label: `${a} on the region-less model through the profile`,
          request: request(ctx, a, regionless, { 'aws:RequestedRegion': 'unspecified', 'bedrock:InferenceProfileArn': profileArn }),
        },
      ]),
      neighbours,
      conditionedNeighbours: [
        { label: `the region-less model invoked without the profile`, request: request(ctx, 'bedrock:InvokeModel', regionless, { 'aws:RequestedRegion': 'unspecified' }) },
        { label: `the model invoked directly in ${call}`, request: request(ctx, 'bedrock:InvokeModel', inCall, { 'aws:RequestedRegion': call }) },
      ],
      notes,
    };
  }

  let regions = uniq([call, ...(profile?.destinationRegions ?? [])]);
  if (resourceArn?.type === 'foundation-model' && resourceArn.region && !regions.includes(resourceArn.region)) {
    regions.push(resourceArn.region);
  }
  if ((profile?.destinationRegions ?? []).length === 0 && !refusedModel) {
    // Destinations unknown: a region wildcard is still safe because the grant is tied to the profile.
    regions = ['*'];
    notes.push(
      `The destination regions of ${profileId} are unknown, so the model grant uses a region wildcard tied to the profile by bedrock:InferenceProfileArn; bedrock:GetInferenceProfile lists the exact regions.`,
    );
  }
  const fmArns = regions.map((r) => foundationModelArn(ctx.partition, r, fmId));
  const checkRegions = regions[0] === '*' ? uniq([call, denial.deniedRegion]) : regions;
  return {
    kind: 'geo-profile',
    actions,
    profileArn,
    foundationModelId: fmId,
    statements: keep([
      { Sid: 'AccessAuditorInferenceProfile', Effect: 'Allow', Action: action, Resource: profileArn },
      {
        Sid: 'AccessAuditorModelThroughProfile',
        Effect: 'Allow',
        Action: action,
        Resource: compactList(fmArns),
        Condition: { StringEquals: { 'bedrock:InferenceProfileArn': profileArn } },
      },
    ]),
    checks: forEachAction(actions, (a) => [
      { label: `${a} on the ${scope} profile in ${call}`, request: request(ctx, a, profileArn, { 'aws:RequestedRegion': call }) },
      ...checkRegions.map((r) => ({
        label: `${a} on the model in ${r} through the profile`,
        request: request(ctx, a, foundationModelArn(ctx.partition, r, fmId), {
          'aws:RequestedRegion': r,
          'bedrock:InferenceProfileArn': profileArn,
        }),
      })),
    ]),
    neighbours,
    conditionedNeighbours: checkRegions.map((r) => ({
      label: `the model invoked directly in ${r} without the profile`,
      request: request(ctx, 'bedrock:InvokeModel', foundationModelArn(ctx.partition, r, fmId), { 'aws:RequestedRegion': r }),
    })),
    notes,
  };
}

function planApplicationProfile(denial: Denial, ctx: PlanContext, actions: string[]): GrantPlan {
  const model = denial.model;
  const profile = model?.inferenceProfile;
  const resourceArn = denial.resource ? parseBedrockArn(denial.resource) : null;
  const appArn =
    profile?.arn ??
    (model?.modelId.startsWith('arn:') ? model.modelId : undefined) ??
    (resourceArn?.type === 'application-inference-profile' ? (denial.resource ?? '') : '');
  const call = denial.callRegion;
  const action = compactList(actions);
  const fmId = model?.foundationModelId;
  const notes: string[] = [];
  const appId = parseBedrockArn(appArn)?.id ?? appArn;
  const refusedApp = hasWildcardCharacter(appId);
  const refusedModel = refusedApp || (fmId !== undefined && hasWildcardCharacter(fmId));
  if (refusedApp) notes.push(refusalNote('application inference profile', appArn));
  else if (refusedModel && fmId) notes.push(refusalNote('model ID', fmId));
  const statements: PolicyStatement[] = refusedApp
    ? []
    : [{ Sid: 'AccessAuditorApplicationInferenceProfile', Effect: 'Allow', Action: action, Resource: appArn }];
  const checks: Check[] = forEachAction(actions, (a) => [
    { label: `${a} on the application inference profile`, request: request(ctx, a, appArn, { 'aws:RequestedRegion': call }) },
  ]);
  const conditionedNeighbours: Check[] = [];
  if (fmId) {
    const regions = uniq([call, ...(profile?.destinationRegions ?? [])]);
    if (resourceArn?.type === 'foundation-model' && resourceArn.region && !regions.includes(resourceArn.region)) {
      regions.push(resourceArn.region);
    }
    if (!refusedModel) statements.push({
      Sid: 'AccessAuditorModelThroughApplicationProfile',
      Effect: 'Allow',
      Action: action,
      Resource: compactList(regions.map((r) => foundationModelArn(ctx.partition, r, fmId))),
      Condition: { StringEquals: { 'bedrock:InferenceProfileArn': appArn } },
    });
    for (const a of actions) {
      for (const r of regions) {
        checks.push({
          label: `${a} on the model in ${r} through the application profile`,
          request: request(ctx, a, foundationModelArn(ctx.partition, r, fmId), {
            'aws:RequestedRegion': r,
            'bedrock:InferenceProfileArn': appArn,
          }),
        });
      }
    }
    conditionedNeighbours.push(
      ...regions.map((r) => ({
        label: `the model invoked directly in ${r} without the profile`,
        request: request(ctx, 'bedrock:InvokeModel', foundationModelArn(ctx.partition, r, fmId), { 'aws:RequestedRegion': r }),
      })),
    );
  } else {
    notes.push(
      'The model behind the application inference profile is unknown: bedrock:GetInferenceProfile lists its model ARNs, which need the same grant conditioned on bedrock:InferenceProfileArn.',
    );
  }
  return {
    kind: 'application-profile',
    actions,
    profileArn: appArn,
    ...(fmId ? { foundationModelId: fmId } : {}),
    statements,
    checks,
    neighbours: [
      ...otherModels(fmId ?? 'unknown').flatMap((other) =>
        actions.map((a) => ({
          label: `another model (${other}) invoked directly in ${call}`,
          request: request(ctx, a, foundationModelArn(ctx.partition, call, other), { 'aws:RequestedRegion': call }),
        })),
      ),
      ...siblingNeighbours(ctx, actions, appArn, { 'aws:RequestedRegion': call }, 'the profile'),
      ...(fmId ? siblingNeighbours(ctx, actions, foundationModelArn(ctx.partition, call, fmId), { 'aws:RequestedRegion': call }, 'the model') : []),
    ],
    conditionedNeighbours,
    notes,
  };
}

function planFoundationModel(denial: Denial, ctx: PlanContext, actions: string[]): GrantPlan {
  const resourceArn = denial.resource ? parseBedrockArn(denial.resource) : null;
  const fmId = denial.model?.foundationModelId ?? (resourceArn?.type === 'foundation-model' ? resourceArn.id : denial.model?.modelId ?? '');
  const region = resourceArn?.type === 'foundation-model' && resourceArn.region ? resourceArn.region : denial.callRegion;
  // The FM ARN is rebuilt rather than copied so that it never carries an account ID.
  const fmArn = foundationModelArn(ctx.partition, region, fmId);
  const refused = hasWildcardCharacter(fmId);
  return {
    kind: 'foundation-model',
    actions,
    foundationModelId: fmId,
    statements: refused ? [] : [{ Sid: 'AccessAuditorInvokeFoundationModel', Effect: 'Allow', Action: compactList(actions), Resource: fmArn }],
    checks: forEachAction(actions, (a) => [
      { label: `${a} on the model in ${region}`, request: request(ctx, a, fmArn, { 'aws:RequestedRegion': region }) },
    ]),
    neighbours: [
      ...otherModels(fmId).flatMap((other) =>
        actions.map((a) => ({
          label: `another model (${other}) in ${region}`,
          request: request(ctx, a, foundationModelArn(ctx.partition, region, other), { 'aws:RequestedRegion': region }),
        })),
      ),
      ...siblingNeighbours(ctx, actions, fmArn, { 'aws:RequestedRegion': region }, 'the model'),
    ],
    conditionedNeighbours: [],
    notes: refused ? [refusalNote('model ID', fmId)] : [],
  };
}

function planMarketplace(ctx: PlanContext, region: string): GrantPlan {
  const actions = ['aws-marketplace:Subscribe', 'aws-marketplace:ViewSubscriptions'];
  const resourceNote = actions.every((a) => actionHasNoResourceType(ctx.catalog, a) === true)
    ? 'aws-marketplace:Subscribe and aws-marketplace:ViewSubscriptions have no resource type, so Resource "*" is the narrowest grant.'
    : 'The action catalog does not confirm that the Marketplace actions lack a resource type; check Resource "*".';
  return {
    kind: 'marketplace',
    actions,
    statements: [
      { Sid: 'AccessAuditorMarketplaceSubscribe', Effect: 'Allow', Action: 'aws-marketplace:Subscribe', Resource: '*' },
      { Sid: 'AccessAuditorMarketplaceViewSubscriptions', Effect: 'Allow', Action: 'aws-marketplace:ViewSubscriptions', Resource: '*' },
    ],
    checks: actions.map((a) => ({ label: `${a}`, request: request(ctx, a, null, { 'aws:RequestedRegion': region }) })),
    neighbours: [
      { label: 'aws-marketplace:Unsubscribe', request: request(ctx, 'aws-marketplace:Unsubscribe', null, { 'aws:RequestedRegion': region }) },
    ],
    conditionedNeighbours: [],
    notes: [
      resourceNote,
      'Restrict aws-marketplace:Subscribe with a Condition on aws-marketplace:ProductId once the model\'s Marketplace product ID is known (the Bedrock model-access page lists them).',
    ],
  };
}

/**
 * The resource of a grant for any other action, decided by the action catalog before the record:
 * an action without a resource type is authorized against "*" whatever the record names (Bedrock
 * logs the modelId of a CallWithBearerToken call, which IAM never evaluates); a named resource of a
 * type the action does not act on is ignored; otherwise the named resource is granted as a literal.
 * Without a usable resource, the ARN is built from the action's format with wildcards.
 */
function planGeneric(denial: Denial, ctx: PlanContext, actions: string[]): GrantPlan {
  const action = actions[0] ?? normalizeAction(denial.action);
  const service = serviceOf(action);
  const region = denial.deniedRegion || denial.callRegion;
  const notes: string[] = [];
  const named = denial.resource && denial.resource !== '*' ? denial.resource : null;
  const info = ctx.catalog.lookup(action);
  /** What IAM evaluates (null: against "*" only). */
  let resource: string | null = null;
  /** What the statement names: the literal resource escaped, or a pattern built from the ARN format. */
  let grant = '*';
  let kind: PlanKind = 'resource';
  if (info && info.resourceTypes.length === 0) {
    kind = 'no-resource-type';
    if (named) notes.push(`The record names ${named}, but IAM does not evaluate ${action} against any resource, so the grant cannot name one.`);
  } else if (named && (!info || resourceFitsAction(info, named))) {
    resource = named;
    grant = escapeWildcards(named);
    if (grant !== named) {
      notes.push(`${named} contains characters IAM reads as wildcards, so the grant writes them as \${*}, \${?} and \${$} to name exactly that resource (${grant}).`);
    }
  } else {
    const type = info ? pickResourceType(info) : undefined;
    const format = type?.arnFormats[0];
    const because = named
      ? `${named} is not a resource ${action} acts on (${info?.resourceTypes.map((t) => t.name).join(', ') ?? ''}), so the grant does not use it`
      : 'The denial names no resource';
    if (format) {
      resource = arnFromFormat(format, { partition: ctx.partition, region, account: ctx.accountId });
      notes.push(`${because}: it uses the ${type?.name ?? ''} ARN format of ${action} with wildcards (${resource}); narrow it to the resources the caller really uses.`);
    } else {
      resource = `arn:${ctx.partition}:${service}:${region}:${ctx.accountId}:*`;
      notes.push(
        `${because}, and the resource types of ${action} are not in the action catalog, so the grant uses ${resource}; narrow it (load the action with loadActionCatalog for its ARN format).`,
      );
    }
    grant = resource;
  }
  if (kind === 'no-resource-type') {
    notes.push(`${action} has no resource type, so Resource "*" is the narrowest grant.`);
  }
  if (action === 'bedrock:CallWithBearerToken') {
    notes.push(
      'To allow only one kind of Bedrock API key, add a Condition on bedrock:BearerTokenType ("SHORT_TERM" or "LONG_TERM"); the model calls made with the key still need their own bedrock:InvokeModel grant.',
    );
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
  };
}

/**
 * The resources a statement outside the principal's own policies (resource-based or VPC endpoint
 * policy) must name for this call, as policy patterns: the plan's own resources for generic actions
 * (catalog-checked, literals escaped), else every resource the call is evaluated against, escaped.
 * Empty when the plan refused every part (a model ID holding a wildcard).
 */
export function grantedResources(plan: GrantPlan): string[] {
  if (plan.statements.length === 0) return [];
  if (plan.kind === 'resource' || plan.kind === 'no-resource-type' || plan.kind === 'bedrock-resource' || plan.kind === 'marketplace') {
    return uniq(plan.statements.flatMap((s) => (s.Resource === undefined ? [] : Array.isArray(s.Resource) ? s.Resource : [s.Resource])));
  }
  return uniq(plan.checks.map((c) => (c.request.resource === null ? '*' : escapeWildcards(c.request.resource))));
}

/** `AccessAuditor` + the action name, a valid Sid (alphanumerics only). */
function sidFor(action: string): string {
  return `AccessAuditor${(actionName(action) ?? 'Grant').replace(/[^A-Za-z0-9]/g, '')}`;
}

/** True for Marketplace subscription denials (the action, or the Bedrock model-access message naming it). */
export function isMarketplaceDenial(denial: Denial): boolean {
  return (
    normalizeAction(denial.action).startsWith('aws-marketplace:') ||
    /aws-marketplace:(Subscribe|ViewSubscriptions)/i.test(denial.errorMessage ?? '')
  );
}

/** Works out what the denied call needs. Pure. */
export function planGrant(denial: Denial, ctx: PlanContext): GrantPlan {
  if (isMarketplaceDenial(denial)) return planMarketplace(ctx, denial.deniedRegion || denial.callRegion);
  const actions = grantedActions(denial);
  const action = actions[0] ?? '';
  if (!isInvokeAction(action)) return planGeneric(denial, ctx, actions);
  const model = denial.model;
  const resourceArn = denial.resource ? parseBedrockArn(denial.resource) : null;
  const profileKind = model?.inferenceProfile?.kind;
  if (profileKind === 'application' || model?.resourceType === 'application-inference-profile' || resourceArn?.type === 'application-inference-profile') {
    return planApplicationProfile(denial, ctx, actions);
  }
  if (
    profileKind === 'system' ||
    model?.resourceType === 'inference-profile' ||
    resourceArn?.type === 'inference-profile' ||
    (model && geoPrefixOf(model.modelId) !== undefined)
  ) {
    return planSystemProfile(denial, ctx, actions);
  }
  if (model?.resourceType === 'foundation-model' || resourceArn?.type === 'foundation-model' || (model && !model.modelId.startsWith('arn:'))) {
    return planFoundationModel(denial, ctx, actions);
  }
  return planGeneric(denial, ctx, actions);
}
