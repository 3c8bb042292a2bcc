/**
 * What SNS accepts, and how untrusted text is made safe to send: the publish limits shared by alerts and
 * the weekly report, then escaping and sanitising.
 *
 * Escaping for notification text. Almost every value in an alert can be chosen by whoever triggers the
 * denial (session names, user names, resource names, model IDs, user agents, error messages), so
 * nothing reaches a chat channel or an email without passing through one of these functions.
 *
 * Chat forms (Slack via Amazon Q Developer in chat applications, `client-markdown`):
 * - `&`, `<`, `>` become `&amp;`, `&lt;`, `&gt;`: Slack's control sequences (`<!channel>`, `<@U123>`,
 *   `<#C123>`, `<http://x|y>`) all need a raw `<`, and Teams' `<at>` mentions too.
 * - `@channel`, `@here`, `@everyone` get a zero-width space after the `@`.
 * - Slack mrkdwn has no backslash escape, so an untrusted value goes inside an inline code span, where
 *   formatting, emoji shortcodes and auto-links do not apply; backticks inside it become `ˋ` (U+02CB)
 *   so the span cannot be closed early. Free text keeps plain words readable and wraps only the
 *   tokens that could format, link or mention (see {@link chatText}).
 * - Values are made single-line, so a value can never start a line and become a `>` quote.
 *
 * Everywhere (chat, email, subject, attributes, terminal): lib/display/sanitise.ts, the one sanitiser:
 * escape sequences, control characters (C0, C1, DEL), bidi overrides and zero-width characters are
 * removed, lone surrogates become U+FFFD, access key IDs and Amazon Bedrock API keys are masked, and
 * secret-key-shaped strings and labelled credentials are redacted.
 */

import { ELLIPSIS, maskCredentials, stripControl, wellFormed } from '../display/sanitise';
import type { AlertMessage } from './types';

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

/** Bytes SNS counts for a publish: message, subject, and every attribute's name, type and value. */
export function publishSize(message: AlertMessage): number {
  let size = Buffer.byteLength(message.Message, 'utf8') + Buffer.byteLength(message.Subject, 'utf8');
  for (const [name, value] of Object.entries(message.MessageAttributes)) {
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.DataType, 'utf8') + Buffer.byteLength(value.StringValue, 'utf8');
  }
  return size;
}

// ---------------------------------------------------------------------------------------------
// Escaping and sanitising

const MENTION = /@(channel|here|everyone)/gi;

const ZERO_WIDTH_SPACE = '\u200B';
const BACKTICK_STAND_IN = '\u02CB';

// The one sanitiser lives in lib/display; these names stay for the renderers that use them.
export { ELLIPSIS, stripControl, wellFormed };

/** Masks access key IDs and Bedrock API keys, and redacts secret keys and labelled credentials (lib/display/sanitise.ts). */
export function maskSecrets(value: string): string {
  return maskCredentials(value);
}

/** Cuts to at most `max` UTF-16 units including the marker, never splitting a surrogate pair. */
export function truncate(value: string, max: number, marker: string = ELLIPSIS): string {
  if (value.length <= max) return value;
  if (max <= marker.length) return marker.slice(0, Math.max(0, max));
  let cut = value.slice(0, max - marker.length);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  // A cut can turn a longer token into a key-shaped one (21 characters become 20): mask again.
  return maskCredentials(cut) + marker;
}

/** Cleans one untrusted value for plain text (email, terminal): single line, no control characters, secrets masked. */
export function plainLine(value: string, max = Number.POSITIVE_INFINITY): string {
  return truncate(maskSecrets(stripControl(value)), max);
}

/** Cleans untrusted multi-line text for plain text (email): control characters removed, secrets masked. */
export function plainBlock(value: string): string {
  return maskSecrets(stripControl(value, { multiline: true }));
}

/** Escapes the three characters Slack reserves for control sequences. */
export function escapeSlack(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Breaks `@channel`, `@here` and `@everyone` so they cannot notify a whole channel. */
export function breakMentions(value: string): string {
  return value.replace(MENTION, `@${ZERO_WIDTH_SPACE}$1`);
}

function neutraliseForChat(value: string): string {
  return breakMentions(escapeSlack(value.replace(/`/g, BACKTICK_STAND_IN)));
}

/**
 * Renders an untrusted value as a chat inline code span: single line, secrets masked, cut to `max`
 * characters, backticks replaced, `& < >` escaped, mass mentions broken. An empty value renders as `-`.
 */
export function chatCode(value: string, max = 200): string {
  const clean = truncate(maskSecrets(stripControl(value)), max);
  return `\`${clean === '' ? '-' : neutraliseForChat(clean)}\``;
}

/** Renders untrusted multi-line text (a policy or diff) as a chat code block; the caller bounds its size. */
export function chatCodeBlock(value: string): string {
  const clean = maskSecrets(stripControl(value, { multiline: true }));
  return `\`\`\`\n${neutraliseForChat(clean)}\n\`\`\``;
}

// A token could format (* _ ~ `), quote a channel (#), mention (@), build a link ([ ] | :// www. or a
// domain-like word that Slack auto-links) or become an emoji (:word:).
const RISKY_TOKEN = /[*_~`#|[\]@]|:\/\/|^www\.|:[^\s:]+:|[A-Za-z0-9-]\.[A-Za-z]{2,}(?:[/:?#]|[.,;:!?)]*$)/;

/**
 * Renders untrusted free text (a reason sentence, a note) for chat: plain words stay plain, any word
 * that could format, link, mention or become an emoji is wrapped in a code span.
 */
export function chatText(value: string, max = 500): string {
  const clean = truncate(maskSecrets(stripControl(value)), max);
  return clean.split(' ').map(chatToken).join(' ');
}

/**
 * One word of free text. A risky word goes in a code span, but sentence punctuation around it stays
 * outside, so that a copied ARN or policy name does not carry the sentence's `:` or `;` with it.
 */
function chatToken(token: string): string {
  if (!RISKY_TOKEN.test(token)) return breakMentions(escapeSlack(token));
  const [, before = '', core = '', after = ''] = /^(\(*)(.*?)([.,;:!?)]*)$/s.exec(token) ?? [];
  if (core === '' || !RISKY_TOKEN.test(core)) return `\`${neutraliseForChat(token)}\``;
  return `${escapeSlack(before)}\`${neutraliseForChat(core)}\`${escapeSlack(after)}`;
}

/**
 * Chat metadata (summary, related resources, additional context) may be shown outside markdown:
 * escape and mask, but do not add code spans.
 */
export function chatPlain(value: string, max = 256): string {
  const clean = truncate(maskSecrets(stripControl(value)), max);
  return neutraliseForChat(clean);
}

/** Printable ASCII only: accents are dropped (é → e), anything else becomes `?`. For the email subject. */
export function asciiText(value: string): string {
  return maskSecrets(stripControl(value))
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7E]/gu, '?');
}

/** An SNS message attribute value: non-empty (SNS rejects empty values), single line, bounded. */
export function attributeValue(value: string | null | undefined, max = 256): string {
  const clean = value == null ? '' : truncate(maskSecrets(stripControl(value)), max);
  return clean === '' ? 'unknown' : clean;
}
