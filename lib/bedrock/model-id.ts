/**
 * Amazon Bedrock model identifiers, in every form a caller can send as `modelId`:
 *
 * - bare foundation-model ID: `anthropic.claude-3-5-sonnet-20240620-v1:0`
 * - system (cross-Region) inference profile ID: `<geo>.<model ID>`, e.g. `us.anthropic.claude-sonnet-4-5-20250929-v1:0`
 * - ARNs: `arn:<partition>:bedrock:<region>:<account>:<type>/<id>` for inference-profile,
 *   application-inference-profile, provisioned-model, custom-model, custom-model-deployment,
 *   imported-model, prompt-router, default-prompt-router; foundation-model ARNs have no account and,
 *   for global cross-Region inference, no region (`arn:aws:bedrock:::foundation-model/<id>`).
 * - a SageMaker endpoint ARN for Bedrock Marketplace models.
 *
 * Model-name decomposition (documented because it is a convention, not an AWS rule): the name after
 * `<provider>.` is split on `-`; the version starts at the first segment that is an 8-digit date
 * (`20240620`), a `v<N>` segment (`v1:0`, `v2`), or a final `<N>:<N>` segment; everything before is
 * the family. So `claude-3-5-sonnet-20240620-v1:0` → family `claude-3-5-sonnet`, version
 * `20240620-v1:0`; `nova-lite-v1:0` → `nova-lite` / `v1:0`; `claude-sonnet-4-6` → family only.
 */
import type { BedrockResourceType } from '../denial/types';
import { parseArn } from '../aws/arn';

/** Geography prefixes of system inference profile IDs (strip only these). */
export const PROFILE_GEOGRAPHIES = ['us', 'eu', 'apac', 'global', 'au', 'jp', 'us-gov', 'ca', 'in'] as const;
export type ProfileGeography = (typeof PROFILE_GEOGRAPHIES)[number];

const GEO_PREFIX_RE = /^(us-gov|us|eu|apac|global|au|jp|ca|in)\.(?=[a-z0-9-]+\.)/;
const MAX_MODEL_ID_LENGTH = 2048;

/** Everything the identifier itself says, before any region or account context is applied. */
export interface ParsedModelId {
  modelId: string;
  resourceType: BedrockResourceType;
  /** Provider (`anthropic`, `amazon`, ...), or `unknown` when the identifier does not say. */
  provider: string;
  family?: string;
  version?: string;
  /** The underlying foundation-model ID, when the identifier names one. */
  foundationModelId?: string;
  /** System profile ID (`us.anthropic...`), for inference-profile IDs and ARNs. */
  profileId?: string;
  geography?: ProfileGeography;
  /** Set when the identifier is an ARN. */
  arn?: { partition: string; region: string; account: string; resourceId: string };
}

/** Splits `<model name>` (after the provider) into family and version; see the module comment. */
export function splitFamilyVersion(name: string): { family?: string; version?: string } {
  const segs = name.split('-');
  for (let i = 1; i < segs.length; i++) {
    const seg = segs[i] as string;
    const c0 = seg.charCodeAt(0);
    // Cheap first-character test before the regular expressions: this runs for every Bedrock denial.
    const digit = c0 >= 48 && c0 <= 57;
    if (!digit && c0 !== 118 /* v */) continue;
    const isDate = digit && seg.length === 8 && /^\d{8}$/.test(seg);
    const isV = !digit && /^v\d+(?::.*)?$/.test(seg);
    const isFinalNumber = digit && i === segs.length - 1 && /^\d+:\d+(?::.*)?$/.test(seg);
    if (isDate || isV || isFinalNumber) return { family: segs.slice(0, i).join('-'), version: segs.slice(i).join('-') };
  }
  return name ? { family: name } : {};
}

/** Describes a bare foundation-model ID (`provider.name`). */
function describeFoundationModel(id: string): Pick<ParsedModelId, 'provider' | 'family' | 'version'> {
  const dot = id.indexOf('.');
  if (dot <= 0) return { provider: 'unknown', ...splitFamilyVersion(id) };
  return { provider: id.slice(0, dot), ...splitFamilyVersion(id.slice(dot + 1)) };
}

/** Splits a system profile ID into geography and foundation-model ID; null when it has no geography prefix. */
export function splitProfileId(profileId: string): { geography: ProfileGeography; foundationModelId: string } | null {
  const m = GEO_PREFIX_RE.exec(profileId);
  if (!m) return null;
  return { geography: m[1] as ProfileGeography, foundationModelId: profileId.slice(m[0].length) };
}

