/**
 * The request context IAM evaluated, as far as a CloudTrail record shows it: global condition keys
 * (`aws:CurrentTime`, `aws:MultiFactorAuthPresent`, `aws:SourceIp`, ...) read from the record.
 *
 * A key the record settles is listed in `determined` (lower-case), whether it has a value or is
 * known to be absent; any other key (resource and request tags, most service keys, principal tags
 * unless a snapshot holds them) is unknown, and a verdict that depends on it says so.
 */
import { isObject, obj, own, str } from '../aws/json';

export interface RecordContext {
  /** Condition key → value(s), keys as IAM spells them. */
  values: Record<string, string | string[]>;
  /** Lower-case keys whose value (or absence) the record settles. */
  determined: string[];
}

/**
 * Keys a record settles, present with a value or known to be absent from the request, unless it lacks
 * the field that determines them (`eventTime`, `principalId`, the session's attributes, the role ARN):
 * then they are dropped from `determined`, since every request carries them.
 */
const ALWAYS_DETERMINED = [
  'aws:CurrentTime',
  'aws:EpochTime',
  'aws:RequestedRegion',
  'aws:PrincipalType',
  'aws:userid',
  'aws:username',
  'aws:PrincipalArn',
  'aws:PrincipalAccount',
  'aws:SourceIp',
  'aws:SourceVpce',
  'aws:VpcSourceIp',
  'aws:ViaAWSService',
  'aws:MultiFactorAuthPresent',
  'aws:MultiFactorAuthAge',
  'aws:TokenIssueTime',
  'aws:SourceIdentity',
] as const;

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-fA-F:.]{2,45}$/;

const PRINCIPAL_TYPES: Readonly<Record<string, string>> = {
  Root: 'Account',
  IAMUser: 'User',
  AssumedRole: 'AssumedRole',
  FederatedUser: 'FederatedUser',
  AWSAccount: 'Account',
};

/** An STS assumed-role session ARN: not a value IAM uses for aws:PrincipalArn. */
function isStsSessionArn(arn: string): boolean {
  return /^arn:[^:]*:sts::[^:]*:assumed-role\//.test(arn);
}

function isIp(text: string): boolean {
  return IPV4.test(text) || (text.includes(':') && IPV6.test(text));
}

/** Every request carries the time keys: without a readable `eventTime` the record does not settle them. */
function timeKeys(record: unknown, values: Record<string, string | string[]>, determined: Set<string>): void {
  const eventTime = str(record, 'eventTime', 64);
  const ms = eventTime ? Date.parse(eventTime) : Number.NaN;
  if (Number.isNaN(ms)) {
    determined.delete('aws:currenttime');
    determined.delete('aws:epochtime');
    return;
  }
  values['aws:CurrentTime'] = new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
  values['aws:EpochTime'] = String(Math.floor(ms / 1000));
}

function principalKeys(identity: unknown, values: Record<string, string | string[]>, determined: Set<string>): void {
  const type = str(identity, 'type', 64);
  const principalType = type && Object.prototype.hasOwnProperty.call(PRINCIPAL_TYPES, type) ? PRINCIPAL_TYPES[type] : undefined;
  if (principalType) values['aws:PrincipalType'] = principalType;
  // Service principals and unfamiliar identity types: which principal keys IAM sets is not settled.
  else for (const key of ['aws:principaltype', 'aws:userid', 'aws:username']) determined.delete(key);
  // aws:userid is in every request context: without principalId the record does not settle it.
  const principalId = str(identity, 'principalId', 256);
  if (principalId && type !== 'AWSService') values['aws:userid'] = principalId;
  else determined.delete('aws:userid');
  // An IAM user's requests carry aws:username; other principals' do not (known absent).
  const userName = str(identity, 'userName', 128);
  if (type === 'IAMUser' && userName) values['aws:username'] = userName;
  else if (type === 'IAMUser') determined.delete('aws:username');
}

/** Identity types whose requests use long-term credentials unless the record shows a session. */
const LONG_TERM_TYPES: ReadonlySet<string> = new Set(['IAMUser', 'Root']);

/**
 * True when the record shows the call was made with long-term credentials (an IAM user's or the root
 * user's access key): no session context and no temporary (`ASIA`) key. Only then are the session keys
 * (aws:MultiFactorAuthPresent, aws:TokenIssueTime) known to be absent; temporary credentials always
 * carry them, whether or not the record shows their values.
 */
