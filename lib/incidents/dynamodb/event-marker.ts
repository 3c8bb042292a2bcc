import { GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { EventInFlightError } from '../errors';
import { fromItem } from './attribute-values';
import { CONDITION_FAILED, type TableAccess } from './table-access';
import { claimMarkerPut, eventMarkerKey, markCountedUpdate, takeOverMarkerUpdate, type OccurrenceFields } from './update-expressions';

/**
 * The event marker `EVT#<eventId>` and its lease: steps 1, 2 and 4 of the exactly-once protocol
 * (README.md). A delivery becomes the owner of an eventID, learns that it is counted, or is told to
 * retry later ({@link EventInFlightError}); as owner it finally marks the event counted.
 */

const OPERATION = 'recordOccurrence';
const MAX_CLAIM_ATTEMPTS = 3;

export type MarkerState = 'pending' | 'counted';

export interface EventMarker {
  state: MarkerState;
  fingerprint: string;
  eventTime: string;
  owner: string;
  /** Epoch milliseconds. */
  leaseUntil: number;
}

export type EventClaim = { kind: 'owner'; token: string } | { kind: 'duplicate'; marker: EventMarker };

/** Who claims which event, when, for how long. */
export interface ClaimRequest {
  eventId: string;
  fingerprint: string;
  eventTime: string;
  now: Date;
  /** This delivery's owner token. */
  token: string;
  leaseMs: number;
  /** Epoch seconds at which DynamoDB's TTL removes the marker (the marker horizon). */
  expiresAt: number;
  /** The data-dir lock's token when this process is the table's only live writer: other owners' leases are dead. */
  exclusiveOwner?: string;
}

/** Steps 1–2 of the protocol: become the owner of the eventID, or learn that it is counted or in flight. */
export async function claimEvent(table: TableAccess, request: ClaimRequest): Promise<EventClaim> {
  const { eventId, token, now } = request;
  const leaseUntil = now.getTime() + request.leaseMs;
  for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
    const put = claimMarkerPut(table.tableName, { ...request, owner: token, leaseUntil });
    if ((await table.conditional(OPERATION, 'PutItem', () => table.client.send(new PutItemCommand(put)))) !== CONDITION_FAILED) {
      return { kind: 'owner', token };
    }

    const marker = await readMarker(table, eventId);
    if (marker === null) continue; // Removed by hand between our two calls: claim it again.
    if (marker.state === 'counted') return { kind: 'duplicate', marker };
    // Our own claim: the SDK retried a put whose response was lost, or this is a retry of a delivery
    // (same owner token) that died while counting. Every later step is idempotent, so carry on.
    if (marker.owner === token) return { kind: 'owner', token };
    if (marker.leaseUntil > now.getTime() && !ownerEnded(marker.owner, request.exclusiveOwner)) {
      throw new EventInFlightError(eventId, new Date(marker.leaseUntil));
    }

    const takeover = takeOverMarkerUpdate(table.tableName, { eventId, owner: token, leaseUntil, now }, marker.owner);
    if ((await table.conditional(OPERATION, 'UpdateItem', () => table.client.send(new UpdateItemCommand(takeover)))) !== CONDITION_FAILED) {
      return { kind: 'owner', token };
    }
    // Someone else took over or finished meanwhile: look again.
  }
  throw new EventInFlightError(eventId, new Date(leaseUntil), 'the event marker kept changing');
}

/**
 * Whether a lease's owner is known to have ended: under the embedded store's data-dir lock, every lease
 * not taken under this lock (its token is not a prefix) belongs to a process that no longer runs, since
 * the lock admits one process at a time. The protocol's guard sets make the takeover safe: an event the
 * dead owner had counted is not counted again.
 */
function ownerEnded(owner: string, exclusiveOwner: string | undefined): boolean {
  return exclusiveOwner !== undefined && !owner.startsWith(`${exclusiveOwner}/`);
}

/** The marker, read consistently; null when there is none. */
export async function readMarker(table: TableAccess, eventId: string): Promise<EventMarker | null> {
  const output = await table.run(OPERATION, 'GetItem', () =>
    table.client.send(new GetItemCommand({ TableName: table.tableName, Key: eventMarkerKey(eventId), ConsistentRead: true })),
  );
  if (!output.Item) return null;
  const m = fromItem(output.Item);
  return {
    state: m.state === 'counted' ? 'counted' : 'pending',
    fingerprint: String(m.fingerprint ?? ''),
    eventTime: String(m.eventTime ?? ''),
    owner: String(m.owner ?? ''),
    leaseUntil: typeof m.leaseUntil === 'number' ? m.leaseUntil : 0,
  };
}

/**
 * Step 4: the event is counted (until the marker horizon), and the marker records the occurrence.
 * Conditional on still owning it, so a lost lease cannot overwrite a new owner.
 */
export async function markCounted(table: TableAccess, token: string, now: Date, leaseMs: number, occurrence: OccurrenceFields): Promise<void> {
  const { eventId } = occurrence;
  const update = markCountedUpdate(table.tableName, eventId, token, now, occurrence);
  const result = await table.conditional(OPERATION, 'UpdateItem', () => table.client.send(new UpdateItemCommand(update)));
  if (result === CONDITION_FAILED) {
    // Our lease expired and another delivery took over; it will mark the event (its counters see our guard).
    throw new EventInFlightError(eventId, new Date(now.getTime() + leaseMs), 'the lease was lost to another delivery');
  }
}
