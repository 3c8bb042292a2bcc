import type { ProposalSummary, RenderLimits, WeekOverWeek } from './types';
import type { ValidationVerdict } from '../denial/types';
import { isReady } from '../denial/readiness';

/** Whole numbers with thousands separators, independent of the machine's locale. */
export function formatCount(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(Math.trunc(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * An ISO time as people read it, to the minute: `2026-11-20 09:14 UTC` (seconds and `.000Z` are noise in
 * a report). Anything that is not an ISO time is returned as it is, for the caller to escape.
 */
export function formatUtcTime(iso: string): string {
  const t = Date.parse(iso);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(iso) || Number.isNaN(t)) return iso;
  const normal = new Date(t).toISOString();
  return `${normal.slice(0, 10)} ${normal.slice(11, 16)} UTC`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/**
 * One character per value, scaled to the largest. A zero is `·` so that a quiet day never looks like a
 * small one; any non-zero value gets at least the lowest block.
 */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values
    .map((v) => {
      if (v <= 0 || max === 0) return '·';
      const level = Math.min(BLOCKS.length - 1, Math.max(0, Math.ceil((v / max) * BLOCKS.length) - 1));
      return BLOCKS[level] ?? '·';
    })
    .join('');
}

/** "up 26 (+260%) from 10 the period before", "down 3 (-30%) ...", "same as the period before (10)". */
export function describeChange(wow: WeekOverWeek): string {
  if (wow.change === 0) return `same as the period before (${formatCount(wow.previousDenials)})`;
  const percent = wow.changePercent === null ? '' : ` (${wow.changePercent > 0 ? '+' : ''}${wow.changePercent}%)`;
  return `${wow.change > 0 ? 'up' : 'down'} ${formatCount(Math.abs(wow.change))}${percent} from ${formatCount(wow.previousDenials)} the period before`;
}

/** Row limits per medium: an email can hold more than a chat message, a wiki page more than both. */
export const TEXT_LIMITS: Readonly<RenderLimits> = Object.freeze({ top: 10, rows: 8, open: 20 });
export const CHAT_LIMITS: Readonly<RenderLimits> = Object.freeze({ top: 5, rows: 3, open: 5 });
export const PAGE_LIMITS: Readonly<RenderLimits> = Object.freeze({ top: 25, rows: 15, open: 200 });

/** True when the summary is of a ready fix ({@link isReady}: exact, and evaluation allows the call). */
export function summaryReady(proposal: ProposalSummary | null): boolean {
  return proposal !== null && isReady(proposal);
}

/** The proposal in a few words: "fix ready (scp)", "fix proposed, not validated (identity-policy)", "no fix proposed". */
export function fixWords(proposal: ProposalSummary | null): string {
  if (!proposal || proposal.kind === 'none') return 'no fix proposed';
  if (summaryReady(proposal)) return `fix ready (${proposal.kind})`;
  return `${FIX_STATE[proposal.validated]} (${proposal.kind})`;
}

const FIX_STATE: Readonly<Record<ValidationVerdict, string>> = {
  'simulated-allow': 'fix proposed',
  'simulated-deny': 'fix proposed, evaluation still denies',
  'unknown-context': 'fix proposed, depends on request context the record does not show',
  'needs-input': 'fix needs the exact resource filled in',
  'not-validated': 'fix proposed, not validated',
};
