import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { servicePrefixOf } from '../../lib/cloudtrail/action';
import { decodeRecord, type DenialOutcome } from '../../lib/cloudtrail/decode';
import { arnFitsActionPrefix } from '../../lib/cloudtrail/resource';
import type { Denial } from '../../lib/denial/types';

const EXAMPLES = join(__dirname, '../../examples/records');
const example = (prefix: string): Record<string, unknown> => {
  const file = readdirSync(EXAMPLES).find((f) => f.startsWith(prefix));
  if (!file) throw new Error(`no example ${prefix}`);
  return JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as Record<string, unknown>;
};

function denialOf(outcome: DenialOutcome): Denial {
  if (outcome.kind !== 'denial') throw new Error(`expected a denial, got ${JSON.stringify(outcome)}`);
  return outcome.denial;
}

const ACCOUNT = '111122223333';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/app-role`;
const STS = (session: string) => `arn:aws:sts::${ACCOUNT}:assumed-role/app-role/${session}`;

/** A denied call by `app-role`; fields override the base. */
function record(fields: Record<string, unknown> = {}, session = 'sess-1'): Record<string, unknown> {
  return {
    eventVersion: '1.11',
    userIdentity: {
      type: 'AssumedRole',
      arn: STS(session),
      accountId: ACCOUNT,
      accessKeyId: 'ASIAEXAMPLEKEY000001',
      sessionContext: { sessionIssuer: { type: 'Role', arn: ROLE_ARN, accountId: ACCOUNT, userName: 'app-role' } },
    },
    eventTime: '2026-11-20T10:00:00Z',
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '203.0.113.9',
    userAgent: 'test-agent',
    errorCode: 'AccessDenied',
    errorMessage: `User: ${STS(session)} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::data-bucket/reports/2026.csv" because no identity-based policy allows the s3:GetObject action`,
    requestParameters: { bucketName: 'data-bucket', key: 'reports/2026.csv' },
    eventID: `evt-${session}`,
    recipientAccountId: ACCOUNT,
    ...fields,
  };
}

