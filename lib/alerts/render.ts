/**
 * Renders an incident alert as one SNS publish with `MessageStructure: "json"`: a plain-text form for
 * email (and every protocol without its own key), a custom notification for Amazon Q Developer in chat
 * applications (formerly AWS Chatbot), and a one-line SMS. Pure: no SDK, no clock.
 *
 * Protocol keys. Amazon Q Developer in chat applications subscribes to the topic with an HTTPS endpoint,
 * so the `https` key carries the chat notification JSON. `default` stays readable plain text because it
 * also reaches protocols we do not tailor (email-json, http, application, firehose, and sqs/lambda
 * unless listed in `chatProtocols`). `sqs` and `lambda` get the chat JSON only on request (a custom
 * forwarder to a chat tool); each extra copy counts against the 256 KB limit.
 */
import type { ModelInfo, Principal, Proposal, Reason, TargetKind, ValidationVerdict } from '../denial/types';
import type { AlertTrigger, Incident } from '../incidents/types';
import { AlertError } from './errors';
import {
  asciiText,
  attributeValue,
  chatCode,
  chatCodeBlock,
  chatPlain,
  chatText,
  escapeSlack,
  plainBlock,
  plainLine,
  truncate,
} from './escape';
import { severityFor, type Severity } from './severity';
import type { AlertMessage } from './types';
import { actionService } from '../aws/action';
import { parseArn, partitionOf } from '../aws/arn';

/** SNS publish limit: message plus attribute names, types and values (and, to be safe, the subject). */
export const MAX_PUBLISH_BYTES = 262_144;
/** What rendering aims for, leaving room for anything SNS adds that we do not count. */
export const PUBLISH_BYTES_BUDGET = MAX_PUBLISH_BYTES - 4_096;
/** SNS: the subject must be "less than 100 characters long". */
export const SUBJECT_MAX_CHARS = 99;
/**
 * Assumed chat limits (unverified: the custom notification docs give none, and non-conforming payloads
 * are dropped silently). 3,000 is Slack's limit for a text section, 150 for a header.
 */
export const CHAT_DESCRIPTION_MAX_CHARS = 3_000;
export const CHAT_TITLE_MAX_CHARS = 150;
export const SMS_MAX_CHARS = 160;

export const CHAT_PROTOCOLS = ['https', 'lambda', 'sqs'] as const;
export type ChatProtocol = (typeof CHAT_PROTOCOLS)[number];

/** The custom notification schema of Amazon Q Developer in chat applications, with its metadata left open. */
export interface CustomChatNotification<Metadata> {
  version: '1.0';
  source: 'custom';
  id?: string;
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps: string[];
    keywords: string[];
  };
  metadata: Metadata;
}

/** An alert's chat notification: threaded by fingerprint. */
export type ChatNotification = CustomChatNotification<{
  threadId: string;
  summary: string;
  eventType: 'AccessDenied';
  relatedResources: string[];
  additionalContext: Record<string, string>;
}>;

/** The parsed `Message` of an alert: one string per SNS protocol. */
export interface AlertBody {
  default: string;
  email: string;
  sms: string;
  https?: string;
  lambda?: string;
  sqs?: string;
}

export interface RenderAlertInput {
  incident: Incident;
  trigger: AlertTrigger;
  topicArn?: string;
  /** The acknowledge command shown to the on-call; default `access-auditor incidents ack <fp>`. */
  ackCommand?: (fingerprint: string) => string;
  /** The command that prints everything, including the full fix; default `access-auditor incidents show <fp>`. */
  showCommand?: (fingerprint: string) => string;
  /** When set, console links are added (CloudTrail event in the call Region, IAM principal). Commercial partition only. */
  consoleRegion?: string;
  /** Protocols that receive the chat notification JSON; default `['https']`. */
  chatProtocols?: readonly ChatProtocol[];
}

export const defaultAckCommand = (fingerprint: string): string => `access-auditor incidents ack ${fingerprint}`;
export const defaultShowCommand = (fingerprint: string): string => `access-auditor incidents show ${fingerprint}`;

/** Sizes used for one rendering attempt; each later level cuts the diff first, then the statements. */
interface Budget {
  textStatements: number;
  textDiff: number;
  chatStatements: number;
  chatDiff: number;
  notes: number;
  noteChars: number;
  valueChars: number;
  proseChars: number;
}

