/**
 * Decodes a CloudTrail record of a successful policy change into a {@link PolicyChange}. Pure and total:
 * no input makes it throw. A failed call (`errorCode`), another event, or a record missing what the
 * change needs is `skipped` or `invalid`, never guessed.
 */
import type { PolicyDocument } from '../../denial/types';
import { isObject, obj, own, str } from '../../aws/json';
import { parseArn } from '../../aws/arn';
import { parsePolicyDocument } from '../iam/document';
import {
  CHANGE_EVENT_SOURCES,
  type IamIdentityRef,
  type OrganizationsChangeEvent,
  type PolicyChange,
  type PolicyChangeEvent,
  type PolicyChangeOperation,
  type PolicyChangeOutcome,
  type SsoChangeEvent,
} from './types';

const MAX_NAME = 512;
const MAX_ARN = 2048;

class Missing extends Error {}

type Json = Record<string, unknown>;

function unwrap(record: Json): Json {
  if (own(record, 'eventName') === undefined && own(record, 'eventSource') === undefined) return obj(record, 'detail') ?? record;
  return record;
}

function need(params: Json, key: string, max = MAX_NAME): string {
  const value = str(params, key, max);
  if (value === undefined || value === '' || value.length > max) throw new Missing(`requestParameters.${key} is missing`);
  return value;
}

function document(params: Json, key: string, required: boolean): PolicyDocument | undefined {
  const raw = own(params, key);
  if (raw === undefined || raw === null) {
    if (required) throw new Missing(`requestParameters.${key} is missing`);
    return undefined;
  }
  const parsed = parsePolicyDocument(raw, `requestParameters.${key}`);
  if (!parsed.ok) throw new Missing(parsed.error.message);
  return parsed.document;
}

function policyArn(params: Json, key: string): string {
  const arn = need(params, key, MAX_ARN);
  if (parseArn(arn)?.service !== 'iam') throw new Missing(`requestParameters.${key} is not an IAM policy ARN`);
  return arn;
}

function identityKindOf(eventName: string): 'role' | 'user' | 'group' {
  if (eventName.includes('Role')) return 'role';
  if (eventName.includes('Group')) return 'group';
  return 'user';
}

function iamOperation(eventName: string, params: Json, record: Json, account: string): PolicyChangeOperation {
  const kind = identityKindOf(eventName);
  const identity = (): IamIdentityRef => ({ kind, name: need(params, `${kind}Name`), account });
  if (eventName === 'CreatePolicyVersion') {
    const versionId = str(obj(obj(record, 'responseElements'), 'policyVersion'), 'versionId', 64);
    return {
      op: 'new-policy-version',
      policyArn: policyArn(params, 'policyArn'),
      ...(versionId ? { versionId } : {}),
      setAsDefault: own(params, 'setAsDefault') === true || own(params, 'setAsDefault') === 'true',
      document: document(params, 'policyDocument', true) as PolicyDocument,
    };
  }
  if (eventName === 'SetDefaultPolicyVersion')
    return { op: 'set-default-version', policyArn: policyArn(params, 'policyArn'), versionId: need(params, 'versionId', 64) };
  if (eventName === 'AddUserToGroup' || eventName === 'RemoveUserFromGroup') {
    return {
      op: eventName === 'AddUserToGroup' ? 'add-to-group' : 'remove-from-group',
      user: { kind: 'user', name: need(params, 'userName'), account },
      group: { kind: 'group', name: need(params, 'groupName'), account },
    };
  }
  if (eventName.startsWith('Put') && eventName.endsWith('Policy')) {
    return {
      op: 'put-inline',
      identity: identity(),
      policyName: need(params, 'policyName'),
      document: document(params, 'policyDocument', true) as PolicyDocument,
    };
  }
  if (eventName.startsWith('Delete') && eventName.endsWith('Policy'))
    return { op: 'delete-inline', identity: identity(), policyName: need(params, 'policyName') };
  if (eventName.startsWith('Attach')) return { op: 'attach-managed', identity: identity(), policyArn: policyArn(params, 'policyArn') };
  if (eventName.startsWith('Detach')) return { op: 'detach-managed', identity: identity(), policyArn: policyArn(params, 'policyArn') };
  if (eventName.startsWith('Put')) return { op: 'put-boundary', identity: identity(), policyArn: policyArn(params, 'permissionsBoundary') };
  return { op: 'delete-boundary', identity: identity() };
}

