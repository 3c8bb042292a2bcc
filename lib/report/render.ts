import { renderReportChat } from './render-chat';
import { renderReportHtml } from './render-html';
import { renderReportMarkdown } from './render-markdown';
import { renderReportText } from './render-text';
import type { WeeklyReport } from './types';
import { jsonText } from '../display/sanitise';

export const REPORT_FORMATS = ['text', 'markdown', 'html', 'chat', 'json'] as const;
/** Output formats of the `report` command: `chat` is the notification JSON, `json` the report itself. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}

/** Renders the report in one format, as the text to print or write to a file. */
export function renderReport(report: WeeklyReport, format: ReportFormat): string {
  switch (format) {
    case 'text':
      return renderReportText(report);
    case 'markdown':
      return renderReportMarkdown(report);
    case 'html':
      return renderReportHtml(report);
    case 'chat':
      return `${JSON.stringify(renderReportChat(report), null, 2)}\n`;
    case 'json':
      return jsonText(report, 2);
  }
}
