import { ELLIPSIS, stripControl, maskSecrets, truncate } from '../notify/sns-text';
import { describeChange, fixWords, formatCount, PAGE_LIMITS, plural } from './format';
import { weekday } from './period';
import type { BreakdownRow, DayCount, RenderLimits, WeeklyReport } from './types';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(raw: string): string {
  return raw.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** An untrusted value: single line, secrets masked, bounded, escaped. */
function text(raw: string | null | undefined, max = 200): string {
  const clean = raw == null ? '' : truncate(maskSecrets(stripControl(raw)), max);
  return escapeHtml(clean === '' ? '-' : clean);
}

// The page must open from a mail attachment or a file share with nothing fetched: no scripts, no external
// styles, fonts or images. The CSP makes that a property of the page, not only of this renderer.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem; color: #1f2328; max-width: 80rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; } th, td { border: 1px solid #d0d7de; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; } code { font-size: 0.85rem; word-break: break-all; }
.totals { display: flex; flex-wrap: wrap; gap: 1rem; } .totals div { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.5rem 1rem; }
.totals b { display: block; font-size: 1.4rem; } .ready { color: #1a7f37; font-weight: 600; } .muted { color: #656d76; }
svg text { font-size: 11px; fill: #1f2328; } svg rect.bar { fill: #0969da; }
`;

/**
 * The report as one self-contained HTML page: totals, an inline SVG bar chart of denials per day,
 * and tables. Every text value is escaped; nothing is loaded from elsewhere.
 */
export function renderReportHtml(report: WeeklyReport, limits: RenderLimits = PAGE_LIMITS): string {
  const { totals, period } = report;
  const title = `Access denials: weekly report ${period.label}`;
  const body: string[] = [];
  body.push(`<h1>${escapeHtml(title)}</h1>`);
  body.push(`<p class="muted">${escapeHtml(period.from)} to ${escapeHtml(period.to)} (${plural(period.days.length, 'day')}, UTC, end excluded)</p>`);

  const trend = report.weekOverWeek ? `<span class="muted">${escapeHtml(describeChange(report.weekOverWeek))}</span>` : '';
  body.push('<section class="totals">');
  body.push(`<div><b>${formatCount(totals.denials)}</b>denials ${trend}</div>`);
  body.push(`<div><b>${formatCount(totals.incidentsSeen)}</b>incidents seen (${formatCount(totals.newIncidents)} new, ${formatCount(totals.reopened)} reopened, ${formatCount(totals.resolvedSeenAgain)} resolved but seen again)</div>`);
  body.push(`<div><b>${formatCount(totals.crossRegionDenials)}</b>cross-region denials (${plural(totals.crossRegionIncidents, 'incident')})</div>`);
  body.push(`<div><b>${formatCount(totals.stillOpen)}</b>still open (<span class="ready">${formatCount(totals.fixReady)} fix ready</span>)</div>`);
  body.push('</section>');

  body.push('<h2>Denials per day</h2>', barChart(report.daily));

  body.push('<h2>Top incidents</h2>');
  if (report.top.length === 0) body.push('<p>No denials in this period.</p>');
  else {
    const withTrend = report.weekOverWeek !== null;
    body.push(
      '<table><thead><tr><th class="n">#</th><th class="n">Denials</th>' +
        (withTrend ? '<th class="n">Before</th>' : '') +
        '<th>Action</th><th>Principal</th><th>Managed by</th><th>Account</th><th>Denied region</th><th>Layer</th><th>Status</th><th>Fix</th><th>Fingerprint</th></tr></thead><tbody>',
    );
    report.top.slice(0, limits.top).forEach((t, i) => {
      const region = t.callRegion !== t.deniedRegion ? `<code>${text(t.deniedRegion)}</code> from <code>${text(t.callRegion)}</code>` : `<code>${text(t.deniedRegion)}</code>`;
      body.push(
        `<tr><td class="n">${i + 1}</td><td class="n">${formatCount(t.count)}</td>` +
          (withTrend ? `<td class="n">${formatCount(t.previousCount ?? 0)}</td>` : '') +
          `<td><code>${text(t.action)}</code></td><td>${text(t.principal)}</td><td>${escapeHtml(t.managedBy)}</td><td>${text(t.accountId ?? 'unknown')}</td>` +
          `<td>${region}</td><td>${escapeHtml(t.layer)}</td><td>${escapeHtml(t.status)}${t.isNew ? ' (new)' : ''}</td><td>${escapeHtml(fixWords(t.proposal))}</td><td><code>${text(t.fingerprint)}</code></td></tr>`,
      );
    });
    body.push('</tbody></table>', ...more(report.top.length, limits.top, 'incident'));
  }

  body.push('<h2>Breakdowns</h2>');
  body.push(table('By account', 'Account', report.breakdowns.byAccount, limits.rows));
  body.push(
    table('By denied region', 'Region', report.breakdowns.byDeniedRegion, limits.rows, {
      header: 'Cross-region denials',
      cell: (row) => formatCount(row.crossRegionDenials),
    }),
  );
  body.push(table('By service', 'Service', report.breakdowns.byService, limits.rows));
  body.push(table('By reason layer', 'Layer', report.breakdowns.byLayer, limits.rows));
  body.push(table('By principal', 'Principal', report.breakdowns.byPrincipal, limits.rows));

  body.push('<h2>Still open</h2>');
  if (report.stillOpen.length === 0) body.push('<p>Nothing open.</p>');
  else {
    body.push(
      '<table><thead><tr><th class="n">Days open</th><th>Status</th><th>Fix</th><th>Action</th><th>Principal</th><th>Account</th><th>Denied region</th><th>Layer</th><th class="n">Denials (all time)</th><th>First seen</th><th>Fingerprint</th></tr></thead><tbody>',
    );
    for (const o of report.stillOpen.slice(0, limits.open)) {
      body.push(
        `<tr><td class="n">${formatCount(o.daysOpen)}</td><td>${escapeHtml(o.status)}</td><td>${o.fixReady ? '<span class="ready">ready</span>' : escapeHtml(fixWords(o.proposal))}</td>` +
          `<td><code>${text(o.action)}</code></td><td>${text(o.principal)}</td><td>${text(o.accountId ?? 'unknown')}</td><td><code>${text(o.deniedRegion)}</code></td>` +
          `<td>${escapeHtml(o.layer)}</td><td class="n">${formatCount(o.count)}</td><td>${text(o.firstSeen)}</td><td><code>${text(o.fingerprint)}</code></td></tr>`,
      );
    }
    body.push('</tbody></table>', ...more(report.stillOpen.length, limits.open, 'open incident'));
  }
  body.push(`<p class="muted">Generated by access-auditor as of ${escapeHtml(period.asOf)}.</p>`);

  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function more(total: number, shown: number, what: string): string[] {
  return total > shown ? [`<p class="muted">${ELLIPSIS} and ${escapeHtml(plural(total - shown, what))} more.</p>`] : [];
}

function table<R extends BreakdownRow>(title: string, column: string, rows: readonly R[], limit: number, extra?: { header: string; cell: (row: R) => string }): string {
  const head = `<tr><th>${escapeHtml(column)}</th><th class="n">Denials</th><th class="n">Incidents</th>${extra ? `<th class="n">${escapeHtml(extra.header)}</th>` : ''}</tr>`;
  const body = rows
    .slice(0, limit)
    .map((r) => `<tr><td>${text(r.label)}</td><td class="n">${formatCount(r.denials)}</td><td class="n">${formatCount(r.incidents)}</td>${extra ? `<td class="n">${extra.cell(r)}</td>` : ''}</tr>`)
    .join('');
  return [`<h3>${escapeHtml(title)}</h3>`, `<table><thead>${head}</thead><tbody>${body}</tbody></table>`, ...more(rows.length, limit, 'row')].join('\n');
}

const CHART = { barWidth: 48, gap: 16, height: 160, top: 20, bottom: 36, left: 8 } as const;

/** A bar per day, labelled with its weekday, date and count; `<title>` gives a tooltip and an accessible name. */
export function barChart(daily: readonly DayCount[]): string {
  const { barWidth, gap, height, top, bottom, left } = CHART;
  const max = Math.max(0, ...daily.map((d) => d.count));
  const width = left * 2 + daily.length * (barWidth + gap);
  const total = top + height + bottom;
  const bars = daily.map((d, i) => {
    const x = left + i * (barWidth + gap) + gap / 2;
    const h = max === 0 ? 0 : Math.max(d.count > 0 ? 1 : 0, Math.round((d.count / max) * height));
    const y = top + height - h;
    const label = `${weekday(d.day)} ${d.day}: ${formatCount(d.count)} denials`;
    return [
      `<g><title>${escapeHtml(label)}</title>`,
      `<rect class="bar" x="${x}" y="${y}" width="${barWidth}" height="${h}"></rect>`,
      `<text x="${x + barWidth / 2}" y="${y - 4}" text-anchor="middle">${formatCount(d.count)}</text>`,
      `<text x="${x + barWidth / 2}" y="${top + height + 14}" text-anchor="middle">${escapeHtml(weekday(d.day))}</text>`,
      `<text x="${x + barWidth / 2}" y="${top + height + 28}" text-anchor="middle">${escapeHtml(d.day.slice(5))}</text></g>`,
    ].join('');
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Denials per day" width="${width}" height="${total}" viewBox="0 0 ${width} ${total}">` +
    `<line x1="${left}" y1="${top + height}" x2="${width - left}" y2="${top + height}" stroke="#d0d7de"></line>` +
    bars.join('') +
    '</svg>'
  );
}