describe('the six shipped examples', () => {
  it('1: App Runner role without a Bedrock grant', () => {
    const d = denialOf(decodeRecord(example('01')));
    expect(d).toMatchObject({
      action: 'bedrock:InvokeModel',
      callRegion: 'us-east-1',
      deniedRegion: 'us-east-1',
      resource: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0',
      reason: { layer: 'identity', explicit: false },
      principal: { roleName: 'chat-web-apprunner-instance-role', managedBy: 'iam', invokedBy: 'tasks.apprunner.amazonaws.com' },
      model: { provider: 'anthropic', family: 'claude-3-5-sonnet', version: '20240620-v1:0', resourceType: 'foundation-model' },
    });
    expect(d.model?.inferenceProfile).toBeUndefined();
  });

  it('2: IAM user denied on the US profile', () => {
    const d = denialOf(decodeRecord(example('02')));
    expect(d).toMatchObject({
      principal: { type: 'IAMUser', userName: 'data-pipeline', managedBy: 'iam', accessKeyId: 'AKIA…IPE1' },
      resource: `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0`,
      model: { inferenceProfile: { id: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', kind: 'system', scope: 'us' } },
    });
  });

  it('3: Identity Center permission set, global profile', () => {
    const d = denialOf(decodeRecord(example('03')));
    expect(d.principal).toMatchObject({ managedBy: 'sso', permissionSetName: 'ClaudeAccess', sessionName: 'alice@example.com' });
    expect(d.principal.roleArn).toContain('/aws-reserved/sso.amazonaws.com/');
    expect(d.action).toBe('bedrock:InvokeModel');
    expect(d.eventName).toBe('Converse');
    expect(d.model?.inferenceProfile).toMatchObject({ kind: 'system', scope: 'global', destinationsSource: 'table' });
    expect(d.model?.inferenceProfile?.destinationRegions).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'ap-northeast-1']));
    expect(d.reason.summary).toContain('permission set ClaudeAccess');
  });

  it('4: agent role denied in us-east-2 on a us-east-1 Converse call', () => {
    const d = denialOf(decodeRecord(example('04')));
    expect(d.callRegion).toBe('us-east-1');
    expect(d.deniedRegion).toBe('us-east-2');
    expect(d.action).toBe('bedrock:InvokeModel');
    expect(d.principal).toMatchObject({
      roleArn: `arn:aws:iam::${ACCOUNT}:role/service-role/support-supervisor-agent-role-dev`,
      sessionName: expect.stringMatching(/^BedrockAgents-/),
    });
    expect(d.model?.inferenceProfile).toMatchObject({ id: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', kind: 'system', scope: 'us' });
    expect(d.model?.inferenceProfile?.destinationRegions).toEqual(expect.arrayContaining(['us-east-1', 'us-east-2', 'us-west-2']));
    expect(d.reason.summary).toMatch(/in us-east-2 .*us-east-1/);
  });

  it('5: ECS task role, streaming action, us-west-2', () => {
    const d = denialOf(decodeRecord(example('05')));
    expect(d).toMatchObject({
      action: 'bedrock:InvokeModelWithResponseStream',
      deniedRegion: 'us-west-2',
      callRegion: 'us-west-2',
      principal: { roleName: 'orders-api-task-role' },
    });
  });

  it('6: API key user lacking bedrock:CallWithBearerToken', () => {
    const d = denialOf(decodeRecord(example('06')));
    expect(d).toMatchObject({
      action: 'bedrock:CallWithBearerToken',
      resource: null,
      bearerToken: true,
      deniedRegion: 'us-east-1',
      reason: { layer: 'identity' },
    });
    expect(d.reason.summary).toContain('API key');
  });

  it('every example has a 16-hex fingerprint, a summary sentence, and the raw error fields', () => {
    for (const prefix of ['01', '02', '03', '04', '05', '06']) {
      const d = denialOf(decodeRecord(example(prefix)));
      expect(d.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      expect(d.reason.summary).toMatch(/^[A-Z].*\.$/);
      expect(d.errorCode).toMatch(/AccessDenied/);
      expect(d.errorMessage).toContain('is not authorized to perform');
    }
  });
});

interface Case {
  name: string;
  record: Record<string, unknown>;
  expected: Record<string, unknown>;
}

const variants: Case[] = [
  {
    name: 'S3 object denial in eu-west-1',
    record: record(),
    expected: {
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::data-bucket/reports/2026.csv',
      deniedRegion: 'eu-west-1',
      reason: { layer: 'identity', explicit: false },
    },
  },
  {
    name: 'explicit SCP deny with policy ARN and authorization id',
    record: record({
      errorMessage: `User: ${STS('s')} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::data-bucket/k" with an explicit deny in a service control policy: arn:aws:organizations::999988887777:policy/o-abc/service_control_policy/p-123. Go to https://us-east-1.console.aws.amazon.com/iam/home#/authorization-details/abc123 for complete details, or call the GetRequestAuthorizationDetails API with the following authorization id: abc123`,
    }),
    expected: {
      reason: {
        layer: 'scp',
        explicit: true,
        policyArn: 'arn:aws:organizations::999988887777:policy/o-abc/service_control_policy/p-123',
        authorizationId: 'abc123',
        policyType: 'service control policy',
      },
    },
  },
  {
    name: 'generic Access Denied derives action and resource from the event',
    record: record({ eventName: 'HeadObject', errorMessage: 'Access Denied' }),
    expected: { action: 's3:GetObject', resource: 'arn:aws:s3:::data-bucket/reports/2026.csv', reason: { layer: 'unknown', explicit: false } },
  },
  {
    name: 'ListObjectsV2 without a message',
    record: record({ eventName: 'ListObjectsV2', errorMessage: undefined, requestParameters: { bucketName: 'data-bucket' } }),
    expected: { action: 's3:ListBucket', resource: 'arn:aws:s3:::data-bucket', errorMessage: null },
  },
  {
    name: 'EC2 encoded message',
    record: record({
      eventSource: 'ec2.amazonaws.com',
      eventName: 'RunInstances',
      errorCode: 'Client.UnauthorizedOperation',
      errorMessage: 'You are not authorized to perform this operation. Encoded authorization failure message: AbCdEf123',
      requestParameters: { instanceType: 't3.micro' },
    }),
    expected: {
      action: 'ec2:RunInstances',
      resource: null,
      reason: { encoded: true, layer: 'unknown', summary: expect.stringContaining('sts:DecodeAuthorizationMessage') },
    },
  },
  {
    name: 'STS AssumeRole with no because clause',
    record: record({
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRole',
      errorMessage: `User: ${STS('s')} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444455556666:role/Target`,
      requestParameters: { roleArn: 'arn:aws:iam::444455556666:role/Target', roleSessionName: 'x' },
    }),
    expected: { action: 'sts:AssumeRole', resource: 'arn:aws:iam::444455556666:role/Target', reason: { layer: 'unknown', explicit: false } },
  },
  {
    name: 'truncated message: never trust the cut clause, fall back to the record for the resource',
    record: record({ errorMessage: `User: ${STS('s')} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::data-bucket/rep...` }),
    expected: { action: 's3:GetObject', resource: 'arn:aws:s3:::data-bucket/reports/2026.csv', reason: { layer: 'unknown', truncated: true } },
  },
  {
    name: 'on-demand ValidationException names the profile for the call geography',
    record: record({
      eventSource: 'bedrock.amazonaws.com',
      eventName: 'InvokeModel',
      awsRegion: 'us-east-1',
      errorCode: 'ValidationException',
      errorMessage:
        'Invocation of model ID anthropic.claude-3-5-sonnet-20241022-v2:0 with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.',
      requestParameters: { modelId: 'anthropic.claude-3-5-sonnet-20241022-v2:0' },
    }),
    expected: {
      action: 'bedrock:InvokeModel',
      reason: {
        layer: 'model-access',
        modelAccessIssue: 'on-demand-unsupported',
        summary: expect.stringContaining('us.anthropic.claude-3-5-sonnet-20241022-v2:0'),
      },
      model: { suggestedProfileId: 'us.anthropic.claude-3-5-sonnet-20241022-v2:0' },
    },
  },
  {
    name: 'on-demand ValidationException (ASCII apostrophe) in eu-west-1, modelId only in the message',
    record: record({
      eventSource: 'bedrock.amazonaws.com',
      eventName: 'Converse',
      awsRegion: 'eu-west-1',
      errorCode: 'ValidationException',
      errorMessage:
        "Invocation of model ID anthropic.claude-3-7-sonnet-20250219-v1:0 with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.",
      requestParameters: {},
    }),
    expected: {
      action: 'bedrock:InvokeModel',
      model: { suggestedProfileId: 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0' },
      reason: { layer: 'model-access' },
    },
  },
  {
    name: 'Legacy model ResourceNotFoundException',
    record: record({
      eventSource: 'bedrock.amazonaws.com',
      eventName: 'InvokeModel',
      errorCode: 'ResourceNotFoundException',
      errorMessage:
        'Access denied. This Model is marked by provider as Legacy and you have not been actively using the model in the last 30 days. Please upgrade to an active model on Amazon Bedrock',
      requestParameters: { modelId: 'anthropic.claude-v2:1' },
    }),
    expected: {
      reason: { layer: 'model-access', modelAccessIssue: 'legacy', summary: expect.stringContaining('Legacy') },
      model: { family: 'claude', version: 'v2:1' },
    },
  },
  {
    name: 'AWS Marketplace subscription message',
    record: record({
      eventSource: 'bedrock.amazonaws.com',
      eventName: 'InvokeModel',
      errorCode: 'AccessDeniedException',
      errorMessage:
        'Model access is denied due to IAM user or service role is not authorized to perform the required AWS Marketplace actions (aws-marketplace:ViewSubscriptions, aws-marketplace:Subscribe) to enable access to this model.',
      requestParameters: { modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0' },
    }),
    expected: {
      action: 'aws-marketplace:Subscribe',
      relatedActions: ['aws-marketplace:ViewSubscriptions', 'aws-marketplace:Subscribe'],
      reason: { layer: 'model-access', modelAccessIssue: 'marketplace' },
    },
  },
  {
    name: 'global foundation-model ARN gives deniedRegion "unspecified"',
    record: record({
      eventSource: 'bedrock.amazonaws.com',
      eventName: 'Converse',
      awsRegion: 'us-east-1',
      errorCode: 'AccessDeniedException',
      errorMessage: `User: ${STS('s')} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0 because no identity-based policy allows the bedrock:InvokeModel action`,
      requestParameters: { modelId: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0' },
    }),
    expected: {
      deniedRegion: 'unspecified',
      resource: 'arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
      reason: { summary: expect.stringContaining('"unspecified"') },
    },
  },
  {
    name: 'application inference profile ARN',
    record: record({
      eventSource: 'bedrock.amazonaws.com',
      eventName: 'InvokeModel',
      awsRegion: 'us-west-2',
      errorCode: 'AccessDeniedException',
      errorMessage: `User: ${STS('s')} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-west-2:${ACCOUNT}:application-inference-profile/abcd1234efgh because no identity-based policy allows the bedrock:InvokeModel action`,
      requestParameters: { modelId: `arn:aws:bedrock:us-west-2:${ACCOUNT}:application-inference-profile/abcd1234efgh` },
    }),
    expected: {
      model: { resourceType: 'application-inference-profile', provider: 'unknown', inferenceProfile: { kind: 'application', destinationsSource: 'unknown' } },
    },
  },
  {
    name: 'bedrock-mantle bearer token in requestParameters',
    record: record({
      eventSource: 'bedrock-mantle.amazonaws.com',
      eventName: 'CreateInference',
      errorCode: 'AccessDeniedException',
      errorMessage: undefined,
      requestParameters: { callWithBearerToken: true, bearerTokenType: 'SHORT_TERM' },
    }),
    expected: { action: 'bedrock-mantle:CreateInference', bearerToken: true },
  },
  {
    name: 'China partition ARNs for derived resources',
    record: record({
      userIdentity: { type: 'IAMUser', arn: 'arn:aws-cn:iam::111122223333:user/u', accountId: ACCOUNT, userName: 'u' },
      awsRegion: 'cn-north-1',
      errorMessage: 'Access Denied',
    }),
    expected: { resource: 'arn:aws-cn:s3:::data-bucket/reports/2026.csv' },
  },
  {
    name: 'missing userIdentity: principal from the message',
    record: record({ userIdentity: undefined }),
    expected: { principal: { type: 'AssumedRole', arn: STS('sess-1'), roleName: 'app-role', managedBy: 'iam' } },
  },
  {
    name: 'missing eventID gets a deterministic stand-in',
    record: record({ eventID: undefined }),
    expected: { eventId: expect.stringMatching(/^no-event-id-[0-9a-f]{24}$/) },
  },
  {
    name: 'huge errorMessage and userAgent are capped',
    record: record({ errorMessage: `Access Denied ${'x'.repeat(100_000)}`, userAgent: 'u'.repeat(10_000) }),
    expected: { errorMessage: expect.stringMatching(/^Access Denied x+…$/), userAgent: expect.stringMatching(/^u{511}…$/) },
  },
  {
    name: 'an EventBridge event is unwrapped',
    record: { 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: record() },
    expected: { action: 's3:GetObject', eventId: 'evt-sess-1' },
  },
];

describe('decodeRecord variants', () => {
  it.each(variants)('$name', ({ record: r, expected }) => {
    expect(denialOf(decodeRecord(r))).toMatchObject(expected);
  });

  it('the message principal is always carried in the output', () => {
    const d = denialOf(decodeRecord(record({ userIdentity: { type: 'AWSAccount', principalId: 'AROAX:s', accountId: '444455556666' } })));
    expect(JSON.stringify(d)).toContain(STS('sess-1'));
  });
});

const PASS_ROLE_ON_ROLE_FOO = `User: ${STS('s')} is not authorized to perform: iam:PassRole on resource: role Foo because no identity-based policy allows the iam:PassRole action`;
const EC2_RUN = {
  eventSource: 'ec2.amazonaws.com',
  eventName: 'RunInstances',
  awsRegion: 'us-east-1',
  errorCode: 'Client.UnauthorizedOperation',
  requestParameters: { instanceType: 't3.micro' },
  resources: [{ ARN: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*` }],
};
const BEDROCK_CALL = {
  eventSource: 'bedrock.amazonaws.com',
  eventName: 'InvokeModel',
  awsRegion: 'us-east-1',
  errorCode: 'AccessDeniedException',
  additionalEventData: { callWithBearerToken: true },
};
const bearerDenied = (tail: string) =>
  `User: ${STS('s')} is not authorized to perform: bedrock:CallWithBearerToken${tail} because no identity-based policy allows the bedrock:CallWithBearerToken action`;

const resourceCases: Case[] = [
  {
    name: 'EC2 RunInstances denied iam:PassRole on "role Foo": not the instance, and no ARN made up without the role\'s path',
    record: record({ ...EC2_RUN, errorMessage: PASS_ROLE_ON_ROLE_FOO }),
    expected: {
      action: 'iam:PassRole',
      resource: null,
      resourceText: 'role Foo',
      deniedRegion: 'us-east-1',
      reason: { summary: expect.stringContaining('role Foo') },
    },
  },
  {
    name: '"role Foo": the exact role ARN (with its path) when the record carries it',
    record: record({
      ...EC2_RUN,
      requestParameters: { iamInstanceProfile: { arn: `arn:aws:iam::${ACCOUNT}:instance-profile/Foo` }, roleArn: `arn:aws:iam::${ACCOUNT}:role/apps/Foo` },
      errorMessage: PASS_ROLE_ON_ROLE_FOO,
    }),
    expected: { action: 'iam:PassRole', resource: `arn:aws:iam::${ACCOUNT}:role/apps/Foo`, resourceText: 'role Foo' },
  },
  {
    name: '"role AWSReservedSSO_...": no role/<name> ARN (SSO roles live under /aws-reserved/sso.amazonaws.com/)',
    record: record({
      eventSource: 'iam.amazonaws.com',
      eventName: 'GetRole',
      requestParameters: { roleName: 'AWSReservedSSO_Admin_0123456789abcdef' },
      errorMessage: `User: ${STS('s')} is not authorized to perform: iam:GetRole on resource: role AWSReservedSSO_Admin_0123456789abcdef because no identity-based policy allows the iam:GetRole action`,
    }),
    expected: { action: 'iam:GetRole', resource: null, resourceText: 'role AWSReservedSSO_Admin_0123456789abcdef', reason: { layer: 'identity' } },
  },
  {
    name: '"role service-role/Foo" (path in the words) is built in the caller\'s partition',
    record: record({
      ...EC2_RUN,
      awsRegion: 'us-gov-west-1',
      userIdentity: { type: 'IAMUser', arn: `arn:aws-us-gov:iam::${ACCOUNT}:user/ops`, accountId: ACCOUNT, userName: 'ops' },
      errorMessage: `User: arn:aws-us-gov:iam::${ACCOUNT}:user/ops is not authorized to perform: iam:PassRole on resource: role service-role/Foo`,
    }),
    expected: { resource: `arn:aws-us-gov:iam::${ACCOUNT}:role/service-role/Foo` },
  },
  {
    name: '"user bob": the words are kept, the user name parameter does not make an ARN (no path)',
    record: record({
      eventSource: 'iam.amazonaws.com',
      eventName: 'CreateAccessKey',
      requestParameters: { userName: 'bob' },
      errorMessage: `User: ${STS('s')} is not authorized to perform: iam:CreateAccessKey on resource: user bob because no identity-based policy allows the iam:CreateAccessKey action`,
    }),
    expected: { action: 'iam:CreateAccessKey', resource: null, resourceText: 'user bob', reason: { layer: 'identity' } },
  },
  {
    name: '"role Foo" with no account anywhere: no ARN, the words are kept',
    record: record({
      ...EC2_RUN,
      userIdentity: undefined,
      recipientAccountId: undefined,
      errorMessage: `User: anonymous is not authorized to perform: iam:PassRole on resource: role Foo`,
    }),
    expected: { resource: null, resourceText: 'role Foo' },
  },
  {
    name: '"access key <id>": the record\'s user is the resource, the masked key is kept as words',
    record: record({
      eventSource: 'iam.amazonaws.com',
      eventName: 'DeleteAccessKey',
      requestParameters: { userName: 'bob', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' },
      errorMessage: `User: ${STS('s')} is not authorized to perform: iam:DeleteAccessKey on resource: access key AKIAIOSFODNN7EXAMPLE`,
    }),
    expected: { resource: `arn:aws:iam::${ACCOUNT}:user/bob`, resourceText: 'access key AKIA…MPLE' },
  },
  {
    name: 'S3 GetObject denied kms:Decrypt (no on-resource clause): not the object',
    record: record({
      errorMessage: `User: ${STS('s')} is not authorized to perform: kms:Decrypt because no identity-based policy allows the kms:Decrypt action`,
      requestParameters: { bucketName: 'b', key: 'k' },
    }),
    expected: {
      action: 'kms:Decrypt',
      resource: null,
      deniedRegion: 'eu-west-1',
      reason: { layer: 'identity', summary: expect.not.stringContaining('arn:aws:s3') },
    },
  },
  {
    name: 'S3 GetObject denied kms:Decrypt with the key in resources[]: the key',
    record: record({
      errorMessage: `User: ${STS('s')} is not authorized to perform: kms:Decrypt because no identity-based policy allows the kms:Decrypt action`,
      resources: [{ ARN: 'arn:aws:s3:::b/k' }, { ARN: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` }],
    }),
    expected: { resource: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` },
  },
  {
    name: 'bedrock:CallWithBearerToken without "on resource: *": no resource, the model is still described',
    record: record({ ...BEDROCK_CALL, errorMessage: bearerDenied(''), requestParameters: { modelId: 'amazon.nova-lite-v1:0' } }),
    expected: {
      action: 'bedrock:CallWithBearerToken',
      resource: null,
      deniedRegion: 'us-east-1',
      bearerToken: true,
      model: { modelId: 'amazon.nova-lite-v1:0', provider: 'amazon', resourceType: 'foundation-model' },
    },
  },
  {
    name: 'bedrock:CallWithBearerToken on a profile call: no resource, the profile is still described',
    record: record({
      ...BEDROCK_CALL,
      eventName: 'Converse',
      errorMessage: bearerDenied(''),
      requestParameters: { modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
    }),
    expected: { resource: null, model: { modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', inferenceProfile: { scope: 'us' } } },
  },
  {
    name: 'bedrock:CallWithBearerToken with "on resource: *" (as example 6)',
    record: record({ ...BEDROCK_CALL, errorMessage: bearerDenied(' on resource: *'), requestParameters: { modelId: 'amazon.nova-lite-v1:0' } }),
    expected: { resource: null, model: { modelId: 'amazon.nova-lite-v1:0' } },
  },
  {
    name: 'AWS Marketplace model-access denial: the model is described but is not the Subscribe resource',
    record: record({
      ...BEDROCK_CALL,
      errorMessage:
        'Model access is denied due to IAM user or service role is not authorized to perform the required AWS Marketplace actions (aws-marketplace:ViewSubscriptions, aws-marketplace:Subscribe) to enable access to this model.',
      requestParameters: { modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0' },
    }),
    expected: { action: 'aws-marketplace:Subscribe', resource: null, model: { foundationModelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0' } },
  },
  {
    name: 'same service, no message resource: still derived from the record',
    record: record({
      errorMessage: `User: ${STS('s')} is not authorized to perform: s3:GetObject because no identity-based policy allows the s3:GetObject action`,
    }),
    expected: { resource: 'arn:aws:s3:::data-bucket/reports/2026.csv' },
  },
];

describe('the denied resource belongs to the denied action', () => {
  it.each(resourceCases)('$name', ({ record: r, expected }) => {
    expect(denialOf(decodeRecord(r))).toMatchObject(expected);
  });

  it("a resource never comes from another service than the denied action's (unless the message names it)", () => {
    const sources = ['s3.amazonaws.com', 'ec2.amazonaws.com', 'lambda.amazonaws.com', 'bedrock.amazonaws.com', 'kms.amazonaws.com', 'iam.amazonaws.com'];
    const actions = [
      'iam:PassRole',
      'kms:Decrypt',
      's3:GetObject',
      'bedrock:InvokeModel',
      'bedrock:CallWithBearerToken',
      'ec2:RunInstances',
      'lambda:InvokeFunction',
    ];
    const arns = [
      'arn:aws:s3:::b/k',
      `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-1`,
      `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      `arn:aws:iam::${ACCOUNT}:role/r`,
      `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f`,
    ];
    const params = [
      { bucketName: 'b', key: 'k' },
      { modelId: 'amazon.nova-lite-v1:0' },
      { functionName: 'f', roleArn: `arn:aws:iam::${ACCOUNT}:role/r` },
      { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab' },
      { roleName: 'r' },
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...sources),
        fc.constantFrom(...actions),
        fc.subarray(arns),
        fc.constantFrom(...params),
        (source, action, listed, requestParameters) => {
          const d = denialOf(
            decodeRecord(
              record({
                eventSource: source,
                errorMessage: `User: ${STS('s')} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
                resources: listed.map((ARN) => ({ ARN })),
                requestParameters,
              }),
            ),
          );
          const actionPrefix = action.split(':')[0] as string;
          if (action === 'bedrock:CallWithBearerToken') expect(d.resource).toBeNull();
          else if (d.resource !== null && actionPrefix !== servicePrefixOf(source)) expect(arnFitsActionPrefix(d.resource, actionPrefix)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('"Access Denied" in any case, and codes recorded as numbers', () => {
  it.each([
    ['errorCode 403 (a number) with "Access Denied"', { errorCode: 403, errorMessage: 'Access Denied' }, '403'],
    ['no errorCode, "Access Denied"', { errorCode: undefined, errorMessage: 'Access Denied' }, ''],
    ['no errorCode, "ACCESS DENIED"', { errorCode: undefined, errorMessage: 'ACCESS DENIED' }, ''],
    ['errorCode 403 (a string) with "access denied"', { errorCode: '403', errorMessage: 'access denied' }, '403'],
    ['errorCode AccessDenied with "Access Denied" (unchanged)', { errorCode: 'AccessDenied', errorMessage: 'Access Denied' }, 'AccessDenied'],
  ])('%s is a denial', (_name, fields, errorCode) => {
    const d = denialOf(decodeRecord(record({ eventName: 'GetObject', ...fields })));
    expect(d).toMatchObject({
      errorCode,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::data-bucket/reports/2026.csv',
      reason: { layer: 'unknown', explicit: false },
    });
  });
});

describe('records that are not denials', () => {
  it.each([
    ['a successful call', record({ errorCode: undefined, errorMessage: undefined }), /did not fail/],
    ['throttling', record({ errorCode: 'ThrottlingException', errorMessage: 'Rate exceeded' }), /ThrottlingException is not an access problem/],
    [
      'an unrelated validation error',
      record({ errorCode: 'ValidationException', errorMessage: 'The provided model identifier is invalid.' }),
      /ValidationException/,
    ],
    ['a missing key', record({ errorCode: 'NoSuchKey', errorMessage: 'The specified key does not exist.' }), /NoSuchKey/],
  ])('%s is skipped with a reason', (_name, r, reason) => {
    const out = decodeRecord(r);
    expect(out).toEqual({ kind: 'skipped', eventId: 'evt-sess-1', reason: expect.stringMatching(reason) });
  });

  it.each([
    [
      'a numeric code',
      record({ errorCode: 404, errorMessage: 'Not Found' }),
      'errorCode 404 (recorded as a number, read as "404") is not an access problem, and its errorMessage is not an access problem either',
    ],
    [
      'a code and no message',
      record({ errorCode: 'NoSuchBucket', errorMessage: undefined }),
      'errorCode NoSuchBucket is not an access problem, and it has no errorMessage',
    ],
    [
      'an object code',
      record({ errorCode: { code: 'AccessDenied' }, errorMessage: 'Not Found' }),
      'the errorCode is an object and cannot be read, and its errorMessage is not an access problem either',
    ],
    [
      'an overlong code',
      record({ errorCode: 'E'.repeat(300), errorMessage: undefined }),
      'the errorCode is longer than 256 characters and cannot be read, and it has no errorMessage',
    ],
    [
      'a message and no code',
      record({ errorCode: undefined, errorMessage: 'Failed authentication' }),
      'the record has no errorCode and its errorMessage is not an access problem',
    ],
    [
      'a numeric message and no code',
      record({ errorCode: undefined, errorMessage: 42 }),
      'the record has no errorCode and its errorMessage is a number, not text',
    ],
    ['a null code and an empty message', record({ errorCode: null, errorMessage: '' }), 'the call did not fail (no errorCode or errorMessage)'],
  ])('%s is skipped with an accurate reason', (_name, r, reason) => {
    expect(decodeRecord(r)).toEqual({ kind: 'skipped', eventId: 'evt-sess-1', reason });
  });

  it.each([[null], [42], ['text'], [[1, 2]], [undefined]])('%p is an error, not an exception', (value) => {
    expect(decodeRecord(value)).toMatchObject({ kind: 'invalid', eventId: null });
  });
});

describe('properties', () => {
  it('never throws on arbitrary values', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true, withDate: true }), (v) => {
        expect(['denial', 'skipped', 'invalid']).toContain(decodeRecord(v).kind);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws when any field of a denial is replaced by arbitrary JSON', () => {
    const base = record();
    const keys = [...Object.keys(base), 'additionalEventData', 'resources'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue(), (key, value) => {
        const out = decodeRecord({ ...base, [key]: value });
        expect(['denial', 'skipped', 'invalid']).toContain(out.kind);
        if (out.kind === 'denial') expect(out.denial.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      }),
      { numRuns: 1500 },
    );
  });

  it('never throws on denials with arbitrary unicode messages, regions and identities', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.string({ unit: 'binary', maxLength: 30 }),
        fc.dictionary(fc.constantFrom('type', 'arn', 'accountId', 'userName', 'invokedBy', 'accessKeyId'), fc.string({ unit: 'binary', maxLength: 60 })),
        (message, region, identity) => {
          const out = decodeRecord(record({ errorMessage: message, awsRegion: region, userIdentity: identity }));
          expect(out.kind).toBe('denial');
        },
      ),
      { numRuns: 1000 },
    );
  });
});
