/**
 * The lifecycle sections of the weekly report (fixed with time to fix, broader fixes, regressions,
 * stale, expected denials by rule, expired rules, open incidents by age) for the text, Markdown and chat
 * renderers; HTML has its own (./render-html-loop). Untrusted values go through each medium's escaping.
 */
import { ELLIPSIS, chatCode, plainLine } from '../notify/sns-text';
import { formatCount, formatHours, formatUtcTime, plural } from './format';
import type { LoopSummary, RenderLimits, WeeklyReport } from './types';

/** "3 fixed by a policy change: median 5 h, p90 2 d" or "Nothing was fixed by a policy change." */
export function fixedSentence(loop: LoopSummary): string {
  const { fixed } = loop;
  if (fixed.count === 0) return 'Nothing was fixed by a policy change in this period.';
  return `${plural(fixed.count, 'incident')} fixed by a policy change: median time to fix ${formatHours(fixed.medianHours ?? 0)}, p90 ${formatHours(fixed.p90Hours ?? 0)}.`;
}

const RULE_STATE: Readonly<Record<string, string>> = {
  active: 'active',
  expired: 'EXPIRED',
  removed: 'no longer in the rules file',
  unknown: 'rules file not read',
};

function v(raw: string | undefined, max: number): string {
  return plainLine(raw ?? '', Math.max(1, max)) || '-';
}

function moreText(total: number, shown: number, what: string): string[] {
  return total > shown ? [`  ${ELLIPSIS} and ${plural(total - shown, what)} more`] : [];
}

/** Plain text, each line meant for the text renderer's 80-column fit. */
export function loopText(report: WeeklyReport, limits: RenderLimits): string[] {
  const { loop } = report;
  const out: string[] = ['Fixed this period', `  ${fixedSentence(loop)}`];
  for (const f of loop.fixed.incidents.slice(0, limits.open)) {
    out.push(`  ${formatHours(f.hoursToFix).padStart(10)}  ${v(f.action, 40)} by ${v(f.principal, 24)}`);
    out.push(`              fixed ${formatUtcTime(f.fixedAt)}${f.change ? ` by ${v(f.change, 30)}` : ''}${f.by ? ` of ${v(f.by, 30)}` : ''}`);
  }
  out.push(...moreText(loop.fixed.incidents.length, limits.open, 'fixed incident'), '');
  out.push('Fixes broader than proposed');
  if (loop.broaderThanProposal.length === 0) out.push('  None.');
  for (const f of loop.broaderThanProposal.slice(0, limits.open)) {
    out.push(`  ${v(f.action, 40)} by ${v(f.principal, 30)}, fp ${v(f.fingerprint, 20)}`);
    for (const beyond of f.beyondProposal.slice(0, 5)) out.push(`    also allows: ${v(beyond, 60)}`);
  }
  out.push('', 'Regressions (fixed, then denied again)');
  if (loop.regressions.length === 0) out.push('  None.');
  for (const r of loop.regressions.slice(0, limits.open)) {
    out.push(`  ${v(r.action, 40)} by ${v(r.principal, 24)}, ${plural(r.regressions, 'regression')}, last ${formatUtcTime(r.lastRegressionAt)}`);
  }
  out.push('', 'Gone stale (not seen for the stale period; not counted as fixed)');
  if (loop.stale.length === 0) out.push('  None.');
  for (const s of loop.stale.slice(0, limits.open)) out.push(`  ${v(s.action, 40)} by ${v(s.principal, 24)}, last seen ${formatUtcTime(s.lastSeen)}`);
  out.push(...moreText(loop.stale.length, limits.open, 'stale incident'), '');
  out.push(`Expected denials by rule (${formatCount(report.totals.expectedDenials)}, never alerted)`);
  if (loop.expected.length === 0) out.push('  None.');
  for (const e of loop.expected.slice(0, limits.rows)) {
    out.push(`  ${formatCount(e.denials).padStart(7)}  ${v(e.rule, 30)} (${RULE_STATE[e.state] ?? e.state}), owner ${v(e.owner, 24)}`);
  }
  out.push('', 'Expired rules (they match nothing any more: renew or remove them)');
  if (loop.expiredRules.length === 0) out.push('  None.');
  for (const r of loop.expiredRules) out.push(`  ${v(r.id, 30)} expired ${r.expires}, owner ${v(r.owner, 30)}`);
  out.push('', 'Open incidents by age');
  for (const b of report.openAges) out.push(`  ${b.label.padEnd(16)}${formatCount(b.count).padStart(7)}`);
  out.push('');
  return out;
}

