/**
 * Reads CloudTrail records from text, detecting the container by itself: one record, a CloudTrail
 * log file `{"Records": [...]}`, an EventBridge event whose `detail` is the record, `aws cloudtrail
 * lookup-events` output (`{"Events": [{"CloudTrailEvent": "<json>"}]}`), a JSON array of records, what
 * failed deliveries leave in dead-letter queues (`aws sqs receive-message` output, SQS events, Lambda
 * on-failure records), and JSON Lines of any of these, including pretty-printed documents spanning lines.
 *
 * Every input record gets exactly one item, in order, numbered from 0 across the whole text; what
 * cannot be read becomes an `{error}` item naming the line and the problem, and reading continues.
 */
import { isObject, own, str } from '../aws/json';

/**
 * `at` names where an item came from (`logs/x.json.gz:12`) when the reader was given the input's name;
 * an error item's text then already starts with that place.
 */
export type InputItem = ({ index: number; record: Record<string, unknown> } | { index: number; error: string }) & { at?: string };

const MAX_ERROR_DETAIL = 160;
/** Scanning for the end of a multi-line document that turns out broken is bounded by this many extra characters overall. */
const MULTILINE_SCAN_BUDGET_FLOOR = 1 << 20;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a JSON array';
  if (typeof value === 'string') return 'a JSON string';
  return `a JSON ${typeof value}`;
}

function looksLikeRecord(value: Record<string, unknown>): boolean {
  return typeof own(value, 'eventName') === 'string' || typeof own(value, 'eventSource') === 'string';
}

/** Classifies one object: a record, an EventBridge event, a log file, lookup-events output, or nothing known. */
function itemsFromObject(value: Record<string, unknown>, next: () => number, where: string, out: InputItem[]): void {
  if (looksLikeRecord(value)) {
    out.push({ index: next(), record: value });
    return;
  }
  // What failed deliveries leave behind, so that `replay` can redrive them: SQS receive-message output
  // and SQS events (the dead-letter queues), and Lambda on-failure destination records.
  const messages = own(value, 'Messages');
  if (Array.isArray(messages) && messages.length > 0 && messages.every((m) => isObject(m) && typeof own(m, 'Body') === 'string')) {
    messages.forEach((m, i) => itemsFromEmbeddedJson(str(m, 'Body') as string, next, `${where}: Messages[${i}].Body`, out));
    return;
  }
  const requestPayload = own(value, 'requestPayload');
  if (isObject(requestPayload) && isObject(own(value, 'requestContext'))) {
    itemsFromObject(requestPayload, next, `${where}: requestPayload`, out);
    return;
  }
  const records = own(value, 'Records');
  if (
    Array.isArray(records) &&
    records.length > 0 &&
    records.every((r) => isObject(r) && own(r, 'eventSource') === 'aws:sqs' && typeof own(r, 'body') === 'string')
  ) {
    records.forEach((r, i) => itemsFromEmbeddedJson(str(r, 'body') as string, next, `${where}: Records[${i}].body`, out));
    return;
  }
  if (Array.isArray(records)) {
    records.forEach((r, i) => {
      if (isObject(r) && looksLikeRecord(r)) out.push({ index: next(), record: r });
      else
        out.push({
          index: next(),
          error: `${where}: Records[${i}] is ${isObject(r) ? 'an object without eventName or eventSource' : describe(r)}, not a CloudTrail record`,
        });
    });
    return;
  }
  const detail = own(value, 'detail');
  if (isObject(detail) && (own(value, 'detail-type') !== undefined || own(value, 'source') !== undefined)) {
    const detailType = own(value, 'detail-type');
    if (typeof detailType === 'string' && !/via CloudTrail$/i.test(detailType)) {
      out.push({ index: next(), error: `${where}: EventBridge event of detail-type "${detailType.slice(0, 80)}" does not carry a CloudTrail record` });
    } else if (!looksLikeRecord(detail)) {
      out.push({ index: next(), error: `${where}: EventBridge event whose detail has no eventName or eventSource` });
    } else {
      out.push({ index: next(), record: detail });
    }
    return;
  }
  const events = own(value, 'Events');
  if (Array.isArray(events)) {
    events.forEach((e, i) => {
      const embedded = str(e, 'CloudTrailEvent');
      if (embedded !== undefined) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(embedded);
        } catch (err) {
          out.push({ index: next(), error: `${where}: Events[${i}].CloudTrailEvent is not valid JSON (${errorDetail(err)})` });
          return;
        }
        if (isObject(parsed) && looksLikeRecord(parsed)) out.push({ index: next(), record: parsed });
        else out.push({ index: next(), error: `${where}: Events[${i}].CloudTrailEvent is not a CloudTrail record` });
      } else if (isObject(e) && looksLikeRecord(e)) {
        out.push({ index: next(), record: e });
      } else {
        out.push({ index: next(), error: `${where}: Events[${i}] has no CloudTrailEvent` });
      }
    });
    return;
  }
  out.push({
    index: next(),
    error: `${where}: JSON object is not a CloudTrail record (no eventName or eventSource), a log file {"Records": [...]}, or an EventBridge event`,
  });
}

/** A JSON document carried as a string (an SQS message body): its items, or one error item. */
function itemsFromEmbeddedJson(text: string, next: () => number, where: string, out: InputItem[]): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    out.push({ index: next(), error: `${where} is not valid JSON (${errorDetail(err)})` });
    return;
  }
  if (isObject(parsed)) itemsFromObject(parsed, next, where, out);
  else out.push({ index: next(), error: `${where} is ${describe(parsed)}, not a CloudTrail record or event` });
}

