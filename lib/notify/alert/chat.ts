/**
 * The chat form of an alert: a custom notification for Amazon Q Developer in chat applications
 * (formerly AWS Chatbot; Slack `client-markdown`), threaded by fingerprint. Every untrusted value goes
 * through ../sns-text's chat escaping; the description stays under {@link CHAT_DESCRIPTION_MAX_CHARS}.
 */
import type { Proposal } from '../../denial/types';
import type { AlertTrigger, Incident } from '../../incidents/types';
import { principalDisplayName } from '../../denial/principal-name';
import { severityFor, type Severity } from '../../alerts/severity';
import { CHAT_DESCRIPTION_MAX_CHARS, CHAT_TITLE_MAX_CHARS, chatCode, chatCodeBlock, chatPlain, chatText, escapeSlack } from '../sns-text';
import type { CustomChatNotification } from '../types';
import { CHAT_FIX_MAX_LINES, clip, type Budget } from './budget';
import type { IncidentCommandLines } from './commands';
import { consoleLinks, type ConsoleLinkInput } from './console-links';
import {
  accountOf,
  factLines,
  headline,
  MAX_RELATED_RESOURCES,
  proposalOf,
  serviceOf,
  statementsText,
  targetParts,
  times,
  verdictWords,
  WHO_APPLIES,
  type Line,
  type Segment,
} from './facts';
import { isReady, readinessFacts } from '../../denial/readiness';

/** An alert's chat notification: threaded by fingerprint. */
export type ChatNotification = CustomChatNotification<{
  threadId: string;
  summary: string;
  eventType: 'AccessDenied';
  relatedResources: string[];
  additionalContext: Record<string, string>;
}>;

const SEVERITY_EMOJI: Readonly<Record<Severity, string>> = {
  high: ':rotating_light:',
  medium: ':warning:',
  low: ':information_source:',
};

/** Chat value sizes, tried in order until the description fits. */
interface ChatSizes {
  value: number;
  prose: number;
  notes: number;
}
const CHAT_SIZES: readonly ChatSizes[] = [
  { value: 160, prose: 400, notes: 3 },
  { value: 60, prose: 200, notes: 1 },
  { value: 24, prose: 100, notes: 0 },
];
const CHAT_TITLE_VALUE_CHARS = [40, 24, 12] as const;

function renderChatSegment(segment: Segment, sizes: ChatSizes): string {
  if (typeof segment === 'string') return escapeSlack(segment);
  if ('value' in segment) return chatCode(segment.value, sizes.value);
  return chatText(segment.prose, sizes.prose);
}

function renderChatLine(line: Line, sizes: ChatSizes): string {
  const parts = [line.parts, ...(line.more ?? [])].map((segments) => segments.map((s) => renderChatSegment(s, sizes)).join(''));
  return `*${line.label}:* ${parts.join(' · ')}`;
}

function renderChatFix(proposal: Proposal | undefined, room: number, budget: Budget, sizes: ChatSizes, show: string): string[] {
  const pointer = `_Fix shortened: run_ ${chatCode(show)}`;
  if (proposal === undefined) return [`*Fix:* no proposal was computed; run ${chatCode(show)}`];
  const head = [
    `*Fix* (${targetParts(proposal)
      .map((s) => renderChatSegment(s, sizes))
      .join('')}; ${escapeSlack(verdictWords(proposal))}):`,
  ];
  const fits = (lines: string[]) => lines.join('\n').length <= room;
  const statementsSource = statementsText(proposal);
  const hasDiff = proposal.diff !== undefined && proposal.diff !== '';
  // Escaping can lengthen a block, so shrink the raw text until the rendered block fits.
  for (let max = Math.min(budget.chatStatements, room); max >= 200; max = Math.floor(max * 0.7)) {
    const statements = clip(statementsSource, max, CHAT_FIX_MAX_LINES);
    const lines = [...head];
    if (statements.text !== '') lines.push(chatCodeBlock(statements.text));
    let cut = statements.cut;
    // On a phone the statements say it all; the diff is shown only when there are no statements.
    if (!cut && hasDiff && statements.text === '' && budget.chatDiff > 0) {
      const diff = clip(proposal.diff ?? '', budget.chatDiff, CHAT_FIX_MAX_LINES);
      const withDiff = [...lines, chatCodeBlock(diff.text)];
      if (fits(diff.cut ? [...withDiff, pointer] : withDiff)) {
        lines.push(chatCodeBlock(diff.text));
        cut = diff.cut;
      } else cut = true;
    } else if (hasDiff && statements.text === '') cut = true;
    if (cut) lines.push(pointer);
    if (fits(lines)) return lines;
  }
  if (statementsSource === '' && !hasDiff && fits(head)) return head;
  return fits([...head, pointer]) ? [...head, pointer] : [pointer];
}

function renderChatTitle(incident: Incident, trigger: AlertTrigger, severity: Severity): string {
  let title = '';
  for (const max of CHAT_TITLE_VALUE_CHARS) {
    title = `${SEVERITY_EMOJI[severity]} ${headline(incident, trigger)}: ${chatCode(incident.action, max)} denied for ${chatCode(
      principalDisplayName(incident.principal),
      max,
    )}`;
    if (title.length <= CHAT_TITLE_MAX_CHARS) return title;
  }
  return `${SEVERITY_EMOJI[severity]} ${headline(incident, trigger)}`;
}