/** Markdown; `code` is the Markdown renderer's inline code span for untrusted values. */
export function loopMarkdown(report: WeeklyReport, limits: RenderLimits, code: (raw: string) => string): string[] {
  const { loop } = report;
  const out: string[] = ['## Fixed this period', '', fixedSentence(loop), ''];
  if (loop.fixed.incidents.length > 0) {
    out.push('| Time to fix | Action | Principal | Change | By | Scope | Fingerprint |', '|---:|---|---|---|---|---|---|');
    for (const f of loop.fixed.incidents.slice(0, limits.open)) {
      out.push(
        `| ${formatHours(f.hoursToFix)} | ${code(f.action)} | ${code(f.principal)} | ${code(f.change ?? '-')} | ${code(f.by ?? '-')} | ${f.scope ?? '-'} | ${code(f.fingerprint)} |`,
      );
    }
    out.push('');
  }
  out.push('## Fixes broader than proposed', '');
  if (loop.broaderThanProposal.length === 0) out.push('None.');
  for (const f of loop.broaderThanProposal.slice(0, limits.open)) {
    out.push(`- ${code(f.action)} for ${code(f.principal)}: also allows ${f.beyondProposal.map((b) => code(b)).join(', ') || 'more than proposed'}`);
  }
  out.push('', '## Regressions', '');
  if (loop.regressions.length === 0) out.push('None.');
  for (const r of loop.regressions.slice(0, limits.open)) {
    out.push(`- ${code(r.action)} for ${code(r.principal)}: ${plural(r.regressions, 'regression')}, last ${formatUtcTime(r.lastRegressionAt)}`);
  }
  out.push('', '## Gone stale', '');
  if (loop.stale.length === 0) out.push('None.');
  for (const s of loop.stale.slice(0, limits.open)) out.push(`- ${code(s.action)} for ${code(s.principal)}: last seen ${formatUtcTime(s.lastSeen)}`);
  out.push('', `## Expected denials by rule`, '', `${plural(report.totals.expectedDenials, 'expected denial')}, never alerted.`, '');
  if (loop.expected.length > 0) {
    out.push('| Rule | Denials | Incidents | State | Owner | Reason |', '|---|---:|---:|---|---|---|');
    for (const e of loop.expected.slice(0, limits.rows)) {
      out.push(
        `| ${code(e.rule)} | ${formatCount(e.denials)} | ${formatCount(e.incidents)} | ${RULE_STATE[e.state] ?? e.state} | ${code(e.owner)} | ${code(e.reason)} |`,
      );
    }
    out.push('');
  }
  out.push('## Expired rules', '');
  if (loop.expiredRules.length === 0) out.push('None.');
  for (const r of loop.expiredRules) out.push(`- ${code(r.id)} expired ${r.expires} (owner ${code(r.owner)}): renew or remove it`);
  out.push('', '## Open incidents by age', '', '| Age | Open |', '|---|---:|');
  for (const b of report.openAges) out.push(`| ${b.label} | ${formatCount(b.count)} |`);
  out.push('');
  return out;
}

/** A few chat lines: the loop in one glance. */
export function loopChat(report: WeeklyReport, limits: RenderLimits): string[] {
  const { loop } = report;
  const out: string[] = ['', `*Fixed:* ${fixedSentence(loop)}`];
  for (const f of loop.broaderThanProposal.slice(0, limits.open)) {
    out.push(`• broader than proposed: ${chatCode(f.action, 80)} for ${chatCode(f.principal, 60)}`);
  }
  if (loop.regressions.length > 0) out.push(`*Regressions:* ${formatCount(loop.regressions.length)}`);
  for (const r of loop.regressions.slice(0, limits.open)) out.push(`• ${chatCode(r.action, 80)} for ${chatCode(r.principal, 60)}`);
  if (loop.stale.length > 0) out.push(`Gone stale: ${formatCount(loop.stale.length)}`);
  if (report.totals.expectedDenials > 0) {
    const rules = loop.expected
      .slice(0, limits.rows)
      .map((e) => `${chatCode(e.rule, 40)} ${formatCount(e.denials)}`)
      .join(', ');
    out.push(`Expected (never alerted): ${formatCount(report.totals.expectedDenials)}: ${rules}`);
  }
  if (loop.expiredRules.length > 0) out.push(`*Expired rules:* ${loop.expiredRules.map((r) => chatCode(r.id, 40)).join(', ')}`);
  out.push(`Open by age: ${report.openAges.map((b) => `${b.label} ${formatCount(b.count)}`).join(', ')}`);
  return out;
}
