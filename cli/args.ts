import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../lib/errors';

/**
 * Command-line parsing for every command: Node's parseArgs, with the mistakes said the way people
 * expect (`unknown option --josn (did you mean --json?)`, `--since needs a value`), and positional
 * arguments checked (`start extra` is a mistake, not a file called "extra").
 */

type Options = NonNullable<ParseArgsConfig['options']>;

/** Edit distance (insertions, deletions, substitutions, adjacent swaps), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** The closest candidate when it is close enough to be a typo (or the only one the word starts), else null. */
export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const distance = editDistance(word.toLowerCase(), c.toLowerCase());
    if (distance < bestDistance) {
      best = c;
      bestDistance = distance;
    }
  }
  if (best !== null && bestDistance <= Math.max(1, Math.min(2, Math.floor(word.length / 3)))) return best;
  const prefixed = candidates.filter((c) => word.length >= 2 && c.startsWith(word));
  return prefixed.length === 1 ? (prefixed[0] as string) : null;
}

/** ` (did you mean X?)` or nothing. */
export function didYouMean(word: string, candidates: readonly string[], render: (c: string) => string = (c) => c): string {
  const match = closest(word, candidates);
  return match === null ? '' : ` (did you mean ${render(match)}?)`;
}

/** Checks every option word against the command's options before parseArgs sees it, for a clear message. */
function checkOptionNames(argv: string[], options: Options): void {
  // --profile and --region are taken by main for every command: suggest them too.
  const names = [...Object.keys(options), 'profile', 'region'];
  const shorts = new Map(Object.entries(options).flatMap(([n, o]) => (o.short ? [[o.short, n] as const] : [])));
  for (const arg of argv) {
    if (arg === '--') return;
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0] as string;
      if (!(name in options)) throw new UsageError(`unknown option --${name}${didYouMean(name, names, (c) => `--${c}`)}`);
    } else if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      for (const letter of arg.slice(1)) if (!shorts.has(letter)) throw new UsageError(`unknown option -${letter}`);
    }
  }
}

/** Turns parseArgs' own errors into one plain sentence. */
function plainParseError(err: unknown): UsageError {
  const message = (err as Error).message ?? String(err);
  const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? 'an option';
  const code = (err as { code?: string }).code ?? '';
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(message)) return new UsageError(`${option} takes no value`);
    return new UsageError(`${option} needs a value${/ambiguous/.test(message) ? ' (to give one that starts with "-", write it as ' + option + '=VALUE)' : ''}`);
  }
  return new UsageError(message.replace(/\. To specify a positional argument.*$/s, ''));
}

export interface Positionals {
  /** How many positional arguments the command takes at most (Infinity for files). */
  max: number;
  /** What they are, for the message when there are too many (`a fingerprint`). */
  what?: string;
}

/** Parses a command's arguments; every mistake is a {@link UsageError} with a plain message. */
export function parseCommandArgs<T extends Options>(argv: string[], options: T, positionals: Positionals) {
  checkOptionNames(argv, options);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw plainParseError(err);
  }
  if (parsed.positionals.length > positionals.max) {
    const extra = parsed.positionals[positionals.max] as string;
    const takes = positionals.max === 0 ? 'takes no arguments' : `takes ${positionals.what ?? `at most ${positionals.max} argument(s)`}`;
    throw new UsageError(`unexpected argument "${extra}": this command ${takes}`);
  }
  return parsed;
}
