/**
 * The denied resource when the message does not name it by ARN: from `resources[]`, else from
 * `requestParameters` (S3 bucket/key, Bedrock modelId, role ARNs, Lambda functions, ...), else from
 * the words of the message (`role <name>`, `user <name>`).
 * ARNs are built in the caller's partition; only well-known parameter names are read.
 *
 * A record describes the call that was made, not necessarily the authorization that failed: an EC2
 * RunInstances call can be denied `iam:PassRole`, an S3 GetObject call `kms:Decrypt`. So the record's
 * resources only stand for the denied one when they belong to the denied action's service.
 */
import { modelArnFor } from '../bedrock/model-id';
import { actionPrefixOf } from '../aws/action';
import { actsOnNoResource } from './action';
import { parseArn } from '../aws/arn';
import { isObject, obj, own, str } from '../aws/json';
import { maskAccessKeyId } from './principal';

export interface ResourceContext {
  partition: string;
  region: string;
  accountId: string | null;
}

const MAX_PARAM_LENGTH = 2048;
/** Request parameters scanned for a generic `...Arn` value: bounded, since requestParameters can be large. */
const MAX_SCANNED_PARAMS = 64;

function isArn(v: unknown): v is string {
  return typeof v === 'string' && v.length <= MAX_PARAM_LENGTH && parseArn(v) !== null;
}

type ArnFilter = (arn: string) => boolean;
const anyArn: ArnFilter = () => true;

/** The first ARN in CloudTrail's `resources[]` (`[{ARN, accountId, type}]`) that passes the filter. */
function fromResourcesArray(resources: unknown, accept: ArnFilter = anyArn): string | null {
  if (!Array.isArray(resources)) return null;
  const n = Math.min(resources.length, MAX_SCANNED_PARAMS);
  for (let i = 0; i < n; i++) {
    const arn = own(resources[i], 'ARN') ?? own(resources[i], 'arn');
    if (isArn(arn) && accept(arn)) return arn;
  }
  return null;
}

function s3Arn(params: unknown, partition: string): string | null {
  const bucket = str(params, 'bucketName', 255) ?? str(params, 'Bucket', 255);
  if (!bucket) return null;
  const key = str(params, 'key', 1024) ?? str(params, 'Key', 1024);
  return key ? `arn:${partition}:s3:::${bucket}/${key}` : `arn:${partition}:s3:::${bucket}`;
}

function nameOrArn(value: string | undefined, build: (name: string) => string | null): string | null {
  if (!value) return null;
  if (value.startsWith('arn:')) return isArn(value) ? value : null;
  return build(value);
}

/** The suffix pattern the decoder appends to a secret it completes: six `?`, one per random character. */
export const SECRET_SUFFIX_PATTERN = '-??????';
const SECRET_NAME_RE = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
/** A complete secret ARN ends with `-` and the six characters of its random suffix (AWS's own heuristic). */
const SECRET_SUFFIX_RE = /-[^/:-]{6}$/;

/**
 * A secret by ARN, or by name: Secrets Manager appends six random characters to every secret's ARN
 * (`prod/db` → `secret:prod/db-AbCdEf`), so a name stands for the ARN pattern `secret:prod/db-??????`,
 * the one pattern AWS documents for it. A partial ARN (`secret:prod/db`, no suffix) is not the ARN IAM
 * evaluates either, and is completed the same way. A complete ARN is a literal, whatever it holds (one
 * ending in `-??????` literally included): `pattern` is true only when the decoder appended the suffix.
 */
