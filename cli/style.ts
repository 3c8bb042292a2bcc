import { displayBlock, displayLine } from '../lib/display/sanitise';

/** Minimal ANSI styling that degrades to plain text when colour is off. */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const wrap = (on: boolean, open: number, close: number) => (s: string) => (on ? `\u001b[${open}m${s}\u001b[${close}m` : s);

export function makeStyle(color: boolean): Style {
  return {
    bold: wrap(color, 1, 22),
    dim: wrap(color, 2, 22),
    red: wrap(color, 31, 39),
    green: wrap(color, 32, 39),
    yellow: wrap(color, 33, 39),
    cyan: wrap(color, 36, 39),
  };
}

/**
 * The terminal's form of the one sanitiser (lib/display/sanitise.ts): escape sequences, control, bidi and
 * invisible characters removed, credentials masked. Line breaks are kept.
 */
export function printable(value: string): string {
  return displayBlock(value);
}

/** {@link printable} for values shown on one line (table cells, labels): line breaks become spaces. */
export function printableLine(value: string): string {
  return displayLine(value);
}
