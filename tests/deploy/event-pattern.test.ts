import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCfnEventPattern, loadTemplateFile, parameterValues, replacePatternBlock, resolveValue } from '../../deploy/cfn-template';
import { countOperators, matchesPattern } from './event-pattern-matcher';

const root = join(__dirname, '..', '..');
const basePattern = JSON.parse(readFileSync(join(root, 'deploy', 'event-pattern.json'), 'utf8')) as Record<string, unknown>;
const memberTemplate = loadTemplateFile(join(root, 'deploy', 'member-account.yml'));

/**
 * The pattern EventBridge receives for a given EventSources parameter: the source file's
 * CloudFormation form, evaluated with the member template's own HasEventSourceFilter condition
 * (the tests below prove both templates carry exactly this form).
 */
function deployedPattern(eventSources: string): Record<string, unknown> {
  const parameters = { ...parameterValues(memberTemplate), EventSources: eventSources };
  return resolveValue(buildCfnEventPattern(basePattern), { template: memberTemplate, parameters, pseudo: {} }) as Record<string, unknown>;
}

type CloudTrailRecord = Record<string, unknown> & { eventSource: string };

/** Wraps a CloudTrail record the way EventBridge delivers it on the default bus. */
function envelope(record: CloudTrailRecord, detailType = 'AWS API Call via CloudTrail'): Record<string, unknown> {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': detailType,
    source: `aws.${record.eventSource.replace('.amazonaws.com', '')}`,
    account: '111122223333',
    time: '2026-11-20T09:14:03Z',
    region: 'us-east-1',
    resources: [],
    detail: record,
  };
}

const examplesDir = join(root, 'examples', 'records');
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, record: JSON.parse(readFileSync(join(examplesDir, file), 'utf8')) as CloudTrailRecord }));

/** A CloudTrail record of a call; error fields only when given. */
function call(eventSource: string, eventName: string, error?: { code: string; message?: string }, readOnly = false): CloudTrailRecord {
  return {
    eventVersion: '1.11',
    userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/app/session', accountId: '111122223333' },
    eventTime: '2026-11-20T09:14:03Z',
    eventSource,
    eventName,
    awsRegion: 'us-east-1',
    ...(error ? { errorCode: error.code, ...(error.message !== undefined ? { errorMessage: error.message } : {}) } : {}),
    requestParameters: null,
    responseElements: null,
    eventID: '0f1e2d3c-0000-4000-8000-000000000001',
    readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
  };
}

const DENIED = 'User: arn:aws:sts::111122223333:assumed-role/app/session is not authorized to perform: x:Y';
const shouldMatch: { name: string; record: CloudTrailRecord }[] = [
  {
    name: 'EC2 in CloudTrail: Client.UnauthorizedOperation',
    record: call('ec2.amazonaws.com', 'RunInstances', { code: 'Client.UnauthorizedOperation', message: 'You are not authorized to perform this operation.' }),
  },
  { name: 'EC2 read-only call: UnauthorizedOperation', record: call('ec2.amazonaws.com', 'DescribeInstances', { code: 'UnauthorizedOperation' }, true) },
  { name: 'S3 AccessDenied without message', record: call('s3.amazonaws.com', 'GetBucketPolicy', { code: 'AccessDenied' }, true) },
  { name: 'IAM read-only AccessDenied', record: call('iam.amazonaws.com', 'GetRole', { code: 'AccessDenied', message: DENIED }, true) },
  { name: 'KMS AccessDeniedException', record: call('kms.amazonaws.com', 'Decrypt', { code: 'AccessDeniedException', message: DENIED }) },
  { name: 'SNS AuthorizationError', record: call('sns.amazonaws.com', 'Publish', { code: 'AuthorizationError', message: DENIED }) },
  { name: 'an UnauthorizedAccess code', record: call('sns.amazonaws.com', 'Subscribe', { code: 'UnauthorizedAccess' }) },
  {
    name: 'Bedrock on-demand throughput (typographic apostrophe)',
    record: call('bedrock.amazonaws.com', 'InvokeModel', {
      code: 'ValidationException',
      message:
        'Invocation of model ID anthropic.claude-3-5-sonnet-20241022-v2:0 with on-demand throughput isn\u2019t supported. Retry your request with the ID or ARN of an inference profile that contains this model.',
    }),
  },
  {
    name: 'Bedrock "doesn\'t support on-demand throughput"',
    record: call('bedrock.amazonaws.com', 'Converse', { code: 'ValidationException', message: "The provided model doesn't support on-demand throughput." }),
  },
  {
    name: 'Bedrock Legacy model block (ResourceNotFoundException)',
    record: call('bedrock.amazonaws.com', 'InvokeModel', {
      code: 'ResourceNotFoundException',
      message:
        'Access denied. This Model is marked by provider as Legacy and you have not been actively using the model in the last 30 days. Please upgrade to an active model on Amazon Bedrock',
    }),
  },
];

