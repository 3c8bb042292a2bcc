/**
 * What every form of an alert says, before any escaping: the headline, the trusted words for targets,
 * verdicts and who applies a fix, and the fact lines (who, what, where, why, how often) as segments
 * that each channel renders its own way (./email, ./chat).
 */
import type { ModelInfo, Proposal, Reason, TargetKind, ValidationVerdict } from '../../denial/types';
import type { AlertTrigger, Incident } from '../../incidents/types';
import { principalDisplayName } from '../../denial/principal-name';
import { actionService } from '../../aws/action';
import type { IncidentCommandLines } from './commands';
import { checkedByWords } from '../../denial/readiness';

export const MAX_RELATED_RESOURCES = 5;
const MAX_LISTED_DESTINATIONS = 6;

/** The service part of an event source (`bedrock.amazonaws.com` → `bedrock`), else of the action. */
export function serviceOf(eventSource: string, action: string): string {
  const fromSource = eventSource.split('.')[0] ?? '';
  const service = fromSource !== '' ? fromSource : actionService(action);
  return service.toLowerCase().replace(/[^a-z0-9-]/g, '');
}

const TRIGGER_HEADLINES: Readonly<Record<AlertTrigger, string>> = {
  opened: 'New access denial',
  reopened: 'Access denial is back',
  regression: 'Regression: access denial is back after its fix',
  threshold: 'Access denial keeps happening',
  deferred: 'Access denial still happening',
};

export const TARGET_WORDS: Readonly<Record<TargetKind, string>> = {
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

export const WHO_APPLIES: Readonly<Record<TargetKind, string>> = {
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

export const VERDICT_WORDS: Readonly<Record<ValidationVerdict, string>> = {
  // Offline evaluation always; iam:SimulatePrincipalPolicy confirms it when enabled (its verdict, if different, is in the notes).
  'simulated-allow': 'validated: with this fix, policy evaluation allows the denied call',
  'simulated-deny': 'NOT enough: with this fix, policy evaluation still denies the call',
  'unknown-context': 'NOT confirmed: the verdict depends on parts of the request the record does not show',
  'needs-input': 'NOT ready: fill in the exact resource the caller uses first',
  'not-validated': 'not validated against the current policies',
};

/** The verdict in words, naming who evaluated an allow (the offline evaluator, IAM's simulator, or both). */
export function verdictWords(proposal: Proposal): string {
  if (proposal.validated !== 'simulated-allow') return VERDICT_WORDS[proposal.validated];
  return `validated by ${checkedByWords(proposal)}: with this fix, policy evaluation allows the denied call`;
}

/** The first alert of an incident reads as new even when a threshold claimed it before the creator did. */
export function headline(incident: Incident, trigger: AlertTrigger): string {
  const first = incident.alert.alertsSent === 0 && incident.alert.lastAlertAt === undefined;
  return first ? TRIGGER_HEADLINES.opened : TRIGGER_HEADLINES[trigger];
}

export function proposalOf(incident: Incident): Proposal | undefined {
  return incident.proposal ?? incident.latest.proposal;
}

export function times(count: number): string {
  return count === 1 ? '1 time' : `${count} times`;
}

// ---------------------------------------------------------------------------------------------
// Shared line model: trusted words, untrusted short values, untrusted prose.

export type Segment = string | { value: string } | { prose: string };
export interface Line {
  label: string;
  parts: Segment[];
  /** Continuation lines (indented in text, joined with " · " in chat). */
  more?: Segment[][];
}

export function accountOf(incident: Incident): string | null {
  return incident.latest.accountId ?? incident.principal.accountId ?? incident.accounts[0] ?? null;
}

export function factLines(incident: Incident, commands: IncidentCommandLines): { facts: Line[]; ack: Line[] } {
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

export function targetParts(proposal: Proposal): Segment[] {
  const t = proposal.target;
  const parts: Segment[] = [TARGET_WORDS[t.kind]];
  if (t.name !== undefined) parts.push(' for ', { value: t.name });
  if (t.policyName !== undefined) parts.push(', policy ', { value: t.policyName });
  else if (t.policyArn !== undefined) parts.push(', policy ', { value: t.policyArn });
  else if (t.kind !== 'none' && t.kind !== 'model-access') parts.push(', as a new policy');
  return parts;
}

export function statementsText(proposal: Proposal): string {
  return proposal.statements.length === 0 ? '' : JSON.stringify(proposal.statements, null, 2);
}
