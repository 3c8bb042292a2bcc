/**
 * What a backfill reader hands the pipeline, and what it counts on the way. Readers filter denials
 * themselves (or have the query engine do it), so the pipeline sees denials, unreadable inputs and
 * checkpoints; `records` counts everything read, `denials` what was passed on.
 */
import { isObject, own, str } from '../aws/json';
import { isAccessProblem } from '../cloudtrail/classify';
import { readErrorFields } from '../cloudtrail/error-fields';
import type { Checkpoint } from './cursor';

export type BackfillItem =
  { kind: 'record'; record: Record<string, unknown> } | { kind: 'error'; error: string } | { kind: 'checkpoint'; checkpoint: Checkpoint };

/** Counters shared by a reader (which fills them) and the progress line (which shows them). */
export class BackfillStats {
  pages = 0;
  objects = 0;
  records = 0;
  denials = 0;
  /** Requests that were throttled or failed transiently and were retried. */
  retries = 0;
  /** Bytes the query engine scanned (Athena, CloudTrail Lake): what the query is billed on. */
  bytesScanned = 0;
  /** Units of work in the run when known (regions, day prefixes, 1 for a query), for the ETA. */
  totalUnits: number | null = null;
  private readonly fractions = new Map<string, number>();

  /** How far one unit is, from 0 to 1. */
  setUnitFraction(unit: string, fraction: number): void {
    this.fractions.set(unit, Math.min(1, Math.max(0, fraction)));
  }

  /** The run's done fraction over every unit, or null when the amount of work is unknown. */
  fraction(): number | null {
    if (this.totalUnits === null || this.totalUnits <= 0) return null;
    let sum = 0;
    for (const f of this.fractions.values()) sum += f;
    return Math.min(1, sum / this.totalUnits);
  }
}

export interface Window {
  since: Date;
  until: Date;
}

/** True when the record's eventTime is in [since, until); a record without a readable time is kept (the pipeline reports it). */
export function inWindow(record: Record<string, unknown>, window: Window): boolean {
  const time = Date.parse(str(record, 'eventTime', 64) ?? '');
  if (Number.isNaN(time)) return true;
  return time >= window.since.getTime() && time < window.until.getTime();
}

/** True when the record is an access problem by the decoder's own rules (the same as the deployed rule's). */
export function isDenialRecord(record: Record<string, unknown>): boolean {
  const fields = readErrorFields(record);
  return isAccessProblem(fields.code, fields.message);
}

/**
 * The items of one CloudTrail log file (`{"Records": [...]}`, as the trail writes it to S3): its
 * denials in the window, or one error item naming the file when it is not such a document.
 * `seen` is the number of records the file holds.
 */
export function logFileItems(text: string, where: string, window: Window): { items: BackfillItem[]; seen: number } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { items: [{ kind: 'error', error: `${where}: not JSON (${(err as Error).message.slice(0, 120)})` }], seen: 0 };
  }
  const records = isObject(value) ? own(value, 'Records') : undefined;
  if (!Array.isArray(records)) return { items: [{ kind: 'error', error: `${where}: not a CloudTrail log file (no "Records" array)` }], seen: 0 };
  const items: BackfillItem[] = [];
  records.forEach((r, i) => {
    if (!isObject(r)) items.push({ kind: 'error', error: `${where}: Records[${i}] is not an object` });
    else if (isDenialRecord(r) && inWindow(r, window)) items.push({ kind: 'record', record: r });
  });
  return { items, seen: records.length };
}
