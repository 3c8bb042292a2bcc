import type { Denial, Proposal } from '../../denial/types';

/**
 * Keeps the variable-size parts of an incident item inside DynamoDB's 400 KB item limit. The latest
 * denial and proposal are stored as JSON strings whose size is checked here; the rest of the item is
 * bounded by construction (capped distinct sets, capped value lengths).
 */

/** Budget for the latest denial (stored without its proposal, which has its own attribute). */
export const MAX_LATEST_BYTES = 64 * 1024;
/** Budget for the latest proposal. */
export const MAX_PROPOSAL_BYTES = 160 * 1024;
/** Longest session name, account or region kept in a distinct-values set. */
export const MAX_DISTINCT_VALUE_LENGTH = 256;

const byteLength = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** Cuts a string to `max` characters, marking the cut. */
export function truncate(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, Math.max(0, max - 1))}…`;
}

/** The denial as stored in `latest`: without its proposal, long free-text fields shortened if needed. */
export function fitDenial(denial: Denial, maxBytes = MAX_LATEST_BYTES): Denial {
  const { proposal: _proposal, ...rest } = denial;
  let fitted: Denial = rest;
  // Free text comes from the record (attacker-influenced lengths); our own fields are small.
  for (const limit of [4096, 512, 64]) {
    if (byteLength(fitted) <= maxBytes) return fitted;
    fitted = {
      ...fitted,
      errorMessage: fitted.errorMessage === null ? null : truncate(fitted.errorMessage, limit),
      ...(fitted.userAgent !== undefined ? { userAgent: truncate(fitted.userAgent, limit) } : {}),
      ...(fitted.resource !== null ? { resource: truncate(fitted.resource, limit) } : {}),
      reason: { ...fitted.reason, summary: truncate(fitted.reason.summary, limit) },
    };
  }
  if (byteLength(fitted) <= maxBytes) return fitted;
  throw new RangeError(`denial ${denial.eventId} does not fit in ${maxBytes} bytes even after trimming`);
}

const OPTIONAL_RENDERINGS = ['terraform', 'cli', 'policyAfter', 'diff'] as const;

/**
 * The proposal as stored: renderings dropped (largest value first in practice: Terraform, CLI, the whole
 * policy after the change, the diff), then statements, until it fits. Every cut is explained in `notes`
 * so that a reader knows to regenerate the proposal with `explain`.
 */
export function fitProposal(proposal: Proposal, maxBytes = MAX_PROPOSAL_BYTES): Proposal {
  if (byteLength(proposal) <= maxBytes) return proposal;
  // noteDetails goes first, silently: `notes` holds the same sentences, and the cuts below apply to `notes` alone.
  const { noteDetails: _noteDetails, ...withoutDetails } = proposal;
  if (byteLength(withoutDetails) <= maxBytes) return withoutDetails;
  let fitted: Proposal = { ...withoutDetails };
  const dropped: string[] = [];
  for (const key of OPTIONAL_RENDERINGS) {
    if (fitted[key] === undefined) continue;
    const { [key]: _removed, ...rest } = fitted;
    fitted = rest;
    dropped.push(key);
    if (byteLength(fitted) <= maxBytes - 512) break;
  }
  const note = (extra: string): string =>
    `Trimmed for storage (DynamoDB item size): ${[...dropped, extra].filter(Boolean).join(', ')}; regenerate it with \`access-auditor explain\`.`;
  fitted = { ...fitted, notes: [...fitted.notes.map((n) => truncate(n, 1024)).slice(0, 20), note('')] };
  if (byteLength(fitted) <= maxBytes) return fitted;

  const all = fitted.statements;
  const fits = (n: number): boolean => byteLength({ ...fitted, statements: all.slice(0, n) }) <= maxBytes - 512;
  // Largest prefix that fits: the size grows with the prefix length, so bisect.
  let [lo, hi] = [0, all.length];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  const kept = lo;
  const baseNotes = fitted.notes.slice(0, -1);
  return {
    ...fitted,
    statements: all.slice(0, kept),
    notes: [...baseNotes, note(`${all.length - kept} of ${all.length} statements`)],
  };
}
