/**
 * The resumable cursor of a backfill: which units of work (a region, a day's prefix, a query) are done
 * and, for the unfinished ones, the position after the last input whose records were all processed.
 * It is written after each page or object, once every record before that point went through the
 * pipeline, so an interrupted run resumes there; anything re-read after the cursor is counted once
 * anyway, because the pipeline's event markers make a second delivery of an event a duplicate.
 */
import { isObject, own } from '../aws/json';

export type BackfillSourceKind = 'lookup' | 's3' | 'athena' | 'lake';

export interface UnitProgress {
  done: boolean;
  /** Where to continue: an S3 key to start after, a LookupEvents time boundary, a query's result token. */
  position?: string;
}

export interface BackfillCursor {
  version: 1;
  source: BackfillSourceKind;
  /** What is read (bucket, regions, table, ...), without the window: see {@link cursorIdentity}. */
  target: string;
  /** The absolute window of the run this cursor belongs to (a resumed run keeps it, even if --since was relative). */
  since: string;
  until: string;
  complete: boolean;
  startedAt: string;
  updatedAt: string;
  units: Record<string, UnitProgress>;
}

/** Where cursors are kept: a file in the data dir, or an item in the incidents table. */
export interface CursorStore {
  /** Where, in words, for the summary ("file .access-auditor/backfill/s3-….json"). */
  readonly location: string;
  load(): Promise<BackfillCursor | null>;
  save(cursor: BackfillCursor): Promise<void>;
}

/**
 * A cursor's identity: the source and what it reads, canonicalised (sorted lists, no window), so that
 * `--since 7d` run today and resumed tomorrow finds the same cursor. Used in file names and table keys.
 */
export function cursorIdentity(source: BackfillSourceKind, target: Record<string, string | string[] | undefined>): string {
  const parts = Object.keys(target)
    .sort()
    .flatMap((k) => {
      const v = target[k];
      if (v === undefined || (Array.isArray(v) && v.length === 0)) return [];
      return [`${k}=${Array.isArray(v) ? [...v].sort().join(',') : v}`];
    });
  return `${source}:${parts.join(';')}`;
}

/** A short, file-name-safe digest of an identity (FNV-1a, 64 bits as two 32-bit halves): stable across runs and platforms. */
export function identityDigest(identity: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0xcbf29ce4;
  for (let i = 0; i < identity.length; i++) {
    const c = identity.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x01000193 ^ 0x5bd1e995) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

export function newCursor(source: BackfillSourceKind, target: string, window: { since: Date; until: Date }, now: Date): BackfillCursor {
  return {
    version: 1,
    source,
    target,
    since: window.since.toISOString(),
    until: window.until.toISOString(),
    complete: false,
    startedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    units: {},
  };
}

/** Checks a stored cursor's shape (it is a file a person may have edited); null when it is not one of ours. */
export function parseCursor(value: unknown): BackfillCursor | null {
  if (!isObject(value) || own(value, 'version') !== 1) return null;
  const source = own(value, 'source');
  if (source !== 'lookup' && source !== 's3' && source !== 'athena' && source !== 'lake') return null;
  const strings = ['target', 'since', 'until', 'startedAt', 'updatedAt'].map((k) => own(value, k));
  if (!strings.every((s) => typeof s === 'string')) return null;
  if (Number.isNaN(Date.parse(strings[1] as string)) || Number.isNaN(Date.parse(strings[2] as string))) return null;
  const units = own(value, 'units');
  if (!isObject(units)) return null;
  const parsedUnits: Record<string, UnitProgress> = {};
  for (const [key, unit] of Object.entries(units)) {
    if (!isObject(unit) || typeof own(unit, 'done') !== 'boolean') return null;
    const position = own(unit, 'position');
    if (position !== undefined && typeof position !== 'string') return null;
    parsedUnits[key] = { done: own(unit, 'done') as boolean, ...(position !== undefined ? { position } : {}) };
  }
  return {
    version: 1,
    source,
    target: strings[0] as string,
    since: strings[1] as string,
    until: strings[2] as string,
    startedAt: strings[3] as string,
    updatedAt: strings[4] as string,
    complete: own(value, 'complete') === true,
    units: parsedUnits,
  };
}

/** A checkpoint the reader emits: the unit's new position, or that it is done. */
export interface Checkpoint {
  unit: string;
  position?: string;
  done: boolean;
}

export function applyCheckpoint(cursor: BackfillCursor, checkpoint: Checkpoint, now: Date): BackfillCursor {
  const units = { ...cursor.units };
  units[checkpoint.unit] = checkpoint.done ? { done: true } : { done: false, ...(checkpoint.position !== undefined ? { position: checkpoint.position } : {}) };
  return { ...cursor, units, updatedAt: now.toISOString() };
}

/** How a run starts: resume an unfinished cursor of the same target, or start a new one. */
export type ResumeMode = 'auto' | 'resume' | 'restart';

export type StartDecision = { kind: 'resume'; cursor: BackfillCursor } | { kind: 'new'; cursor: BackfillCursor; replaced: 'none' | 'complete' | 'unfinished' };

/**
 * `auto` resumes an unfinished cursor and otherwise starts anew; `resume` insists on an unfinished one
 * (null: there is none, the caller says so); `restart` starts anew even over an unfinished one.
 */
export function decideStart(stored: BackfillCursor | null, mode: ResumeMode, fresh: () => BackfillCursor): StartDecision | null {
  const unfinished = stored !== null && !stored.complete;
  if (mode !== 'restart' && unfinished) return { kind: 'resume', cursor: stored };
  if (mode === 'resume') return null;
  return { kind: 'new', cursor: fresh(), replaced: stored === null ? 'none' : stored.complete ? 'complete' : 'unfinished' };
}
