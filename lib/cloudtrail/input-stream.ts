/**
 * The same items as `iterateInputs` (./input.ts), read from a stream of text chunks instead of one
 * string, so that memory holds one line or one document at a time, never the whole input: JSON Lines,
 * pretty-printed documents spanning lines, and every container `readInputsFromValue` knows.
 *
 * Nothing is dropped that could be parsed: every line start that fails alone is tried as the start of a
 * multi-line document, answered for all of them by one forward pass (./document-scan.ts), so a truncated
 * line before a million records costs one scan, not one per line.
 *
 * One limit: a single document longer than `maxDocumentChars` (default 16 Mi characters) is not held
 * whole. When it is a CloudTrail log file `{"Records": [...]}` or a JSON array, its elements are split
 * off and read one at a time (each element alone, as `Records[i]` or `element i`; the keys after
 * `Records` are ignored); any other document that long is one error item, and reading goes on after it.
 */
import { DocumentScanner } from './document-scan';
import { Reader, SourceError } from './text-reader';
import { readInputsFromValue, recordsElementItems, type InputItem } from './input';

export const MAX_DOCUMENT_CHARS = 16 * 1024 * 1024;
/** Scanning for the end of multi-line documents that turn out broken is bounded (as in ./input.ts). */
const MULTILINE_SCAN_BUDGET_FLOOR = 1 << 20;
const MAX_ERROR_DETAIL = 160;

