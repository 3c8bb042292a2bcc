/** A line-level unified diff (longest common subsequence), enough for pretty-printed policies. */

type Op = { kind: ' ' | '-' | '+'; line: string };

function lines(text: string): string[] {
  if (text === '') return [];
  return text.replace(/\n$/, '').split('\n');
}

function lcsOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // Table of LCS lengths of suffixes; policies are small (hundreds of lines), so O(n*m) is fine.
  const table: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    const row = table[i]!;
    const next = table[i + 1]!;
    for (let j = m - 1; j >= 0; j--) {
      row[j] = a[i] === b[j] ? next[j + 1]! + 1 : Math.max(next[j]!, row[j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i]! });
      i++;
      j++;
    } else if (table[i + 1]![j]! >= table[i]![j + 1]!) {
      ops.push({ kind: '-', line: a[i]! });
      i++;
    } else {
      ops.push({ kind: '+', line: b[j]! });
      j++;
    }
  }
  while (i < n) ops.push({ kind: '-', line: a[i++]! });
  while (j < m) ops.push({ kind: '+', line: b[j++]! });
  return ops;
}

export interface DiffOptions {
  fromFile?: string;
  toFile?: string;
  /** Unchanged lines shown around each change (default 3). */
  context?: number;
}

/** Unified diff of two texts; empty string when they are equal. */
export function unifiedDiff(before: string, after: string, options: DiffOptions = {}): string {
  const a = lines(before);
  const b = lines(after);
  const ops = lcsOps(a, b);
  if (ops.every((o) => o.kind === ' ')) return '';
  const context = options.context ?? 3;
  const changed = ops.map((o, k) => (o.kind !== ' ' ? k : -1)).filter((k) => k >= 0);
  // Group changes whose context windows touch into hunks.
  const hunks: Array<[number, number]> = [];
  for (const k of changed) {
    const start = Math.max(0, k - context);
    const end = Math.min(ops.length - 1, k + context);
    const last = hunks[hunks.length - 1];
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else hunks.push([start, end]);
  }
  const out = [`--- ${options.fromFile ?? 'a'}`, `+++ ${options.toFile ?? 'b'}`];
  // Line numbers before each op index.
  const aLine: number[] = [];
  const bLine: number[] = [];
  let ai = 1;
  let bi = 1;
  for (const o of ops) {
    aLine.push(ai);
    bLine.push(bi);
    if (o.kind !== '+') ai++;
    if (o.kind !== '-') bi++;
  }
  for (const [start, end] of hunks) {
    const slice = ops.slice(start, end + 1);
    const aCount = slice.filter((o) => o.kind !== '+').length;
    const bCount = slice.filter((o) => o.kind !== '-').length;
    const aStart = aCount === 0 ? aLine[start]! - 1 : aLine[start]!;
    const bStart = bCount === 0 ? bLine[start]! - 1 : bLine[start]!;
    out.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@`);
    for (const o of slice) out.push(`${o.kind}${o.line}`);
  }
  return `${out.join('\n')}\n`;
}

/** Applies a unified diff produced by {@link unifiedDiff} to `before` (used to test the diff). */
export function applyUnifiedDiff(before: string, diff: string): string {
  const source = lines(before);
  const result: string[] = [];
  let cursor = 0;
  const diffLines = lines(diff);
  for (let k = 0; k < diffLines.length; k++) {
    const line = diffLines[k]!;
    const header = /^@@ -(\d+),(\d+) \+\d+,\d+ @@$/.exec(line);
    if (!header) continue;
    const aStart = Number(header[1]);
    const aCount = Number(header[2]);
    const startIndex = aCount === 0 ? aStart : aStart - 1;
    while (cursor < startIndex) result.push(source[cursor++]!);
    for (k = k + 1; k < diffLines.length && !diffLines[k]!.startsWith('@@'); k++) {
      const body = diffLines[k]!;
      const kind = body[0];
      if (kind === ' ') {
        result.push(source[cursor++]!);
      } else if (kind === '-') {
        cursor++;
      } else if (kind === '+') {
        result.push(body.slice(1));
      }
    }
    k--;
  }
  while (cursor < source.length) result.push(source[cursor++]!);
  return result.length ? `${result.join('\n')}\n` : '';
}
