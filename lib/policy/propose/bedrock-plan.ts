/**
 * Plans for Bedrock invoke calls: through a system (geographic or global) inference profile, an
 * application inference profile, or on a foundation model directly.
 */
import type { Denial, PolicyStatement } from '../../denial/types';
import { foundationModelArn, geoPrefixOf, inferenceProfileArn, parseBedrockArn, stripGeoPrefix } from '../catalog/bedrock-arns';
import { compactList } from '../iam/document';
import { hasWildcardCharacter } from '../iam/wildcard';
import type { Check, GrantPlan, PlanContext } from './grant-plan';
import { forEachAction, otherModels, request, siblingNeighbours, uniq } from './plan-checks';
import { note, type ProposalNote } from './notes';

/**
 * Model and profile IDs come from the record. One holding an IAM wildcard character names no real
 * model, and a grant written from it would reach every model it matches: that part gets no statement.
 */
function refusalNote(what: string, id: string): ProposalNote {
  return note('model-id-refused', { what, id });
}

/** The system profile a call went through, as the denial names it, and the model behind it. */
interface SystemProfileCall {
  profileId: string;
  fmId: string;
  /** `us`, `eu`, `global`, ... */
  scope: string;
  profileArn: string;
  call: string;
  /** The profile ID holds a wildcard character: no profile statement. */
  refusedProfile: boolean;
  /** The model ID (or the profile ID) holds one: no model statement. */
  refusedModel: boolean;
}

function systemProfileCall(denial: Denial, ctx: PlanContext): SystemProfileCall {
  const model = denial.model;
  const profile = model?.inferenceProfile;
  const resourceArn = denial.resource ? parseBedrockArn(denial.resource) : null;
  const profileId = profile?.id ?? (resourceArn?.type === 'inference-profile' ? resourceArn.id : (model?.modelId ?? ''));
  const fmId = model?.foundationModelId ?? stripGeoPrefix(profileId);
  const scope = profile?.scope ?? geoPrefixOf(profileId) ?? 'unknown';
  const profileArn =
    profile?.arn ??
    (resourceArn?.type === 'inference-profile' && denial.resource
      ? denial.resource
      : inferenceProfileArn(ctx.partition, denial.callRegion, ctx.accountId, profileId));
  const refusedProfile = hasWildcardCharacter(profileId);
  const refusedModel = refusedProfile || hasWildcardCharacter(fmId);
  return { profileId, fmId, scope, profileArn, call: denial.callRegion, refusedProfile, refusedModel };
}

