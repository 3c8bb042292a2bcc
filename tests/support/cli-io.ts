import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../cli/io';

export interface CapturedIo extends CliIo {
  out(): string;
  err(): string;
}

/** An in-process CLI environment that records what the command prints. */
export function captureIo(
  options: {
    stdin?: string;
    /** Standard input as bytes (gzip...), or a stream of them. */
    stdinBytes?: Uint8Array | (() => AsyncIterable<Uint8Array>);
    stdinIsTTY?: boolean;
    tty?: boolean;
    cwd?: string;
    env?: Record<string, string>;
    now?: Date;
  } = {},
): CapturedIo {
  const bytes = options.stdinBytes;
  let out = '';
  let err = '';
  return {
    stdout: { write: (c: string) => (out += c), isTTY: options.tty ?? false },
    stderr: { write: (c: string) => (err += c) },
    readStdin: async () => options.stdin ?? '',
    ...(bytes === undefined
      ? {}
      : {
          stdinBytes:
            typeof bytes === 'function'
              ? bytes
              : async function* () {
                  yield bytes;
                },
        }),
    ...(options.stdinIsTTY ? { stdinIsTTY: true } : {}),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    now: () => options.now ?? new Date('2026-11-22T08:00:00Z'),
    out: () => out,
    err: () => err,
  };
}

const tempDirs: string[] = [];
// Registered when a suite imports this module: its temporary folders go when it ends.
afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A new empty folder under the system's temporary folder, removed after the calling suite. */
export function tempDir(prefix = 'access-auditor-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
