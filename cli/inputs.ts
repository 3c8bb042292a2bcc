import { createReadStream, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip, type ZlibOptions } from 'node:zlib';
import type { InputItem } from '../lib/cloudtrail/input';
import { streamInputs } from '../lib/cloudtrail/input-stream';
import { sniffFormat, SNIFF_BYTES } from '../lib/cloudtrail/input-format';
import { filterIsActive, parseLogPath, pathWanted, type LogPathFilter } from '../lib/cloudtrail/log-path';
import type { CliIo } from './io';

/** Files a directory walk reads: JSON, JSON Lines, and the same gzipped (CloudTrail's S3 objects). */
const RECORD_FILE = /\.(json|jsonl|ndjson)(\.gz)?$/i;
/** After this many unreadable lines in a row, the rest of a file is skipped with one line saying why. */
export const MAX_CONSECUTIVE_ERRORS = 20;
/** How standard input is named in error lines. */
export const STDIN_NAME = '<stdin>';

/** One input source: a file (with the name error lines use), standard input, or a path that cannot give records. */
export type InputSource = { file: string; name: string } | { stdin: true } | { problem: string };

/** The record files under a directory, recursively, sorted (runs are reproducible); digests and unwanted folders are skipped. */
function* walk(dir: string, name: string, filter: LogPathFilter, seen: Set<string>): Generator<InputSource> {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    return;
  }
  if (seen.has(real)) return; // a symbolic link back up the tree
  seen.add(real);
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch (err) {
    yield { problem: `cannot read directory ${name}: ${(err as Error).message}` };
    return;
  }
  for (const entry of entries) {
    if (entry.startsWith('.')) continue;
    const full = join(dir, entry);
    const shown = join(name, entry);
    if (!pathWanted(parseLogPath(full), filter)) continue;
    let stat;
    try {
      stat = statSync(full);
    } catch {
      continue; // a dangling link
    }
    if (stat.isDirectory()) yield* walk(full, shown, filter, seen);
    else if (stat.isFile() && RECORD_FILE.test(entry)) yield { file: full, name: shown };
  }
}

/**
 * Expands the command line's paths to sources, lazily: directories recursively (CloudTrail's S3 layout
 * included: `AWSLogs/.../CloudTrail/<region>/YYYY/MM/DD/*.json.gz`), `-` for standard input. A missing
 * path or a directory with nothing to read is a problem of that input, reported in its place.
 */
export function* expandPaths(paths: string[], cwd: string, filter: LogPathFilter = {}): Generator<InputSource> {
  for (const p of paths) {
    if (p === '-') {
      yield { stdin: true };
      continue;
    }
    const full = resolve(cwd, p);
    let isDir: boolean;
    try {
      isDir = statSync(full).isDirectory();
    } catch {
      yield { problem: `cannot read ${p}: no such file or directory` };
      continue;
    }
    if (!isDir) {
      // A file named on the command line is read even when its name is not *.json: the user chose it.
      if (pathWanted(parseLogPath(full), filter)) yield { file: full, name: p };
      continue;
    }
    let found = false;
    for (const source of walk(full, p, filter, new Set())) {
      found = true;
      yield source;
    }
    if (!found) yield { problem: `${p}: no *.json, *.jsonl, *.ndjson (or .gz) files found${filterIsActive(filter) ? ' that match the filters' : ''}` };
  }
}

/** How far reading has got: bytes of the input files read, and their total size when known (not for standard input). */
export interface ReadProgress {
  consumed: number;
  total: number | null;
}

/** The input is not something to read (binary, another compression): one line, not one per line of it. */
class UnsupportedInput extends Error {}

/**
 * The text of a byte stream, gunzipped when it starts with gzip's magic bytes (the name does not
 * matter: S3 downloads lose their extension, standard input has none), decoded as UTF-8 (characters
 * split across chunks kept whole).
 */
async function* textOf(bytes: AsyncIterable<Uint8Array>, nested = false): AsyncGenerator<string> {
  const it = bytes[Symbol.asyncIterator]();
  try {
    const head: Uint8Array[] = [];
    let length = 0;
    let ended = false;
    // A source that fails within the first bytes (a small gzip with a cut trailer) still gives what came before.
    let failure: { error: unknown } | undefined;
    while (length < SNIFF_BYTES) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await it.next();
      } catch (error) {
        failure = { error };
        ended = true;
        break;
      }
      if (next.done) {
        ended = true;
        break;
      }
      head.push(next.value);
      length += next.value.length;
    }
    const first = Buffer.concat(head);
    const format = sniffFormat(first);
    if (format.kind === 'unsupported' || (nested && format.kind === 'gzip'))
      throw new UnsupportedInput(format.kind === 'gzip' ? 'gzip inside gzip' : format.reason);
    const all = (async function* () {
      if (first.length > 0) yield first;
      while (!ended) {
        const next = await it.next();
        if (next.done) return;
        yield next.value;
      }
      if (failure) throw failure.error;
    })();
    if (format.kind === 'gzip') {
      yield* textOf(gunzip(all), true);
      return;
    }
    const decoder = new TextDecoder('utf-8');
    for await (const chunk of all) {
      const text = decoder.decode(chunk, { stream: true });
      if (text) yield text;
    }
    const tail = decoder.decode();
    if (tail) yield tail;
  } finally {
    await it.return?.();
  }
}

