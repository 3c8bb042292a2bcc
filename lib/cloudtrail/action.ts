import { StringCache } from '../aws/string-cache';
/**
 * The IAM action behind a CloudTrail event, for messages that do not name it.
 *
 * CloudTrail logs API operation names; IAM authorizes actions. Mostly they coincide
 * (`kms:Decrypt`), but some operations are authorized by another action (Bedrock `Converse` by
 * `bedrock:InvokeModel`, S3 `ListObjectsV2` by `s3:ListBucket`, `HeadObject` by `s3:GetObject`), some
 * services log under a host name that is not their IAM prefix (`monitoring` → `cloudwatch`,
 * `email` → `ses`), and Lambda and CloudFront suffix API versions to event names.
 */

/** eventSource host (without `.amazonaws.com`) → IAM service prefix, where they differ. */
const SERVICE_PREFIX_EXCEPTIONS: Readonly<Record<string, string>> = {
  monitoring: 'cloudwatch',
  email: 'ses',
  'api.ecr': 'ecr',
  'api.ecr-public': 'ecr-public',
  'api.mediatailor': 'mediatailor',
  'api.pricing': 'pricing',
  'api.sagemaker': 'sagemaker',
  'runtime.sagemaker': 'sagemaker',
  'bedrock-runtime': 'bedrock',
  'bedrock-agent-runtime': 'bedrock',
  'bedrock-agent': 'bedrock',
  tagging: 'tag',
  'data.iot': 'iot',
  'iot-data': 'iot',
  'sync-states': 'states',
  'dynamodb-streams': 'dynamodb',
  streams: 'dynamodb',
  'runtime.lex': 'lex',
  'models.lex': 'lex',
};

/**
 * `service:EventName` → the IAM action that authorizes it, where they differ. Each target is an
 * action in the Service Authorization Reference (the test suite checks them against IAM data).
 */
const ACTION_EXCEPTIONS: Readonly<Record<string, string>> = {
  // Amazon Bedrock runtime: Converse* are authorized by InvokeModel* (bedrock inference-prereq page).
  'bedrock:Converse': 'bedrock:InvokeModel',
  'bedrock:ConverseStream': 'bedrock:InvokeModelWithResponseStream',
  'bedrock:StartAsyncInvoke': 'bedrock:InvokeModel',
  // Amazon S3 operations authorized by differently named actions (S3 "Required permissions for S3 API operations").
  's3:ListObjects': 's3:ListBucket',
  's3:ListObjectsV2': 's3:ListBucket',
  's3:ListObjectVersions': 's3:ListBucketVersions',
  's3:HeadObject': 's3:GetObject',
  's3:HeadBucket': 's3:ListBucket',
  's3:ListBuckets': 's3:ListAllMyBuckets',
  's3:CopyObject': 's3:PutObject',
  's3:UploadPart': 's3:PutObject',
  's3:UploadPartCopy': 's3:PutObject',
  's3:CreateMultipartUpload': 's3:PutObject',
  's3:CompleteMultipartUpload': 's3:PutObject',
  's3:SelectObjectContent': 's3:GetObject',
  's3:DeleteObjects': 's3:DeleteObject',
  's3:ListMultipartUploads': 's3:ListBucketMultipartUploads',
  's3:ListParts': 's3:ListMultipartUploadParts',
  's3:GetBucketEncryption': 's3:GetEncryptionConfiguration',
  's3:PutBucketEncryption': 's3:PutEncryptionConfiguration',
  's3:DeleteBucketEncryption': 's3:PutEncryptionConfiguration',
  's3:GetBucketLifecycle': 's3:GetLifecycleConfiguration',
  's3:GetBucketLifecycleConfiguration': 's3:GetLifecycleConfiguration',
  's3:PutBucketLifecycle': 's3:PutLifecycleConfiguration',
  's3:PutBucketLifecycleConfiguration': 's3:PutLifecycleConfiguration',
  's3:DeleteBucketLifecycle': 's3:PutLifecycleConfiguration',
  's3:GetBucketReplication': 's3:GetReplicationConfiguration',
  's3:PutBucketReplication': 's3:PutReplicationConfiguration',
  's3:DeleteBucketReplication': 's3:PutReplicationConfiguration',
  's3:GetBucketNotificationConfiguration': 's3:GetBucketNotification',
  's3:PutBucketNotificationConfiguration': 's3:PutBucketNotification',
  's3:GetBucketCors': 's3:GetBucketCORS',
  's3:PutBucketCors': 's3:PutBucketCORS',
  's3:DeleteBucketCors': 's3:PutBucketCORS',
  's3:DeleteBucketTagging': 's3:PutBucketTagging',
  's3:GetBucketAccelerateConfiguration': 's3:GetAccelerateConfiguration',
  's3:PutBucketAccelerateConfiguration': 's3:PutAccelerateConfiguration',
  's3:GetBucketInventoryConfiguration': 's3:GetInventoryConfiguration',
  's3:PutBucketInventoryConfiguration': 's3:PutInventoryConfiguration',
  's3:GetBucketMetricsConfiguration': 's3:GetMetricsConfiguration',
  's3:PutBucketMetricsConfiguration': 's3:PutMetricsConfiguration',
  's3:GetBucketAnalyticsConfiguration': 's3:GetAnalyticsConfiguration',
  's3:PutBucketAnalyticsConfiguration': 's3:PutAnalyticsConfiguration',
  's3:GetBucketIntelligentTieringConfiguration': 's3:GetIntelligentTieringConfiguration',
  's3:PutBucketIntelligentTieringConfiguration': 's3:PutIntelligentTieringConfiguration',
  's3:GetObjectLockConfiguration': 's3:GetBucketObjectLockConfiguration',
  's3:PutObjectLockConfiguration': 's3:PutBucketObjectLockConfiguration',
  's3:GetPublicAccessBlock': 's3:GetBucketPublicAccessBlock',
  's3:PutPublicAccessBlock': 's3:PutBucketPublicAccessBlock',
  's3:DeletePublicAccessBlock': 's3:PutBucketPublicAccessBlock',
  's3:DeleteBucketOwnershipControls': 's3:PutBucketOwnershipControls',
  // Lambda data events and API Gateway invocations.
  'lambda:Invoke': 'lambda:InvokeFunction',
};