// Email is the complete record, so the first level is generous; the byte limit then decides. The last
// level is small enough to fit whatever the input (every value and list is bounded).
const BUDGETS: readonly Budget[] = [
  { textStatements: 40_000, textDiff: 40_000, chatStatements: 1_200, chatDiff: 600, notes: 20, noteChars: 1_000, valueChars: 1_024, proseChars: 2_000 },
  { textStatements: 40_000, textDiff: 8_000, chatStatements: 1_200, chatDiff: 600, notes: 10, noteChars: 500, valueChars: 512, proseChars: 1_000 },
  { textStatements: 20_000, textDiff: 0, chatStatements: 1_000, chatDiff: 0, notes: 6, noteChars: 300, valueChars: 256, proseChars: 600 },
  { textStatements: 6_000, textDiff: 0, chatStatements: 600, chatDiff: 0, notes: 3, noteChars: 200, valueChars: 160, proseChars: 400 },
  { textStatements: 0, textDiff: 0, chatStatements: 0, chatDiff: 0, notes: 1, noteChars: 160, valueChars: 96, proseChars: 240 },
];

const CHAT_FIX_MAX_LINES = 30;
const TEXT_FIX_MAX_LINES = 2_000;
const MAX_RELATED_RESOURCES = 5;
const MAX_LISTED_DESTINATIONS = 6;

/**
 * Renders the SNS publish input for one alert. The result always fits SNS limits: subject under 100
 * printable ASCII characters, message plus attributes under 256 KB.
 */
export function renderAlert(input: RenderAlertInput): AlertMessage {
  const Subject = renderSubject(input.incident, input.trigger);
  const MessageAttributes = alertAttributes(input.incident, input.trigger);
  for (const budget of BUDGETS) {
    const message: AlertMessage = {
      ...(input.topicArn !== undefined ? { TopicArn: input.topicArn } : {}),
      Subject,
      Message: JSON.stringify(renderBody(input, Subject, budget)),
      MessageStructure: 'json',
      MessageAttributes,
    };
    if (publishSize(message) <= PUBLISH_BYTES_BUDGET) return message;
  }
  // Unreachable with the bounded last budget; a bug if it happens, and publishing would fail anyway.
  throw new AlertError(`alert for ${input.incident.fingerprint} does not fit in ${PUBLISH_BYTES_BUDGET} bytes`);
}

/** Bytes SNS counts for a publish: message, subject, and every attribute's name, type and value. */
export function publishSize(message: AlertMessage): number {
  let size = Buffer.byteLength(message.Message, 'utf8') + Buffer.byteLength(message.Subject, 'utf8');
  for (const [name, value] of Object.entries(message.MessageAttributes)) {
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.DataType, 'utf8') + Buffer.byteLength(value.StringValue, 'utf8');
  }
  return size;
}

// ---------------------------------------------------------------------------------------------
// Names and words shared by every form

/** The name people know the principal by: permission set, role, user, else the ARN's last part. */
export function principalDisplayName(principal: Principal): string {
  return (
    principal.permissionSetName ??
    principal.roleName ??
    principal.userName ??
    arnPrincipalName(principal.arn) ??
    principal.invokedBy ??
    principal.type
  );
}

/** The IAM name used for the `principal` attribute (role or user name: what filter policies match). */
export function principalAttributeName(principal: Principal): string {
  return principal.roleName ?? principal.userName ?? arnPrincipalName(principal.arn) ?? principal.invokedBy ?? principal.type;
}

function arnPrincipalName(arn: string | null): string | undefined {
  if (arn === null) return undefined;
  const resource = parseArn(arn)?.resource ?? '';
  if (resource === '') return undefined;
  const parts = resource.split('/');
  if (parts[0] === 'assumed-role' && parts[1] !== undefined) return parts[1];
  return parts[parts.length - 1];
}

/** The service part of an event source (`bedrock.amazonaws.com` → `bedrock`), else of the action. */
export function serviceOf(eventSource: string, action: string): string {
  const fromSource = eventSource.split('.')[0] ?? '';
  const service = fromSource !== '' ? fromSource : actionService(action);
  return service.toLowerCase().replace(/[^a-z0-9-]/g, '');
}

const TRIGGER_HEADLINES: Readonly<Record<AlertTrigger, string>> = {
  opened: 'New access denial',
  reopened: 'Access denial is back',
  threshold: 'Access denial keeps happening',
  deferred: 'Access denial still happening',
};

