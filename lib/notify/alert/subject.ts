/** The alert's subject line and its SNS message attributes (what subscription filter policies match). */
import type { AlertTrigger, Incident } from '../../incidents/types';
import { principalAttributeName, principalDisplayName } from '../../denial/principal-name';
import { severityFor, type Severity } from '../../alerts/severity';
import { asciiText, attributeValue, SUBJECT_MAX_CHARS, truncate } from '../sns-text';
import type { AlertMessage } from '../types';
import { serviceOf } from './facts';

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
    case 'regression':
      return 'Regression: ';
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
export function alertAttributes(
  incident: Incident,
  trigger: AlertTrigger,
  rules: { severity?: Severity | undefined; route?: Record<string, string> | undefined } = {},
): AlertMessage['MessageAttributes'] {
  const string = (value: string | null | undefined) => ({ DataType: 'String' as const, StringValue: attributeValue(value) });
  // Route attributes first: the schema forbids the built-in names, and spreading them first keeps ours even so.
  const route = Object.fromEntries(Object.entries(rules.route ?? {}).map(([name, value]) => [name, string(value)]));
  return {
    ...route,
    severity: string(rules.severity ?? severityFor(incident)),
    account: string(incident.latest.accountId ?? incident.principal.accountId ?? incident.accounts[0]),
    service: string(serviceOf(incident.eventSource, incident.action)),
    layer: string(incident.reason.layer),
    principal: string(principalAttributeName(incident.principal)),
    trigger: string(trigger),
  };
}