function secretResource(params: unknown, ctx: ResourceContext): { arn: string; pattern: boolean } | null {
  const id = str(params, 'secretId', MAX_PARAM_LENGTH);
  if (!id) return null;
  if (id.startsWith('arn:')) {
    const arn = parseArn(id);
    if (!isArn(id) || !arn) return null;
    const name = arn.service === 'secretsmanager' && arn.resource.startsWith('secret:') ? arn.resource.slice('secret:'.length) : null;
    if (name === null || SECRET_SUFFIX_RE.test(name)) return { arn: id, pattern: false };
    return SECRET_NAME_RE.test(name) ? { arn: `${id}${SECRET_SUFFIX_PATTERN}`, pattern: true } : null;
  }
  if (!ctx.accountId || !SECRET_NAME_RE.test(id)) return null;
  return { arn: `arn:${ctx.partition}:secretsmanager:${ctx.region}:${ctx.accountId}:secret:${id}${SECRET_SUFFIX_PATTERN}`, pattern: true };
}

function secretArn(params: unknown, ctx: ResourceContext): string | null {
  return secretResource(params, ctx)?.arn ?? null;
}

/**
 * True when `resource` is the secret pattern the decoder built from the record's `secretId` (a name or a
 * partial ARN, completed with {@link SECRET_SUFFIX_PATTERN}): only then are its six trailing `?` the
 * suffix wildcard; any other resource is a literal.
 */
export function isDecoderSecretPattern(record: unknown, resource: string | null, ctx: ResourceContext): boolean {
  if (resource === null || !resource.endsWith(SECRET_SUFFIX_PATTERN)) return false;
  const built = secretResource(obj(record, 'requestParameters'), ctx);
  return built !== null && built.pattern && built.arn === resource;
}

/**
 * The resource the record's own request parameters name exactly, for the action the record's event
 * performs (S3 bucket/key, Secrets Manager secretId); null when the record names none, or when the
 * denied action is another than the event's (a CopyObject denied `s3:GetObject` on its source).
 * The error message writes the caller-chosen name inside its own text, so its resource is checked
 * against this one (lib/cloudtrail/decode).
 */
export function recordNamedResource(
  record: unknown,
  recordPrefix: string | null,
  action: string,
  eventAction: string | null,
  ctx: ResourceContext,
): string | null {
  if (eventAction === null || eventAction.toLowerCase() !== action.toLowerCase()) return null;
  const params = obj(record, 'requestParameters');
  if (recordPrefix === 's3' && actionPrefixOf(action) === 's3') return s3Arn(params, ctx.partition);
  if (recordPrefix === 'secretsmanager' && actionPrefixOf(action) === 'secretsmanager') return secretArn(params, ctx);
  return null;
}

/** True when the message's resource is the record's: equal, or the complete ARN of a secret pattern the decoder built. */
export function sameNamedResource(messageResource: string, recordResource: string): boolean {
  if (messageResource === recordResource) return true;
  if (!recordResource.endsWith(SECRET_SUFFIX_PATTERN)) return false;
  const base = recordResource.slice(0, -SECRET_SUFFIX_PATTERN.length);
  return messageResource.length === base.length + 7 && messageResource.startsWith(`${base}-`) && /^[A-Za-z0-9]{6}$/.test(messageResource.slice(-6));
}

/** The one instance (or volume) an EC2 call names; null when it names none or several. */
function ec2Arn(params: unknown, ctx: ResourceContext): string | null {
  if (!ctx.accountId) return null;
  const base = `arn:${ctx.partition}:ec2:${ctx.region}:${ctx.accountId}`;
  const items = own(obj(params, 'instancesSet'), 'items');
  const listed = Array.isArray(items) && items.length === 1 ? str(items[0], 'instanceId', 64) : undefined;
  const instance = str(params, 'instanceId', 64) ?? listed;
  if (instance && /^i-[0-9a-z]{8,17}$/.test(instance)) return `${base}:instance/${instance}`;
  const volume = str(params, 'volumeId', 64);
  return volume && /^vol-[0-9a-z]{8,17}$/.test(volume) ? `${base}:volume/${volume}` : null;
}