const SEVERITY_EMOJI: Readonly<Record<Severity, string>> = {
  high: ':rotating_light:',
  medium: ':warning:',
  low: ':information_source:',
};

const TARGET_WORDS: Readonly<Record<TargetKind, string>> = {
  'identity-policy': 'IAM identity policy',
  'sso-permission-set': 'IAM Identity Center permission set',
  'service-linked-role': 'service-linked role',
  scp: 'service control policy',
  rcp: 'resource control policy',
  'permissions-boundary': 'permissions boundary',
  'session-policy': 'session policy',
  'resource-policy': 'resource-based policy',
  'vpc-endpoint-policy': 'VPC endpoint policy',
  'model-access': 'Amazon Bedrock model access',
  none: 'no policy change',
};

const WHO_APPLIES: Readonly<Record<TargetKind, string>> = {
  'identity-policy': 'the owner of the IAM role or user (its infrastructure code)',
  'sso-permission-set': 'the IAM Identity Center administrator (management or delegated administrator account)',
  'service-linked-role': 'nobody can edit a service-linked role: change the calling service configuration',
  scp: 'the AWS Organizations administrator (management account)',
  rcp: 'the AWS Organizations administrator (management account)',
  'permissions-boundary': 'the owner of the permissions boundary (often a platform or security team)',
  'session-policy': 'the code or identity provider that passes the session policy when assuming the role',
  'resource-policy': 'the owner of the resource',
  'vpc-endpoint-policy': 'the owner of the VPC endpoint (network team)',
  'model-access': 'an account administrator allowed to manage Amazon Bedrock model access',
  none: 'nobody: no policy change is proposed',
};

const VERDICT_WORDS: Readonly<Record<ValidationVerdict, string>> = {
  // Offline evaluation always; iam:SimulatePrincipalPolicy confirms it when enabled (its verdict, if different, is in the notes).
  'simulated-allow': 'validated: with this fix, policy evaluation allows the denied call',
  'simulated-deny': 'NOT enough: with this fix, policy evaluation still denies the call',
  'not-validated': 'not validated against the current policies',
};

/** The first alert of an incident reads as new even when a threshold claimed it before the creator did. */
function headline(incident: Incident, trigger: AlertTrigger): string {
  const first = incident.alert.alertsSent === 0 && incident.alert.lastAlertAt === undefined;
  return first ? TRIGGER_HEADLINES.opened : TRIGGER_HEADLINES[trigger];
}

function proposalOf(incident: Incident): Proposal | undefined {
  return incident.proposal ?? incident.latest.proposal;
}

function times(count: number): string {
  return count === 1 ? '1 time' : `${count} times`;
}

// ---------------------------------------------------------------------------------------------
// Subject and attributes

/**
 * The email subject: printable ASCII, no line break, at most 99 characters, e.g.
 * `[access-auditor] bedrock:InvokeModel denied for chat-web-role (us-east-2)`. Long names are cut
 * first, then the action; the Region is dropped last.
 */
export function renderSubject(incident: Incident, trigger: AlertTrigger): string {
  const prefix = `[access-auditor] ${subjectTag(trigger, incident.count)}`;
  let name = asciiText(principalDisplayName(incident.principal));
  let action = asciiText(incident.action);
  let region = asciiText(incident.deniedRegion);
  const build = (): string => `${prefix}${action} denied for ${name}${region === '' ? '' : ` (${region})`}`;
  let subject = build();
  if (subject.length > SUBJECT_MAX_CHARS) {
    region = truncate(region, 20, '...');
    const fixed = build().length - name.length - action.length;
    const room = Math.max(0, SUBJECT_MAX_CHARS - fixed);
    const actionRoom = Math.min(action.length, Math.max(room - 24, Math.ceil(room / 2)));
    action = truncate(action, actionRoom, '...');
    name = truncate(name, Math.max(0, room - action.length), '...');
    subject = build();
  }
  return truncate(subject, SUBJECT_MAX_CHARS, '...');
}

function subjectTag(trigger: AlertTrigger, count: number): string {
  switch (trigger) {
    case 'opened':
      return '';
    case 'reopened':
      return 'Back: ';
    case 'threshold':
      return `${count}x: `;
    case 'deferred':
      return `Ongoing ${count}x: `;
  }
}

/**
 * Message attributes for subscription filter policies (all `String`, never empty): severity, account,
 * service, layer, principal, trigger. We rely on SNS evaluating filter policies on the attributes given
 * to `Publish` even with `MessageStructure: "json"` (it only does not deliver them to endpoints then);
 * that is our reading of the SNS docs, to confirm once on a deployed topic.
 */
