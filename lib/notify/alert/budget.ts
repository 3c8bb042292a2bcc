/**
 * The size budget of one alert: each level bounds what the email and chat forms may show; rendering
 * tries them in order until the whole publish fits SNS's limit (see ./render).
 */

/** Sizes used for one rendering attempt; each later level cuts the diff first, then the statements. */
export interface Budget {
  textStatements: number;
  textDiff: number;
  chatStatements: number;
  chatDiff: number;
  notes: number;
  noteChars: number;
  valueChars: number;
  proseChars: number;
}

// Email is the complete record, so the first level is generous; the byte limit then decides. The last
// level is small enough to fit whatever the input (every value and list is bounded).
export const BUDGETS: readonly Budget[] = [
  { textStatements: 40_000, textDiff: 40_000, chatStatements: 1_200, chatDiff: 600, notes: 20, noteChars: 1_000, valueChars: 1_024, proseChars: 2_000 },
  { textStatements: 40_000, textDiff: 8_000, chatStatements: 1_200, chatDiff: 600, notes: 10, noteChars: 500, valueChars: 512, proseChars: 1_000 },
  { textStatements: 20_000, textDiff: 0, chatStatements: 1_000, chatDiff: 0, notes: 6, noteChars: 300, valueChars: 256, proseChars: 600 },
  { textStatements: 6_000, textDiff: 0, chatStatements: 600, chatDiff: 0, notes: 3, noteChars: 200, valueChars: 160, proseChars: 400 },
  { textStatements: 0, textDiff: 0, chatStatements: 0, chatDiff: 0, notes: 1, noteChars: 160, valueChars: 96, proseChars: 240 },
];

export const CHAT_FIX_MAX_LINES = 30;
export const TEXT_FIX_MAX_LINES = 2_000;

/** Cuts text to `maxChars` characters and `maxLines` lines, preferably at a line break; says whether anything was cut. */
export function clip(text: string, maxChars: number, maxLines: number): { text: string; cut: boolean } {
  const lines = text.split('\n');
  let cut = lines.length > maxLines;
  let kept = lines.slice(0, maxLines).join('\n');
  if (kept.length > maxChars) {
    cut = true;
    const slice = kept.slice(0, Math.max(0, maxChars));
    const newline = slice.lastIndexOf('\n');
    kept = newline >= maxChars / 2 ? slice.slice(0, newline) : slice.replace(/[\uD800-\uDBFF]$/, '');
  }
  return { text: kept, cut };
}
