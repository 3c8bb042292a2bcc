/**
 * Where multi-line JSON documents end, found by one forward pass over the input instead of one scan
 * per candidate start: the streaming reader asks "where does the document starting at this line end?"
 * for every line that fails to parse alone, and a truncated line followed by a million records would
 * otherwise rescan those records once per broken line (or give up after a budget and drop records).
 *
 * The pass relies on one fact: a JSON document never holds a raw line break inside a string, so every
 * scan that crosses a line break is outside any string there. Every line start is therefore reached in
 * the same state by the pass and by a scan that starts at it, up to a nesting offset; matching each
 * line-start bracket with its closing bracket in one pass gives every answer at once.
 */

/** A line-start bracket whose document has not closed yet: its absolute offset and the nesting depth just inside it. */
interface Pending {
  start: number;
  depth: number;
}

/** The document starting at an offset: its end (exclusive), 'broken' (it cannot close as one document), or 'open' (not closed so far). */
export type DocumentEnd = number | 'broken' | 'open';

export class DocumentScanner {
  /** Absolute offset up to which the text has been scanned. */
  private frontier = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Only blanks since the last line break (or the start of the text). */
  private atLineStart = true;
  /** No character at all since the last line break: a bracket here is at column 0. */
  private atColumnZero = true;
  private readonly pending: Pending[] = [];
  private readonly pendingStarts = new Set<number>();
  private readonly ended = new Map<number, number | 'broken'>();
  /** Offsets of brackets at column 0 not yet passed by the reader: where a new top-level document plausibly begins. */
  private readonly columnZero: number[] = [];

  get scannedTo(): number {
    return this.frontier;
  }

  /** Scans `text`, whose first character is at absolute offset `base`, from the frontier to its end. */
  scan(text: string, base: number): void {
    for (let i = Math.max(0, this.frontier - base); i < text.length; i++) this.step(text.charCodeAt(i), base + i);
    this.frontier = Math.max(this.frontier, base + text.length);
  }

  /** The end of the input: documents still open never close. */
  finish(): void {
    this.breakAll();
  }

  /**
   * Starts the pass afresh at `offset` (a place the reader stands on, outside any document): what lay
   * before it is gone, and a scan from a line start or a document's start begins outside any string.
   */
  resetAt(offset: number, columnZero: boolean): void {
    this.breakAll();
    this.ended.clear();
    this.columnZero.length = 0;
    this.frontier = offset;
    this.atLineStart = true;
    this.atColumnZero = columnZero;
  }

  /** What is known of the document starting at `start`, or null when `start` is not a line-start bracket the pass has seen. */
  documentEnd(start: number): DocumentEnd | null {
    const end = this.ended.get(start);
    if (end !== undefined) return end;
    return this.pendingStarts.has(start) ? 'open' : null;
  }

  /** The first column-0 bracket after `offset` scanned so far, or null. */
  columnZeroAfter(offset: number): number | null {
    return this.columnZero.find((p) => p > offset) ?? null;
  }

  /** Forgets what lies before `offset`: the reader has consumed it (keeps memory bounded by the lookahead). */
  forget(offset: number): void {
    // Entries are set when documents close, not in offset order: look at every one.
    for (const key of this.ended.keys()) if (key < offset) this.ended.delete(key);
    let stale = 0;
    while (stale < this.pending.length && (this.pending[stale] as Pending).start < offset) stale++;
    // Older pending starts sit below the newer ones and only matter to themselves: dropping them is safe.
    for (const p of this.pending.splice(0, stale)) this.pendingStarts.delete(p.start);
    let passed = 0;
    while (passed < this.columnZero.length && (this.columnZero[passed] as number) < offset) passed++;
    if (passed > 0) this.columnZero.splice(0, passed);
  }

  private step(c: number, at: number): void {
    if (c === 10) {
      if (this.inString) this.breakAll();
      this.atLineStart = true;
      this.atColumnZero = true;
      return;
    }
    const blank = c === 32 || c === 9 || c === 13 || c === 0xfeff;
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (c === 92) this.escaped = true;
      else if (c === 34) this.inString = false;
    } else if (c === 34) {
      this.inString = true;
    } else if (c === 123 || c === 91) {
      this.depth++;
      if (this.atLineStart) {
        this.pending.push({ start: at, depth: this.depth });
        this.pendingStarts.add(at);
        if (this.atColumnZero) this.columnZero.push(at);
      }
    } else if (c === 125 || c === 93) {
      const top = this.pending[this.pending.length - 1];
      if (top && top.depth === this.depth) {
        this.pending.pop();
        this.pendingStarts.delete(top.start);
        this.ended.set(top.start, at + 1);
      }
      // A closing bracket too many only breaks documents that started before it; later ones start afresh.
      this.depth = Math.max(0, this.depth - 1);
    }
    if (!blank) this.atLineStart = false;
    this.atColumnZero = false;
  }

  /** A raw line break inside a string: no document open here can be valid; the next line starts afresh. */
  private breakAll(): void {
    for (const p of this.pending.splice(0)) this.ended.set(p.start, 'broken');
    this.pendingStarts.clear();
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
  }
}
