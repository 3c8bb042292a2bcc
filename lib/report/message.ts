import { asciiText, publishSize, PUBLISH_BYTES_BUDGET, SUBJECT_MAX_CHARS, truncate } from '../notify/sns-text';
import type { AlertMessage, ChatProtocol } from '../notify/types';
import { AuditorError } from '../errors';
import { CHAT_LIMITS, formatCount, TEXT_LIMITS } from './format';
import { renderReportChat } from './render-chat';
import { renderReportText } from './render-text';
import type { RenderLimits, WeeklyReport } from './types';

/** The `kind` message attribute of a report; alerts have none, so `{"kind": ["weekly-report"]}` routes reports only. */
export const REPORT_KIND = 'weekly-report';

export interface ReportMessageOptions {
  /** Protocols that receive the chat notification JSON; default `['https']`, as for alerts. */
  chatProtocols?: readonly ChatProtocol[];
}

/**
 * `[access-auditor] Weekly report 2026-11-16..2026-11-22: 42 denials, 3 open`: printable ASCII, no line
 * break, under 100 characters whatever the numbers.
 */
export function reportSubject(report: WeeklyReport): string {
  const days = report.period.days.length;
  const name = days === 7 ? 'Weekly report' : `${days}-day report`;
  const subject = `[access-auditor] ${name} ${report.period.label}: ${formatCount(report.totals.denials)} denials, ${formatCount(report.totals.stillOpen)} open`;
  return truncate(asciiText(subject), SUBJECT_MAX_CHARS, '...');
}

/**
 * Shrinking row limits, tried in order until the message fits SNS's 256 KB. Values are bounded when
 * rendered, so the first step fits in practice; the others keep the promise for any input.
 */
const STEPS: ReadonlyArray<{ text: RenderLimits; chat: RenderLimits }> = [
  { text: TEXT_LIMITS, chat: CHAT_LIMITS },
  { text: { top: 5, rows: 5, open: 10 }, chat: { top: 3, rows: 3, open: 3 } },
  { text: { top: 1, rows: 1, open: 1 }, chat: { top: 1, rows: 1, open: 1 } },
  { text: { top: 0, rows: 0, open: 0 }, chat: { top: 0, rows: 0, open: 0 } },
];

/**
 * The SNS publish input for the report, in the same shape as alerts: `MessageStructure: "json"` with
 * the plain text for `default` and `email`, the subject for `sms`, and the chat notification JSON for
 * chat subscriptions (`https`). Lists are cut so that the whole publish stays under 256 KB.
 */
export function reportAlertMessage(report: WeeklyReport, topicArn?: string, options: ReportMessageOptions = {}): AlertMessage {
  const Subject = reportSubject(report);
  const MessageAttributes: AlertMessage['MessageAttributes'] = {
    kind: { DataType: 'String', StringValue: REPORT_KIND },
    severity: { DataType: 'String', StringValue: 'low' },
    period: { DataType: 'String', StringValue: report.period.label || 'unknown' },
  };
  const protocols = options.chatProtocols ?? ['https'];
  for (const step of STEPS) {
    const text = renderReportText(report, step.text);
    const body: Record<string, string> = { default: text, email: text, sms: Subject };
    if (protocols.length > 0) {
      const json = JSON.stringify(renderReportChat(report, step.chat));
      for (const protocol of protocols) body[protocol] = json;
    }
    const message: AlertMessage = {
      ...(topicArn !== undefined ? { TopicArn: topicArn } : {}),
      Subject,
      Message: JSON.stringify(body),
      MessageStructure: 'json',
      MessageAttributes,
    };
    if (publishSize(message) <= PUBLISH_BYTES_BUDGET) return message;
  }
  // Unreachable: the last step renders only the bounded totals.
  throw new AuditorError(`weekly report ${report.period.label} does not fit in ${PUBLISH_BYTES_BUDGET} bytes`);
}
