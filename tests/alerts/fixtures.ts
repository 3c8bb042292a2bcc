import type { Denial, Proposal } from '../../lib/denial/types';
import type { Incident } from '../../lib/incidents/types';
import { denial as baseDenial } from '../support/builders';

/** Built by hand from examples/records/01-apprunner-no-bedrock-grant.json. */
export const FINGERPRINT = '6c1f0b9e2d4a7c35';

export function proposal(overrides: Partial<Proposal> = {}): Proposal {
  return {
    target: { kind: 'identity-policy', name: 'chat-web-apprunner-instance-role', policyName: 'chat-web-bedrock' },
    statements: [
      {
        Sid: 'AllowInvokeClaude35Sonnet',
        Effect: 'Allow',
        Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        Resource: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0',
      },
    ],
    diff: [
      '--- chat-web-bedrock (current)',
      '+++ chat-web-bedrock (proposed)',
      '   "Statement": [',
      '+    {',
      '+      "Sid": "AllowInvokeClaude35Sonnet",',
      '+      "Effect": "Allow",',
      '+      "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],',
      '+      "Resource": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"',
      '+    }',
      '   ]',
    ].join('\n'),
    validated: 'simulated-allow',
    notes: ['The role is managed by the chat-web stack: change it in its infrastructure code, not in the console.'],
    ...overrides,
  };
}

/** Example 01 as the decoder describes it, on the shared denial builder. */
export function denial(overrides: Partial<Denial> = {}): Denial {
  return baseDenial({
    eventId: 'b0e7c1d2-0001-4a6b-9c8d-111122223301',
    eventTime: '2026-11-20T09:14:03Z',
    eventSource: 'bedrock.amazonaws.com',
    eventName: 'InvokeModel',
    accountId: '111122223333',
    principal: {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/chat-web-apprunner-instance-role/5f1c0e9a8b7d4c3e',
      accountId: '111122223333',
      roleName: 'chat-web-apprunner-instance-role',
      roleArn: 'arn:aws:iam::111122223333:role/chat-web-apprunner-instance-role',
      sessionName: '5f1c0e9a8b7d4c3e',
      managedBy: 'iam',
      invokedBy: 'tasks.apprunner.amazonaws.com',
      accessKeyId: 'ASIA…NNER',
    },
    action: 'bedrock:InvokeModel',
    callRegion: 'us-east-1',
    deniedRegion: 'us-east-1',
    resource: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0',
    reason: {
      layer: 'identity',
      explicit: false,
      summary: 'No identity-based policy of the role allows bedrock:InvokeModel on this model.',
    },
    model: {
      modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
      provider: 'anthropic',
      foundationModelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
      resourceType: 'foundation-model',
    },
    fingerprint: FINGERPRINT,
    proposal: proposal(),
    errorCode: 'AccessDenied',
    errorMessage:
      'User: arn:aws:sts::111122223333:assumed-role/chat-web-apprunner-instance-role/5f1c0e9a8b7d4c3e is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0 because no identity-based policy allows the bedrock:InvokeModel action',
    sourceIPAddress: 'tasks.apprunner.amazonaws.com',
    userAgent: 'aws-sdk-js/3.700.0 ua/2.1 os/linux lang/js md/nodejs#20.18.0 api/bedrock-runtime#3.700.0',
    ...overrides,
  });
}

/** An incident as the store returns it after counting an occurrence. */
export function incident(overrides: Partial<Incident> = {}): Incident {
  const latest = overrides.latest ?? denial();
  return {
    fingerprint: latest.fingerprint,
    status: 'open',
    count: 1,
    firstSeen: '2026-11-20T09:14:03Z',
    lastSeen: latest.eventTime,
    accounts: ['111122223333'],
    regions: [latest.callRegion],
    sessions: latest.principal.sessionName !== undefined ? [latest.principal.sessionName] : [],
    principal: latest.principal,
    action: latest.action,
    reason: latest.reason,
    eventSource: latest.eventSource,
    callRegion: latest.callRegion,
    deniedRegion: latest.deniedRegion,
    resource: latest.resource,
    latest,
    proposal: latest.proposal,
    alert: { alertsSent: 0 },
    ...overrides,
  };
}

export function parseBody(message: { Message: string }): Record<string, string> {
  return JSON.parse(message.Message) as Record<string, string>;
}

const INVISIBLE = new Set([0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff]);

/** The control characters (C0, DEL, C1) and bidi/BOM characters in `text`, except those in `allow`. */
export function controlChars(text: string, allow = ''): string[] {
  return [...text].filter((c) => {
    const code = c.codePointAt(0) as number;
    return !allow.includes(c) && (code < 0x20 || (code >= 0x7f && code <= 0x9f) || INVISIBLE.has(code));
  });
}
