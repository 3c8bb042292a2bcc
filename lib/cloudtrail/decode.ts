/**
 * Decodes one CloudTrail record into a {@link Denial}, or says why it is not one. Pure and total:
 * no input makes it throw.
 */
import { hash } from 'node:crypto';
import type { Denial, ModelInfo, Reason } from '../denial/types';
import { fingerprintOf } from '../denial/fingerprint';
import { recordContext } from './request-context';
import { buildModelInfo, withSuggestedProfile } from '../bedrock/model-info';
import { marketplaceActionsIn, modelIdInOnDemandMessage } from '../bedrock/model-access';
import { actionForEvent, servicePrefixOf } from './action';
import { parseArn, partitionOf, partitionOfArn, partitionOfRegion } from '../aws/arn';
import { classifyAccessProblem } from './classify';
import { readErrorFields, skipReason } from './error-fields';
import { cap, isObject, obj, own, str } from '../aws/json';
import { lastClauseStart, parseDenialMessage } from './message';
import { lowerSameLength } from './message-scan';
import { decodePrincipal } from './principal';
import {
  deniedResourceFromRecord,
  isDecoderSecretPattern,
  recordArnForIamName,
  recordNamedResource,
  regionOfResource,
  resourceFromWords,
  sameNamedResource,
  type ResourceContext,
} from './resource';
import { summarise } from './summary';

/**
 * What one CloudTrail record turned out to be: a denial, a record that is not one (`skipped`, with the
 * reason), or a record that cannot be read (`invalid`). Decoding returns it, and so does the analysis
 * (lib/pipeline/analyze), whose denial then carries a proposal.
 */
export type DenialOutcome =
  | { kind: 'denial'; denial: Denial }
  | { kind: 'skipped'; eventId: string | null; reason: string }
  | { kind: 'invalid'; eventId: string | null; message: string };

/** Raw messages are kept up to this length (CloudTrail itself keeps about 1 KB). */
export const MAX_STORED_MESSAGE_LENGTH = 4096;
const MAX_USER_AGENT_LENGTH = 512;

function eventIdOf(record: unknown): string | null {
  return str(record, 'eventID', 256) ?? null;
}

/** Accepts an EventBridge event in place of its `detail` record. */
function unwrap(record: Record<string, unknown>): Record<string, unknown> {
  if (own(record, 'eventName') === undefined && own(record, 'eventSource') === undefined) {
    const detail = obj(record, 'detail');
    if (detail) return detail;
  }
  return record;
}

/**
 * A deterministic stand-in for a missing eventID, so that replaying the same record counts it once.
 * Built from the fields that make an event distinct.
 */
function syntheticEventId(record: Record<string, unknown>, principalArn: string | null, message: string | undefined): string {
  const parts = [
    str(record, 'eventTime', 64),
    str(record, 'eventSource', 256),
    str(record, 'eventName', 256),
    principalArn,
    str(record, 'requestID', 256),
    str(record, 'sourceIPAddress', 256),
    message?.slice(0, 1024),
  ];
  return `no-event-id-${hash('sha256', parts.map((p) => p ?? '').join('\n'), 'hex').slice(0, 24)}`;
}

function bearerTokenOf(record: Record<string, unknown>): boolean | undefined {
  const fromAdditional = own(obj(record, 'additionalEventData'), 'callWithBearerToken');
  if (typeof fromAdditional === 'boolean') return fromAdditional;
  const fromParams = own(obj(record, 'requestParameters'), 'callWithBearerToken');
  return typeof fromParams === 'boolean' ? fromParams : undefined;
}

/** The Bedrock model a record is about: the modelId sent, else what the message or denied ARN names. */
function bedrockModelId(record: Record<string, unknown>, message: string | undefined, resource: string | null): string | null {
  const params = obj(record, 'requestParameters');
  const sent = str(params, 'modelId', 2048) ?? str(params, 'modelIdentifier', 2048);
  if (sent) return sent;
  const fromMessage = message ? modelIdInOnDemandMessage(message) : null;
  if (fromMessage) return fromMessage;
  const arn = parseArn(resource);
  if (
    arn?.service === 'bedrock' &&
    /^(?:foundation-model|inference-profile|application-inference-profile|provisioned-model|imported-model|custom-model-deployment)\//.test(arn.resource)
  ) {
    return resource;
  }
  return null;
}