/** The IAM service prefix of an eventSource (`monitoring.amazonaws.com` → `cloudwatch`); null when unusable. */
export function servicePrefixOf(eventSource: string | null | undefined): string | null {
  if (typeof eventSource !== 'string' || eventSource.length === 0 || eventSource.length > 128) return null;
  return prefixes.get(eventSource);
}

/** A batch names few event sources and event names, over and over: each is worked out once (bounded). */
const prefixes = new StringCache<string | null>(1024, servicePrefixOfHost);
const actions = new StringCache<string | null>(4096, (key) => {
  const tab = key.indexOf('\t');
  return actionForEventUncached(key.slice(0, tab), key.slice(tab + 1));
});

function servicePrefixOfHost(eventSource: string): string | null {
  const host = eventSource.toLowerCase().replace(/\.amazonaws\.com(?:\.cn)?$/, '');
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(host)) return null;
  const known = Object.prototype.hasOwnProperty.call(SERVICE_PREFIX_EXCEPTIONS, host) ? SERVICE_PREFIX_EXCEPTIONS[host] : undefined;
  if (known) return known;
  return host.startsWith('api.') ? host.slice(4) : host;
}

/** Removes API-version suffixes CloudTrail appends to some event names (`GetFunction20150331v2`, `GetDistribution2020_05_31`). */
function stripVersionSuffix(prefix: string, eventName: string): string {
  if (prefix === 'lambda') return eventName.replace(/(?<=[A-Za-z])20\d{6}(?:v\d{1,2})?$/, '');
  if (prefix === 'cloudfront') return eventName.replace(/(?<=[A-Za-z])20\d\d_\d\d_\d\d$/, '');
  return eventName;
}

/** The IAM action for an event, e.g. (`bedrock.amazonaws.com`, `Converse`) → `bedrock:InvokeModel`; null when underivable. */
export function actionForEvent(eventSource: string | null | undefined, eventName: string | null | undefined): string | null {
  // The pattern below refuses names over 128 characters or with a tab: such keys are never cached.
  if (typeof eventSource !== 'string' || typeof eventName !== 'string' || eventSource.length > 128 || eventName.length > 128 || eventName.includes('\t')) {
    return null;
  }
  return actions.get(`${eventSource}\t${eventName}`);
}

function actionForEventUncached(eventSource: string, eventName: string): string | null {
  const prefix = servicePrefixOf(eventSource);
  if (!prefix || typeof eventName !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,127}$/.test(eventName)) return null;
  const name = stripVersionSuffix(prefix, eventName);
  const key = `${prefix}:${name}`;
  return Object.prototype.hasOwnProperty.call(ACTION_EXCEPTIONS, key) ? (ACTION_EXCEPTIONS[key] as string) : key;
}

/** The mapping table, for tests that check every target against IAM's action list. */
export const EVENT_ACTION_EXCEPTIONS: Readonly<Record<string, string>> = ACTION_EXCEPTIONS;

/**
 * Actions that act on no resource type (IAM grants them on `*` only), whose denials happen inside a
 * call that does name a resource: a Bedrock API-key call denied `CallWithBearerToken` still carries
 * the model it was going to invoke. The test suite checks each entry against IAM data.
 */
export const ACTIONS_WITHOUT_RESOURCE_TYPE = ['bedrock:CallWithBearerToken', 'bedrock-mantle:CallWithBearerToken'] as const;

/** True when IAM authorizes the action on no resource type (see {@link ACTIONS_WITHOUT_RESOURCE_TYPE}); compares case-insensitively, as IAM does. */
export function actsOnNoResource(action: string): boolean {
  const lower = action.toLowerCase();
  return ACTIONS_WITHOUT_RESOURCE_TYPE.some((a) => a.toLowerCase() === lower);
}