/** Per-service readers of requestParameters, keyed by IAM service prefix. */
function fromRequestParameters(prefix: string, params: unknown, ctx: ResourceContext): string | null {
  const { partition: p, region: r, accountId: a } = ctx;
  switch (prefix) {
    case 's3':
      return s3Arn(params, p);
    case 'bedrock': {
      const modelId = str(params, 'modelId', MAX_PARAM_LENGTH) ?? str(params, 'modelIdentifier', MAX_PARAM_LENGTH);
      if (modelId) return modelArnFor(modelId, r, a, p);
      const kb = str(params, 'knowledgeBaseId', 64);
      if (kb && a) return `arn:${p}:bedrock:${r}:${a}:knowledge-base/${kb}`;
      const agent = str(params, 'agentId', 64);
      const alias = str(params, 'agentAliasId', 64);
      if (agent && alias && a) return `arn:${p}:bedrock:${r}:${a}:agent-alias/${agent}/${alias}`;
      return null;
    }
    case 'sts':
      return isArn(own(params, 'roleArn')) ? (own(params, 'roleArn') as string) : null;
    case 'iam': {
      const policyArn = own(params, 'policyArn');
      if (isArn(policyArn)) return policyArn;
      if (!a) return null;
      const role = str(params, 'roleName', 128);
      if (role) return `arn:${p}:iam::${a}:role/${role}`;
      const user = str(params, 'userName', 128);
      if (user) return `arn:${p}:iam::${a}:user/${user}`;
      const group = str(params, 'groupName', 128);
      return group ? `arn:${p}:iam::${a}:group/${group}` : null;
    }
    case 'lambda':
      return nameOrArn(str(params, 'functionName', 256), (n) => (a ? `arn:${p}:lambda:${r}:${a}:function:${n}` : null));
    case 'dynamodb':
      return nameOrArn(str(params, 'tableName', 1024), (n) => (a ? `arn:${p}:dynamodb:${r}:${a}:table/${n}` : null));
    case 'sqs': {
      const url = str(params, 'queueUrl', MAX_PARAM_LENGTH);
      const m = url ? /\/(\d{12})\/([A-Za-z0-9_.-]{1,80})$/.exec(url) : null;
      return m ? `arn:${p}:sqs:${r}:${m[1] as string}:${m[2] as string}` : null;
    }
    case 'sns':
      return [own(params, 'topicArn'), own(params, 'targetArn'), own(params, 'TopicArn')].find(isArn) ?? null;
    case 'kms': {
      const key = str(params, 'keyId', MAX_PARAM_LENGTH);
      return nameOrArn(key, (k) => {
        if (!a) return null;
        if (k.startsWith('alias/')) return `arn:${p}:kms:${r}:${a}:${k}`;
        return /^[0-9a-f-]{36}$|^mrk-[0-9a-f]{32}$/.test(k) ? `arn:${p}:kms:${r}:${a}:key/${k}` : null;
      });
    }
    case 'secretsmanager':
      return secretArn(params, ctx);
    case 'ec2':
      return ec2Arn(params, ctx);
    case 'ssm': {
      const name = str(params, 'name', MAX_PARAM_LENGTH);
      return nameOrArn(name, (n) => (a ? `arn:${p}:ssm:${r}:${a}:parameter/${n.replace(/^\//, '')}` : null));
    }
    case 'logs': {
      const group = str(params, 'logGroupName', 512);
      const stream = str(params, 'logStreamName', 512);
      if (!group || !a) return null;
      return stream ? `arn:${p}:logs:${r}:${a}:log-group:${group}:log-stream:${stream}` : `arn:${p}:logs:${r}:${a}:log-group:${group}`;
    }
    case 'ecr': {
      const repo = str(params, 'repositoryName', 256);
      return repo && a ? `arn:${p}:ecr:${r}:${a}:repository/${repo}` : null;
    }
    default:
      return null;
  }
}

