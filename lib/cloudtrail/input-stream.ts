/**
 * The same items as `iterateInputs` (./input.ts), read from a stream of text chunks instead of one
 * string, so that memory holds one line or one document at a time, never the whole input: JSON Lines,
 * pretty-printed documents spanning lines, and every container `readInputsFromValue` knows.
 *
 * One limit: a single document longer than `maxDocumentChars` (default 16 Mi characters) is not held
 * whole. When it is a CloudTrail log file `{"Records": [...]}` or a JSON array, its elements are split
 * off and read one at a time (each element alone, as `Records[i]` or `element i`; the keys after
 * `Records` are ignored); any other document that long is one error item, and reading goes on after it.
 */
import { readInputsFromValue, recordsElementItems, type InputItem } from './input';

export const MAX_DOCUMENT_CHARS = 16 * 1024 * 1024;
/** Scanning for the end of multi-line documents that turn out broken is bounded (as in ./input.ts). */
const MULTILINE_SCAN_BUDGET_FLOOR = 1 << 20;
const MAX_ERROR_DETAIL = 160;

export interface StreamOptions {
  maxDocumentChars?: number;
  /** Called with the number of characters consumed so far (for progress). */
  onConsumed?: (chars: number) => void;
}

/** Where a JSON scan is: nesting depth, inside a string, right after a backslash. */
interface ScanState {
  depth: number;
  inString: boolean;
  escaped: boolean;
}

/**
 * Advances `state` over `text[from, to)`; returns the index just past the character that closes the
 * value (depth back to 0), -1 to go on, or -2 when the text cannot be one JSON document (a raw line
 * break inside a string, or a closing bracket too many).
 */
function scan(text: string, from: number, to: number, state: ScanState): number {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (state.inString) {
      if (state.escaped) state.escaped = false;
      else if (c === 92) state.escaped = true;
      else if (c === 34) state.inString = false;
      else if (c === 10) return -2;
    } else if (c === 34) {
      state.inString = true;
    } else if (c === 123 || c === 91) {
      state.depth++;
    } else if (c === 125 || c === 93) {
      state.depth--;
      if (state.depth === 0) return i + 1;
      if (state.depth < 0) return -2;
    }
  }
  return -1;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff;
}