type ParsedMessage = ReturnType<typeof parseDenialMessage>;
type AccessProblem = NonNullable<ReturnType<typeof classifyAccessProblem>>;
type ModelAccessIssue = NonNullable<Reason['modelAccessIssue']>;

/** Model-access wording only means a Bedrock model problem on Bedrock's own events. */
function modelAccessIssueOf(problem: AccessProblem, prefix: string | null): ModelAccessIssue | undefined {
  const bedrockOrUnknown = prefix === null || prefix === 'bedrock' || prefix === 'bedrock-mantle';
  return problem.kind === 'model-access' && bedrockOrUnknown ? problem.issue : undefined;
}

/**
 * The denied action: the message's, else the Marketplace action a model subscription needs, else the
 * event's, else the operation an SDK wrapper around the message names (messages read from logs).
 */
function deniedAction(parsed: ParsedMessage, relatedActions: string[], eventSource: string, eventName: string): string {
  const marketplaceAction = relatedActions.includes('aws-marketplace:Subscribe') ? 'aws-marketplace:Subscribe' : relatedActions[0];
  const fromOperation = parsed.operation ? actionForEvent(eventSource, parsed.operation) : null;
  return parsed.action ?? marketplaceAction ?? actionForEvent(eventSource, eventName) ?? fromOperation ?? 'unknown';
}

/**
 * The message is authoritative about the resource, except that it writes the caller-chosen name inside
 * its own text: when the record's request parameters name the resource exactly (`named`) and the
 * message's differs, the message was misread (clause-like text in the name). Then the record's exact
 * resource wins when the message's is a cut-short prefix of it; otherwise neither is trusted (null, the
 * message's kept as `resourceText`). The record only stands in for what the message omits.
 */
function messageOrRecordResource(
  record: Record<string, unknown>,
  parsed: ParsedMessage,
  prefix: string | null,
  action: string,
  named: string | null,
  ctx: ResourceContext,
): { resource: string | null; resourceText?: string } {
  if (parsed.resource === '*') return { resource: null };
  // EC2 writes `instance/*` for calls on one named instance (GetPasswordData, DescribeInstanceAttribute): the
  // call's own parameters name the instance. (RunInstances names none, and its new instance is `instance/*`.)
  const wildcarded = parseArn(parsed.resource);
  if (wildcarded && /[*?]/.test(wildcarded.resource)) {
    const fromRecord = deniedResourceFromRecord(record, prefix, action, ctx);
    if (fromRecord && parseArn(fromRecord)?.service === wildcarded.service) return { resource: fromRecord };
  }
  if (parsed.resource && parseArn(parsed.resource)) {
    if (named === null || sameNamedResource(parsed.resource, named)) return { resource: parsed.resource };
    if (named.length > parsed.resource.length && named.startsWith(parsed.resource)) return { resource: named };
    return { resource: null, resourceText: parsed.resource };
  }
  const worded = parsed.resourceText ? resourceFromWords(parsed.resourceText, ctx) : null;
  if (worded?.iamName) {
    // A role or user worded by name: only an ARN the record carries has the path; never one built from the name.
    return { resource: recordArnForIamName(record, worded.iamName.kind, worded.iamName.name), resourceText: worded.note };
  }
  // A resource the message writes but that is no ARN (a secret's name, a mangled ARN) is kept as written, never as `resource`.
  return {
    resource: worded?.arn ?? deniedResourceFromRecord(record, prefix, action, ctx) ?? null,
    resourceText: worded?.note ?? parsed.resource,
  };
}

/**
 * The denied resource, kept only in the principal's partition: partitions are isolated, so a resource
 * the call names in another one (a caller-chosen ARN in requestParameters or resources[]) is no
 * resource any policy of the principal's could grant; it is kept as `resourceText`.
 */
