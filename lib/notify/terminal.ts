import { plainLine } from './sns-text';
import type { AlertMessage } from './types';

const SUMMARY_LABELS = ['Why:', 'How often:', 'Fix:', 'Acknowledge:', 'Fixed by:', 'Time to fix:', 'Broader:', 'What remains:'] as const;

/**
 * A short human-readable rendering of an alert for a terminal: severity and subject, then the why,
 * how often, fix target and acknowledge lines of the plain-text form. Everything is cleaned again, so
 * a message from anywhere cannot emit escape sequences to the terminal.
 */
export function renderTerminalSummary(message: AlertMessage): string {
  const severity = message.MessageAttributes.severity?.StringValue ?? 'unknown';
  const text = plainTextOf(message);
  // A follow-up shares the incident's subject (the e-mail thread): its first line says what it is.
  const followUp = (message.MessageAttributes.trigger?.StringValue ?? '').startsWith('follow-up-');
  const head = followUp
    ? `FOLLOW-UP  ${plainLine(text.split('\n')[0] ?? '', 200)}`
    : `ALERT ${plainLine(severity, 16).toUpperCase()}  ${plainLine(message.Subject, 200)}`;
  const lines = [head];
  for (const line of text.split('\n')) {
    if (SUMMARY_LABELS.some((label) => line.startsWith(label))) lines.push(`  ${plainLine(line, 300)}`);
  }
  return `${lines.join('\n')}\n`;
}

function plainTextOf(message: AlertMessage): string {
  if (message.MessageStructure !== 'json') return message.Message;
  try {
    const body: unknown = JSON.parse(message.Message);
    if (typeof body === 'object' && body !== null) {
      const fields = body as Record<string, unknown>;
      const text = fields.email ?? fields.default;
      if (typeof text === 'string') return text;
    }
  } catch {
    // Not our JSON: the subject line alone still says what happened.
  }
  return '';
}
