/**
 * Where Amazon Bedrock system (cross-Region) inference profiles route calls: geography → source
 * region → destination regions. A dated snapshot used when the CLI runs offline; with credentials,
 * `bedrock:GetInferenceProfile` (see {@link ./sources/bedrock-profile-resolver}) is authoritative, because
 * destinations vary by model and source region and change over time.
 *
 * Compiled from these AWS pages:
 * - https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html
 *   (per-profile source/destination lists; its example: `us.anthropic.claude-3-haiku-20240307-v1:0`
 *   routes to us-east-1, us-east-2 and us-west-2 from us-east-2 but only to us-east-1 and us-west-2
 *   from us-west-2)
 * - https://docs.aws.amazon.com/bedrock/latest/userguide/geographic-cross-region-inference.html
 *   (US Claude Sonnet 4.5 from us-east-1: us-east-1, us-east-2, us-west-2)
 * - https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html
 *   (global profiles route to all commercial regions)
 * - AWS Machine Learning blog, Asia Pacific (New Zealand) cross-Region inference (AU rows)
 *
 * Rows marked `verified: false` come from community reports and are kept conservative (the documented
 * Claude Sonnet 4.5 lists, without regions that only some lists add). Geographies whose routing is not
 * documented (`ca`, `in`) have no rows: callers get null and report the destinations as unknown.
 */
import type { ProfileGeography } from './model-id';

/** The date this table was compiled. */
export const AS_OF = '2026-11-21';

/** Commercial regions (the destinations of global profiles), as known on {@link AS_OF}. */
export const COMMERCIAL_REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'ca-west-1',
  'mx-central-1',
  'sa-east-1',
  'eu-central-1',
  'eu-central-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'il-central-1',
  'me-south-1',
  'me-central-1',
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-1',
  'ap-south-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
];

interface RouteRow {
  sources: readonly string[];
  destinations: readonly string[];
  verified: boolean;
}

interface GeographyRoutes {
  rows: readonly RouteRow[];
  /** Model-specific rows that replace the geography's rows for that foundation model. */
  models?: Readonly<Record<string, readonly RouteRow[]>>;
}

const US_3 = ['us-east-1', 'us-east-2', 'us-west-2'] as const;
const EU_6 = ['eu-central-1', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-3'] as const;
const APAC = ['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-4'] as const;

const ROUTES: Readonly<Partial<Record<ProfileGeography, GeographyRoutes>>> = {
  us: {
    rows: [{ sources: US_3, destinations: US_3, verified: true }],
    models: {
      'anthropic.claude-3-haiku-20240307-v1:0': [
        { sources: ['us-east-1', 'us-east-2'], destinations: US_3, verified: true },
        { sources: ['us-west-2'], destinations: ['us-east-1', 'us-west-2'], verified: true },
      ],
    },
  },
  eu: { rows: [{ sources: EU_6, destinations: EU_6, verified: false }] },
  apac: { rows: [{ sources: APAC, destinations: APAC, verified: false }] },
  jp: { rows: [{ sources: ['ap-northeast-1', 'ap-northeast-3'], destinations: ['ap-northeast-1', 'ap-northeast-3'], verified: false }] },
  au: {
    rows: [
      { sources: ['ap-southeast-2', 'ap-southeast-4'], destinations: ['ap-southeast-2', 'ap-southeast-4'], verified: true },
      { sources: ['ap-southeast-6'], destinations: ['ap-southeast-6', 'ap-southeast-2', 'ap-southeast-4'], verified: true },
    ],
  },
  'us-gov': { rows: [{ sources: ['us-gov-west-1', 'us-gov-east-1'], destinations: ['us-gov-west-1', 'us-gov-east-1'], verified: false }] },
  global: { rows: [{ sources: COMMERCIAL_REGIONS, destinations: COMMERCIAL_REGIONS, verified: true }] },
};

/** Destinations of one table row lookup, with whether the row is documented by AWS. */
export interface DestinationLookup {
  regions: string[];
  verified: boolean;
}

/**
 * Destination regions of a system profile of geography `scope` called from `sourceRegion`, per the
 * table; null when the table has no row for that geography and source (the caller should say
 * "unknown" or ask `bedrock:GetInferenceProfile`).
 * @param modelId the foundation-model ID, for the few models whose routing differs from their geography's
 */
export function lookupDestinations(scope: string, sourceRegion: string, modelId?: string): DestinationLookup | null {
  const routes = Object.prototype.hasOwnProperty.call(ROUTES, scope) ? ROUTES[scope as ProfileGeography] : undefined;
  if (!routes) return null;
  const modelRows = modelId && routes.models && Object.prototype.hasOwnProperty.call(routes.models, modelId) ? routes.models[modelId] : undefined;
  const row = (modelRows ?? routes.rows).find((r) => r.sources.includes(sourceRegion));
  return row ? { regions: [...row.destinations], verified: row.verified } : null;
}

/** {@link lookupDestinations} reduced to the region list. */
export function destinationRegions(scope: string, sourceRegion: string, modelId?: string): string[] | null {
  return lookupDestinations(scope, sourceRegion, modelId)?.regions ?? null;
}

/**
 * The geography whose system profiles a region can call: the broadest regional one (`apac` rather than
 * `jp` or `au`, which serve newer models only). Null for regions with no known geography (use `global.`).
 */
export function geographyForRegion(region: string): ProfileGeography | null {
  if (region.startsWith('us-gov-')) return 'us-gov';
  if (region.startsWith('us-')) return 'us';
  if (region.startsWith('eu-')) return 'eu';
  if (region.startsWith('ap-')) return 'apac';
  if (region.startsWith('ca-')) return 'ca';
  return null;
}

/**
 * The system inference profile ID to call instead of an on-demand foundation-model ID from `region`
 * (`anthropic.claude-3-5-sonnet-20241022-v2:0` from us-east-1 → `us.anthropic.claude-3-5-sonnet-20241022-v2:0`).
 * Falls back to the `global.` profile for regions outside every geography.
 */
export function suggestedProfileIdFor(foundationModelId: string, region: string): string {
  return `${geographyForRegion(region) ?? 'global'}.${foundationModelId}`;
}
