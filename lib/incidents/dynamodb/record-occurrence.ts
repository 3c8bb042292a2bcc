import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Denial } from '../../denial/types';
import { InvalidOccurrenceError, StoreError } from '../errors';
import type { OccurrenceRecorder, RecordOptions } from '../ports';
import type { Incident, Occurrence, RecordOutcome } from '../types';
import { toItem } from './attribute-values';
import { claimEvent, markCounted } from './event-marker';
import { incidentUpdate, NOT_READ, stringSetOf, type IncidentUpdateInput, type Snapshot } from './incident-update';
import { fitDenial, fitProposal } from './item-size';
import { incidentFromItem } from './item-mapping';
import { getIncidentItem } from './queries';
import { incidentPk, normalizeIsoTime, occurrenceSk, utcDay } from './table-design';
import { CONDITION_FAILED, type TableAccess } from './table-access';
import { dayRollupKey, dayRollupUpdate, incidentKey, removePendingEventUpdate, type ItemKey } from './update-expressions';

/** Settings of {@link DynamoOccurrenceRecorder}, validated by the store's constructor. */
export interface RecorderSettings {
  leaseMs: number;
  maxDistinct: number;
  occurrenceTtlDays: number;
  randomToken: () => string;
  onWarning: (message: string, details: Record<string, unknown>) => void;
}

const OPERATION = 'recordOccurrence';
/** Bound on optimistic retries of the incident update when concurrent events move first/last seen. */
const MAX_INCIDENT_UPDATE_ATTEMPTS = 25;

/**
 * Counts an occurrence exactly once per eventID, with the event-marker protocol of README.md: claim the
 * event (event-marker.ts), apply the three idempotent writes (incident, day rollup, occurrence), mark the
 * event counted, then remove the eventID guard from the counters (best effort, reported to `onWarning`).
 */
export class DynamoOccurrenceRecorder implements OccurrenceRecorder {
  constructor(
    private readonly table: TableAccess,
    private readonly settings: RecorderSettings,
    /** Reads the incident that a duplicate returns. */
    private readonly getIncident: (fingerprint: string) => Promise<Incident | null>,
  ) {}

  async recordOccurrence(denial: Denial, now: Date, options: RecordOptions = {}): Promise<RecordOutcome> {
    const input = this.storable(denial, now);
    const { eventId, fingerprint } = denial;
    const claim = await claimEvent(this.table, {
      eventId,
      fingerprint,
      eventTime: input.eventTime,
      now,
      token: options.owner ?? this.settings.randomToken(),
      leaseMs: this.settings.leaseMs,
    });
    if (claim.kind === 'duplicate') {
      const { fingerprint: markerFingerprint, eventTime: markerTime } = claim.marker;
      await this.cleanupPending(markerFingerprint, utcDay(markerTime), eventId);
      return { kind: 'duplicate', incident: await this.getIncident(markerFingerprint) };
    }
    // The three writes are independent and each is idempotent under its guard, so they run together;
    // the marker turns `counted` only after all of them succeeded.
    const [applied] = await Promise.all([
      this.applyToIncident(input),
      this.applyToDay(fingerprint, utcDay(input.eventTime), eventId),
      this.putOccurrence(denial, input.eventTime, now),
    ]);
    await markCounted(this.table, eventId, claim.token, now, this.settings.leaseMs);
    await this.cleanupPending(fingerprint, utcDay(input.eventTime), eventId);
    return { kind: 'counted', incident: applied.incident, created: applied.created };
  }

  /**
   * Validates the denial and fits it into the item size. Checked before the event is claimed, so that an
   * unstorable denial never leaves a pending marker.
   */
  private storable(denial: Denial, now: Date): IncidentUpdateInput {
    if (!denial.eventId) throw new InvalidOccurrenceError('denial has no eventId');
    if (!denial.fingerprint) throw new InvalidOccurrenceError(`denial ${denial.eventId} has no fingerprint`);
    const eventTime = normalizeIsoTime(denial.eventTime);
    if (eventTime === null) throw new InvalidOccurrenceError(`denial ${denial.eventId} has an invalid eventTime ${JSON.stringify(denial.eventTime)}`);
    let latest: Denial;
    try {
      latest = fitDenial(denial);
    } catch (err) {
      throw new InvalidOccurrenceError(`denial ${denial.eventId} is too large to store`, { cause: err });
    }
    const proposal = denial.proposal === undefined ? undefined : fitProposal(denial.proposal);
    return { denial, eventTime, latest, proposal, now };
  }