const shouldNotMatch: { name: string; event: Record<string, unknown> }[] = [
  { name: 'a successful call', event: envelope(call('bedrock.amazonaws.com', 'InvokeModel')) },
  { name: 'a successful read-only call', event: envelope(call('iam.amazonaws.com', 'GetRole', undefined, true)) },
  {
    name: 'ThrottlingException',
    event: envelope(
      call('bedrock.amazonaws.com', 'InvokeModel', { code: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' }),
    ),
  },
  {
    name: 'ValidationException unrelated to throughput',
    event: envelope(
      call('bedrock.amazonaws.com', 'InvokeModel', {
        code: 'ValidationException',
        message: 'Malformed input request: #: extraneous key [foo] is not permitted',
      }),
    ),
  },
  {
    name: 'a DynamoDB ValidationException mentioning on-demand throughput',
    event: envelope(
      call('dynamodb.amazonaws.com', 'UpdateTable', {
        code: 'ValidationException',
        message: 'One or more parameter values were invalid: on-demand throughput settings require PAY_PER_REQUEST',
      }),
    ),
  },
  {
    name: 'ResourceNotFoundException that is not a denial',
    event: envelope(call('bedrock.amazonaws.com', 'GetFoundationModel', { code: 'ResourceNotFoundException', message: 'The model was not found' })),
  },
  {
    name: 'Cognito NotAuthorizedException (a login failure, not IAM)',
    event: envelope(call('cognito-idp.amazonaws.com', 'InitiateAuth', { code: 'NotAuthorizedException', message: 'Incorrect username or password.' })),
  },
  {
    name: 'a denial with another detail-type',
    event: envelope(
      call('signin.amazonaws.com', 'ConsoleLogin', { code: 'AccessDenied', message: 'Failed authentication' }),
      'AWS Console Sign In via CloudTrail',
    ),
  },
];

describe('the denial rule pattern', () => {
  const everySource = deployedPattern('');

  it.each(examples)('matches examples/records/$file', ({ record }) => {
    expect(matchesPattern(everySource, envelope(record))).toBe(true);
  });

  it.each(shouldMatch)('matches $name', ({ record }) => {
    expect(matchesPattern(everySource, envelope(record))).toBe(true);
  });

  it.each(shouldNotMatch)('does not match $name', ({ event }) => {
    expect(matchesPattern(everySource, event)).toBe(false);
  });

  // Only AWS can put an event whose source starts with "aws." (PutEvents refuses it), so an account of
  // the organization cannot forge a denial through the organization's bus policy.
  it.each([['attacker.forged'], ['custom.aws.iam'], ['AWS.iam'], ['awsx.iam']])('does not match a CloudTrail-shaped event whose source is %s', (source) => {
    const denial = call('iam.amazonaws.com', 'GetRole', { code: 'AccessDenied', message: DENIED });
    for (const pattern of [everySource, deployedPattern('iam.amazonaws.com')]) {
      expect(matchesPattern(pattern, { ...envelope(denial), source })).toBe(false);
      expect(matchesPattern(pattern, envelope(denial))).toBe(true);
    }
  });

  it('without a filter is exactly deploy/event-pattern.json', () => {
    expect(everySource).toEqual(basePattern);
  });

  it('keeps wildcards few (EventBridge limits pattern complexity)', () => {
    expect(countOperators(basePattern).wildcard ?? 0).toBeLessThanOrEqual(3);
  });
});

describe('the denial rule pattern limited to chosen event sources', () => {
  const bedrockOnly = deployedPattern('bedrock.amazonaws.com,bedrock-mantle.amazonaws.com');

  it('adds detail.eventSource from the comma-separated parameter', () => {
    expect((bedrockOnly.detail as Record<string, unknown>).eventSource).toEqual(['bedrock.amazonaws.com', 'bedrock-mantle.amazonaws.com']);
  });

  it.each(examples)('still matches examples/records/$file (all Bedrock)', ({ record }) => {
    expect(matchesPattern(bedrockOnly, envelope(record))).toBe(true);
  });

  it.each(shouldMatch.filter((c) => c.record.eventSource === 'bedrock.amazonaws.com'))('still matches $name', ({ record }) => {
    expect(matchesPattern(bedrockOnly, envelope(record))).toBe(true);
  });

  it.each(shouldMatch.filter((c) => c.record.eventSource !== 'bedrock.amazonaws.com'))('drops $name', ({ record }) => {
    expect(matchesPattern(bedrockOnly, envelope(record))).toBe(false);
  });

  it('matches a denial from the bedrock-mantle endpoint', () => {
    expect(
      matchesPattern(bedrockOnly, envelope(call('bedrock-mantle.amazonaws.com', 'CreateInference', { code: 'AccessDeniedException', message: DENIED }))),
    ).toBe(true);
  });

  it.each(shouldNotMatch)('does not match $name', ({ event }) => {
    expect(matchesPattern(bedrockOnly, event)).toBe(false);
  });
});

describe('one source for the pattern', () => {
  it('deploy/event-pattern.cfn.json is generated from deploy/event-pattern.json', () => {
    const generated = JSON.parse(readFileSync(join(root, 'deploy', 'event-pattern.cfn.json'), 'utf8'));
    expect(generated).toEqual(buildCfnEventPattern(basePattern));
  });

  it('the member template carries the current generated block (run deploy/sync-event-pattern.mjs)', () => {
    const text = readFileSync(join(root, 'deploy', 'member-account.yml'), 'utf8');
    expect(replacePatternBlock(text, buildCfnEventPattern(basePattern))).toBe(text);
    expect(memberTemplate.Resources?.ForwardDenialsRule?.Properties?.EventPattern).toEqual(buildCfnEventPattern(basePattern));
  });
});
