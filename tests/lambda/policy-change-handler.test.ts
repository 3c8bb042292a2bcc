import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SnsNotifier } from '../../lib/notify/sinks/sns-notifier';
import { DynamoIncidentStore } from '../../lib/incidents/dynamodb/store';
import { createIngestHandler, type IngestResult } from '../../lib/lambda/ingest';
import { IamPolicySource } from '../../lib/policy/sources/iam-policy-source';
import { lambdaContext } from '../support/lambda-context';
import { freshTableName, useEmbeddedDynamoDB } from '../support/dynamodb';

const root = join(__dirname, '..', '..');
const json = (...path: string[]) => JSON.parse(readFileSync(join(root, ...path), 'utf8')) as Record<string, unknown>;
const DENIAL = json('examples', 'records', '01-apprunner-no-bedrock-grant.json');
const FIX = json('examples', 'changes', '01-put-role-policy-fixes-apprunner.json');
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:access-auditor-alerts';
const ROLE = 'chat-web-apprunner-instance-role';
const ROLE_ARN = `arn:aws:iam::111122223333:role/${ROLE}`;
const POLICY_ARN = 'arn:aws:iam::111122223333:policy/bedrock-claude-3-5-sonnet';
const MODEL = 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0';
process.env.POWERTOOLS_DEV = 'true';

const envelope = (detail: Record<string, unknown>, source: string) => ({
  version: '0',
  id: `evb-${String(detail.eventID)}`,
  'detail-type': 'AWS API Call via CloudTrail',
  source,
  account: '111122223333',
  time: String(detail.eventTime),
  region: 'us-east-1',
  resources: [],
  detail,
});
/** AttachRolePolicy carries ARNs only: the document must be read from IAM. */
const ATTACH = {
  ...FIX,
  eventID: 'attach-1',
  eventName: 'AttachRolePolicy',
  requestParameters: { roleName: ROLE, policyArn: POLICY_ARN },
};

const sns = mockClient(SNSClient);
const iam = mockClient(IAMClient);
const dynamo = useEmbeddedDynamoDB();
const encoded = (doc: unknown) => encodeURIComponent(JSON.stringify(doc));
const runtimeInline = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: '*' }] };

function iamRoleWith(attached: boolean, grant: unknown): void {
  iam.on(GetRoleCommand).resolves({ Role: { RoleName: ROLE, Arn: ROLE_ARN, Path: '/', RoleId: 'AROAEXAMPLE', CreateDate: new Date() } });
  iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['chat-web-runtime'] });
  iam.on(GetRolePolicyCommand).resolves({ RoleName: ROLE, PolicyName: 'chat-web-runtime', PolicyDocument: encoded(runtimeInline) });
  iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: attached ? [{ PolicyName: 'bedrock-claude-3-5-sonnet', PolicyArn: POLICY_ARN }] : [] });
  iam.on(GetPolicyCommand).resolves({ Policy: { PolicyName: 'bedrock-claude-3-5-sonnet', Arn: POLICY_ARN, DefaultVersionId: 'v1' } });
  iam.on(GetPolicyVersionCommand).resolves({ PolicyVersion: { VersionId: 'v1', IsDefaultVersion: true, Document: encoded(grant) } });
}

async function setup() {
  const store = new DynamoIncidentStore({ client: dynamo.client, tableName: freshTableName('loop-handler') });
  await store.ensureTable();
  jest.spyOn(console, 'info').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  jest.spyOn(console, 'debug').mockImplementation(() => undefined);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  let now = Date.parse('2026-11-22T08:00:00Z');
  const clock = () => new Date((now += 7_200_000));
  const notifier = new SnsNotifier({ client: new SNSClient({ region: 'us-east-1' }), topicArn: TOPIC });
  const policySource = new IamPolicySource({ client: new IAMClient({ region: 'us-east-1' }), clock });
  const handler = createIngestHandler({
    pipeline: { store, notifier, topicArn: TOPIC, alertPolicy: { windowMinutes: 60 }, clock, policySource },
    policyChange: { store, notifier, topicArn: TOPIC, policySource, clock },
    logger: new Logger({ serviceName: 'access-auditor' }),
    metrics: new Metrics({ serviceName: 'access-auditor', namespace: 'AccessAuditor' }),
  });
  let invocation = 0;
  const context = lambdaContext('access-auditor-dev-ingest');
  return { store, handler: (event: unknown) => handler(event as never, { ...context, awsRequestId: `req-${++invocation}` }) as Promise<IngestResult> };
}

