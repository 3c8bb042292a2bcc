import { CHAT_DESCRIPTION_MAX_CHARS, chatCode, chatPlain, ELLIPSIS } from '../notify/sns-text';
import { forDisplay } from '../display/sanitise';
import type { CustomChatNotification } from '../notify/types';
import { CHAT_LIMITS, describeChange, formatCount, plural, sparkline, summaryReady } from './format';
import type { RenderLimits, WeeklyReport } from './types';
import { loopChat } from './render-loop';

/** The weekly report's chat notification: every report lands in one thread. */
export type ReportChatNotification = CustomChatNotification<{
  threadId: 'weekly-report';
  summary: string;
  eventType: 'WeeklyReport';
  additionalContext: Record<string, string>;
}>;

/**
 * The report as a chat notification: a short markdown description with the totals, the trend, a
 * sparkline, the top incidents and the oldest open ones. Untrusted values go through the alert escaping
 * (code spans, `& < >` escaped, mass mentions broken, secrets masked).
 */
export function renderReportChat(raw: WeeklyReport, limits: RenderLimits = CHAT_LIMITS): ReportChatNotification {
  // Names, actions and reasons come from events: everything below reads the sanitised view.
  const report = forDisplay(raw);
  const { totals, period } = report;
  const lines: string[] = [];
  const trend = report.weekOverWeek ? `, ${describeChange(report.weekOverWeek)}` : '';
  lines.push(`*${plural(totals.denials, 'denial')}* in ${plural(period.days.length, 'day')}${trend}`);
  lines.push(
    `${plural(totals.incidentsSeen, 'incident')} seen: ${formatCount(totals.newIncidents)} new, ${formatCount(totals.reopened)} reopened` +
      (totals.resolvedSeenAgain > 0 ? `, ${formatCount(totals.resolvedSeenAgain)} resolved but seen again` : ''),
  );
  if (totals.crossRegionDenials > 0) lines.push(`${plural(totals.crossRegionDenials, 'cross-region denial')} (denied outside the call region)`);
  lines.push(`Per day: \`${sparkline(report.daily.map((d) => d.count))}\` (${report.daily.map((d) => formatCount(d.count)).join(' ')})`);

  if (report.top.length > 0) {
    lines.push('', '*Top incidents*');
    for (const t of report.top.slice(0, limits.top)) {
      const where = t.callRegion !== t.deniedRegion ? `${chatCode(t.deniedRegion, 30)} from ${chatCode(t.callRegion, 30)}` : chatCode(t.deniedRegion, 30);
      const fix = summaryReady(t.proposal) ? ', fix ready' : '';
      lines.push(
        `• ${formatCount(t.count)}× ${chatCode(t.action, 80)} by ${chatCode(t.principal, 60)} in ${where} (${t.layer}, ${t.status}${t.isNew ? ', new' : ''}${fix})`,
      );
    }
    if (report.top.length > limits.top) lines.push(`${ELLIPSIS} and ${plural(report.top.length - limits.top, 'incident')} more`);
  }

  lines.push('', `*Still open: ${formatCount(totals.stillOpen)}* (${formatCount(totals.fixReady)} with a fix ready)`);
  for (const o of report.stillOpen.slice(0, limits.open)) {
    lines.push(
      `• ${plural(o.daysOpen, 'day')}: ${chatCode(o.action, 80)} by ${chatCode(o.principal, 60)}${o.fixReady ? ', fix ready' : ''} (${chatCode(o.fingerprint, 80)})`,
    );
  }
  if (report.stillOpen.length > limits.open) lines.push(`${ELLIPSIS} and ${plural(report.stillOpen.length - limits.open, 'open incident')} more`);

  lines.push(...loopChat(report, limits));

  const nextSteps: string[] = [];
  if (totals.fixReady > 0)
    nextSteps.push(`Apply the ${plural(totals.fixReady, 'validated fix', 'validated fixes')}: \`access-auditor incidents show <fingerprint>\``);
  if (totals.stillOpen > 0) nextSteps.push('Review open incidents: `access-auditor incidents list --status open`');
  if (totals.resolvedSeenAgain > 0) nextSteps.push('Check the resolved incidents that were seen again: their fix did not hold');
  if (report.loop.broaderThanProposal.length > 0) nextSteps.push('Review the fixes broader than proposed: they grant more than the denied call needed');
  if (report.loop.expiredRules.length > 0) nextSteps.push('Renew or remove the expired rules in access-auditor.rules.yml');
  if (nextSteps.length === 0) nextSteps.push('Nothing to do this week');

  const topLayers = report.breakdowns.byLayer
    .filter((r) => r.denials > 0)
    .slice(0, 3)
    .map((r) => r.key);
  return {
    version: '1.0',
    source: 'custom',
    id: `weekly-report-${period.label}`,
    content: {
      textType: 'client-markdown',
      title: `:bar_chart: Access denials ${period.label}: ${plural(totals.denials, 'denial')}, ${formatCount(totals.stillOpen)} open`,
      description: bounded(lines, CHAT_DESCRIPTION_MAX_CHARS),
      nextSteps,
      keywords: ['access-auditor', 'weekly-report', ...topLayers],
    },
    metadata: {
      threadId: 'weekly-report',
      summary: chatPlain(`Weekly access denials ${period.label}: ${totals.denials} denials, ${totals.stillOpen} open`),
      eventType: 'WeeklyReport',
      additionalContext: {
        period: period.label,
        denials: String(totals.denials),
        open: String(totals.stillOpen),
        fixReady: String(totals.fixReady),
        fixed: String(report.loop.fixed.count),
        expected: String(totals.expectedDenials),
      },
    },
  };
}

/**
 * Joins whole lines up to `max` characters (the assumed chat limit, shared with alerts), so a cut never
 * splits a code span or an escape.
 */
function bounded(lines: readonly string[], max: number): string {
  let out = '';
  for (const line of lines) {
    const next = out === '' ? line : `${out}\n${line}`;
    if (next.length > max - 2) return `${out}\n${ELLIPSIS}`;
    out = next;
  }
  return out;
}