export function alertAttributes(incident: Incident, trigger: AlertTrigger): AlertMessage['MessageAttributes'] {
  const string = (value: string | null | undefined) => ({ DataType: 'String' as const, StringValue: attributeValue(value) });
  return {
    severity: string(severityFor(incident)),
    account: string(incident.latest.accountId ?? incident.principal.accountId ?? incident.accounts[0]),
    service: string(serviceOf(incident.eventSource, incident.action)),
    layer: string(incident.reason.layer),
    principal: string(principalAttributeName(incident.principal)),
    trigger: string(trigger),
  };
}

// ---------------------------------------------------------------------------------------------
// Shared line model: trusted words, untrusted short values, untrusted prose.

type Segment = string | { value: string } | { prose: string };
interface Line {
  label: string;
  parts: Segment[];
  /** Continuation lines (indented in text, joined with " · " in chat). */
  more?: Segment[][];
}

function accountOf(incident: Incident): string | null {
  return incident.latest.accountId ?? incident.principal.accountId ?? incident.accounts[0] ?? null;
}

function factLines(incident: Incident, commands: { ack: string; show: string }): { facts: Line[]; ack: Line[] } {
  const p = incident.principal;
  const who: Line = {
    label: 'Who',
    parts: [{ value: principalDisplayName(p) }, ' (', { prose: p.type }, `, managed by ${p.managedBy})`],
    more: [],
  };
  if (p.permissionSetName !== undefined && p.roleName !== undefined) who.more?.push(['role ', { value: p.roleName }]);
  if (p.sessionName !== undefined) who.more?.push(['session ', { value: p.sessionName }]);
  if (p.invokedBy !== undefined) who.more?.push(['invoked by ', { value: p.invokedBy }]);
  if (p.accessKeyId !== undefined) who.more?.push(['access key ', { value: p.accessKeyId }]);
  if (incident.latest.bearerToken === true) who.more?.push(['authenticated with an Amazon Bedrock API key']);
  if (incident.sessions.length > 1) who.more?.push([`${incident.sessions.length} distinct sessions seen`]);

  const what: Line = {
    label: 'What',
    parts: [{ value: incident.action }, ...(incident.resource !== null ? [' on ', { value: incident.resource }] : [' (no specific resource)'])],
    more: modelLines(incident.latest.model),
  };

  const crossRegion = incident.deniedRegion !== incident.callRegion;
  const where: Line = {
    label: 'Where',
    parts: [
      'account ',
      { value: accountOf(incident) ?? 'unknown' },
      ', called in ',
      { value: incident.callRegion },
      ', denied in ',
      { value: incident.deniedRegion },
      crossRegion ? ' (cross-Region)' : '',
    ],
    more: [],
  };
  if (incident.accounts.length > 1 || incident.regions.length > 1) {
    where.more?.push([`seen in ${incident.accounts.length} account(s) and ${incident.regions.length} Region(s)`]);
  }

  const why: Line = { label: 'Why', parts: [{ prose: incident.reason.summary }, ' (', ...reasonParts(incident.reason), ')'], more: [] };
  if (incident.reason.policyArn !== undefined) why.more?.push(['denying policy ', { value: incident.reason.policyArn }]);
  if (incident.reason.truncated === true) why.more?.push(['CloudTrail truncated the error message: the reason may be incomplete']);

  const often: Line = {
    label: 'How often',
    parts: [`${times(incident.count)} since `, { value: incident.firstSeen }, ', last ', { value: incident.lastSeen }],
  };

  return {
    facts: [who, what, where, why, often],
    ack: [
      { label: 'Acknowledge', parts: [{ value: commands.ack }] },
      { label: 'Details', parts: [{ value: commands.show }] },
    ],
  };
}

function reasonParts(reason: Reason): Segment[] {
  const parts: Segment[] = [`layer: ${reason.layer}, ${reason.explicit ? 'explicit deny' : 'no policy allows it'}`];
  if (reason.policyType !== undefined) parts.push(', ', { prose: reason.policyType });
  if (reason.encoded === true) parts.push(', encoded message');
  return parts;
}

