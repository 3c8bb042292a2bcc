import { UsageError } from '../lib/errors';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses `30m`, `12h`, `7d`, `2w` into milliseconds (at most a year: suppression is not deletion). */
export function parseDuration(text: string): number {
  const match = /^(\d{1,4})([mhdw])$/.exec(text.trim());
  if (!match) throw new UsageError(`"${text}" is not a duration: use a number and m, h, d or w, e.g. 7d`);
  const ms = Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  if (ms <= 0 || ms > 366 * UNIT_MS.d!) throw new UsageError(`duration ${text} must be between 1m and 366d`);
  return ms;
}
