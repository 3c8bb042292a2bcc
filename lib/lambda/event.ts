import { isObject } from '../aws/json';

/**
 * The envelope check done at the edge, before the core sees the record. `suspicious` is an event that
 * has the shape of a CloudTrail delivery but not its provenance (see {@link parseCloudTrailEvent}).
 */
export type ParsedEvent =
  | { kind: 'record'; record: Record<string, unknown>; eventId?: string; eventName?: string }
  | { kind: 'invalid'; reason: string }
  | { kind: 'suspicious'; reason: string; source: string; account: string; recipientAccountId: string };

/** The only detail-type the denial rule matches (deploy/event-pattern.json). */
export const CLOUDTRAIL_API_CALL = 'AWS API Call via CloudTrail';
const ACCOUNT_ID = /^\d{12}$/;

/**
 * Accepts an EventBridge event whose `detail` is a CloudTrail record delivered by CloudTrail itself:
 * `source` starts with `aws.` (EventBridge refuses that prefix from PutEvents, so only AWS can set it),
 * `detail-type` is exactly the API-call one, and `account` (set by EventBridge to the account the event
 * came from, kept when a member account forwards it) is the record's `recipientAccountId`. An event that
 * fails these checks was put on the bus by someone (any principal of the organization may, through the
 * organization bus policy): it could fake alerts or steer reads of another account's roles, so it is
 * refused as `suspicious`, never decoded.
 */
export function parseCloudTrailEvent(event: unknown): ParsedEvent {
  if (!isObject(event))
    return { kind: 'invalid', reason: `event is ${event === null ? 'null' : Array.isArray(event) ? 'an array' : typeof event}, not an object` };
  const detail = event.detail;
  if (!isObject(detail)) return { kind: 'invalid', reason: 'event has no "detail" object (expected an EventBridge event carrying a CloudTrail record)' };
  const detailType = event['detail-type'];
  if (typeof detailType === 'string' && !detailType.includes('via CloudTrail'))
    return { kind: 'invalid', reason: `detail-type "${detailType.slice(0, 80)}" is not a CloudTrail event` };
  const problem = provenanceProblem(event, detail);
  if (problem) {
    return {
      kind: 'suspicious',
      reason: problem,
      source: shortText(event.source),
      account: shortText(event.account),
      recipientAccountId: shortText(detail.recipientAccountId),
    };
  }
  const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 200) : undefined);
  return { kind: 'record', record: detail, eventId: text(detail.eventID), eventName: text(detail.eventName) };
}

/** Why the envelope does not agree with a CloudTrail delivery, or null when it does. */
function provenanceProblem(event: Record<string, unknown>, detail: Record<string, unknown>): string | null {
  if (typeof event.source !== 'string' || !event.source.startsWith('aws.')) return 'source does not start with "aws." (only AWS services can send those)';
  if (event['detail-type'] !== CLOUDTRAIL_API_CALL) return `detail-type is not "${CLOUDTRAIL_API_CALL}"`;
  if (typeof event.account !== 'string' || !ACCOUNT_ID.test(event.account)) return 'account is not a 12-digit account ID';
  if (detail.recipientAccountId !== event.account) return 'detail.recipientAccountId is not the account the event came from';
  return null;
}

/** A field of a hostile event, bounded for a log line (the logger serialises it as JSON). */
function shortText(value: unknown): string {
  if (typeof value === 'string') return value.slice(0, 80);
  return value === undefined ? '(missing)' : typeof value;
}

/** The EventBridge Scheduler/rule tick that runs the sweep of held-back alerts. */
export function isScheduledEvent(event: unknown): boolean {
  return isObject(event) && event['detail-type'] === 'Scheduled Event' && event.source === 'aws.events';
}