/**
 * Gunzips, handing out everything decompressed before a damage (a cut trailer, trailing garbage) and only
 * then the error. pipeline() and autoDestroy would destroy the stream on the error, and an async iterator
 * over a destroyed stream drops the output it still holds: the last records before the damage.
 */
async function* gunzip(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const unzip = createGunzip({ autoDestroy: false } as ZlibOptions);
  const source = Readable.from(bytes);
  source.once('error', (err) => unzip.destroy(err));
  source.pipe(unzip);
  try {
    for await (const chunk of unzip) yield chunk as Buffer;
  } finally {
    source.destroy();
    unzip.destroy();
  }
}

/** A file's bytes in chunks of 1 MiB, counting what was read (for progress). */
async function* fileBytes(path: string, onBytes: (n: number) => void): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) {
      onBytes((chunk as Buffer).length);
      yield chunk as Buffer;
    }
  } finally {
    stream.destroy();
  }
}

/** Standard input as bytes: streamed when the environment can, else its whole text. */
async function* stdinBytes(io: CliIo): AsyncGenerator<Uint8Array> {
  if (io.stdinBytes) yield* io.stdinBytes();
  else if (io.stdinChunks) for await (const chunk of io.stdinChunks()) yield Buffer.from(chunk, 'utf8');
  else yield Buffer.from(await io.readStdin(), 'utf8');
}

/** Why a source could not be read, as the end of an error line. */
function readFailure(err: unknown): string {
  if (err instanceof UnsupportedInput) return `${err.message}; skipped`;
  const code = (err as { code?: string }).code;
  if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR')
    return `gzip data is truncated or corrupt (${(err as Error).message}); the records before that point were read`;
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return (err as Error).message ?? String(err);
}

/**
 * Every input record from the paths (standard input when none is given, or for `-`), numbered across
 * all of them in input order. Inputs are read in chunks and records handed out one at a time, so
 * memory holds one line or one document, not a whole file, whatever the input's size.
 */
export async function* readAllInputs(paths: string[], io: CliIo, progress?: ReadProgress, filter: LogPathFilter = {}): AsyncGenerator<InputItem> {
  let index = 0;
  let done = 0;
  const sources: Iterable<InputSource> = paths.length === 0 ? [{ stdin: true }] : expandPaths(paths, io.cwd, filter);
  if (progress) progress.total = paths.length === 0 || paths.includes('-') ? null : totalSize(paths, io.cwd, filter);
  for (const source of sources) {
    if ('problem' in source) {
      yield { index: index++, error: source.problem, at: '' };
      continue;
    }
    let name = STDIN_NAME;
    let bytes: AsyncIterable<Uint8Array>;
    if ('stdin' in source) {
      if (io.stdinIsTTY)
        io.stderr.write('access-auditor: reading CloudTrail records from standard input (end with Ctrl-D); give FILE or DIR to read files, --help for more\n');
      bytes = stdinBytes(io);
    } else {
      name = displayName(source.name);
      bytes = fileBytes(source.file, (n) => {
        done += n;
        if (progress) progress.consumed = done;
      });
    }
    try {
      // Error texts name the file and line themselves; `at` marks them as placed.
      for await (const item of streamInputs(textOf(bytes), { source: name, maxConsecutiveErrors: MAX_CONSECUTIVE_ERRORS }))
        yield { ...item, index: index++, at: item.at ?? name };
    } catch (err) {
      yield { index: index++, error: `${name}: ${readFailure(err)}`, at: name };
    }
  }
}

/** Names as the user wrote them, without a leading ./ (error lines are then `logs/x.json.gz:3: ...`). */
function displayName(name: string): string {
  return name.startsWith('./') ? name.slice(2) : name;
}

/** The total size in bytes of the files the paths expand to (a second, cheap walk: no list of files is kept). */
function totalSize(paths: string[], cwd: string, filter: LogPathFilter): number {
  let total = 0;
  for (const source of expandPaths(paths, cwd, filter)) {
    if (!('file' in source)) continue;
    try {
      total += statSync(source.file).size;
    } catch {
      // gone meanwhile: reported when read
    }
  }
  return total;
}
