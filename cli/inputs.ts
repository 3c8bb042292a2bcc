import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readInputs, type InputItem } from '../lib/cloudtrail/input';
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
 * them in input order: the `input` index of an error line points into this sequence.
 */
export async function readAllInputs(paths: string[], io: CliIo): Promise<InputItem[]> {
  const texts = paths.length === 0 ? [await io.readStdin()] : expandPaths(paths, io.cwd).map((f) => readFileSync(f, 'utf8'));
  const items: InputItem[] = [];
  for (const text of texts) {
    for (const item of readInputs(text)) items.push({ ...item, index: items.length });
  }
  return items;
}