/** The first top-level request parameter whose name ends in `Arn`/`ARN` and holds an ARN that passes the filter. */
function genericArnParameter(params: unknown, accept: ArnFilter = anyArn): string | null {
  if (!isObject(params)) return null;
  let seen = 0;
  for (const key in params) {
    if (!Object.prototype.hasOwnProperty.call(params, key)) continue;
    if (++seen > MAX_SCANNED_PARAMS) break;
    const value = params[key];
    if (/(?:Arn|ARN)$/.test(key) && isArn(value) && accept(value)) return value;
  }
  return null;
}

/**
 * The denied resource derived from the record: `resources[]`, then service-specific request
 * parameters, then any `...Arn` parameter; null when nothing names one.
 */
export function resourceFromRecord(record: unknown, servicePrefix: string | null, ctx: ResourceContext): string | null {
  const params = obj(record, 'requestParameters');
  if (servicePrefix) {
    const specific = fromRequestParameters(servicePrefix, params, ctx);
    // Bedrock's resources[] lists related resources (e.g. a guardrail), not the model that was denied.
    if (specific && servicePrefix === 'bedrock') return specific;
    const fromArray = fromResourcesArray(own(record, 'resources'));
    if (fromArray) return fromArray;
    if (specific) return specific;
  } else {
    const fromArray = fromResourcesArray(own(record, 'resources'));
    if (fromArray) return fromArray;
  }
  return genericArnParameter(params);
}

/**
 * ARN services an action prefix acts on besides its own: STS role actions (`sts:AssumeRole`,
 * `sts:TagSession`, ...) authorize against IAM role ARNs.
 */
const EXTRA_ARN_SERVICES: Readonly<Record<string, readonly string[]>> = { sts: ['iam'] };

/** True when the ARN belongs to the service whose actions carry `actionPrefix`. */
export function arnFitsActionPrefix(arnText: string, actionPrefix: string): boolean {
  const service = parseArn(arnText)?.service.toLowerCase();
  if (!service) return false;
  if (service === actionPrefix) return true;
  const extra = Object.prototype.hasOwnProperty.call(EXTRA_ARN_SERVICES, actionPrefix) ? EXTRA_ARN_SERVICES[actionPrefix] : undefined;
  return extra?.includes(service) ?? false;
}

/**
 * The denied resource as far as the record can tell, for the action that was denied:
 * - null for actions that act on no resource type (`bedrock:CallWithBearerToken`), whatever the call named;
 * - everything {@link resourceFromRecord} finds when the action belongs to the record's own service
 *   (or the action is unknown, so nothing can disagree);
 * - otherwise only an ARN of the action's own service found in the record (`resources[]`, the record
 *   service's parameters, any `...Arn` parameter), else null: the caller then knows the action but not
 *   the resource, and the proposal builds one from the action's ARN format.
 */
export function deniedResourceFromRecord(record: unknown, recordPrefix: string | null, action: string, ctx: ResourceContext): string | null {
  if (actsOnNoResource(action)) return null;
  const actionPrefix = actionPrefixOf(action);
  if (actionPrefix === null || actionPrefix === recordPrefix) return resourceFromRecord(record, recordPrefix, ctx);
  const fits: ArnFilter = (arn) => arnFitsActionPrefix(arn, actionPrefix);
  const fromArray = fromResourcesArray(own(record, 'resources'), fits);
  if (fromArray) return fromArray;
  const params = obj(record, 'requestParameters');
  const specific = recordPrefix ? fromRequestParameters(recordPrefix, params, ctx) : null;
  if (specific && fits(specific)) return specific;
  return genericArnParameter(params, fits) ?? (action.toLowerCase() === 'iam:passrole' ? passedRole(params) : null);
}

/** Where services take the role a caller passes (Lambda `role`, CodeBuild `serviceRole`, ...), besides `...Arn` parameters. */
const ROLE_PARAMETERS = ['role', 'Role', 'serviceRole', 'ServiceRole', 'iamRole', 'IamRole', 'executionRole', 'ExecutionRole'] as const;

