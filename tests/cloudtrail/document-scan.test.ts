import fc from 'fast-check';
import { DocumentScanner } from '../../lib/cloudtrail/document-scan';

/** The reference: a scan of its own from `start`, as the reader did before the one-pass scanner. */
function scanFrom(text: string, start: number): number | 'broken' | 'open' {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '\n' && inString) return 'broken';
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return 'open';
}

/** Offsets of brackets that are the first non-blank character of their line. */
function lineStartBrackets(text: string): number[] {
  const out: number[] = [];
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\n') atLineStart = true;
    else if (atLineStart && (c === '{' || c === '[')) {
      out.push(i);
      atLineStart = false;
    } else if (c !== ' ' && c !== '\t' && c !== '\r') atLineStart = false;
  }
  return out;
}

const jsonish = fc.array(fc.constantFrom('{', '}', '[', ']', '"', '\\', 'a', ' ', '\n', '\n', ':', ','), { maxLength: 120 }).map((cs) => cs.join(''));

describe('DocumentScanner', () => {
  it('gives every line start the same answer as a scan of its own from there, however the text arrives', () => {
    fc.assert(
      fc.property(jsonish, fc.integer({ min: 1, max: 30 }), (text, size) => {
        const scanner = new DocumentScanner();
        for (let at = 0; at < text.length; at += size) scanner.scan(text.slice(0, at + size), 0);
        const open = lineStartBrackets(text).map((start) => [start, scanFrom(text, start)] as const);
        // Before the end of the input, a document still open is open; at the end it can no longer close.
        for (const [start, expected] of open) expect(scanner.documentEnd(start)).toBe(expected);
        scanner.finish();
        for (const [start, expected] of open) expect(scanner.documentEnd(start)).toBe(expected === 'open' ? 'broken' : expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('knows where a new document starts at column 0 after a broken line', () => {
    const text = '{"cut": \n{"a": 1}\n  {"b": 2}\n';
    const scanner = new DocumentScanner();
    scanner.scan(text, 0);
    expect(scanner.documentEnd(0)).toBe('open');
    expect(scanner.columnZeroAfter(0)).toBe(text.indexOf('{"a"'));
    scanner.forget(text.indexOf('{"a"') + 1);
    expect(scanner.columnZeroAfter(0)).toBeNull();
  });
});