function modelLines(model: ModelInfo | undefined): Segment[][] {
  if (model === undefined) return [];
  const lines: Segment[][] = [['model ', { value: model.modelId }, ` (${model.resourceType})`]];
  const profile = model.inferenceProfile;
  if (profile !== undefined && profile.destinationRegions.length > 0) {
    const shown = profile.destinationRegions.slice(0, MAX_LISTED_DESTINATIONS).join(', ');
    const more = profile.destinationRegions.length > MAX_LISTED_DESTINATIONS ? ', ...' : '';
    lines.push([`${profile.kind} inference profile `, { value: profile.id ?? profile.arn ?? profile.scope }, ' routes to ', { value: `${shown}${more}` }]);
  }
  return lines;
}

function targetParts(proposal: Proposal): Segment[] {
  const t = proposal.target;
  const parts: Segment[] = [TARGET_WORDS[t.kind]];
  if (t.name !== undefined) parts.push(' for ', { value: t.name });
  if (t.policyName !== undefined) parts.push(', policy ', { value: t.policyName });
  else if (t.policyArn !== undefined) parts.push(', policy ', { value: t.policyArn });
  else if (t.kind !== 'none' && t.kind !== 'model-access') parts.push(', as a new policy');
  return parts;
}

function clip(text: string, maxChars: number, maxLines: number): { text: string; cut: boolean } {
  const lines = text.split('\n');
  let cut = lines.length > maxLines;
  let kept = lines.slice(0, maxLines).join('\n');
  if (kept.length > maxChars) {
    cut = true;
    const slice = kept.slice(0, Math.max(0, maxChars));
    const newline = slice.lastIndexOf('\n');
    kept = newline >= maxChars / 2 ? slice.slice(0, newline) : slice.replace(/[\uD800-\uDBFF]$/, '');
  }
  return { text: kept, cut };
}

function statementsText(proposal: Proposal): string {
  return proposal.statements.length === 0 ? '' : JSON.stringify(proposal.statements, null, 2);
}

// ---------------------------------------------------------------------------------------------
// Plain text (email, default)

function renderTextSegment(segment: Segment, budget: Budget): string {
  if (typeof segment === 'string') return segment;
  if ('value' in segment) return plainLine(segment.value, budget.valueChars);
  return plainLine(segment.prose, budget.proseChars);
}

const LABEL_WIDTH = 13;

function renderTextLine(line: Line, budget: Budget): string[] {
  const head = `${`${line.label}:`.padEnd(LABEL_WIDTH)}${line.parts.map((s) => renderTextSegment(s, budget)).join('')}`;
  const more = (line.more ?? []).map((parts) => `${' '.repeat(LABEL_WIDTH)}${parts.map((s) => renderTextSegment(s, budget)).join('')}`);
  return [head, ...more];
}