/** The IAM role ARN a call passes, for an `iam:PassRole` denial inside another service's call. */
function passedRole(params: unknown): string | null {
  for (const key of ROLE_PARAMETERS) {
    const value = own(params, key);
    if (isArn(value) && parseArn(value)?.service === 'iam' && parseArn(value)?.resource.startsWith('role/')) return value;
  }
  return null;
}

/** IAM role and user names (paths allowed), as AWS writes them in `on resource: role <name>` / `user <name>`. */
const IAM_NAME_RE = /^[\w+=,.@-](?:[\w+=,.@/-]{0,510}[\w+=,.@-])?$/;

/** What a message names in words, read: an IAM ARN when the words name a role or user with its path, else a note to keep. */
export interface WordedResource {
  arn: string | null;
  /** The words to keep when no ARN could be made (access key IDs masked). */
  note?: string;
  /**
   * For `role <name>` / `user <name>` without a path: the name, whose ARN is not knowable from the words
   * (the path is part of the ARN: `/` by default, `/aws-reserved/sso.amazonaws.com/[<region>/]` for SSO roles, ...).
   */
  iamName?: { kind: 'role' | 'user'; name: string };
}

/**
 * Reads a resource the message names in words (`role Foo`, `user bob`, `access key AKIA...`, `the
 * specified resource`). IAM words a role or user by name, and the ARN holds the path, which the name
 * alone does not give (an SSO role's ARN is `role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_...`):
 * so an ARN is built (in the caller's partition and account; IAM names are account-local) only when
 * the words carry the path (`role service-role/Foo`); otherwise the words are kept and `iamName` says
 * which name it is, so that the caller can look for the exact ARN in the record or ask for it. Access
 * key IDs have no ARN and are kept masked, like the principal's key.
 */
export function resourceFromWords(words: string, ctx: Pick<ResourceContext, 'partition' | 'accountId'>): WordedResource {
  const m = /^(role|user|access key) (\S+)$/.exec(words);
  if (!m) return { arn: null, note: words };
  const kind = m[1] as 'role' | 'user' | 'access key';
  const name = m[2] as string;
  if (kind === 'access key') return { arn: null, note: `access key ${maskAccessKeyId(name)}` };
  if (!IAM_NAME_RE.test(name)) return { arn: null, note: words };
  if (name.includes('/') && ctx.accountId && /^\d{12}$/.test(ctx.accountId)) {
    return { arn: `arn:${ctx.partition}:iam::${ctx.accountId}:${kind}/${name}` };
  }
  return name.includes('/') ? { arn: null, note: words } : { arn: null, note: words, iamName: { kind, name } };
}

/**
 * The IAM role or user ARN the record itself carries (in `resources[]`, an `...Arn` parameter or a
 * passed-role parameter) for a name the message words without its path; null when the record has
 * none. ARNs the record only implies (`roleName` + account) are not used: they have no path either.
 */
export function recordArnForIamName(record: unknown, kind: 'role' | 'user', name: string): string | null {
  const fits: ArnFilter = (arn) => {
    const parsed = parseArn(arn);
    return (
      parsed?.service === 'iam' && parsed.resource.startsWith(`${kind}/`) && (parsed.resource === `${kind}/${name}` || parsed.resource.endsWith(`/${name}`))
    );
  };
  const params = obj(record, 'requestParameters');
  const passed = kind === 'role' ? passedRole(params) : null;
  return fromResourcesArray(own(record, 'resources'), fits) ?? genericArnParameter(params, fits) ?? (passed && fits(passed) ? passed : null);
}

/**
 * The region of a denied resource: the ARN's region when it has one; `"unspecified"` for a region-less
 * Bedrock foundation-model ARN (global cross-Region inference); otherwise the call region.
 */
export function regionOfResource(resource: string | null, callRegion: string): string {
  const arn = parseArn(resource);
  if (!arn) return callRegion;
  if (arn.region) return arn.region;
  if (arn.service === 'bedrock' && arn.resource.startsWith('foundation-model/')) return 'unspecified';
  return callRegion;
}
