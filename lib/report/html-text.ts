import { maskSecrets, stripControl, truncate } from '../notify/sns-text';
import { formatUtcTime } from './format';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(raw: string): string {
  return raw.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** An untrusted value made safe to show: single line, secrets masked, bounded; `-` when empty. Not escaped. */
export function cleanValue(raw: string | null | undefined, max = 200): string {
  const clean = raw == null ? '' : truncate(maskSecrets(stripControl(raw)), max);
  return clean === '' ? '-' : clean;
}

/** An untrusted value as escaped HTML text. */
export function text(raw: string | null | undefined, max = 200): string {
  return escapeHtml(cleanValue(raw, max));
}

/**
 * Splits a cleaned name into what may not be broken and where it may: runs that end with `:` or `/`
 * (a break is allowed after them), runs of other characters, and whitespace.
 */
export function nameSegments(clean: string): string[] {
  return clean.match(/[^\s:/]*[:/]|[^\s:/]+|\s+/g) ?? [];
}

/**
 * An untrusted name (action, ARN, principal, fingerprint) that wraps only after `:` and `/` or at a
 * space, never inside a word: each run between those points is an unbreakable span (`.nb`, white-space:
 * nowrap, which also stops the browser from breaking after a hyphen) and `<wbr>` marks the break after a
 * separator. `word-break: break-all` and `overflow-wrap: anywhere` would cut `InvokeMo|del`.
 */
export function name(raw: string | null | undefined, max = 200): string {
  return nameSegments(cleanValue(raw, max))
    .map((segment) => {
      if (/^\s+$/.test(segment)) return ' ';
      const span = `<span class="nb">${escapeHtml(segment)}</span>`;
      return /[:/]$/.test(segment) ? `${span}<wbr>` : span;
    })
    .join('');
}

/** A name in a code span (actions, regions, fingerprints). */
export function codeName(raw: string | null | undefined, max = 200): string {
  return `<code>${name(raw, max)}</code>`;
}

/** An ISO time as `2026-11-20 09:14 UTC`, kept on one line; anything else shown as an untrusted value. */
export function time(raw: string | null | undefined): string {
  return `<span class="nb">${text(raw == null ? raw : formatUtcTime(raw), 64)}</span>`;
}

/** A quoted attribute value from an untrusted string (cleaned, bounded, escaped). */
export function attribute(raw: string | null | undefined, max = 200): string {
  return `"${text(raw, max)}"`;
}
