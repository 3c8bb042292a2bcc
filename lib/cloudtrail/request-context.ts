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

/**
 * The keys a record can settle, as a bit set: building a Set, lower-casing and sorting the same
 * eighteen names for every record cost more than the rest of the request context. The sorted lists
 * are made once per combination and shared (frozen: no reader changes them).
 */
const SETTLEABLE = [...ALWAYS_DETERMINED.map((k) => k.toLowerCase()), 'aws:securetransport', 'aws:calledvia'].sort();
const BIT = new Map(SETTLEABLE.map((k, i) => [k, 1 << i]));
const ALWAYS_MASK = ALWAYS_DETERMINED.reduce((mask, k) => mask | (BIT.get(k.toLowerCase()) as number), 0);
const sortedLists = new Map<number, readonly string[]>();

class DeterminedKeys {
  constructor(private mask: number) {}
  add(key: string): void {
    this.mask |= BIT.get(key) as number;
  }
  delete(key: string): void {
    this.mask &= ~(BIT.get(key) as number);
  }
  /** The keys, sorted (a shared, frozen list). */
  sorted(): string[] {
    let list = sortedLists.get(this.mask);
    if (!list) {
      list = Object.freeze(SETTLEABLE.filter((k) => this.mask & (BIT.get(k) as number)));
      sortedLists.set(this.mask, list);
    }
    return list as string[];
  }
}

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
function timeKeys(record: unknown, values: Record<string, string | string[]>, determined: DeterminedKeys): void {
  const time = eventTimeOf(str(record, 'eventTime', 64));
  if (!time) {
    determined.delete('aws:currenttime');
    determined.delete('aws:epochtime');
    return;
  }
  values['aws:CurrentTime'] = time.iso;
  values['aws:EpochTime'] = time.epoch;
}

/** The last eventTime read and its forms: records come in time order, several to a second. */
let lastTime: { text: string; value: EventTime | null } = { text: '', value: null };

interface EventTime {
  ms: number;
  iso: string;
  epoch: string;
}

function eventTimeOf(eventTime: string | undefined): EventTime | null {
  if (!eventTime) return null;
  if (eventTime === lastTime.text) return lastTime.value;
  const ms = Date.parse(eventTime);
  const value = Number.isNaN(ms) ? null : { ms, iso: isoSeconds(eventTime, ms), epoch: String(Math.floor(ms / 1000)) };
  lastTime = { text: eventTime, value };
  return value;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** `YYYY-MM-DDTHH:MM:SSZ`: the separators (`-`, `-`, `T`, `:`, `:`, `Z`) and where they are; every other character is a digit. */
const SEPARATOR_AT = [4, 7, 10, 13, 16, 19];
const SEPARATOR_CODE = [45, 45, 84, 58, 58, 90];

/** The number written by the digits text[from, from + count), or -1 when one is not a digit. */
function digitsAt(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** True when `text` is `YYYY-MM-DDTHH:MM:SSZ` with every field in range (so it is its own ISO form). */
function isCanonicalTime(text: string): boolean {
  if (text.length !== 20) return false;
  for (let i = 0; i < SEPARATOR_AT.length; i++) if (text.charCodeAt(SEPARATOR_AT[i] as number) !== SEPARATOR_CODE[i]) return false;
  const [year, month, day] = [digitsAt(text, 0, 4), digitsAt(text, 5, 2), digitsAt(text, 8, 2)];
  const [hour, minute, second] = [digitsAt(text, 11, 2), digitsAt(text, 14, 2), digitsAt(text, 17, 2)];
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number));
}

/**
 * The time in ISO form to the second. CloudTrail writes `YYYY-MM-DDTHH:MM:SSZ`, which is already that
 * form when every field is in range (formatting the date again costs more than the rest of the
 * context); other forms (fractions, offsets, Feb 30, 24:00) are formatted from the parsed time.
 */
function isoSeconds(text: string, ms: number): string {
  return isCanonicalTime(text) ? text : new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

function principalKeys(identity: unknown, values: Record<string, string | string[]>, determined: DeterminedKeys): void {
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
function sessionKeys(record: unknown, identity: unknown, values: Record<string, string | string[]>, determined: DeterminedKeys): void {
  const session = obj(identity, 'sessionContext');
  const attributes = obj(session, 'attributes');
  const mfa = str(attributes, 'mfaAuthenticated', 8)?.toLowerCase();
  const created = str(attributes, 'creationDate', 64);
  const createdOk = created !== undefined && !Number.isNaN(Date.parse(created));
  const eventTime = eventTimeOf(str(record, 'eventTime', 64))?.ms ?? Number.NaN;
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
function networkKeys(record: unknown, identity: unknown, values: Record<string, string | string[]>, determined: DeterminedKeys): void {
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
  const determined = new DeterminedKeys(ALWAYS_MASK);
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
  return { values, determined: determined.sorted() };
}