/**
 * Items from an already-parsed JSON value (the Lambda's event, or one document of a file).
 * @param startIndex index of the first item
 * @param where how to name the value's origin in error messages ("line 3", "event")
 */
export function readInputsFromValue(value: unknown, startIndex = 0, where = 'input'): InputItem[] {
  const out: InputItem[] = [];
  let index = startIndex;
  const next = (): number => index++;
  try {
    if (isObject(value)) {
      itemsFromObject(value, next, where, out);
    } else if (Array.isArray(value) && value.length > 0 && value.every(isObject)) {
      value.forEach((v, i) => itemsFromObject(v as Record<string, unknown>, next, `${where}, element ${i}`, out));
    } else {
      out.push({
        index: next(),
        error: `${where}: ${describe(value)}${Array.isArray(value) && value.length > 0 ? ' whose elements are not all objects' : ''} is not a CloudTrail record`,
      });
    }
  } catch (e) {
    out.push({ index: next(), error: `${where}: could not read the value (${errorDetail(e)})` });
  }
  return out;
}

/**
 * Items from one element of a document too long to hold whole (see ./input-stream.ts): an element of
 * `{"Records": [...]}` (a record, or an SQS record whose body carries one) or of a JSON array (any
 * container an object can be). `label` names it (`Records[3]`, `element 3`).
 */
export function recordsElementItems(value: unknown, startIndex: number, where: string, label: string, arrayElement: boolean): InputItem[] {
  const out: InputItem[] = [];
  let index = startIndex;
  const next = (): number => index++;
  try {
    if (arrayElement && isObject(value)) itemsFromObject(value, next, `${where}, ${label}`, out);
    else if (isObject(value) && own(value, 'eventSource') === 'aws:sqs' && typeof own(value, 'body') === 'string')
      itemsFromEmbeddedJson(str(value, 'body') as string, next, `${where}: ${label}.body`, out);
    else if (isObject(value) && looksLikeRecord(value)) out.push({ index: next(), record: value });
    else
      out.push({
        index: next(),
        error: `${where}: ${label} is ${isObject(value) ? 'an object without eventName or eventSource' : describe(value)}, not a CloudTrail record`,
      });
  } catch (e) {
    out.push({ index: next(), error: `${where}: could not read ${label} (${errorDetail(e)})` });
  }
  return out;
}

function errorDetail(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > MAX_ERROR_DETAIL ? `${m.slice(0, MAX_ERROR_DETAIL)}…` : m;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff;
}

/**
 * The end (exclusive) of the JSON object or array starting at `start`, tracking strings and escapes;
 * -1 when it does not close. Gives up at a raw line break inside a string (never valid JSON), and after
 * `limit` characters. `scanned` is how far it read.
 */
function findDocumentEnd(text: string, start: number, limit: number): { end: number; scanned: number } {
  let depth = 0;
  let inString = false;
  const stop = Math.min(text.length, start + limit);
  for (let i = start; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      else if (c === 10) return { end: -1, scanned: i - start };
    } else if (c === 34) {
      inString = true;
    } else if (c === 123 || c === 91) {
      depth++;
    } else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return { end: i + 1, scanned: i + 1 - start };
      if (depth < 0) return { end: -1, scanned: i - start };
    }
  }
  return { end: -1, scanned: stop - start };
}

/**
 * Reads every record in a text. Never throws; linear in the text's size.
 */
export function readInputs(text: string): InputItem[] {
  return [...iterateInputs(text)];
}

/**
 * The same items as {@link readInputs}, one at a time: a caller that handles each item before asking
 * for the next lets the records it is done with be collected, so a large file never sits in memory
 * twice (as parsed records and as results).
 */
export function* iterateInputs(text: string): Generator<InputItem> {
  let last = -1;
  try {
    for (const item of readFrom(typeof text === 'string' ? text : String(text))) {
      last = item.index;
      yield item;
    }
  } catch (e) {
    yield { index: last + 1, error: `could not read the input (${errorDetail(e)})` };
  }
}

function* readFrom(text: string): Generator<InputItem> {
  let pos = 0;
  let line = 1;
  let index = 0;
  let budget = Math.max(MULTILINE_SCAN_BUDGET_FLOOR, text.length);
  const countLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) line++;
  };

  while (pos < text.length) {
    const start = pos;
    while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++;
    countLines(start, pos);
    if (pos >= text.length) break;

    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd < 0) lineEnd = text.length;
    const lineText = text.slice(pos, lineEnd);
    let value: unknown;
    let parseError: unknown;
    try {
      value = JSON.parse(lineText);
    } catch (e) {
      parseError = e;
    }
    if (parseError === undefined) {
      const items = readInputsFromValue(value, index, `line ${line}`);
      index += items.length;
      yield* items;
      pos = lineEnd;
      continue;
    }

    // A pretty-printed document: its first line is not valid JSON alone, but the balanced text from it is.
    const first = text.charCodeAt(pos);
    if ((first === 123 || first === 91) && budget > 0) {
      const { end, scanned } = findDocumentEnd(text, pos, budget);
      if (end > lineEnd) {
        let doc: unknown;
        let ok = true;
        try {
          doc = JSON.parse(text.slice(pos, end));
        } catch {
          ok = false;
        }
        if (ok) {
          const items = readInputsFromValue(doc, index, `document at line ${line}`);
          index += items.length;
          yield* items;
          countLines(pos, end);
          pos = end;
          continue;
        }
      }
      budget -= scanned;
    }
    const snippet = lineText.length > 40 ? `${lineText.slice(0, 40)}…` : lineText;
    yield { index: index++, error: `line ${line}: invalid JSON (${errorDetail(parseError)}) in ${JSON.stringify(snippet)}` };
    pos = lineEnd;
  }
}
