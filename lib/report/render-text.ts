import { ELLIPSIS, plainLine, truncate } from '../notify/sns-text';
import { forDisplay } from '../display/sanitise';
import { describeChange, fixWords, formatCount, plural, sparkline, TEXT_LIMITS } from './format';
import { weekday } from './period';
import { loopText } from './render-loop';
import type { BreakdownRow, RegionRow, RenderLimits, WeeklyReport } from './types';

/** Plain-text lines never exceed this many characters: mail clients wrap longer lines and break the tables. */
export const TEXT_WIDTH = 80;
const BAR_WIDTH = 40;

/**
 * The report as plain text for email: every line at most {@link TEXT_WIDTH} characters, every
 * untrusted value single-line with control characters removed and access keys masked.
 */
export function renderReportText(raw: WeeklyReport, limits: RenderLimits = TEXT_LIMITS): string {
  // Names, actions and reasons come from events: everything below reads the sanitised view.
  const report = forDisplay(raw);
  const { totals, period } = report;
  const lines: string[] = [];
  const title = `ACCESS-AUDITOR WEEKLY REPORT  ${period.label} (${plural(period.days.length, 'day')}, UTC)`;
  lines.push(title, '='.repeat(Math.min(TEXT_WIDTH, title.length)), '');

  const change = report.weekOverWeek ? `, ${describeChange(report.weekOverWeek)}` : '';
  lines.push(`Denials       ${formatCount(totals.denials)}${change}`);
  lines.push(`Incidents     ${formatCount(totals.incidentsSeen)} seen: ${formatCount(totals.newIncidents)} new, ${formatCount(totals.reopened)} reopened`);
  if (totals.resolvedSeenAgain > 0) lines.push(`              ${plural(totals.resolvedSeenAgain, 'resolved incident')} seen again after resolving`);
  lines.push(
    `Cross-region  ${plural(totals.crossRegionDenials, 'denial')} (${plural(totals.crossRegionIncidents, 'incident')}) denied outside the call region`,
  );
  lines.push(`Still open    ${formatCount(totals.stillOpen)} (${formatCount(totals.fixReady)} with a validated fix ready)`);
  lines.push('');

  lines.push(`Denials per day (UTC)  ${sparkline(report.daily.map((d) => d.count))}`);
  const maxDay = Math.max(0, ...report.daily.map((d) => d.count));
  for (const { day, count } of report.daily) {
    const bar = maxDay === 0 || count === 0 ? '' : '#'.repeat(Math.max(1, Math.round((count / maxDay) * BAR_WIDTH)));
    lines.push(`  ${weekday(day)} ${day} ${formatCount(count).padStart(9)} ${bar}`);
  }
  lines.push('');

  lines.push('Top incidents by denials in the period');
  if (report.top.length === 0) lines.push('  No denials in this period.');
  report.top.slice(0, limits.top).forEach((t, index) => {
    const tags = [t.status, t.isNew ? 'new' : undefined, t.previousCount === undefined ? undefined : `before: ${formatCount(t.previousCount)}`]
      .filter((x): x is string => x !== undefined)
      .join(', ');
    const head = `${String(index + 1).padStart(3)}. ${formatCount(t.count).padStart(7)}x  `;
    lines.push(head + value(t.action, TEXT_WIDTH - head.length - tags.length - 3) + `  [${tags}]`);
    const where = t.callRegion !== t.deniedRegion ? `${value(t.deniedRegion, 20)} (called from ${value(t.callRegion, 20)})` : value(t.deniedRegion, 20);
    lines.push(`      by ${value(t.principal, 40)} (${t.managedBy}), account ${value(t.accountId ?? 'unknown', 14)}`);
    lines.push(`      denied in ${where}; layer ${t.layer}`);
    lines.push(`      ${fixWords(t.proposal)}`);
    lines.push(`      fp ${value(t.fingerprint, TEXT_WIDTH - 9)}`);
  });
  lines.push(...more(report.top.length, limits.top, 'incident'), '');

  lines.push(...table('By account', report.breakdowns.byAccount, limits.rows));
  lines.push(...regionTable(report.breakdowns.byDeniedRegion, limits.rows));
  lines.push(...table('By service', report.breakdowns.byService, limits.rows));
  lines.push(...table('By reason layer', report.breakdowns.byLayer, limits.rows));
  lines.push(...table('By principal', report.breakdowns.byPrincipal, limits.rows));

  lines.push(...loopText(report, limits));
  lines.push('Still open, oldest first');
  if (report.stillOpen.length === 0) lines.push('  Nothing open.');
  for (const o of report.stillOpen.slice(0, limits.open)) {
    const head = `  ${formatCount(o.daysOpen).padStart(5)}d  ${o.status.padEnd(12)}  ${(o.fixReady ? 'FIX READY' : '').padEnd(9)}  `;
    lines.push(head + value(o.action, TEXT_WIDTH - head.length));
    lines.push(`         ${value(o.principal, 36)}, ${value(o.accountId ?? 'unknown', 14)}, ${value(o.deniedRegion, 16)}, ${plural(o.count, 'denial')}`);
    lines.push(`         fp ${value(o.fingerprint, TEXT_WIDTH - 12)}`);
  }
  lines.push(...more(report.stillOpen.length, limits.open, 'open incident'));
  lines.push('', 'Details:   access-auditor incidents show <fp>', 'All open:  access-auditor incidents list --status open');

  return lines.map((line) => fit(line.trimEnd())).join('\n') + '\n';
}

/** An untrusted value, cleaned and cut to `max` characters. */
function value(raw: string, max: number): string {
  return plainLine(raw, Math.max(1, max)) || '-';
}

/** Last line of defence for the width promise: cut by code points, not UTF-16 units. */
function fit(line: string): string {
  const chars = [...line];
  return chars.length <= TEXT_WIDTH ? line : chars.slice(0, TEXT_WIDTH - 1).join('') + ELLIPSIS;
}

function more(total: number, shown: number, what: string): string[] {
  return total > shown ? [`  ${ELLIPSIS} and ${plural(total - shown, what)} more`] : [];
}

function table(title: string, rows: readonly BreakdownRow[], limit: number): string[] {
  if (rows.length === 0) return [];
  const lines = [`${title.padEnd(50)}${'denials'.padStart(10)}${'incidents'.padStart(11)}`];
  for (const row of rows.slice(0, limit)) {
    lines.push(`  ${value(row.label, 46).padEnd(48)}${formatCount(row.denials).padStart(10)}${formatCount(row.incidents).padStart(11)}`);
  }
  return [...lines, ...more(rows.length, limit, 'row'), ''];
}

function regionTable(rows: readonly RegionRow[], limit: number): string[] {
  if (rows.length === 0) return [];
  const lines = [`${'By denied region'.padEnd(36)}${'denials'.padStart(10)}${'incidents'.padStart(11)}${'cross-region'.padStart(14)}`];
  for (const row of rows.slice(0, limit)) {
    lines.push(
      `  ${truncate(value(row.label, 32), 32).padEnd(34)}${formatCount(row.denials).padStart(10)}${formatCount(row.incidents).padStart(11)}${formatCount(row.crossRegionDenials).padStart(14)}`,
    );
  }
  return [...lines, ...more(rows.length, limit, 'row'), ''];
}
