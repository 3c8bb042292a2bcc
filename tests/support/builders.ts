/**
 * The test data builders shared by the suites: principals, denials, proposals and a capturing notifier.
 * There is one denial builder, {@link denial}; the presets below it are the denials the store, report and
 * alert suites were written against, as overrides of it. Area fixture modules (tests/<area>/fixtures.ts)
 * re-export these under the names their suites use and keep only their own scenarios.
 */
import type { AlertMessage, Notifier } from '../../lib/notify/types';
import type { Denial, Principal, Proposal } from '../../lib/denial/types';

export const ACCOUNT = '111122223333';

/** An assumed-role session of `roleName` (role path `path`), named `session-1`. */
export function rolePrincipal(roleName: string, path = '/', extra: Partial<Principal> = {}, account = ACCOUNT): Principal {
  return {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${account}:assumed-role/${roleName}/session-1`,
    accountId: account,
    roleName,
    roleArn: `arn:aws:iam::${account}:role${path}${roleName}`,
    sessionName: 'session-1',
    managedBy: 'iam',
    ...extra,
  };
}

export function userPrincipal(userName: string, account = ACCOUNT): Principal {
  return { type: 'IAMUser', arn: `arn:aws:iam::${account}:user/${userName}`, accountId: account, userName, managedBy: 'iam' };
}

/** The role IAM Identity Center makes for a permission set. */
export function ssoPrincipal(permissionSet: string, suffix = '0a1b2c3d4e5f6789', region = 'us-east-1'): Principal {
  const roleName = `AWSReservedSSO_${permissionSet}_${suffix}`;
  return rolePrincipal(roleName, `/aws-reserved/sso.amazonaws.com/${region}/`, { managedBy: 'sso', permissionSetName: permissionSet });
}

/** A denial shaped like the decoder's output: an identity-policy denial of bedrock:InvokeModel; override any field. */
export function denial(overrides: Partial<Denial> = {}): Denial {
  return {
    eventId: 'event-1',
    eventTime: '2026-11-20T09:14:03Z',
    eventSource: 'bedrock.amazonaws.com',
    eventName: 'InvokeModel',
    accountId: ACCOUNT,
    principal: rolePrincipal('app-role'),
    action: 'bedrock:InvokeModel',
    callRegion: 'us-east-1',
    deniedRegion: 'us-east-1',
    resource: null,
    reason: { layer: 'identity', explicit: false, policyType: 'identity-based policy', summary: 'denied' },
    fingerprint: 'f',
    errorCode: 'AccessDeniedException',
    errorMessage: null,
    ...overrides,
  };
}

const SONNET_35_ARN = 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0';

/** The validated identity-policy fix of {@link storedDenial}. */
export function sampleProposal(overrides: Partial<Proposal> = {}): Proposal {
  return {
    target: { kind: 'identity-policy', name: 'chat-web' },
    statements: [{ Sid: 'AllowInvoke', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: SONNET_35_ARN }],
    validated: 'simulated-allow',
    notes: [],
    ...overrides,
  };
}

/** A denial as the pipeline hands it to the incident store (chat-web invoking Claude 3.5 Sonnet, with a fix). */
export function storedDenial(overrides: Partial<Denial> & { eventId: string }): Denial {
  return denial({
    eventTime: '2026-11-20T09:14:03Z',
    principal: rolePrincipal('chat-web'),
    resource: SONNET_35_ARN,
    reason: { layer: 'identity', explicit: false, summary: 'No identity-based policy allows bedrock:InvokeModel.' },
    fingerprint: 'fp-default',
    errorCode: 'AccessDenied',
    errorMessage: 'User: ... is not authorized to perform: bedrock:InvokeModel',
    proposal: sampleProposal(),
    ...overrides,
  });
}

/** A denial of the weekly report's week (chat-web, no resource, no fix); each test names its fingerprint. */
export function reportDenial(overrides: Partial<Denial> & { eventId: string; fingerprint: string }): Denial {
  return denial({
    eventTime: '2026-11-18T10:00:00Z',
    principal: rolePrincipal('chat-web'),
    reason: { layer: 'identity', explicit: false, summary: 'No identity-based policy allows the action.' },
    errorMessage: 'User: ... is not authorized to perform: bedrock:InvokeModel',
    ...overrides,
  });
}

/** The notification port, keeping what was published in memory. */
export class CapturingNotifier implements Notifier {
  readonly messages: AlertMessage[] = [];
  constructor(private readonly idPrefix = 'msg-') {}
  async publish(message: AlertMessage): Promise<{ messageId: string }> {
    this.messages.push(message);
    return { messageId: `${this.idPrefix}${this.messages.length}` };
  }
}