/** Other models through the same kind of profile or directly, and sibling actions on the model. */
function systemProfileNeighbours(ctx: PlanContext, actions: string[], p: SystemProfileCall): Check[] {
  const { call, scope, fmId } = p;
  return [
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
}

/** The profile statement, then the model statements (tied to the profile): dropped when their ID is refused. */
function keepUnrefused(p: SystemProfileCall, statements: PolicyStatement[]): PolicyStatement[] {
  return statements.filter((_s, i) => (i === 0 ? !p.refusedProfile : !p.refusedModel));
}

function planSystemProfileParts(denial: Denial, ctx: PlanContext, actions: string[]) {
  const p = systemProfileCall(denial, ctx);
  const notes: ProposalNote[] = [];
  if (p.refusedProfile) notes.push(refusalNote('inference profile ID', p.profileId));
  else if (p.refusedModel) notes.push(refusalNote('model ID', p.fmId));
  return { p, notes, neighbours: systemProfileNeighbours(ctx, actions, p) };
}

/** AWS's three-statement shape for a global profile: the profile, the model in the call region, the region-less model. */
function planGlobalProfile(ctx: PlanContext, actions: string[], p: SystemProfileCall, neighbours: Check[], notes: ProposalNote[]): GrantPlan {
  const { call, fmId, profileArn } = p;
  const action = compactList(actions);
  const regionless = `arn:${ctx.partition}:bedrock:::foundation-model/${fmId}`;
  const inCall = foundationModelArn(ctx.partition, call, fmId);
  return {
    kind: 'global-profile',
    actions,
    profileArn,
    foundationModelId: fmId,
    statements: keepUnrefused(p, [
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
      {
        label: `the region-less model invoked without the profile`,
        request: request(ctx, 'bedrock:InvokeModel', regionless, { 'aws:RequestedRegion': 'unspecified' }),
      },
      { label: `the model invoked directly in ${call}`, request: request(ctx, 'bedrock:InvokeModel', inCall, { 'aws:RequestedRegion': call }) },
    ],
    notes,
  };
}

/** The regions a geographic profile's model grant names: the call's and the destinations, or `*` when those are unknown. */
function geoProfileRegions(denial: Denial, p: SystemProfileCall, notes: ProposalNote[]): string[] {
  const profile = denial.model?.inferenceProfile;
  const resourceArn = denial.resource ? parseBedrockArn(denial.resource) : null;
  let regions = uniq([p.call, ...(profile?.destinationRegions ?? [])]);
  if (resourceArn?.type === 'foundation-model' && resourceArn.region && !regions.includes(resourceArn.region)) {
    regions.push(resourceArn.region);
  }
  if ((profile?.destinationRegions ?? []).length === 0 && !p.refusedModel) {
    // Destinations unknown: a region wildcard is still safe because the grant is tied to the profile.
    regions = ['*'];
    notes.push(note('destination-regions-unknown', { profile: p.profileId }));
  }
  return regions;
}

/** A geographic profile: the profile in the call region, the model in every destination region through it. */
function planGeoProfile(denial: Denial, ctx: PlanContext, actions: string[], p: SystemProfileCall, neighbours: Check[], notes: ProposalNote[]): GrantPlan {
  const { call, fmId, profileArn, scope } = p;
  const action = compactList(actions);
  const regions = geoProfileRegions(denial, p, notes);
  const fmArns = regions.map((r) => foundationModelArn(ctx.partition, r, fmId));
  const checkRegions = regions[0] === '*' ? uniq([call, denial.deniedRegion]) : regions;
  return {
    kind: 'geo-profile',
    actions,
    profileArn,
    foundationModelId: fmId,
    statements: keepUnrefused(p, [
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

/** A call through a system inference profile (geographic or global). */
export function planSystemProfile(denial: Denial, ctx: PlanContext, actions: string[]): GrantPlan {
  const { p, notes, neighbours } = planSystemProfileParts(denial, ctx, actions);
  return p.scope === 'global' ? planGlobalProfile(ctx, actions, p, neighbours, notes) : planGeoProfile(denial, ctx, actions, p, neighbours, notes);
}

export function planApplicationProfile(denial: Denial, ctx: PlanContext, actions: string[]): GrantPlan {
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
  const notes: ProposalNote[] = [];
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
    if (!refusedModel)
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
    notes.push(note('application-profile-model-unknown'));
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

export function planFoundationModel(denial: Denial, ctx: PlanContext, actions: string[]): GrantPlan {
  const resourceArn = denial.resource ? parseBedrockArn(denial.resource) : null;
  const fmId = denial.model?.foundationModelId ?? (resourceArn?.type === 'foundation-model' ? resourceArn.id : (denial.model?.modelId ?? ''));
  const region = resourceArn?.type === 'foundation-model' && resourceArn.region ? resourceArn.region : denial.callRegion;
  // The FM ARN is rebuilt rather than copied so that it never carries an account ID.
  const fmArn = foundationModelArn(ctx.partition, region, fmId);
  const refused = hasWildcardCharacter(fmId);
  return {
    kind: 'foundation-model',
    actions,
    foundationModelId: fmId,
    statements: refused ? [] : [{ Sid: 'AccessAuditorInvokeFoundationModel', Effect: 'Allow', Action: compactList(actions), Resource: fmArn }],
    checks: forEachAction(actions, (a) => [{ label: `${a} on the model in ${region}`, request: request(ctx, a, fmArn, { 'aws:RequestedRegion': region }) }]),
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