export interface StreamOptions {
  maxDocumentChars?: number;
  /** Called with the number of characters consumed so far (for progress). */
  onConsumed?: (chars: number) => void;
  /** Names the input in error messages (`logs/x.json.gz:12: invalid JSON ...`); without it, `line 12: ...`. */
  source?: string;
  /** After this many unreadable items in a row, one more item says the rest was skipped, and reading stops. */
  maxConsecutiveErrors?: number;
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

/** Every input item in the chunks, in order, numbered from 0. Never throws for bad input; an error of the chunks themselves is thrown. */
export async function* streamInputs(chunks: AsyncIterable<string>, options: StreamOptions = {}): AsyncGenerator<InputItem> {
  const limit = options.maxConsecutiveErrors ?? Number.POSITIVE_INFINITY;
  const r = new Reader(chunks, options.onConsumed);
  const where = new Where(options.source);
  let run = 0;
  try {
    for await (const item of readItems(r, options.maxDocumentChars ?? MAX_DOCUMENT_CHARS, where)) {
      run = 'error' in item ? run + 1 : 0;
      if (run > limit) {
        yield {
          index: item.index,
          error: `${where.line(r.line)}: ${limit} unreadable lines in a row; skipped the rest of this input (it does not look like CloudTrail JSON)`,
        };
        return;
      }
      yield item;
    }
  } finally {
    await r.close();
  }
}

/** Names places in the input for error messages: `file.json:12` with a source name, `line 12` without. */
class Where {
  constructor(private readonly source?: string) {}
  line(n: number): string {
    return this.source === undefined ? `line ${n}` : `${this.source}:${n}`;
  }
  document(n: number): string {
    return this.source === undefined ? `document at line ${n}` : `${this.source}:${n}`;
  }
  /** With a source name, each record says where it came from (for the errors found later, when it is decoded). */
  tag(items: InputItem[], n: number): InputItem[] {
    return this.source === undefined ? items : items.map((item) => ('record' in item ? { ...item, at: this.line(n) } : item));
  }
}

async function* readItems(r: Reader, max: number, where: Where): AsyncGenerator<InputItem> {
  const counter = { index: 0 };
  const scanner = new DocumentScanner();
  const fresh = { scanned: 0 };
  try {
    while (await r.skipSpaces()) {
      const line = r.line;
      const first = r.buf.charCodeAt(r.pos);
      const end = await r.lineEnd(max);
      if (end < 0) {
        if (first === 123 || first === 91) yield* readLongDocument(r, max, counter, line, where, scanner);
        else {
          yield { index: counter.index++, error: `${where.line(line)}: a line over ${max} characters that is not a JSON document` };
          await skipLine(r);
        }
        continue;
      }
      // Lengths, not indexes: reading on moves the buffer's start.
      const lineLength = end - r.pos;
      const lineText = r.buf.slice(r.pos, end);
      const parsed = tryParse(lineText);
      if (parsed.ok) {
        const items = where.tag(readInputsFromValue(parsed.value, counter.index, where.line(line)), line);
        counter.index += items.length;
        r.advance(end);
        yield* items;
        continue;
      }
      if (first === 123 || first === 91) {
        const doc = await findDocument(r, max, scanner, fresh);
        if (doc === 'too-long' && !isBrokenLine(r, scanner)) {
          yield* readLongDocument(r, max, counter, line, where, scanner);
          continue;
        }
        if (typeof doc === 'number' && doc > r.pos + lineLength) {
          const whole = tryParse(r.buf.slice(r.pos, doc));
          if (whole.ok) {
            const items = where.tag(readInputsFromValue(whole.value, counter.index, where.document(line)), line);
            counter.index += items.length;
            r.advance(doc);
            yield* items;
            continue;
          }
        }
      }
      if (RECORDS_HEAD.test(lineText.slice(0, 4096))) {
        // A log file on one line with a bad or cut record: its other records are read one by one.
        const one = lineReader(lineText);
        await one.more();
        yield* readLongDocument(one, max, counter, line, where, new DocumentScanner());
        r.advance(r.pos + lineLength);
        continue;
      }
      const snippet = lineText.length > 40 ? `${lineText.slice(0, 40)}…` : lineText;
      yield { index: counter.index++, error: `${where.line(line)}: invalid JSON (${errorDetail(parsed.error)}) in ${JSON.stringify(snippet)}` };
      r.advance(r.pos + lineLength);
    }
  } catch (e) {
    if (e instanceof SourceError) throw e.cause;
    yield { index: counter.index, error: `${where.line(r.line)}: could not read the input (${errorDetail(e)})` };
  }
}

/**
 * The end (index into buf) of the document starting at r.pos, reading on as needed: -1 when it cannot
 * close as one document, 'too-long' when it has not closed within `max` characters. Line starts are
 * answered by the one forward pass (./document-scan.ts); any other start (after a document that ended
 * mid-line) by a scan of its own, bounded overall like the whole-text reader's.
 */
async function findDocument(r: Reader, max: number, scanner: DocumentScanner, fresh: { scanned: number }): Promise<number | 'too-long'> {
  const start = r.consumed;
  if (scanner.scannedTo <= start) scanner.resetAt(start, r.column === 0);
  scanner.forget(start);
  scanner.scan(r.buf, r.base);
  let known = scanner.documentEnd(start);
  if (known === null) {
    if (fresh.scanned >= MULTILINE_SCAN_BUDGET_FLOOR + r.readTotal) return -1;
    const doc = await scanFresh(r, max);
    fresh.scanned += doc.scanned;
    return doc.end;
  }
  for (;;) {
    if (typeof known === 'number') return known - r.base;
    if (known === 'broken') return -1;
    if (scanner.scannedTo - start > max) return 'too-long';
    if (!(await r.more())) scanner.finish();
    else scanner.scan(r.buf, r.base);
    known = scanner.documentEnd(start) ?? 'broken';
  }
}

/** The end (index into buf) of the document starting at r.pos, by a scan of its own; -1 if it does not close. */
async function scanFresh(r: Reader, max: number): Promise<{ end: number | 'too-long'; scanned: number }> {
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

/** A reader over one line only, so that reading a damaged document's elements cannot run into the lines after it. */
function lineReader(text: string): Reader {
  return new Reader(
    (async function* () {
      yield text;
    })(),
  );
}

/** A line that opens a document which has not closed when a later line starts a new one at column 0 (and is not a log file or array, read element by element). */
function isBrokenLine(r: Reader, scanner: DocumentScanner): boolean {
  if (r.buf.charCodeAt(r.pos) === 91 || RECORDS_HEAD.test(r.buf.slice(r.pos, r.pos + 4096))) return false;
  return scanner.scannedTo > r.consumed && scanner.columnZeroAfter(r.consumed) !== null;
}

/**
 * A document longer than the buffer may hold: the elements of `{"Records": [...]}` or of an array one at
 * a time, or one error item for any other shape (skipped to its end). A "document" that does not close
 * before a line that starts a new one at column 0 is a broken line, not a huge document: one error for
 * that line, and the lines after it are read as usual.
 */
async function* readLongDocument(
  r: Reader,
  max: number,
  counter: { index: number },
  line: number,
  at: Where,
  scanner: DocumentScanner,
): AsyncGenerator<InputItem> {
  const head = RECORDS_HEAD.exec(r.buf.slice(r.pos, r.pos + 4096));
  const isArray = r.buf.charCodeAt(r.pos) === 91;
  if (!head && !isArray) {
    if (isBrokenLine(r, scanner)) {
      yield { index: counter.index++, error: `${at.line(line)}: invalid JSON: does not close within ${max} characters (a truncated line?)` };
      await skipLine(r);
      return;
    }
    yield {
      index: counter.index++,
      error: `${at.line(line)}: a document over ${max} characters that is not a log file {"Records": [...]} or a JSON array cannot be read; split it into JSON Lines`,
    };
    await skipDocument(r, scanner);
    return;
  }
  r.advance(r.pos + (head ? head[0].length : 1));
  const where = at.document(line);
  for (let i = 0; ; i++) {
    if (!(await skipSeparators(r))) {
      yield { index: counter.index++, error: `${where}: the input ends before the closing ] (a truncated file?); the elements before it were read` };
      return;
    }
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
      if (!(await skipSeparators(r))) return; // that element was the cut: already said
      continue;
    }
    const parsed = tryParse(element);
    const label = head ? `Records[${i}]` : `element ${i}`;
    const items = parsed.ok
      ? recordsElementItems(parsed.value, counter.index, where, label, !head)
      : [{ index: counter.index, error: `${where}: ${label} is not valid JSON (${errorDetail(parsed.error)})` }];
    counter.index += items.length;
    yield* at.tag(items, line);
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
    const doc = await scanFresh(r, max);
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

/**
 * Consumes a huge document without keeping it: to its end, or to the first column-0 bracket after its
 * start (where a new document plausibly begins: records after a broken document are still read).
 */
async function skipDocument(r: Reader, scanner: DocumentScanner): Promise<void> {
  const start = r.consumed;
  if (scanner.scannedTo <= start) scanner.resetAt(start, r.column === 0);
  for (;;) {
    scanner.scan(r.buf, r.base);
    const end = scanner.documentEnd(start);
    if (end === null) return skipValue(r);
    if (typeof end === 'number') return r.advance(end - r.base);
    const next = scanner.columnZeroAfter(start);
    if (next !== null) return r.advance(next - r.base);
    if (end === 'broken') return skipLine(r);
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