function ssoOperation(eventName: SsoChangeEvent, params: Json): PolicyChangeOperation {
  const instanceArn = str(params, 'instanceArn', MAX_ARN);
  const target = str(params, 'targetId', 64);
  const doc = eventName === 'PutInlinePolicyToPermissionSet' ? document(params, 'inlinePolicy', true) : undefined;
  return {
    op: 'permission-set',
    event: eventName,
    permissionSetArn: need(params, 'permissionSetArn', MAX_ARN),
    ...(instanceArn ? { instanceArn } : {}),
    ...(target && /^\d{12}$/.test(target) ? { targetAccount: target } : {}),
    ...(doc ? { document: doc } : {}),
  };
}

function organizationsOperation(eventName: OrganizationsChangeEvent, params: Json): PolicyChangeOperation {
  const policyId = need(params, 'policyId', 256);
  if (!/^p-[0-9a-z_]{1,128}$/i.test(policyId)) throw new Missing('requestParameters.policyId is not an Organizations policy ID');
  const targetId = eventName === 'UpdatePolicy' ? undefined : need(params, 'targetId', 256);
  const doc = eventName === 'UpdatePolicy' ? document(params, 'content', false) : undefined;
  return { op: 'organizations-policy', event: eventName, policyId, ...(targetId ? { targetId } : {}), ...(doc ? { document: doc } : {}) };
}

function callerOf(record: Json): string | null {
  const identity = obj(record, 'userIdentity');
  return str(identity, 'arn', MAX_ARN) ?? str(identity, 'principalId', MAX_NAME) ?? null;
}

/** True when the record is one of the policy-change events (whatever its outcome). */
export function isPolicyChangeRecord(record: unknown): boolean {
  if (!isObject(record)) return false;
  const r = unwrap(record);
  const source = str(r, 'eventSource', 64) as keyof typeof CHANGE_EVENT_SOURCES | undefined;
  const name = str(r, 'eventName', 128);
  if (!source || !name || !(source in CHANGE_EVENT_SOURCES)) return false;
  return (CHANGE_EVENT_SOURCES[source].events as readonly string[]).includes(name);
}

/**
 * True for a policy-change record without an error: what the policy-change path takes. A failed change
 * (an AccessDenied PutRolePolicy) is a denial like any other and goes to the denial pipeline.
 */
export function isSuccessfulPolicyChange(record: unknown): boolean {
  if (!isPolicyChangeRecord(record)) return false;
  const errorCode = own(unwrap(record as Json), 'errorCode');
  return errorCode === undefined || errorCode === null || errorCode === '';
}

/** The record as a policy change, or why it is not one. */
export function decodePolicyChange(input: unknown): PolicyChangeOutcome {
  if (!isObject(input)) return { kind: 'invalid', eventId: null, message: 'a policy-change record must be a JSON object' };
  const record = unwrap(input);
  const eventId = str(record, 'eventID', 256) ?? null;
  if (!isPolicyChangeRecord(record)) return { kind: 'skipped', eventId, reason: 'not a policy change' };
  const errorCode = own(record, 'errorCode');
  if (errorCode !== undefined && errorCode !== null && errorCode !== '') return { kind: 'skipped', eventId, reason: 'the change failed (errorCode)' };
  const eventSource = str(record, 'eventSource', 64) as keyof typeof CHANGE_EVENT_SOURCES;
  const eventName = str(record, 'eventName', 128) as PolicyChangeEvent;
  const eventTime = str(record, 'eventTime', 64);
  const account = str(record, 'recipientAccountId', 12) ?? str(obj(record, 'userIdentity'), 'accountId', 12);
  if (!eventId) return { kind: 'invalid', eventId, message: `${eventName}: eventID is missing` };
  if (!eventTime || Number.isNaN(Date.parse(eventTime))) return { kind: 'invalid', eventId, message: `${eventName}: eventTime is missing or not a time` };
  if (!account || !/^\d{12}$/.test(account)) return { kind: 'invalid', eventId, message: `${eventName}: recipientAccountId is missing` };
  const params = obj(record, 'requestParameters');
  if (!params) return { kind: 'invalid', eventId, message: `${eventName}: requestParameters is missing` };
  let operation: PolicyChangeOperation;
  try {
    if (eventSource === 'iam.amazonaws.com') operation = iamOperation(eventName, params, record, account);
    else if (eventSource === 'sso.amazonaws.com') operation = ssoOperation(eventName as SsoChangeEvent, params);
    else operation = organizationsOperation(eventName as OrganizationsChangeEvent, params);
  } catch (err) {
    if (err instanceof Missing) return { kind: 'invalid', eventId, message: `${eventName}: ${err.message}` };
    throw err;
  }
  const change: PolicyChange = {
    eventId,
    eventTime: new Date(Date.parse(eventTime)).toISOString(),
    eventName,
    eventSource,
    accountId: account,
    region: str(record, 'awsRegion', 64) ?? 'us-east-1',
    by: callerOf(record),
    operation,
  };
  return { kind: 'change', change };
}