  /**
   * Step 3 for the incident item (the update is built by incident-update.ts). The first attempt reads
   * nothing and assumes the common case; when a condition fails, a consistent read decides which of
   * first/last seen this event moves and which values still fit, and the update is retried conditional on
   * that. First/last seen only move one way, so a clause found stale is never needed again and the retries end.
   */
  private async applyToIncident(input: IncidentUpdateInput): Promise<{ incident: Incident; created: boolean }> {
    const { fingerprint: fp, eventId: eid } = input.denial;
    let snapshot: Snapshot = NOT_READ;
    for (let attempt = 0; attempt < MAX_INCIDENT_UPDATE_ATTEMPTS; attempt++) {
      if (snapshot !== NOT_READ && snapshot && stringSetOf(snapshot, 'pendingEvents').includes(eid)) {
        // Counted by a previous owner that died before marking the event: do not count again.
        return { incident: incidentFromItem(snapshot), created: snapshot.createdBy?.S === eid };
      }
      const update = incidentUpdate(this.table.tableName, input, snapshot, this.settings.maxDistinct);
      const output = await this.table.conditional(OPERATION, 'UpdateItem', () => this.table.client.send(new UpdateItemCommand(update)));
      if (output !== CONDITION_FAILED) {
        const item = output.Attributes ?? {};
        return { incident: incidentFromItem(item), created: item.createdBy?.S === eid };
      }
      snapshot = await getIncidentItem(this.table, fp, OPERATION);
    }
    throw new StoreError(`incident ${fp}: gave up after ${MAX_INCIDENT_UPDATE_ATTEMPTS} contended updates`, {
      operation: `${OPERATION}/UpdateItem`,
    });
  }

  /** Step 3 for the day rollup: the same eventID guard as the incident, so the rollup is exact too. */
  private async applyToDay(fingerprint: string, day: string, eventId: string): Promise<void> {
    const update = dayRollupUpdate(this.table.tableName, fingerprint, day, eventId);
    await this.table.conditional(OPERATION, 'UpdateItem', () => this.table.client.send(new UpdateItemCommand(update)));
    // A failed condition means an earlier owner already counted this eventID in the rollup.
  }

  /** Step 3 for the occurrence: a put by key, idempotent. */
  private async putOccurrence(denial: Denial, eventTime: string, now: Date): Promise<void> {
    const occurrence: Occurrence = {
      fingerprint: denial.fingerprint,
      eventId: denial.eventId,
      eventTime,
      accountId: denial.accountId,
      callRegion: denial.callRegion,
      deniedRegion: denial.deniedRegion,
      principalArn: denial.principal.arn,
      expiresAt: this.occurrenceExpiry(now),
    };
    if (denial.principal.sessionName) occurrence.sessionName = denial.principal.sessionName;
    await this.table.run(OPERATION, 'PutItem', () =>
      this.table.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: {
            PK: { S: incidentPk(denial.fingerprint) },
            SK: { S: occurrenceSk(eventTime, denial.eventId) },
            ...toItem({ ...occurrence }),
          },
        }),
      ),
    );
  }

  /**
   * TTL of an occurrence: counted from when it is recorded, not from its eventTime, so that a backfill or
   * replay of old records keeps them readable for the whole retention period.
   */
  occurrenceExpiry(now: Date): number {
    return Math.floor(now.getTime() / 1000) + this.settings.occurrenceTtlDays * 86_400;
  }

  /** Step 5: removes the eventID guard from the incident and the day rollup. Best effort: a leftover entry is harmless. */
  private async cleanupPending(fingerprint: string, day: string, eventId: string): Promise<void> {
    const keys: ItemKey[] = [incidentKey(fingerprint), dayRollupKey(fingerprint, day)];
    await Promise.all(
      keys.map(async (key) => {
        const update = removePendingEventUpdate(this.table.tableName, key, eventId);
        try {
          await this.table.conditional(OPERATION, 'UpdateItem', () => this.table.client.send(new UpdateItemCommand(update)));
        } catch (err) {
          this.settings.onWarning('could not remove a counted eventID from pendingEvents', {
            eventId,
            key: `${key.PK.S}/${key.SK.S}`,
            error: err instanceof Error ? err.message : String(err),
          });
        }
      }),
    );
  }
}
