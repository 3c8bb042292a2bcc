import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { InputItem } from '../lib/cloudtrail/input';
import { streamInputs } from '../lib/cloudtrail/input-stream';
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

/** How far reading has got: characters consumed, and the total size of the files when known (not for standard input). */
export interface ReadProgress {
  consumed: number;
  total: number | null;
}

/** A file's text in chunks of about 1 MiB, decoded as UTF-8 (characters split across chunks are kept whole). */
async function* fileChunks(path: string): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  for await (const chunk of stream) yield chunk as string;
}

/** Standard input in chunks when the environment can stream it, else its whole text as one chunk. */
async function* stdinChunks(io: CliIo): AsyncGenerator<string> {
  if (io.stdinChunks) yield* io.stdinChunks();
  else yield await io.readStdin();
}

/**
 * Every input record from the files (or standard input when none is given), numbered across all of
 * them in input order: the `input` index of an error line points into this sequence. Inputs are read
 * in chunks and records are handed out one at a time, so memory holds one line or one document, not
 * a whole file (see lib/cloudtrail/input-stream.ts for the one limit, on single huge documents).
 */
export async function* readAllInputs(paths: string[], io: CliIo, progress?: ReadProgress): AsyncGenerator<InputItem> {
  let index = 0;
  let done = 0;
  const onConsumed = (chars: number): void => {
    if (progress) progress.consumed = done + chars;
  };
  if (paths.length === 0) {
    if (progress) progress.total = null;
    for await (const item of streamInputs(stdinChunks(io), { onConsumed })) yield { ...item, index: index++ };
    return;
  }
  const sources = expandPaths(paths, io.cwd);
  if (progress) progress.total = sources.reduce((sum, s) => sum + ('file' in s ? sizeOf(s.file) : 0), 0);
  for (const source of sources) {
    if ('problem' in source) {
      yield { index: index++, error: source.problem };
      continue;
    }
    const size = sizeOf(source.file);
    try {
      for await (const item of streamInputs(fileChunks(source.file), { onConsumed })) yield { ...item, index: index++ };
    } catch (err) {
      yield { index: index++, error: `cannot read ${source.file}: ${(err as Error).message}` };
    }
    done += size;
    onConsumed(0);
  }
}

/** A file's size in bytes (progress counts characters: the same for the ASCII CloudTrail writes), 0 when unknown. */
function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
