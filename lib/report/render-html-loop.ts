/**
 * The lifecycle sections of the HTML report: fixed by a policy change (median and p90 time to fix),
 * fixes broader than proposed, regressions, gone stale, expected denials by rule, expired rules. Every
 * value is escaped through ./html-text.
 */
import { formatCount, formatHours, plural } from './format';
import { codeName, escapeHtml, name, time } from './html-text';
import { fixedSentence } from './render-loop';
import type { RenderLimits, WeeklyReport } from './types';

function table(head: readonly string[], rows: readonly string[][]): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<div class="wide"><table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function none(text = 'None.'): string {
  return `<p class="muted">${escapeHtml(text)}</p>`;
}

const STATE: Readonly<Record<string, string>> = {
  active: 'active',
  expired: 'expired',
  removed: 'no longer in the rules file',
  unknown: 'rules file not read',
};

function fixedSection(report: WeeklyReport, limits: RenderLimits): string[] {
  const { fixed } = report.loop;
  const out = ['<h2>Fixed by a policy change</h2>', `<p>${escapeHtml(fixedSentence(report.loop))}</p>`];
  if (fixed.count === 0) return out;
  const rows = fixed.incidents
    .slice(0, limits.open)
    .map((f) => [
      `<span class="nb">${escapeHtml(formatHours(f.hoursToFix))}</span>`,
      codeName(f.action),
      name(f.principal),
      name(f.change ?? '-'),
      name(f.by ?? '-'),
      name(f.scope ?? '-'),
      time(f.fixedAt),
      codeName(f.fingerprint),
    ]);
  return [...out, table(['Time to fix', 'Action', 'Principal', 'Change', 'By', 'Scope', 'Fixed', 'Fingerprint'], rows)];
}

function broaderSection(report: WeeklyReport, limits: RenderLimits): string[] {
  const list = report.loop.broaderThanProposal;
  const out = ['<h3>Fixes broader than proposed</h3>'];
  if (list.length === 0) return [...out, none()];
  const rows = list
    .slice(0, limits.open)
    .map((f) => [
      codeName(f.action),
      name(f.principal),
      f.beyondProposal.map((b) => codeName(b)).join(';<br> ') || name('more than proposed'),
      codeName(f.fingerprint),
    ]);
  return [...out, table(['Action', 'Principal', 'Also allows', 'Fingerprint'], rows)];
}

function regressionsAndStale(report: WeeklyReport, limits: RenderLimits): string[] {
  const { regressions, stale } = report.loop;
  const out = ['<h3>Regressions</h3>'];
  if (regressions.length === 0) out.push(none());
  else {
    const rows = regressions
      .slice(0, limits.open)
      .map((r) => [
        codeName(r.action),
        name(r.principal),
        name(r.status),
        escapeHtml(formatCount(r.regressions)),
        time(r.lastRegressionAt),
        codeName(r.fingerprint),
      ]);
    out.push(table(['Action', 'Principal', 'Status', 'Regressions', 'Last', 'Fingerprint'], rows));
  }
  out.push('<h3>Gone stale</h3>', '<p class="muted">Not seen for the stale period: quiet, not counted as fixed.</p>');
  if (stale.length === 0) return [...out, none()];
  const rows = stale.slice(0, limits.open).map((s) => [codeName(s.action), name(s.principal), time(s.lastSeen), time(s.staleAt), codeName(s.fingerprint)]);
  return [...out, table(['Action', 'Principal', 'Last seen', 'Stale since', 'Fingerprint'], rows)];
}

function rulesSection(report: WeeklyReport, limits: RenderLimits): string[] {
  const { expected, expiredRules } = report.loop;
  const out = ['<h2>Expected denials by rule</h2>', `<p>${escapeHtml(plural(report.totals.expectedDenials, 'expected denial'))}, never alerted.</p>`];
  if (expected.length > 0) {
    const rows = expected
      .slice(0, limits.rows)
      .map((e) => [
        codeName(e.rule),
        escapeHtml(formatCount(e.denials)),
        escapeHtml(formatCount(e.incidents)),
        name(STATE[e.state] ?? e.state),
        name(e.owner),
        name(e.reason),
      ]);
    out.push(table(['Rule', 'Denials', 'Incidents', 'State', 'Owner', 'Reason'], rows));
  }
  out.push('<h3>Expired rules</h3>');
  if (expiredRules.length === 0) return [...out, none()];
  const rows = expiredRules.map((r) => [codeName(r.id), name(r.expires), name(r.owner), name(r.reason)]);
  return [...out, '<p>These rules match nothing any more: renew or remove them.</p>', table(['Rule', 'Expired', 'Owner', 'Reason'], rows)];
}

export function loopHtml(report: WeeklyReport, limits: RenderLimits): string[] {
  return [...fixedSection(report, limits), ...broaderSection(report, limits), ...regressionsAndStale(report, limits), ...rulesSection(report, limits)];
}