function deniedResource(
  record: Record<string, unknown>,
  parsed: ParsedMessage,
  prefix: string | null,
  action: string,
  named: string | null,
  ctx: ResourceContext,
  principalPartition: string | null,
): { resource: string | null; resourceText?: string } {
  const found = messageOrRecordResource(record, parsed, prefix, action, named, ctx);
  const partition = partitionOf(found.resource);
  if (found.resource === null || principalPartition === null || partition === undefined || partition === principalPartition) return found;
  return { resource: null, resourceText: found.resource };
}

/**
 * True when the message's reason clause lies inside the caller-chosen name: the message holds the
 * record's exact resource and no clause start follows it (AWS writes its clause after the resource).
 */
function clauseInsideName(errorMessage: string | undefined, parsed: ParsedMessage, named: string | null): boolean {
  if (!errorMessage || named === null || (parsed.layer === 'unknown' && !parsed.explicit)) return false;
  const at = errorMessage.lastIndexOf(named);
  if (at < 0) return false;
  return lastClauseStart(` ${lowerSameLength(errorMessage.slice(at + named.length))}`) < 0;
}

/** The message read without a reason clause (the one it seemed to hold was part of a resource name). */
function withoutReason(parsed: ParsedMessage): ParsedMessage {
  const { policyType: _t, policyArn: _a, transitiveVia: _v, reasonText: _r, ...rest } = parsed;
  return { ...rest, layer: 'unknown', explicit: false };
}

/** The Bedrock model of a Bedrock record, with the profile to use when on-demand calls are not supported. */
function modelOf(
  record: Record<string, unknown>,
  errorMessage: string | undefined,
  resource: string | null,
  issue: ModelAccessIssue | undefined,
  ctx: ResourceContext,
): ModelInfo | undefined {
  const modelId = bedrockModelId(record, errorMessage, resource);
  if (!modelId) return undefined;
  const model = buildModelInfo(modelId, { callRegion: ctx.region, accountId: ctx.accountId, partition: ctx.partition });
  return issue === 'on-demand-unsupported' ? withSuggestedProfile(model, ctx.region) : model;
}

/** The reason without its summary: the layer, and what the message says about the denying policy. */
function reasonOf(parsed: ParsedMessage, issue: ModelAccessIssue | undefined): Omit<Reason, 'summary'> {
  const reason: Omit<Reason, 'summary'> = issue
    ? { layer: 'model-access', explicit: parsed.explicit, modelAccessIssue: issue }
    : { layer: parsed.layer, explicit: parsed.explicit };
  if (!issue) {
    if (parsed.policyType) reason.policyType = parsed.policyType;
    if (parsed.policyArn) reason.policyArn = parsed.policyArn;
    if (parsed.transitiveVia) reason.transitiveVia = parsed.transitiveVia;
  }
  if (parsed.authorizationId) reason.authorizationId = parsed.authorizationId;
  if (parsed.encoded) reason.encoded = true;
  if (parsed.truncated) reason.truncated = true;
  return reason;
}

/** Adds what the record says about the call (related actions, bearer token, source IP, user agent). */
function addCallDetails(denial: Denial, record: Record<string, unknown>, relatedActions: string[]): void {
  if (relatedActions.length > 0) denial.relatedActions = relatedActions;
  const bearer = bearerTokenOf(record);
  if (bearer !== undefined) denial.bearerToken = bearer;
  const ip = str(record, 'sourceIPAddress', 256);
  if (ip) denial.sourceIPAddress = ip;
  const ua = own(record, 'userAgent');
  if (typeof ua === 'string' && ua.length > 0) denial.userAgent = cap(ua, MAX_USER_AGENT_LENGTH);
}

