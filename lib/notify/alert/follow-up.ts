/**
 * The follow-up about a policy change that touched an incident's principal: fixed (by whom, how long it
 * took, how the change compares with the proposal), still denied (why, what remains) or possibly fixed
 * but unconfirmed. It goes to the same SNS topic with the incident's first subject line (e-mail clients
 * thread on it) and the same chat `threadId` (the fingerprint). Pure; every event value is sanitised.
 */
import type { FollowUpKind, Incident } from '../../incidents/types';
import { timeToFixMs } from '../../incidents/types';
import type { Proposal } from '../../denial/types';
import { principalDisplayName } from '../../denial/principal-name';
import { AlertError } from '../../alerts/errors';
import {
  CHAT_DESCRIPTION_MAX_CHARS,
  CHAT_TITLE_MAX_CHARS,
  chatCode,
  chatCodeBlock,
  chatPlain,
  chatText,
  plainBlock,
  plainLine,
  publishSize,
  PUBLISH_BYTES_BUDGET,
  SMS_MAX_CHARS,
  truncate,
} from '../sns-text';
import type { AlertMessage, CustomChatNotification } from '../types';
import { defaultShowCommand } from './commands';
import type { Severity } from '../../alerts/severity';
import { alertAttributes, renderSubject } from './subject';
import { statementsText, targetParts, type Segment } from './facts';

export interface FollowUpChange {
  eventId: string;
  /** The API call, e.g. `PutRolePolicy`. */
  eventName: string;
  /** ISO time of the change. */
  at: string;
  by: string | null;
  /** What changed, in words (untrusted parts included). */
  summary: string;
}

export interface FollowUpInput {
  /** The incident after the change (for `fixed`: status `fixed` with its resolution). */
  incident: Incident;
  kind: FollowUpKind;
  change: FollowUpChange;
  /** Why it is still denied or unconfirmed, one sentence each. */
  why?: string[];
  /** What remains to change, when still denied. */
  remaining?: Proposal;
  topicArn?: string;
  showCommand?: (fingerprint: string) => string;
  /** The rules' severity and route for the incident: the follow-up goes where its alert went. */
  severity?: Severity;
  route?: Record<string, string>;
}

export type FollowUpChat = CustomChatNotification<{
  threadId: string;
  summary: string;
  eventType: 'AccessDeniedFollowUp';
  relatedResources: string[];
  additionalContext: Record<string, string>;
}>;

/** `3 d 4 h`, `2 h 5 min`, `45 min`, `20 s`: the two largest units. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const units: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [name, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 && parts.length < 2) parts.push(`${n} ${name}`);
    if (parts.length > 0) rest -= n * size;
    if (parts.length === 2) break;
  }
  return parts.length === 0 ? '0 s' : parts.join(' ');
}

const HEADLINES: Record<FollowUpKind, string> = {
  fixed: 'Fixed',
  'still-denied': 'Still denied after a policy change',
  unconfirmed: 'Possibly fixed, not confirmed',
};

/** The facts of the follow-up as label + text lines (text untrusted: each renderer sanitises). */
function facts(input: FollowUpInput): Array<[string, string]> {
  const { incident, change } = input;
  const lines: Array<[string, string]> = [
    ['What', `${incident.action} denied for ${principalDisplayName(incident.principal)}`],
    ['Change', `${change.summary} (${change.eventName}, event ${change.eventId})`],
    [input.kind === 'fixed' ? 'Fixed by' : 'Changed by', `${change.by ?? 'unknown caller'} at ${change.at}`],
  ];
  if (input.kind === 'fixed') {
    const ms = timeToFixMs(incident);
    if (ms !== null) lines.push(['Time to fix', `${formatDuration(ms)} (open since ${incident.openedAt ?? incident.firstSeen})`]);
    const r = incident.resolution;
    if (r?.scope === 'matches-proposal') lines.push(['Proposal', 'the change grants no more than the proposed fix']);
    if (r?.scope === 'broader-than-proposal') lines.push(['Broader', `than the proposal: it also allows ${(r.beyondProposal ?? []).join('; ')}`]);
    if (r?.scope === 'other-than-proposal') lines.push(['Proposal', 'fixed another way than the proposed statements']);
    if (r?.scope === 'no-proposal') lines.push(['Proposal', 'there was no proposed statement to compare with']);
    if (r?.checkedBy?.length) lines.push(['Checked by', r.checkedBy.join(' and ')]);
    if (incident.regressions) lines.push(['Regressions', `${incident.regressions.count} before this fix`]);
  }
  for (const why of input.why ?? []) lines.push([input.kind === 'fixed' ? 'Note' : 'Why', why]);
  return lines;
}