const ARN_TYPES: ReadonlyArray<BedrockResourceType> = [
  'foundation-model',
  'inference-profile',
  'application-inference-profile',
  'provisioned-model',
  'custom-model-deployment',
  'custom-model',
  'imported-model',
  'prompt-router',
  'default-prompt-router',
];

function fromArn(modelId: string): ParsedModelId | null {
  const arn = parseArn(modelId);
  if (!arn) return null;
  const base = (resourceType: BedrockResourceType, resourceId: string): ParsedModelId => ({
    modelId,
    resourceType,
    provider: 'unknown',
    arn: { partition: arn.partition, region: arn.region, account: arn.account, resourceId },
  });
  if (arn.service === 'sagemaker' && arn.resource.startsWith('endpoint/')) {
    return base('marketplace-model-endpoint', arn.resource.slice('endpoint/'.length));
  }
  if (arn.service !== 'bedrock') return base('unknown', arn.resource);
  const slash = arn.resource.indexOf('/');
  const type = slash > 0 ? arn.resource.slice(0, slash) : arn.resource;
  const id = slash > 0 ? arn.resource.slice(slash + 1) : '';
  const resourceType = ARN_TYPES.find((t) => t === type) ?? 'unknown';
  const out = base(resourceType, id);
  switch (resourceType) {
    case 'foundation-model':
      Object.assign(out, describeFoundationModel(id), { foundationModelId: id });
      break;
    case 'inference-profile': {
      out.profileId = id;
      const split = splitProfileId(id);
      if (split) Object.assign(out, describeFoundationModel(split.foundationModelId), split);
      break;
    }
    case 'custom-model':
    case 'default-prompt-router': {
      // custom-model/<base model id>/<suffix>, default-prompt-router/<provider>.<family>:<n>: the first segment names the base model.
      const first = id.split('/')[0] ?? '';
      if (first.includes('.')) Object.assign(out, { provider: first.slice(0, first.indexOf('.')) });
      break;
    }
    default:
      break;
  }
  return out;
}

/** Recently parsed identifiers: a workload calls few models, and every Bedrock denial parses one. */
const parsedCache = new Map<string, Readonly<ParsedModelId>>();
const PARSED_CACHE_SIZE = 256;

/**
 * Parses any Bedrock `modelId` form. Never throws; unrecognised text yields `resourceType: "unknown"`.
 * The result is shared between calls with the same identifier: treat it as read-only.
 */
export function parseModelId(modelId: string): Readonly<ParsedModelId> {
  const cached = parsedCache.get(modelId);
  if (cached) return cached;
  const parsed = parseModelIdUncached(modelId);
  if (parsedCache.size >= PARSED_CACHE_SIZE) parsedCache.clear();
  parsedCache.set(modelId, parsed);
  return parsed;
}

function parseModelIdUncached(modelId: string): ParsedModelId {
  if (modelId.length > MAX_MODEL_ID_LENGTH) return { modelId, resourceType: 'unknown', provider: 'unknown' };
  if (modelId.startsWith('arn:')) return fromArn(modelId) ?? { modelId, resourceType: 'unknown', provider: 'unknown' };
  const split = splitProfileId(modelId);
  if (split) {
    return { modelId, resourceType: 'inference-profile', profileId: modelId, ...split, ...describeFoundationModel(split.foundationModelId) };
  }
  if (/^[a-z0-9-]+\.[A-Za-z0-9._:-]+$/.test(modelId)) {
    return { modelId, resourceType: 'foundation-model', foundationModelId: modelId, ...describeFoundationModel(modelId) };
  }
  return { modelId, resourceType: 'unknown', provider: 'unknown' };
}

/**
 * The ARN Bedrock evaluates for a `modelId` called in `region`: foundation-model IDs become
 * region-scoped foundation-model ARNs (no account), profile IDs become inference-profile ARNs in the
 * caller's account; ARNs are returned as given. Null when the account is needed but unknown.
 */
export function modelArnFor(modelId: string, region: string, accountId: string | null, partition: string): string | null {
  const parsed = parseModelId(modelId);
  if (parsed.arn) return modelId;
  if (parsed.resourceType === 'foundation-model') return `arn:${partition}:bedrock:${region}::foundation-model/${modelId}`;
  if (parsed.resourceType === 'inference-profile' && accountId) return `arn:${partition}:bedrock:${region}:${accountId}:inference-profile/${modelId}`;
  return null;
}
