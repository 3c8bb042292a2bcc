import { parseModelId, splitProfileId } from '../../bedrock/model-id';
import { parseArn } from '../../aws/arn';

/** Strips the geography prefix of a system inference profile ID (lib/bedrock decides what a prefix is). */
export function stripGeoPrefix(id: string): string {
  return splitProfileId(id)?.foundationModelId ?? id;
}

/** The geography prefix of a system profile ID, or undefined. */
export function geoPrefixOf(id: string): string | undefined {
  return splitProfileId(id)?.geography;
}

/**
 * A model ID reduced to provider + family (lib/bedrock's decomposition), without date and version,
 * so that an invented ID (`anthropic.claude-sonnet-4-5-v1:0`) and the real one
 * (`anthropic.claude-sonnet-4-5-20250929-v1:0`) compare equal. Text that is not a model ID keys as itself.
 */
export function modelFamilyKey(modelId: string): string {
  const id = stripGeoPrefix(modelId.toLowerCase());
  const parsed = parseModelId(id);
  return parsed.resourceType === 'foundation-model' && parsed.family ? `${parsed.provider}.${parsed.family}` : id;
}

export function foundationModelArn(partition: string, region: string, modelId: string): string {
  return `arn:${partition}:bedrock:${region}::foundation-model/${modelId}`;
}

export function inferenceProfileArn(partition: string, region: string, account: string, profileId: string): string {
  return `arn:${partition}:bedrock:${region}:${account}:inference-profile/${profileId}`;
}

/** A Bedrock ARN split into what near-miss analysis compares. */
export interface BedrockArn {
  partition: string;
  region: string;
  account: string;
  /** `foundation-model`, `inference-profile`, `application-inference-profile`, ... */
  type: string;
  /** The part after the type (model or profile ID, possibly a wildcard pattern). */
  id: string;
}

/** Parses a Bedrock resource ARN (or ARN pattern); null for other services or shapes. */
export function parseBedrockArn(value: string): BedrockArn | null {
  const arn = parseArn(value);
  if (!arn || (arn.service !== 'bedrock' && arn.service !== '*')) return null;
  const slash = arn.resource.indexOf('/');
  if (slash <= 0) return null;
  return {
    partition: arn.partition,
    region: arn.region,
    account: arn.account,
    type: arn.resource.slice(0, slash),
    id: arn.resource.slice(slash + 1),
  };
}

export function formatBedrockArn(arn: BedrockArn): string {
  return `arn:${arn.partition}:bedrock:${arn.region}:${arn.account}:${arn.type}/${arn.id}`;
}

/** A model of another provider, used to check that a grant does not leak to other models. */
export function neighbourModelId(modelId: string): string {
  return stripGeoPrefix(modelId).startsWith('amazon.') ? 'meta.llama3-70b-instruct-v1:0' : 'amazon.nova-pro-v1:0';
}

/** The invoke actions: Converse/ConverseStream are authorized by these two (aws-facts 4.3). */
export const INVOKE_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'] as const;

export function isInvokeAction(action: string): boolean {
  return INVOKE_ACTIONS.some((a) => a.toLowerCase() === action.toLowerCase());
}

/** Event names of streaming calls, authorized by `bedrock:InvokeModelWithResponseStream`. */
export const STREAM_EVENT_NAMES = ['InvokeModelWithResponseStream', 'ConverseStream'] as const;