function renderChatDescription(incident: Incident, proposal: Proposal | undefined, commands: IncidentCommandLines, budget: Budget): string {
  const { facts, ack } = factLines(incident, commands);
  for (const sizes of CHAT_SIZES) {
    const before = facts.map((line) => renderChatLine(line, sizes));
    const after: string[] = [];
    if (proposal !== undefined) {
      after.push(`*Who applies:* ${escapeSlack(WHO_APPLIES[proposal.target.kind])}`);
      const notes = proposal.notes.slice(0, Math.min(budget.notes, sizes.notes));
      for (const note of notes) after.push(`• ${chatText(note, Math.min(budget.noteChars, sizes.prose))}`);
      if (proposal.notes.length > notes.length) after.push(`• _${proposal.notes.length - notes.length} more note(s) in the details_`);
    }
    after.push(...ack.slice(0, 1).map((line) => renderChatLine(line, sizes)));
    const fixedLength = [...before, ...after].join('\n').length + 2;
    const fix = renderChatFix(proposal, CHAT_DESCRIPTION_MAX_CHARS - fixedLength, budget, sizes, commands.show);
    const description = [...before, ...fix, ...after].join('\n');
    if (description.length <= CHAT_DESCRIPTION_MAX_CHARS) return description;
  }
  // Only reachable with hostile values full of characters that escaping multiplies: keep what the on-call needs.
  const minimal = CHAT_SIZES[CHAT_SIZES.length - 1] as ChatSizes;
  return [
    `*What:* ${chatCode(incident.action, minimal.value)} denied for ${chatCode(principalDisplayName(incident.principal), minimal.value)}`,
    `*Acknowledge:* ${chatCode(commands.ack)}`,
    `*Details:* ${chatCode(commands.show)}`,
  ].join('\n');
}

/** The chat notification within `budget`. */
export function renderChat(
  input: ConsoleLinkInput & { trigger: AlertTrigger; severity?: Severity },
  commands: IncidentCommandLines,
  budget: Budget,
): ChatNotification {
  const { incident, trigger } = input;
  const severity = input.severity ?? severityFor(incident);
  const proposal = proposalOf(incident);

  const nextSteps: string[] = [];
  if (proposal !== undefined && proposal.target.kind !== 'none') {
    const where = targetParts(proposal)
      .map((segment) => renderChatSegment(segment, CHAT_SIZES[1] as ChatSizes))
      .join('');
    nextSteps.push(`${nextStepVerb(proposal)}: ${where}`);
  }
  nextSteps.push(`Acknowledge: ${chatCode(commands.ack)}`, `Full details and fix: ${chatCode(commands.show)}`);
  for (const link of consoleLinks(input)) nextSteps.push(`${escapeSlack(link.label)}: ${escapeSlack(link.url)}`);

  const related = [incident.principal.roleArn ?? incident.principal.arn, incident.resource, incident.reason.policyArn, proposal?.target.policyArn]
    .filter((r): r is string => typeof r === 'string' && r !== '')
    .map((r) => chatPlain(r, 512));

  return {
    version: '1.0',
    source: 'custom',
    id: chatPlain(incident.alert.pending?.eventId ?? incident.latest.eventId, 128),
    content: {
      textType: 'client-markdown',
      title: renderChatTitle(incident, trigger, severity),
      description: renderChatDescription(incident, proposal, commands, budget),
      nextSteps,
      keywords: [severity, incident.reason.layer, serviceOf(incident.eventSource, incident.action) || 'unknown', trigger],
    },
    metadata: {
      threadId: chatPlain(incident.fingerprint, 128),
      summary: chatPlain(
        `${headline(incident, trigger)}: ${incident.action} denied for ${principalDisplayName(incident.principal)} in ${incident.deniedRegion} (${times(incident.count)})`,
        300,
      ),
      eventType: 'AccessDenied',
      relatedResources: [...new Set(related)].slice(0, MAX_RELATED_RESOURCES),
      additionalContext: {
        fingerprint: chatPlain(incident.fingerprint, 128),
        severity,
        trigger,
        count: String(incident.count),
        firstSeen: chatPlain(incident.firstSeen, 40),
        lastSeen: chatPlain(incident.lastSeen, 40),
        account: chatPlain(accountOf(incident) ?? 'unknown', 40),
        callRegion: chatPlain(incident.callRegion, 40),
        deniedRegion: chatPlain(incident.deniedRegion, 40),
        layer: chatPlain(incident.reason.layer, 40),
        ackCommand: chatPlain(commands.ack, 256),
      },
    },
  };
}

/** Only a ready fix is "apply": anything else asks for a person's eyes first. */
function nextStepVerb(proposal: Proposal): string {
  if (isReady(readinessFacts(proposal))) return 'Apply the fix';
  if (proposal.validated === 'needs-input') return 'Fill in the exact resource, then apply the fix';
  return 'Review the proposed change (not a confirmed fix)';
}