function longTermCredentials(identity: unknown): boolean {
  const type = str(identity, 'type', 64);
  if (!type || !LONG_TERM_TYPES.has(type)) return false;
  if (own(identity, 'sessionContext') !== undefined && own(identity, 'sessionContext') !== null) return false;
  const key = str(identity, 'accessKeyId', 256);
  return key === undefined || !key.startsWith('ASIA');
}

/**
 * MFA and token keys come from the session's attributes; long-term keys have none (known absent). For
 * anything else (temporary credentials, or credentials the record does not show), a key whose value
 * the record lacks is not settled.
 */
function sessionKeys(record: unknown, identity: unknown, values: Record<string, string | string[]>, determined: Set<string>): void {
  const session = obj(identity, 'sessionContext');
  const attributes = obj(session, 'attributes');
  const mfa = str(attributes, 'mfaAuthenticated', 8)?.toLowerCase();
  const created = str(attributes, 'creationDate', 64);
  const createdOk = created !== undefined && !Number.isNaN(Date.parse(created));
  const eventTime = Date.parse(str(record, 'eventTime', 64) ?? '');
  if (mfa === 'true' || mfa === 'false') values['aws:MultiFactorAuthPresent'] = mfa;
  if (createdOk) {
    values['aws:TokenIssueTime'] = created;
    if (mfa === 'true' && !Number.isNaN(eventTime)) {
      values['aws:MultiFactorAuthAge'] = String(Math.max(0, Math.floor((eventTime - Date.parse(created)) / 1000)));
    }
  }
  if (!longTermCredentials(identity)) {
    if (mfa !== 'true' && mfa !== 'false') {
      determined.delete('aws:multifactorauthpresent');
      determined.delete('aws:multifactorauthage');
    }
    if (!createdOk) determined.delete('aws:tokenissuetime');
    // With MFA, the age is in the request: settled only when both times are readable.
    if (mfa === 'true' && (!createdOk || Number.isNaN(eventTime))) determined.delete('aws:multifactorauthage');
  }
  const sourceIdentity = str(session, 'sourceIdentity', 64);
  if (sourceIdentity) values['aws:SourceIdentity'] = sourceIdentity;
}

/** Network keys: the caller's IP, or the service that called on its behalf; the VPC endpoint if any. */
function networkKeys(record: unknown, identity: unknown, values: Record<string, string | string[]>, determined: Set<string>): void {
  const source = str(record, 'sourceIPAddress', 256);
  const invokedBy = str(identity, 'invokedBy', 256);
  const viaService = invokedBy !== undefined || (source !== undefined && /\.amazonaws\.com$/.test(source));
  values['aws:ViaAWSService'] = viaService ? 'true' : 'false';
  const endpoint = str(record, 'vpcEndpointId', 64);
  if (endpoint) values['aws:SourceVpce'] = endpoint;
  if (source && isIp(source)) values[endpoint ? 'aws:VpcSourceIp' : 'aws:SourceIp'] = source;
  // A record without a usable source address (redacted, or an AWS-internal caller) settles neither.
  if (!source || (!isIp(source) && !viaService)) {
    determined.delete('aws:sourceip');
    determined.delete('aws:vpcsourceip');
  }
  const tls = own(record, 'tlsDetails');
  if (isObject(tls)) {
    values['aws:SecureTransport'] = 'true';
    determined.add('aws:securetransport');
  }
  if (!viaService) determined.add('aws:calledvia');
}

/**
 * Reads the request context from a CloudTrail record. `principalArn` and `account` are the decoded
 * principal's (the role ARN with its path for roles, as IAM evaluates `aws:PrincipalArn`).
 */
export function recordContext(record: unknown, principal: { arn?: string | null; accountId?: string | null }): RecordContext {
  const values: Record<string, string | string[]> = {};
  const determined = new Set<string>(ALWAYS_DETERMINED.map((k) => k.toLowerCase()));
  const identity = own(record, 'userIdentity');
  timeKeys(record, values, determined);
  const region = str(record, 'awsRegion', 64);
  if (region) values['aws:RequestedRegion'] = region;
  principalKeys(identity, values, determined);
  // IAM's aws:PrincipalArn for a role session is the role ARN (with its path), never the STS session ARN.
  if (principal.arn && !isStsSessionArn(principal.arn)) values['aws:PrincipalArn'] = principal.arn;
  else determined.delete('aws:principalarn');
  if (principal.accountId) values['aws:PrincipalAccount'] = principal.accountId;
  sessionKeys(record, identity, values, determined);
  networkKeys(record, identity, values, determined);
  return { values, determined: [...determined].sort() };
}