/** Decodes a record object in steps: classify, parse the message, principal, action, resource, model, reason. */
function decodeObject(input: Record<string, unknown>): DenialOutcome {
  const record = unwrap(input);
  const eventId = eventIdOf(record);
  const errorFields = readErrorFields(record);
  const { code: errorCode, message: errorMessage } = errorFields;
  const problem = classifyAccessProblem(errorCode, errorMessage);
  if (!problem) return { kind: 'skipped', eventId, reason: skipReason(errorFields) };

  const eventSource = str(record, 'eventSource', 256) ?? '';
  const eventName = str(record, 'eventName', 256) ?? '';
  const callRegion = str(record, 'awsRegion', 64) ?? 'unknown';
  const message = parseDenialMessage(errorMessage);
  const principal = decodePrincipal(own(record, 'userIdentity'), message.principal);
  const accountId = str(record, 'recipientAccountId', 64) ?? principal.accountId ?? null;
  const principalPartition = partitionOfArn(principal.roleArn ?? principal.arn) ?? (str(record, 'awsRegion', 64) ? partitionOfRegion(callRegion) : null);
  const partition = partitionOfArn(principal.arn) ?? partitionOfArn(message.resource) ?? partitionOfRegion(callRegion);
  const prefix = servicePrefixOf(eventSource);
  const ctx: ResourceContext = { partition, region: callRegion, accountId: principal.accountId ?? accountId };

  const issue = modelAccessIssueOf(problem, prefix);
  const relatedActions = issue === 'marketplace' && errorMessage ? marketplaceActionsIn(errorMessage) : [];
  const action = deniedAction(message, relatedActions, eventSource, eventName);
  const named = recordNamedResource(record, prefix, action, actionForEvent(eventSource, eventName), ctx);
  const parsed = clauseInsideName(errorMessage, message, named) ? withoutReason(message) : message;
  const { resource, resourceText } = deniedResource(record, parsed, prefix, action, named, ctx, principalPartition);
  const deniedRegion = regionOfResource(resource, callRegion);
  const model = prefix === 'bedrock' ? modelOf(record, errorMessage, resource, issue, ctx) : undefined;
  const reason = reasonOf(parsed, issue);

  // The summary names a worded resource as kept in the denial (access key IDs masked).
  const said = parsed.resourceText === undefined || parsed.resourceText === resourceText ? parsed : { ...parsed, resourceText };
  const summary = summarise({ principal, action, resource, callRegion, deniedRegion, eventSource, message: said, reason, model }, relatedActions);
  const denial: Denial = {
    eventId: eventId ?? syntheticEventId(record, principal.arn, errorMessage),
    eventTime: str(record, 'eventTime', 64) ?? '',
    eventSource,
    eventName,
    accountId,
    principal,
    action,
    callRegion,
    deniedRegion,
    resource,
    reason: { ...reason, summary },
    fingerprint: '',
    errorCode: errorCode ?? '',
    errorMessage: errorMessage ? cap(errorMessage, MAX_STORED_MESSAGE_LENGTH) : null,
  };
  if (model) denial.model = model;
  if (resourceText) denial.resourceText = resourceText;
  if (isDecoderSecretPattern(record, resource, ctx)) denial.resourcePattern = 'secret-suffix';
  denial.requestContext = recordContext(record, { arn: principal.roleArn ?? principal.arn, accountId: principal.accountId ?? accountId });
  denial.fingerprint = fingerprintOf(denial);
  addCallDetails(denial, record, relatedActions);
  return { kind: 'denial', denial };
}

/**
 * Decodes one CloudTrail record (or an EventBridge event carrying one) into a denial, without proposing
 * a fix (lib/pipeline/analyze does that). Records that are not access problems are `skipped` with the
 * reason; non-objects are `invalid`. Never throws.
 */
export function decodeRecord(record: unknown): DenialOutcome {
  if (!isObject(record)) {
    const what = record === null ? 'null' : Array.isArray(record) ? 'an array' : `a ${typeof record}`;
    return { kind: 'invalid', eventId: null, message: `expected a CloudTrail record (a JSON object), got ${what}` };
  }
  try {
    return decodeObject(record);
  } catch (e) {
    // Defensive only: the decoder is written not to throw. Report rather than crash a batch.
    return {
      kind: 'invalid',
      eventId: safeEventId(record),
      message: `internal error while decoding the record: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}

function safeEventId(record: unknown): string | null {
  try {
    return eventIdOf(record);
  } catch {
    return null;
  }
}
