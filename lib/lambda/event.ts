import { isObject } from '../aws/json';

/** The envelope check done at the edge, before the core sees the record. */
export type ParsedEvent = { kind: 'record'; record: Record<string, unknown>; eventId?: string; eventName?: string } | { kind: 'invalid'; reason: string };

/** Accepts an EventBridge event whose `detail` is a CloudTrail record. */
export function parseCloudTrailEvent(event: unknown): ParsedEvent {
  if (!isObject(event))
    return { kind: 'invalid', reason: `event is ${event === null ? 'null' : Array.isArray(event) ? 'an array' : typeof event}, not an object` };
  const detail = event.detail;
  if (!isObject(detail)) return { kind: 'invalid', reason: 'event has no "detail" object (expected an EventBridge event carrying a CloudTrail record)' };
  const detailType = event['detail-type'];
  if (typeof detailType === 'string' && !detailType.includes('via CloudTrail'))
    return { kind: 'invalid', reason: `detail-type "${detailType.slice(0, 80)}" is not a CloudTrail event` };
  const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 200) : undefined);
  return { kind: 'record', record: detail, eventId: text(detail.eventID), eventName: text(detail.eventName) };
}

/** The EventBridge Scheduler/rule tick that runs the sweep of held-back alerts. */
export function isScheduledEvent(event: unknown): boolean {
  return isObject(event) && event['detail-type'] === 'Scheduled Event' && event.source === 'aws.events';
}