function indent(text: string, by = '    '): string {
  return text
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

function renderText(input: RenderAlertInput, commands: { ack: string; show: string }, budget: Budget): string {
  const { incident, trigger } = input;
  const severity = severityFor(incident);
  const { facts, ack } = factLines(incident, commands);
  const out: string[] = [
    `${headline(incident, trigger)} (severity ${severity}${triggerNote(incident, trigger)})`,
    plainLine(`${incident.action} denied for ${principalDisplayName(incident.principal)}`, budget.valueChars * 2),
    '',
  ];
  for (const line of facts) out.push(...renderTextLine(line, budget));
  out.push('');

  const proposal = proposalOf(incident);
  if (proposal === undefined) {
    out.push('Fix:         no proposal was computed; see the details command below.');
  } else {
    out.push(`Fix:         ${targetParts(proposal).map((s) => renderTextSegment(s, budget)).join('')}`);
    out.push(`${' '.repeat(LABEL_WIDTH)}${VERDICT_WORDS[proposal.validated]}`);
    const statements = clip(plainBlock(statementsText(proposal)), budget.textStatements, TEXT_FIX_MAX_LINES);
    if (statements.text !== '') out.push('  Statements to add or change:', indent(statements.text));
    const diffSource = proposal.diff !== undefined ? plainBlock(proposal.diff) : '';
    const diff = statements.cut ? { text: '', cut: diffSource !== '' } : clip(diffSource, budget.textDiff, TEXT_FIX_MAX_LINES);
    if (diff.text !== '') out.push('  Policy diff:', indent(diff.text));
    if (statements.cut || diff.cut) out.push(`  (fix shortened; full fix: ${plainLine(commands.show, budget.valueChars)})`);
    out.push('');
    out.push(`Who applies: ${WHO_APPLIES[proposal.target.kind]}`);
    const notes = proposal.notes.slice(0, budget.notes);
    if (notes.length > 0) {
      out.push('Notes:');
      for (const note of notes) out.push(`  - ${plainLine(note, budget.noteChars)}`);
      if (proposal.notes.length > notes.length) out.push(`  - (${proposal.notes.length - notes.length} more notes)`);
    }
  }
  out.push('');
  for (const line of ack) out.push(...renderTextLine(line, budget));
  for (const link of consoleLinks(input)) out.push(`${`${link.label}:`.padEnd(LABEL_WIDTH)}${link.url}`);
  out.push(`Fingerprint: ${plainLine(incident.fingerprint, budget.valueChars)}`);
  return out.join('\n');
}

function triggerNote(incident: Incident, trigger: AlertTrigger): string {
  switch (trigger) {
    case 'opened':
      return '';
    case 'reopened':
      return incident.status !== 'open' ? `, was ${incident.status}` : '';
    case 'threshold':
      return `, count reached ${incident.count}`;
    case 'deferred':
      return `, held back by the alert window${incident.alert.deferred !== undefined ? `: ${incident.alert.deferred}` : ''}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Chat (Amazon Q Developer in chat applications, client-markdown)

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
    `*Fix* (${targetParts(proposal).map((s) => renderChatSegment(s, sizes)).join('')}; ${escapeSlack(VERDICT_WORDS[proposal.validated])}):`,
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

function renderChatDescription(
  incident: Incident,
  proposal: Proposal | undefined,
  commands: { ack: string; show: string },
  budget: Budget,
): string {
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

function renderChat(input: RenderAlertInput, commands: { ack: string; show: string }, budget: Budget): ChatNotification {
  const { incident, trigger } = input;
  const severity = severityFor(incident);
  const proposal = proposalOf(incident);

  const nextSteps: string[] = [];
  if (proposal !== undefined && proposal.target.kind !== 'none') {
    nextSteps.push(`Apply the fix: ${targetParts(proposal).map((segment) => renderChatSegment(segment, CHAT_SIZES[1] as ChatSizes)).join('')}`);
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

// ---------------------------------------------------------------------------------------------
// Console links (opt-in)

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

function urlPart(value: string): string {
  // Also encode characters Slack could read as formatting inside an auto-linked URL.
  return encodeURIComponent(value).replace(/[!'()*_~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function consoleLinks(input: RenderAlertInput): Array<{ label: string; url: string }> {
  const { consoleRegion, incident } = input;
  if (consoleRegion === undefined || !REGION.test(consoleRegion)) return [];
  const partition = partitionOf(incident.principal.arn);
  if (partition !== undefined && partition !== 'aws') return [];
  const links: Array<{ label: string; url: string }> = [];
  const region = REGION.test(incident.callRegion) ? incident.callRegion : consoleRegion;
  links.push({
    label: 'CloudTrail',
    url: `https://${region}.console.aws.amazon.com/cloudtrailv2/home?region=${region}#/events/${urlPart(incident.latest.eventId)}`,
  });
  const { roleName, userName } = incident.principal;
  if (roleName !== undefined) {
    links.push({ label: 'IAM role', url: `https://console.aws.amazon.com/iam/home?region=${consoleRegion}#/roles/details/${urlPart(roleName)}` });
  } else if (userName !== undefined && incident.principal.type === 'IAMUser') {
    links.push({ label: 'IAM user', url: `https://console.aws.amazon.com/iam/home?region=${consoleRegion}#/users/details/${urlPart(userName)}` });
  }
  return links;
}

// ---------------------------------------------------------------------------------------------

function renderBody(input: RenderAlertInput, subject: string, budget: Budget): AlertBody {
  const fingerprint = input.incident.fingerprint;
  const commands = {
    ack: (input.ackCommand ?? defaultAckCommand)(fingerprint),
    show: (input.showCommand ?? defaultShowCommand)(fingerprint),
  };
  const text = renderText(input, commands, budget);
  const body: AlertBody = {
    default: text,
    email: text,
    sms: truncate(`${subject} Ack: ${asciiText(commands.ack)}`, SMS_MAX_CHARS, '...'),
  };
  const protocols = input.chatProtocols ?? ['https'];
  if (protocols.length > 0) {
    const chat = JSON.stringify(renderChat(input, commands, budget));
    for (const protocol of protocols) body[protocol] = chat;
  }
  return body;
}
