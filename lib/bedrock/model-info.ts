/**
 * Builds the `model` part of a denial from the `modelId` a caller sent and the call's context.
 */
import type { InferenceProfileInfo, ModelInfo } from '../denial/types';
import { parseModelId, type ParsedModelId } from './model-id';
import { AS_OF, lookupDestinations, suggestedProfileIdFor } from './profile-destinations';

export interface ModelContext {
  /** awsRegion of the call: the source region of any inference profile. */
  callRegion: string;
  /** The caller's account, for the profile ARN. */
  accountId: string | null;
  partition: string;
}

function profileInfo(parsed: ParsedModelId, ctx: ModelContext): InferenceProfileInfo | undefined {
  if (parsed.resourceType === 'application-inference-profile') {
    return { arn: parsed.modelId, kind: 'application', scope: 'application', destinationRegions: [], destinationsSource: 'unknown' };
  }
  if (parsed.resourceType !== 'inference-profile' || !parsed.profileId) return undefined;
  const region = parsed.arn?.region || ctx.callRegion;
  const account = parsed.arn?.account || ctx.accountId;
  const info: InferenceProfileInfo = {
    id: parsed.profileId,
    kind: 'system',
    scope: parsed.geography ?? 'unknown',
    destinationRegions: [],
    destinationsSource: 'unknown',
  };
  if (parsed.arn) info.arn = parsed.modelId;
  else if (account) info.arn = `arn:${ctx.partition}:bedrock:${region}:${account}:inference-profile/${parsed.profileId}`;
  const lookup = parsed.geography ? lookupDestinations(parsed.geography, region, parsed.foundationModelId) : null;
  if (lookup) {
    info.destinationRegions = lookup.regions;
    info.destinationsSource = 'table';
    info.destinationsAsOf = AS_OF;
  }
  return info;
}

/** The {@link ModelInfo} for a `modelId` as called; destinations come from the dated table. */
export function buildModelInfo(modelId: string, ctx: ModelContext): ModelInfo {
  const parsed = parseModelId(modelId);
  const info: ModelInfo = { modelId, provider: parsed.provider, resourceType: parsed.resourceType };
  if (parsed.family) info.family = parsed.family;
  if (parsed.version) info.version = parsed.version;
  if (parsed.foundationModelId) info.foundationModelId = parsed.foundationModelId;
  const profile = profileInfo(parsed, ctx);
  if (profile) info.inferenceProfile = profile;
  return info;
}

/** Adds the profile to call instead, for models that cannot be invoked on demand in the call region. */
export function withSuggestedProfile(model: ModelInfo, callRegion: string): ModelInfo {
  if (!model.foundationModelId || model.resourceType !== 'foundation-model') return model;
  return { ...model, suggestedProfileId: suggestedProfileIdFor(model.foundationModelId, callRegion) };
}