beforeEach(() => {
  sns.reset();
  iam.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});
afterEach(() => jest.restoreAllMocks());

describe('the ingest handler on a policy change whose document is not in the event', () => {
  it('reads the attached policy from IAM, finds the call allowed and marks the incident fixed, with one follow-up', async () => {
    iamRoleWith(false, { Version: '2012-10-17', Statement: [] });
    const { store, handler } = await setup();
    const denied = await handler(envelope(DENIAL, 'aws.bedrock'));
    expect(denied).toMatchObject({ outcome: 'counted' });

    // IAM now shows the attachment; the policy's default version grants the call.
    iamRoleWith(true, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: MODEL }] });
    const result = await handler(envelope(ATTACH, 'aws.iam'));

    expect(result).toEqual({ outcome: 'policy-change' });
    const incident = await store.get(String(denied.fingerprint));
    expect(incident?.status).toBe('fixed');
    expect(incident?.resolution).toMatchObject({ kind: 'policy-change', eventId: 'attach-1', change: 'AttachRolePolicy', scope: 'matches-proposal' });
    expect(iam.commandCalls(GetPolicyVersionCommand).some((c) => c.args[0].input.PolicyArn === POLICY_ARN)).toBe(true);
    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(published).toHaveLength(2);
    expect(published[1]?.Subject).toBe(published[0]?.Subject);
    expect(published[1]?.MessageAttributes?.trigger?.StringValue).toBe('follow-up-fixed');
  });

  it('keeps the incident open and explains when the attached policy does not allow the call', async () => {
    iamRoleWith(false, { Version: '2012-10-17', Statement: [] });
    const { store, handler } = await setup();
    const denied = await handler(envelope(DENIAL, 'aws.bedrock'));
    iamRoleWith(true, {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:aws:bedrock:*::foundation-model/amazon.*' }],
    });

    await handler(envelope(ATTACH, 'aws.iam'));

    expect((await store.get(String(denied.fingerprint)))?.status).toBe('open');
    const followUp = sns.commandCalls(PublishCommand).map((c) => c.args[0].input)[1];
    expect(followUp?.MessageAttributes?.trigger?.StringValue).toBe('follow-up-still-denied');
    expect(JSON.parse(String(followUp?.Message)).email).toContain('is still not allowed by any statement');
  });

  it('treats a denied change as a denial, not as a change', async () => {
    iamRoleWith(false, { Version: '2012-10-17', Statement: [] });
    const { handler } = await setup();
    const denied = {
      ...ATTACH,
      eventID: 'attach-denied',
      errorCode: 'AccessDenied',
      errorMessage: `User: ${String((FIX.userIdentity as { arn: string }).arn)} is not authorized to perform: iam:AttachRolePolicy on resource: role ${ROLE} because no identity-based policy allows the iam:AttachRolePolicy action`,
    };
    expect(await handler(envelope(denied, 'aws.iam'))).toMatchObject({ outcome: 'counted' });
  });

  it('ignores a failed change: an errorCode means nothing changed', async () => {
    iamRoleWith(false, { Version: '2012-10-17', Statement: [] });
    const { handler } = await setup();
    await handler(envelope(DENIAL, 'aws.bedrock'));
    const failed = { ...ATTACH, eventID: 'attach-failed', errorCode: 'LimitExceeded', errorMessage: 'Cannot exceed quota for PoliciesPerRole: 10' };
    expect(await handler(envelope(failed, 'aws.iam'))).toEqual({ outcome: 'skipped' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });
});