function errorDetail(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > MAX_ERROR_DETAIL ? `${m.slice(0, MAX_ERROR_DETAIL)}…` : m;
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The chunks themselves failed (a file that cannot be read): the caller's problem, passed on as it is. */
class SourceError {
  constructor(readonly cause: unknown) {}
}

/** A text buffer over the chunks: `buf[pos..]` is what has not been consumed yet. */
class Reader {
  buf = '';
  pos = 0;
  eof = false;
  line = 1;
  consumed = 0;
  readTotal = 0;
  private readonly it: AsyncIterator<string>;
  constructor(
    chunks: AsyncIterable<string>,
    private readonly onConsumed?: (chars: number) => void,
  ) {
    this.it = chunks[Symbol.asyncIterator]();
  }
  /** Reads one more chunk (dropping what was consumed); false at the end of the input. */
  async more(): Promise<boolean> {
    if (this.eof) return false;
    let next: IteratorResult<string>;
    try {
      next = await this.it.next();
    } catch (cause) {
      throw new SourceError(cause);
    }
    if (next.done) {
      this.eof = true;
      return false;
    }
    const chunk = typeof next.value === 'string' ? next.value : String(next.value);
    this.buf = this.buf.slice(this.pos) + chunk;
    this.pos = 0;
    this.readTotal += chunk.length;
    return true;
  }
  /** Consumes up to `to` (an index into buf), counting lines. */
  advance(to: number): void {
    for (let i = this.pos; i < to; i++) if (this.buf.charCodeAt(i) === 10) this.line++;
    this.consumed += to - this.pos;
    this.pos = to;
    this.onConsumed?.(this.consumed);
  }
  /** Skips blanks; false when nothing but blanks is left. */
  async skipSpaces(): Promise<boolean> {
    for (;;) {
      let i = this.pos;
      while (i < this.buf.length && isSpace(this.buf.charCodeAt(i))) i++;
      this.advance(i);
      if (this.pos < this.buf.length) return true;
      if (!(await this.more())) return false;
    }
  }
  /** The end of the current line (exclusive, relative to buf), reading on until it is in the buffer or `max` characters are. */
  async lineEnd(max: number): Promise<number> {
    let from = this.pos;
    for (;;) {
      const nl = this.buf.indexOf('\n', from);
      if (nl >= 0) return nl;
      if (this.buf.length - this.pos > max) return -1;
      from = this.buf.length;
      const before = this.pos;
      if (!(await this.more())) return this.buf.length;
      from -= before;
    }
  }
}

/** Every input item in the chunks, in order, numbered from 0. Never throws for bad input; an error of the chunks themselves is thrown. */
export async function* streamInputs(chunks: AsyncIterable<string>, options: StreamOptions = {}): AsyncGenerator<InputItem> {
  const max = options.maxDocumentChars ?? MAX_DOCUMENT_CHARS;
  const r = new Reader(chunks, options.onConsumed);
  const counter = { index: 0 };
  let scanned = 0;
  try {
    while (await r.skipSpaces()) {
      const line = r.line;
      const first = r.buf.charCodeAt(r.pos);
      const end = await r.lineEnd(max);
      if (end < 0) {
        if (first === 123 || first === 91) yield* readLongDocument(r, max, counter, line);
        else {
          yield { index: counter.index++, error: `line ${line}: a line over ${max} characters that is not a JSON document` };
          await skipLine(r);
        }
        continue;
      }
      // Lengths, not indexes: reading on moves the buffer's start.
      const lineLength = end - r.pos;
      const lineText = r.buf.slice(r.pos, end);
      const parsed = tryParse(lineText);
      if (parsed.ok) {
        const items = readInputsFromValue(parsed.value, counter.index, `line ${line}`);
        counter.index += items.length;
        r.advance(end);
        yield* items;
        continue;
      }
      if ((first === 123 || first === 91) && scanned < MULTILINE_SCAN_BUDGET_FLOOR + r.readTotal) {
        const doc = await findDocument(r, max);
        scanned += doc.scanned;
        if (doc.end === 'too-long') {
          yield* readLongDocument(r, max, counter, line);
          continue;
        }
        if (doc.end > r.pos + lineLength) {
          const whole = tryParse(r.buf.slice(r.pos, doc.end));
          if (whole.ok) {
            const items = readInputsFromValue(whole.value, counter.index, `document at line ${line}`);
            counter.index += items.length;
            r.advance(doc.end);
            yield* items;
            continue;
          }
        }
      }
      const snippet = lineText.length > 40 ? `${lineText.slice(0, 40)}…` : lineText;
      yield { index: counter.index++, error: `line ${line}: invalid JSON (${errorDetail(parsed.error)}) in ${JSON.stringify(snippet)}` };
      r.advance(r.pos + lineLength);
    }
  } catch (e) {
    if (e instanceof SourceError) throw e.cause;
    yield { index: counter.index, error: `could not read the input (${errorDetail(e)})` };
  }
}

/** The end (index into buf) of the document starting at r.pos, reading on as needed; -1 if it does not close. */
async function findDocument(r: Reader, max: number): Promise<{ end: number | 'too-long'; scanned: number }> {
  const state: ScanState = { depth: 0, inString: false, escaped: false };
  let from = r.pos;
  for (;;) {
    const end = scan(r.buf, from, r.buf.length, state);
    if (end >= 0) return { end, scanned: end - r.pos };
    if (end === -2) return { end: -1, scanned: r.buf.length - r.pos };
    if (r.buf.length - r.pos > max) return { end: 'too-long', scanned: r.buf.length - r.pos };
    const offset = r.buf.length - r.pos;
    if (!(await r.more())) return { end: -1, scanned: r.buf.length - r.pos };
    from = r.pos + offset;
  }
}

const RECORDS_HEAD = /^\{\s*"Records"\s*:\s*\[/;

/**
 * A document longer than the buffer may hold: the elements of `{"Records": [...]}` or of an array one at
 * a time, or one error item for any other shape (skipped to its end).
 */
async function* readLongDocument(r: Reader, max: number, counter: { index: number }, line: number): AsyncGenerator<InputItem> {
  const head = RECORDS_HEAD.exec(r.buf.slice(r.pos, r.pos + 4096));
  const isArray = r.buf.charCodeAt(r.pos) === 91;
  if (!head && !isArray) {
    yield {
      index: counter.index++,
      error: `line ${line}: a document over ${max} characters that is not a log file {"Records": [...]} or a JSON array cannot be read; split it into JSON Lines`,
    };
    await skipValue(r);
    return;
  }
  r.advance(r.pos + (head ? head[0].length : 1));
  const where = `document at line ${line}`;
  for (let i = 0; ; i++) {
    if (!(await skipSeparators(r))) return;
    if (r.buf.charCodeAt(r.pos) === 93) {
      r.advance(r.pos + 1);
      if (head) await skipValue(r, 1); // the rest of the log file object, after its Records array
      return;
    }
    const element = await readElement(r, max);
    if (element === null) {
      yield { index: counter.index++, error: `${where}: element ${i} is longer than ${max} characters or does not close` };
      // An object or array that long is skipped whole; the elements after it are still read.
      const c = r.buf.charCodeAt(r.pos);
      if (c !== 123 && c !== 91) return;
      await skipValue(r);
      continue;
    }
    const parsed = tryParse(element);
    const label = head ? `Records[${i}]` : `element ${i}`;
    const items = parsed.ok
      ? recordsElementItems(parsed.value, counter.index, where, label, !head)
      : [{ index: counter.index, error: `${where}: ${label} is not valid JSON (${errorDetail(parsed.error)})` }];
    counter.index += items.length;
    yield* items;
  }
}

/** Skips blanks and commas; false at the end of the input. */
async function skipSeparators(r: Reader): Promise<boolean> {
  for (;;) {
    if (!(await r.skipSpaces())) return false;
    if (r.buf.charCodeAt(r.pos) !== 44) return true;
    r.advance(r.pos + 1);
  }
}

/** The text of one array element (object, array or scalar) at r.pos, consumed; null when it outgrows `max` or the input ends. */
async function readElement(r: Reader, max: number): Promise<string | null> {
  const c = r.buf.charCodeAt(r.pos);
  if (c === 123 || c === 91) {
    const doc = await findDocument(r, max);
    if (typeof doc.end !== 'number' || doc.end < 0) return null;
    const text = r.buf.slice(r.pos, doc.end);
    r.advance(doc.end);
    return text;
  }
  // A scalar: up to the next comma or closing bracket outside a string.
  const state: ScanState = { depth: 0, inString: false, escaped: false };
  for (let i = r.pos; ; i++) {
    if (i >= r.buf.length) {
      const offset = i - r.pos;
      if (offset > max || !(await r.more())) return null;
      i = r.pos + offset;
    }
    const ch = r.buf.charCodeAt(i);
    if (!state.inString && (ch === 44 || ch === 93)) {
      const text = r.buf.slice(r.pos, i);
      r.advance(i);
      return text.trim();
    }
    if (state.inString) {
      if (state.escaped) state.escaped = false;
      else if (ch === 92) state.escaped = true;
      else if (ch === 34) state.inString = false;
    } else if (ch === 34) state.inString = true;
  }
}

/** Consumes the rest of the current line without keeping it. */
async function skipLine(r: Reader): Promise<void> {
  for (;;) {
    const nl = r.buf.indexOf('\n', r.pos);
    if (nl >= 0) {
      r.advance(nl);
      return;
    }
    r.advance(r.buf.length);
    if (!(await r.more())) return;
  }
}

/** Consumes the rest of a value without keeping it: from its start, or (depth 1) from inside it. */
async function skipValue(r: Reader, depth = 0): Promise<void> {
  const state: ScanState = { depth, inString: false, escaped: false };
  for (;;) {
    const end = scan(r.buf, r.pos, r.buf.length, state);
    if (end >= 0) {
      r.advance(end);
      return;
    }
    if (end === -2) state.inString = false;
    r.advance(r.buf.length);
    if (!(await r.more())) return;
  }
}
