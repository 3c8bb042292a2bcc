/**
 * Applies what `bedrock:GetInferenceProfile` said to a denial decoded offline.
 */
import type { Denial, InferenceProfileInfo } from '../denial/types';
import type { ResolvedProfile } from './ports';
import { parseArn } from '../aws/arn';
import { parseModelId } from './model-id';

/**
 * Replaces the table's destination regions of `denial.model.inferenceProfile` by the live ones
 * (`destinationsSource: "api"`), and fills the foundation model of application profiles from the
 * profile's model ARNs. Pure: returns a new denial; the fingerprint does not change (destinations are
 * not part of it). Denials without a Bedrock model are returned unchanged.
 */
export function withResolvedProfile(denial: Denial, resolved: ResolvedProfile): Denial {
  const model = denial.model;
  if (!model) return denial;
  const previous = model.inferenceProfile;
  const profile: InferenceProfileInfo = {
    kind: resolved.kind,
    scope: previous?.scope ?? (resolved.kind === 'application' ? 'application' : 'unknown'),
    destinationRegions: [...resolved.destinationRegions],
    destinationsSource: 'api',
  };
  const id = previous?.id ?? (resolved.kind === 'system' ? resolved.id : undefined);
  if (id) profile.id = id;
  profile.arn = resolved.arn;
  const next = { ...model, inferenceProfile: profile };
  if (!next.foundationModelId) {
    const fm = resolved.modelArns.map((a) => parseArn(a)).find((a) => a?.resource.startsWith('foundation-model/'));
    if (fm) {
      const fmId = fm.resource.slice('foundation-model/'.length);
      const parsed = parseModelId(fmId);
      next.foundationModelId = fmId;
      if (next.provider === 'unknown') next.provider = parsed.provider;
      if (!next.family && parsed.family) next.family = parsed.family;
      if (!next.version && parsed.version) next.version = parsed.version;
    }
  }
  return { ...denial, model: next };
}

/** Destination regions named by a profile's model ARNs (region-less global ARNs are skipped), in order, without repeats. */
export function regionsOfModelArns(modelArns: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of modelArns) {
    const region = parseArn(a)?.region;
    if (region && !out.includes(region)) out.push(region);
  }
  return out;
}
