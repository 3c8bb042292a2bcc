import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { iterateInputs, type InputItem } from '../lib/cloudtrail/input';
import type { CliIo } from './io';

const RECORD_FILE = /\.(json|jsonl|ndjson)$/i;

/** One input source: a file to read, or a path that cannot give records (reported as an error line). */
export type InputSource = { file: string } | { problem: string };

/**
 * Expands directories to their record files (sorted, so runs are reproducible; not recursive).
 * A missing path or a directory without record files is a problem of that input, reported in its
 * place, so the other inputs are still processed.
 */
export function expandPaths(paths: string[], cwd: string): InputSource[] {
  const sources: InputSource[] = [];
  for (const p of paths) {
    const full = resolve(cwd, p);
    let isDir: boolean;
    try {
      isDir = statSync(full).isDirectory();
    } catch {
      sources.push({ problem: `cannot read ${p}: no such file or directory` });
      continue;
    }
    if (!isDir) {
      sources.push({ file: full });
      continue;
    }
    const files = readdirSync(full)
      .sort()
      .filter((name) => RECORD_FILE.test(name) && statSync(join(full, name)).isFile())
      .map((name) => ({ file: join(full, name) }));
    if (files.length === 0)
      sources.push({ problem: `${p} is a directory with no *.json, *.jsonl or *.ndjson files (directories are not searched recursively)` });
    sources.push(...files);
  }
  return sources;
}

/**
 * Every input record from the files (or standard input when none is given), numbered across all of
 * them in input order: the `input` index of an error line points into this sequence. Files are read
 * one at a time and records are handed out one at a time, so memory holds one file's text, not every
 * parsed record.
 */
export async function* readAllInputs(paths: string[], io: CliIo): AsyncGenerator<InputItem> {
  let index = 0;
  if (paths.length === 0) {
    for (const item of iterateInputs(await io.readStdin())) yield { ...item, index: index++ };
    return;
  }
  for (const source of expandPaths(paths, io.cwd)) {
    if ('problem' in source) {
      yield { index: index++, error: source.problem };
      continue;
    }
    let text: string;
    try {
      text = readFileSync(source.file, 'utf8');
    } catch (err) {
      yield { index: index++, error: `cannot read ${source.file}: ${(err as Error).message}` };
      continue;
    }
    for (const item of iterateInputs(text)) yield { ...item, index: index++ };
  }
}