function remainingText(remaining: Proposal | undefined): { target: string; statements: string } | null {
  if (!remaining) return null;
  const target = targetParts(remaining)
    .map((s: Segment) => (typeof s === 'string' ? s : 'value' in s ? s.value : s.prose))
    .join('');
  return { target, statements: statementsText(remaining) };
}

function renderText(input: FollowUpInput, show: string, maxStatements: number): string {
  const out = [`${HEADLINES[input.kind]}: ${plainLine(input.incident.action, 256)} for ${plainLine(principalDisplayName(input.incident.principal), 256)}`, ''];
  for (const [label, text] of facts(input)) out.push(`${`${label}:`.padEnd(13)}${plainLine(text, 2_000)}`);
  const remaining = remainingText(input.remaining);
  if (remaining) {
    out.push('', `What remains: ${plainLine(remaining.target, 512)}`);
    if (remaining.statements !== '' && maxStatements > 0) out.push(plainBlock(truncate(remaining.statements, maxStatements, '\n...')));
  }
  out.push('', `Details:     ${plainLine(show, 512)}`, `Fingerprint: ${plainLine(input.incident.fingerprint, 128)}`);
  return out.join('\n');
}

function renderChatFollowUp(input: FollowUpInput, show: string, maxStatements: number): FollowUpChat {
  const { incident } = input;
  const emoji = input.kind === 'fixed' ? ':white_check_mark:' : ':warning:';
  const title = truncate(
    `${emoji} ${HEADLINES[input.kind]}: ${chatCode(incident.action, 60)} for ${chatCode(principalDisplayName(incident.principal), 60)}`,
    CHAT_TITLE_MAX_CHARS,
  );
  const lines = facts(input).map(([label, text]) => `*${label}:* ${chatText(text, 600)}`);
  const remaining = remainingText(input.remaining);
  if (remaining) {
    lines.push(`*What remains:* ${chatText(remaining.target, 300)}`);
    if (remaining.statements !== '' && maxStatements > 0) lines.push(chatCodeBlock(truncate(remaining.statements, maxStatements, '\n...')));
  }
  lines.push(`*Details:* ${chatCode(show)}`);
  return {
    version: '1.0',
    source: 'custom',
    id: chatPlain(`${input.change.eventId}:${incident.fingerprint}`, 128),
    content: {
      textType: 'client-markdown',
      title,
      description: truncate(lines.join('\n'), CHAT_DESCRIPTION_MAX_CHARS),
      nextSteps: [`Details: ${chatCode(show)}`],
      keywords: [input.kind, 'follow-up'],
    },
    metadata: {
      threadId: chatPlain(incident.fingerprint, 128),
      summary: chatPlain(`${HEADLINES[input.kind]}: ${incident.action} for ${principalDisplayName(incident.principal)}`, 300),
      eventType: 'AccessDeniedFollowUp',
      relatedResources: [incident.principal.roleArn ?? incident.principal.arn].filter((r): r is string => typeof r === 'string').map((r) => chatPlain(r, 512)),
      additionalContext: { fingerprint: chatPlain(incident.fingerprint, 128), followUp: input.kind, changeEventId: chatPlain(input.change.eventId, 128) },
    },
  };
}

/** The SNS publish input of one follow-up; always within SNS's limits. */
export function renderFollowUp(input: FollowUpInput): AlertMessage {
  const show = (input.showCommand ?? defaultShowCommand)(input.incident.fingerprint);
  // The subject of the incident's first alert: the follow-up lands in the same e-mail thread.
  const Subject = renderSubject(input.incident, 'opened');
  const MessageAttributes = {
    ...alertAttributes(input.incident, 'opened', { severity: input.severity, route: input.route }),
    trigger: { DataType: 'String' as const, StringValue: `follow-up-${input.kind}` },
  };
  for (const maxStatements of [20_000, 2_000, 0]) {
    const text = renderText(input, show, maxStatements);
    const body = {
      default: text,
      email: text,
      sms: truncate(`${HEADLINES[input.kind]}: ${Subject}`, SMS_MAX_CHARS, '...'),
      https: JSON.stringify(renderChatFollowUp(input, show, Math.min(maxStatements, 1_000))),
    };
    const message: AlertMessage = {
      ...(input.topicArn !== undefined ? { TopicArn: input.topicArn } : {}),
      Subject,
      Message: JSON.stringify(body),
      MessageStructure: 'json',
      MessageAttributes,
    };
    if (publishSize(message) <= PUBLISH_BYTES_BUDGET) return message;
  }
  throw new AlertError(`follow-up for ${input.incident.fingerprint} does not fit in ${PUBLISH_BYTES_BUDGET} bytes`);
}
