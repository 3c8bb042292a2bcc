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

// C0/C1 controls (cursor moves, colours) and bidirectional overrides/isolates (text that reads backwards).
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Replaces control and bidi-override characters so a hostile value cannot move the cursor, recolour the terminal or reorder text. */
export function printable(value: string): string {
  return value.replace(UNPRINTABLE, '?');
}

/** {@link printable} for values shown on one line (table cells, labels): line breaks become spaces. */
export function printableLine(value: string): string {
  return printable(value).replace(/[\n\u2028\u2029]/g, ' ');
}
