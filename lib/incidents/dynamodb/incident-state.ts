import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AlertLedger, FollowUpLedger, StatusChangeOptions, StatusUpdater } from '../ports';
import type { AlertTrigger, FollowUpState, IncidentStatus, PendingAlert } from '../types';
import { getIncidentItem } from './queries';
import { CONDITION_FAILED, type TableAccess } from './table-access';
import { claimAlertUpdate, claimFollowUpUpdate, completeAlertUpdate, completeFollowUpUpdate, deferAlertUpdate, statusUpdate } from './update-expressions';

/**
 * The state of an existing incident, changed by one conditional UpdateItem each: its alert (claim, take
 * over a stale claim, defer, complete: the {@link AlertLedger}) and its status ({@link StatusUpdater}).
 * Neither ever creates an incident. The expressions are in update-expressions.ts.
 */
export class DynamoIncidentState implements AlertLedger, StatusUpdater, FollowUpLedger {
  constructor(private readonly table: TableAccess) {}

  /**
   * Claims the right to alert (see the port). Conditional on: the incident exists, no alert sent at or
   * after `windowStart`, and no pending alert other than one claimed by the same eventId (its retry).
   */
  async claimAlert(fingerprint: string, claim: PendingAlert, windowStart: Date, options: { replaces?: PendingAlert } = {}): Promise<boolean> {
    const input = claimAlertUpdate(this.table.tableName, fingerprint, claim, windowStart, options.replaces);
    const result = await this.table.conditional('claimAlert', 'UpdateItem', () => this.table.client.send(new UpdateItemCommand(input)));
    return result !== CONDITION_FAILED;
  }

  /** Keeps the first trigger held back by the window; does nothing when the incident does not exist. */
  async deferAlert(fingerprint: string, trigger: AlertTrigger): Promise<void> {
    const input = deferAlertUpdate(this.table.tableName, fingerprint, trigger);
    await this.table.conditional('deferAlert', 'UpdateItem', () => this.table.client.send(new UpdateItemCommand(input)));
  }

  /**
   * Records a sent alert. Changes nothing when `eventId` does not hold the pending claim, e.g. a retry
   * after this completion already succeeded.
   */
  async completeAlert(fingerprint: string, eventId: string, sentAt: Date, count: number): Promise<void> {
    const input = completeAlertUpdate(this.table.tableName, fingerprint, eventId, sentAt, count);
    await this.table.conditional('completeAlert', 'UpdateItem', () => this.table.client.send(new UpdateItemCommand(input)));
  }

  /** Claims the follow-up about a change event (see the port); false when it was sent already. */
  async claimFollowUp(fingerprint: string, claim: Omit<FollowUpState, 'sentAt'>): Promise<boolean> {
    const input = claimFollowUpUpdate(this.table.tableName, fingerprint, claim);
    const result = await this.table.conditional('claimFollowUp', 'UpdateItem', () => this.table.client.send(new UpdateItemCommand(input)));
    return result !== CONDITION_FAILED;
  }

  async completeFollowUp(fingerprint: string, eventId: string, sentAt: Date): Promise<void> {
    const input = completeFollowUpUpdate(this.table.tableName, fingerprint, eventId, sentAt);
    await this.table.conditional('completeFollowUp', 'UpdateItem', () => this.table.client.send(new UpdateItemCommand(input)));
  }

  /**
   * Moves the incident to `to` (and its `byStatus` key with it), only if it exists and, when `from` is
   * given, is still in `from`. `suppressedUntil` is kept only for `suppressed`; a suppression without it
   * lasts until the status changes. Returns false when the condition failed.
   */
  async setStatus(fingerprint: string, to: IncidentStatus, now: Date, options: StatusChangeOptions = {}): Promise<boolean> {
    const nowIso = now.toISOString();
    const input = statusUpdate(this.table.tableName, fingerprint, to, nowIso, options);
    const result = await this.table.conditional('setStatus', 'UpdateItem', () => this.table.client.send(new UpdateItemCommand(input)));
    if (result !== CONDITION_FAILED) return true;
    // An SDK retry of a write that did apply fails its own condition: recognise our change.
    const current = await getIncidentItem(this.table, fingerprint, 'setStatus');
    return current?.status?.S === to && current.statusChangedAt?.S === nowIso;
  }
}
