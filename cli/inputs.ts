import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { iterateInputs, type InputItem } from '../lib/cloudtrail/input';
import { UsageError } from '../lib/errors';
import type { CliIo } from './io';

const RECORD_FILE = /\.(json|jsonl|ndjson)$/i;

/** Expands directories to their record files (sorted, so runs are reproducible). */
export function expandPaths(paths: string[], cwd: string): string[] {
  const files: string[] = [];
  for (const p of paths) {
    const full = resolve(cwd, p);
    let isDir: boolean;
    try {
      isDir = statSync(full).isDirectory();
    } catch {
      throw new UsageError(`cannot read ${p}: no such file or directory`);
    }
    if (!isDir) {
      files.push(full);
      continue;
    }
    for (const name of readdirSync(full).sort()) {
      if (RECORD_FILE.test(name) && statSync(join(full, name)).isFile()) files.push(join(full, name));
    }
  }
  return files;
}

/**
 * Every input record from the files (or standard input when none is given), numbered across all of
 * them in input order: the `input` index of an error line points into this sequence. Files are read
 * one at a time and records are handed out one at a time, so memory holds one file's text, not every
 * parsed record. Paths are checked up front, so a typo fails before anything is processed.
 */
export async function* readAllInputs(paths: string[], io: CliIo): AsyncGenerator<InputItem> {
  const files = paths.length === 0 ? null : expandPaths(paths, io.cwd);
  const texts: Iterable<string> = files ? (function* () { for (const f of files) yield readFileSync(f, 'utf8'); })() : [await io.readStdin()];
  let index = 0;
  for (const text of texts) {
    for (const item of iterateInputs(text)) yield { ...item, index: index++ };
  }
}
