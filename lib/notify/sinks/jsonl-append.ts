import { appendFile, mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What a repair moved aside: the incomplete last line, its size, and where it went. */
export interface TailRepair {
  bytes: number;
  keptIn: string;
}

const CHUNK = 64 * 1024;

/**
 * Appends one line to a JSON Lines file so that it always starts and ends a line of its own. A file whose
 * last line is incomplete (a process killed mid-write, a full disk) would glue the next line onto it: that
 * broken tail is first appended to `<path>.broken` (kept, never silently dropped), then cut off, so the
 * file holds only whole lines. The line goes in one write to a file opened for appending.
 */
export async function appendJsonLine(path: string, line: string, onRepair: (repair: TailRepair) => void = () => undefined): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const data = Buffer.from(line.endsWith('\n') ? line : `${line}\n`, 'utf8');
  const handle = await open(path, 'a+');
  try {
    const repair = await cutBrokenTail(handle, path);
    if (repair) onRepair(repair);
    const { bytesWritten } = await handle.write(data, 0, data.length);
    // A short write leaves a broken tail: the next append repairs it; this alert was not written.
    if (bytesWritten !== data.length) throw new Error(`only ${bytesWritten} of ${data.length} bytes were written`);
  } finally {
    await handle.close();
  }
}

/** Moves an incomplete last line to `<path>.broken` and truncates the file to its last whole line. */
async function cutBrokenTail(handle: FileHandle, path: string): Promise<TailRepair | undefined> {
  const { size } = await handle.stat();
  if (size === 0) return undefined;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  if (last[0] === 0x0a) return undefined;
  let start = 0;
  for (let end = size; end > 0; end -= CHUNK) {
    const from = Math.max(0, end - CHUNK);
    const chunk = Buffer.alloc(end - from);
    await handle.read(chunk, 0, chunk.length, from);
    const newline = chunk.lastIndexOf(0x0a);
    if (newline >= 0) {
      start = from + newline + 1;
      break;
    }
  }
  const tail = Buffer.alloc(size - start);
  await handle.read(tail, 0, tail.length, start);
  const keptIn = `${path}.broken`;
  // Kept first, cut second: a crash in between leaves the fragment twice, never nowhere.
  await appendFile(keptIn, Buffer.concat([tail, Buffer.from('\n')]));
  await handle.truncate(start);
  return { bytes: tail.length, keptIn };
}
