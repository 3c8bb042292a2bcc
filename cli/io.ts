/** The CLI's view of the process: injected so tests run commands in-process and read what they print. */
export interface CliIo {
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  readStdin(): Promise<string>;
  /** Standard input in chunks, so that a large input is never held whole (readStdin when absent). */
  stdinChunks?(): AsyncIterable<string>;
  /** Standard input as bytes, streamed (gzip is recognised by its magic bytes, so text decoding comes after). */
  stdinBytes?(): AsyncIterable<Uint8Array>;
  /** Standard input is a terminal: reading it waits for someone to type, so the CLI says so. */
  stdinIsTTY?: boolean;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  now(): Date;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: () =>
      new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        process.stdin.on('data', (c: Buffer) => chunks.push(c));
        process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        process.stdin.on('error', reject);
      }),
    stdinChunks: async function* () {
      process.stdin.setEncoding('utf8');
      for await (const chunk of process.stdin) yield chunk as string;
    },
    stdinBytes: async function* () {
      for await (const chunk of process.stdin) yield chunk as Buffer;
    },
    stdinIsTTY: Boolean(process.stdin.isTTY),
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
  };
}

/** ANSI colours only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(io: CliIo): boolean {
  return Boolean(io.stdout.isTTY) && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
}
