/**
 * What access-auditor knows about real Amazon Bedrock model IDs, for two decisions that must not
 * guess wildly: whether a model ID written in a policy is real (a near-miss fix keeps real ones and
 * replaces only invented ones), and which model of the same provider stands as a neighbour.
 * Parsing comes from lib/bedrock; this module holds only data and the rules built on it.
 */
import { parseModelId, splitProfileId } from '../../bedrock/model-id';

/**
 * Foundation-model IDs published in the Amazon Bedrock model catalog as of 2026-11-21 (per provider, the most
 * commonly granted first: the first one of another family is the neighbour). Not exhaustive: an ID
 * missing here is not assumed invented unless its family is listed with dated versions.
 */
export const KNOWN_MODEL_IDS: readonly string[] = [
  'anthropic.claude-3-5-sonnet-20241022-v2:0',
  'anthropic.claude-3-haiku-20240307-v1:0',
  'anthropic.claude-3-5-sonnet-20240620-v1:0',
  'anthropic.claude-3-5-haiku-20241022-v1:0',
  'anthropic.claude-3-7-sonnet-20250219-v1:0',
  'anthropic.claude-3-sonnet-20240229-v1:0',
  'anthropic.claude-3-opus-20240229-v1:0',
  'anthropic.claude-sonnet-4-20250514-v1:0',
  'anthropic.claude-opus-4-20250514-v1:0',
  'anthropic.claude-opus-4-1-20250805-v1:0',
  'anthropic.claude-sonnet-4-5-20250929-v1:0',
  'anthropic.claude-haiku-4-5-20251001-v1:0',
  'anthropic.claude-opus-4-5-20251101-v1:0',
  'amazon.nova-pro-v1:0',
  'amazon.nova-lite-v1:0',
  'amazon.nova-micro-v1:0',
  'amazon.nova-premier-v1:0',
  'amazon.titan-text-express-v1',
  'meta.llama3-70b-instruct-v1:0',
  'meta.llama3-8b-instruct-v1:0',
  'meta.llama3-1-70b-instruct-v1:0',
  'meta.llama3-1-8b-instruct-v1:0',
  'meta.llama3-3-70b-instruct-v1:0',
  'mistral.mistral-large-2402-v1:0',
  'mistral.mistral-7b-instruct-v0:2',
  'cohere.command-r-plus-v1:0',
  'cohere.command-r-v1:0',
  'ai21.jamba-1-5-large-v1:0',
  'ai21.jamba-1-5-mini-v1:0',
];

const KNOWN = new Set(KNOWN_MODEL_IDS);

/** The foundation-model ID behind a model or system-profile ID (`us.anthropic...` → `anthropic...`). */
function bareId(id: string): string {
  return splitProfileId(id)?.foundationModelId ?? id;
}

function familyKey(id: string): string | undefined {
  const parsed = parseModelId(bareId(id));
  return parsed.resourceType === 'foundation-model' && parsed.family ? `${parsed.provider}.${parsed.family}` : undefined;
}

const DATED = /(^|-)\d{8}(-|$)/;

/** Versions of each family in the list that carry a release date (`claude-3-5-sonnet` → 20240620-v1:0, 20241022-v2:0). */
const DATED_VERSIONS: ReadonlyMap<string, ReadonlySet<string>> = (() => {
  const map = new Map<string, Set<string>>();
  for (const id of KNOWN_MODEL_IDS) {
    const parsed = parseModelId(id);
    const key = familyKey(id);
    if (!key || !parsed.version || !DATED.test(parsed.version)) continue;
    map.set(key, (map.get(key) ?? new Set()).add(parsed.version));
  }
  return map;
})();

/**
 * True when `granted` (a model or system-profile ID written in a policy) cannot be a real model ID
 * of the family `called` belongs to, so replacing it revokes nothing. The rule, in order:
 * 1. an ID in {@link KNOWN_MODEL_IDS} is real;
 * 2. an ID without any version (`anthropic.claude-sonnet-4-5`) is invented;
 * 3. an ID without a date where the called ID of its family has one is invented
 *    (`anthropic.claude-sonnet-4-5-v1:0` next to `...-20250929-v1:0`);
 * 4. a dated ID of a family listed here with dated versions, whose version is not listed, is invented;
 * 5. anything else is taken as real (kept, and the called ID added next to it).
 */
export function isInventedModelId(granted: string, called: string): boolean {
  const id = bareId(granted);
  if (KNOWN.has(id)) return false;
  const g = parseModelId(id);
  if (g.resourceType !== 'foundation-model') return false;
  if (!g.version) return true;
  const c = parseModelId(bareId(called));
  if (!DATED.test(g.version) && c.version !== undefined && DATED.test(c.version) && familyKey(id) === familyKey(called)) return true;
  const listed = DATED_VERSIONS.get(familyKey(id) ?? '');
  return DATED.test(g.version) && listed !== undefined && !listed.has(g.version);
}

/**
 * A real model of the same provider but another family, to check that a grant does not reach the
 * provider's other models (`anthropic.claude-*` would); undefined for providers not listed here.
 */
export function sameProviderNeighbour(modelId: string): string | undefined {
  const parsed = parseModelId(bareId(modelId));
  if (parsed.resourceType !== 'foundation-model') return undefined;
  const own = familyKey(modelId);
  return KNOWN_MODEL_IDS.find((id) => id.startsWith(`${parsed.provider}.`) && familyKey(id) !== own);
}
