/**
 * Renders an incident alert as one SNS publish with `MessageStructure: "json"`: a plain-text form for
 * email (and every protocol without its own key), a custom notification for Amazon Q Developer in chat
 * applications (formerly AWS Chatbot), and a one-line SMS. Pure: no SDK, no clock.
 *
 * Channels: ./subject (subject line and attributes), ./email (plain text), ./chat (chat notification),
 * ./budget (the size levels tried until the publish fits).
 *
 * Protocol keys. Amazon Q Developer in chat applications subscribes to the topic with an HTTPS endpoint,
 * so the `https` key carries the chat notification JSON. `default` stays readable plain text because it
 * also reaches protocols we do not tailor (email-json, http, application, firehose, and sqs/lambda
 * unless listed in `chatProtocols`). `sqs` and `lambda` get the chat JSON only on request (a custom
 * forwarder to a chat tool); each extra copy counts against the 256 KB limit.
 */
import type { AlertTrigger, Incident } from '../../incidents/types';
import type { Severity } from '../../alerts/severity';
import { AlertError } from '../../alerts/errors';
import { forDisplay } from '../../display/sanitise';
import { asciiText, publishSize, PUBLISH_BYTES_BUDGET, SMS_MAX_CHARS, truncate } from '../sns-text';
import type { AlertMessage, ChatProtocol } from '../types';
import { BUDGETS, type Budget } from './budget';
import { renderChat } from './chat';
import { defaultAckCommand, defaultShowCommand } from './commands';
import { renderEmailText } from './email';
import { alertAttributes, renderSubject } from './subject';

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
  /** A `severity` rule's value, instead of the computed severity (attribute, subject text, chat). */
  severity?: Severity;
  /** A `route` rule's message attributes (e.g. `team`), added for subscription filter policies. */
  route?: Record<string, string>;
}

/**
 * Renders the SNS publish input for one alert. The result always fits SNS limits: subject under 100
 * printable ASCII characters, message plus attributes under 256 KB.
 */
export function renderAlert(raw: RenderAlertInput): AlertMessage {
  // Every field of the incident comes from events: the renderers below see only the sanitised view.
  const input = { ...raw, incident: forDisplay(raw.incident) };
  const Subject = renderSubject(input.incident, input.trigger);
  const MessageAttributes = alertAttributes(input.incident, input.trigger, { severity: input.severity, route: input.route });
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

function renderBody(input: RenderAlertInput, subject: string, budget: Budget): AlertBody {
  const fingerprint = input.incident.fingerprint;
  const commands = {
    ack: (input.ackCommand ?? defaultAckCommand)(fingerprint),
    show: (input.showCommand ?? defaultShowCommand)(fingerprint),
  };
  const text = renderEmailText(input, commands, budget);
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
