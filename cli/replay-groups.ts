// Replay's unit of work: records of one incident that follow one another are counted together on the
// embedded default; policy changes stand alone (the pool runs them as barriers).
import { processRecord, processRecords, type PipelineOutcome, type ProcessDeps } from '../lib/pipeline/process';
import type { BatchOccurrenceRecorder } from '../lib/incidents/ports';
import { RetryLaterError } from '../lib/errors';
import type { InputItem } from '../lib/cloudtrail/input';
import { decodeRecord } from '../lib/cloudtrail/decode';
import type { PoolResult } from '../lib/pipeline/ordered-pool';
import type { PolicyChangeDeps, PolicyChangeResult } from '../lib/pipeline/policy-change';
import { isChangeItem, LatestEventTime, processPolicyChange } from './replay-loop';

/**
 * What a record must be ordered on: its incident (the fingerprint, from the cheap decode step) and its
 * event ID, so that the records of one incident, and redeliveries of one event, are counted one after
 * another in input order (first and last seen, reopening and alert thresholds as a one-at-a-time run).
 */
export function orderKeys(item: InputItem): string[] {
  if ('error' in item) return [];
  const decoded = decodeRecord(item.record);
  if (decoded.kind === 'denial') return [`fp:${decoded.denial.fingerprint}`, `event:${decoded.denial.eventId}`];
  const eventId = item.record.eventID;
  return typeof eventId === 'string' ? [`event:${eventId}`] : [];
}

export type ItemOutcome =
  | { kind: 'unreadable'; index: number; error: string; at?: string }
  | { kind: 'processed'; index: number; outcome: PipelineOutcome }
  | { kind: 'change'; index: number; result: PolicyChangeResult };

/** What one replay shares across its records: the policy-change path and the latest event time seen. */
export interface ReplayContext {
  changeDeps: PolicyChangeDeps;
  latest: LatestEventTime;
}

async function replayItem(item: InputItem, deps: ProcessDeps, context: ReplayContext): Promise<ItemOutcome> {
  if ('error' in item) return { kind: 'unreadable', index: item.index, error: item.error, ...(item.at === undefined ? {} : { at: item.at }) };
  if (isChangeItem(item)) {
    const result = await processPolicyChange(item.record, context.changeDeps);
    if (result.kind === 'change') context.latest.see(result.change.eventTime);
    return { kind: 'change', index: item.index, result };
  }
  const outcome = await processRecord(item.record, deps);
  if (outcome.kind === 'counted') context.latest.see(outcome.denial.eventTime);
  return { kind: 'processed', index: item.index, outcome };
}

/** Records of one incident that follow one another in the input (a storm), counted together on the embedded default. */
export interface Group {
  items: InputItem[];
  keys: string[];
}

/** Records per group: one incident update counts them all, and each marker step fits one BatchWriteItem (25 items at most). */
export const GROUP_SIZE = 20;

/**
 * Groups consecutive records of one fingerprint with distinct event IDs (up to {@link GROUP_SIZE}); any
 * other record is a group of its own. Order within and between groups is the input's.
 */
export async function* groupConsecutive(items: AsyncIterable<InputItem>, size: number): AsyncGenerator<Group> {
  let group: Group | undefined;
  let fingerprint: string | undefined;
  for await (const item of items) {
    const keys = orderKeys(item);
    const fp = keys.find((k) => k.startsWith('fp:'));
    const event = keys.find((k) => k.startsWith('event:'));
    if (
      group &&
      !isChangeItem(item) &&
      fp !== undefined &&
      fp === fingerprint &&
      group.items.length < size &&
      event !== undefined &&
      !group.keys.includes(event)
    ) {
      group.items.push(item);
      group.keys.push(event);
      continue;
    }
    if (group) yield group;
    group = { items: [item], keys: [...keys] };
    fingerprint = fp;
  }
  if (group) yield group;
}

/**
 * A group's records through the pipeline: one at a time for a group of one, else counted together
 * (processRecords). Busy (another delivery holds one of its events): each record on its own, so that each
 * gets its own outcome; re-running them is safe, since every step is idempotent.
 */
export async function replayGroup(
  group: Group,
  deps: ProcessDeps & { store: BatchOccurrenceRecorder },
  context: ReplayContext,
): Promise<Array<PoolResult<InputItem, ItemOutcome>>> {
  const { items } = group;
  const one = async (item: InputItem): Promise<PoolResult<InputItem, ItemOutcome>> => {
    try {
      return { item, ok: true, value: await replayItem(item, deps, context) };
    } catch (error) {
      return { item, ok: false, error };
    }
  };
  if (items.length === 1) return [await one(items[0]!)];
  try {
    const records = items.map((item) => ('error' in item ? undefined : item.record));
    const outcomes = await processRecords(records, deps);
    for (const outcome of outcomes) if (outcome.kind === 'counted') context.latest.see(outcome.denial.eventTime);
    return outcomes.map((outcome, i) => ({ item: items[i]!, ok: true, value: { kind: 'processed', index: items[i]!.index, outcome } }));
  } catch (error) {
    if (!(error instanceof RetryLaterError)) throw error;
    const results: Array<PoolResult<InputItem, ItemOutcome>> = [];
    for (const item of items) results.push(await one(item));
    return results;
  }
}
