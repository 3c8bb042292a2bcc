import type { Denial, PolicyStatement } from '../denial/types';
import {
  actionHasNoResourceType,
  arnFromFormat,
  pickResourceType,
  type ActionCatalog,
} from './action-catalog';
import {
  foundationModelArn,
  geoPrefixOf,
  inferenceProfileArn,
  isInvokeAction,
  neighbourModelId,
  parseBedrockArn,
  STREAM_EVENT_NAMES,
  stripGeoPrefix,
} from './bedrock-arns';
import { compactList } from './document';
import type { EvaluationRequest } from './evaluator';

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
  return action.split(':')[0] ?? action;
}

function request(ctx: PlanContext, action: string, resource: string | null, context: Record<string, string>): EvaluationRequest {
  return { action, resource, context, principalArn: ctx.principalArn, principalAccount: ctx.principalAccount };
}

function forEachAction(actions: string[], make: (action: string) => Check[]): Check[] {
  return actions.flatMap(make);
}

const uniq = (values: string[]) => [...new Set(values)];

/** Neighbour action: batch inference on the same model is the escalation worth checking for Bedrock. */
function neighbourAction(service: string): string {
  return service === 'bedrock' ? 'bedrock:CreateModelInvocationJob' : `${service}:DeleteAccessAuditorProbe`;
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
  const other = neighbourModelId(fmId);
  const otherProfileArn = inferenceProfileArn(ctx.partition, call, ctx.accountId, `${scope}.${other}`);
  const neighbours: Check[] = [
    { label: `the ${scope} profile of another model (${other})`, request: request(ctx, 'bedrock:InvokeModel', otherProfileArn, { 'aws:RequestedRegion': call }) },
    {
      label: `another model (${other}) invoked directly in ${call}`,
      request: request(ctx, 'bedrock:InvokeModel', foundationModelArn(ctx.partition, call, other), { 'aws:RequestedRegion': call }),
    },
    {
      label: `another Bedrock action (${neighbourAction('bedrock')}) on the model`,
      request: request(ctx, neighbourAction('bedrock'), foundationModelArn(ctx.partition, call, fmId), { 'aws:RequestedRegion': call }),
    },
  ];
  const action = compactList(actions);

  if (scope === 'global') {
    const regionless = `arn:${ctx.partition}:bedrock:::foundation-model/${fmId}`;
    const inCall = foundationModelArn(ctx.partition, call, fmId);
    return {
      kind: 'global-profile',
      actions,
      profileArn,
      foundationModelId: fmId,
      statements: [
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
      ],
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
  if ((profile?.destinationRegions ?? []).length === 0) {
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
    statements: [
      { Sid: 'AccessAuditorInferenceProfile', Effect: 'Allow', Action: action, Resource: profileArn },
      {
        Sid: 'AccessAuditorModelThroughProfile',
        Effect: 'Allow',
        Action: action,
        Resource: compactList(fmArns),
        Condition: { StringEquals: { 'bedrock:InferenceProfileArn': profileArn } },
      },
    ],
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
  const statements: PolicyStatement[] = [
    { Sid: 'AccessAuditorApplicationInferenceProfile', Effect: 'Allow', Action: action, Resource: appArn },
  ];
  const checks: Check[] = forEachAction(actions, (a) => [
    { label: `${a} on the application inference profile`, request: request(ctx, a, appArn, { 'aws:RequestedRegion': call }) },
  ]);
  const conditionedNeighbours: Check[] = [];
  if (fmId) {
    const regions = uniq([call, ...(profile?.destinationRegions ?? [])]);
    if (resourceArn?.type === 'foundation-model' && resourceArn.region && !regions.includes(resourceArn.region)) {
      regions.push(resourceArn.region);
    }
    statements.push({
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
  const other = neighbourModelId(fmId ?? 'unknown');
  return {
    kind: 'application-profile',
    actions,
    profileArn: appArn,
    ...(fmId ? { foundationModelId: fmId } : {}),
    statements,
    checks,
    neighbours: [
      {
        label: `another model (${other}) invoked directly in ${call}`,
        request: request(ctx, 'bedrock:InvokeModel', foundationModelArn(ctx.partition, call, other), { 'aws:RequestedRegion': call }),
      },
      {
        label: `another Bedrock action (${neighbourAction('bedrock')}) on the profile`,
        request: request(ctx, neighbourAction('bedrock'), appArn, { 'aws:RequestedRegion': call }),
      },
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
  const other = neighbourModelId(fmId);
  return {
    kind: 'foundation-model',
    actions,
    foundationModelId: fmId,
    statements: [{ Sid: 'AccessAuditorInvokeFoundationModel', Effect: 'Allow', Action: compactList(actions), Resource: fmArn }],
    checks: forEachAction(actions, (a) => [
      { label: `${a} on the model in ${region}`, request: request(ctx, a, fmArn, { 'aws:RequestedRegion': region }) },
    ]),
    neighbours: [
      {
        label: `another model (${other}) in ${region}`,
        request: request(ctx, 'bedrock:InvokeModel', foundationModelArn(ctx.partition, region, other), { 'aws:RequestedRegion': region }),
      },
      {
        label: `another Bedrock action (${neighbourAction('bedrock')}) on the model`,
        request: request(ctx, neighbourAction('bedrock'), fmArn, { 'aws:RequestedRegion': region }),
      },
    ],
    conditionedNeighbours: [],
    notes: [],
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

function planGeneric(denial: Denial, ctx: PlanContext, actions: string[]): GrantPlan {
  const action = actions[0] ?? normalizeAction(denial.action);
  const service = serviceOf(action);
  const region = denial.deniedRegion || denial.callRegion;
  const notes: string[] = [];
  let resource: string | null = denial.resource && denial.resource !== '*' ? denial.resource : null;
  let kind: PlanKind = 'resource';
  if (resource === null) {
    const info = ctx.catalog.lookup(action);
    if (info && info.resourceTypes.length === 0) {
      kind = 'no-resource-type';
    } else if (info) {
      const type = pickResourceType(info);
      const format = type?.arnFormats[0];
      if (format) {
        resource = arnFromFormat(format, { partition: ctx.partition, region, account: ctx.accountId });
        notes.push(
          `The denial names no resource, so the grant uses the ${type?.name ?? ''} ARN format of ${action} with wildcards (${resource}); narrow it to the resources the caller really uses.`,
        );
      }
    }
    if (resource === null && kind !== 'no-resource-type') {
      resource = `arn:${ctx.partition}:${service}:${region}:${ctx.accountId}:*`;
      notes.push(
        `The denial names no resource and the resource types of ${action} are not in the action catalog, so the grant uses ${resource}; narrow it (load the action with loadActionCatalog for its ARN format).`,
      );
    }
  }
  if (kind === 'no-resource-type') {
    notes.push(`${action} has no resource type, so Resource "*" is the narrowest grant.`);
  }
  if (action === 'bedrock:CallWithBearerToken') {
    notes.push(
      'To allow only one kind of Bedrock API key, add a Condition on bedrock:BearerTokenType ("SHORT_TERM" or "LONG_TERM"); the model calls made with the key still need their own bedrock:InvokeModel grant.',
    );
  }
  const grantResource = resource ?? '*';
  const isBedrock = service === 'bedrock' && resource !== null && parseBedrockArn(resource) !== null;
  const probe = neighbourAction(service);
  return {
    kind: isBedrock ? 'bedrock-resource' : kind,
    actions,
    statements: [{ Sid: sidFor(action), Effect: 'Allow', Action: compactList(actions), Resource: grantResource }],
    checks: actions.map((a) => ({
      label: `${a} on ${resource ?? '*'}`,
      request: request(ctx, a, resource, { 'aws:RequestedRegion': region }),
    })),
    neighbours: [
      { label: `another ${service} action (${probe})`, request: request(ctx, probe, resource, { 'aws:RequestedRegion': region }) },
    ],
    conditionedNeighbours: [],
    notes,
  };
}

/** `AccessAuditor` + the action name, a valid Sid (alphanumerics only). */
function sidFor(action: string): string {
  return `AccessAuditor${(action.split(':')[1] ?? 'Grant').replace(/[^A-Za-z0-9]/g, '')}`;
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
