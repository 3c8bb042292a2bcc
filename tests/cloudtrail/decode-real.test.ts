/**
 * Decoding records whose messages have the real shapes of tests/cloudtrail/message-real.test.ts:
 * what reaches the denial (action, resource, resourceText, principal, layer), and how Bedrock's
 * older and account-level wordings are classified. Account IDs and names are made up.
 */
import { classifyAccessProblem } from '../../lib/cloudtrail/classify';
import { decodeRecord } from '../../lib/cloudtrail/decode';
import type { Denial } from '../../lib/denial/types';

const ACCT = '123456789012';
const ROLE_SESSION = `arn:aws:sts::${ACCT}:assumed-role/AppRole/s1`;

function decode(fields: Record<string, unknown>): Denial {
  const out = decodeRecord({ eventID: 'e1', eventTime: '2026-12-01T00:00:00Z', awsRegion: 'us-east-1', recipientAccountId: ACCT, ...fields });
  if (out.kind !== 'denial') throw new Error(`expected a denial, got ${out.kind}`);
  return out.denial;
}

interface Case {
  name: string;
  record: Record<string, unknown>;
  expected: Record<string, unknown>;
}

const cases: Case[] = [
  {
    name: 'a log message with no event name: the SDK operation gives the action',
    record: {
      eventSource: 'bedrock.amazonaws.com',
      errorCode: 'AccessDeniedException',
      errorMessage: 'An error occurred (AccessDeniedException) when calling the ListFoundationModels operation: Access denied',
    },
    expected: { action: 'bedrock:ListFoundationModels' },
  },
  {
    name: 'the event name still wins over the operation when the record has one',
    record: {
      eventSource: 'bedrock.amazonaws.com',
      eventName: 'GetFoundationModel',
      errorCode: 'AccessDeniedException',
      errorMessage: 'An error occurred (AccessDeniedException) when calling the ListFoundationModels operation: Access denied',
    },
    expected: { action: 'bedrock:GetFoundationModel' },
  },
  {
    name: "a permission named elsewhere in the message is the denied action, not the event's",
    record: {
      eventSource: 'ec2.amazonaws.com',
      eventName: 'RunInstances',
      errorCode: 'Client.UnauthorizedOperation',
      errorMessage: 'You are not authorized to perform this operation. You need the iam:PassRole permission to launch an instance with a role.',
      requestParameters: { iamInstanceProfile: { name: 'web' } },
    },
    expected: { action: 'iam:PassRole', resource: null },
  },
  {
    name: 'a redacted principal ARN is not merged into the principal; the layer and action stay',
    record: {
      eventSource: 'ssm.amazonaws.com',
      eventName: 'GetParameters',
      errorCode: 'AccessDenied',
      errorMessage:
        'User: arn:aws:sts::<ACCOUNT_ID>:assumed-role/deployer/ci is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:us-east-1:<ACCOUNT_ID>:parameter/app/db because no identity-based policy allows the ssm:GetParameters action',
    },
    expected: {
      action: 'ssm:GetParameters',
      resource: null,
      resourceText: 'arn:aws:ssm:us-east-1:<ACCOUNT_ID>:parameter/app/db',
      reason: { layer: 'identity' },
    },
  },
  {
    name: 'a redacted resource ARN gives way to the exact one the record carries',
    record: {
      eventSource: 'lambda.amazonaws.com',
      eventName: 'CreateFunction20150331',
      errorCode: 'AccessDeniedException',
      userIdentity: { type: 'AssumedRole', arn: ROLE_SESSION, accountId: ACCT },
      requestParameters: { functionName: 'f', role: `arn:aws:iam::${ACCT}:role/service-role/f-role` },
      errorMessage: `User: ${ROLE_SESSION} is not authorized to perform: iam:PassRole on resource: arn:aws:iam::***:role/service-role/f-role because no identity-based policy allows the iam:PassRole action`,
    },
    expected: {
      action: 'iam:PassRole',
      resource: `arn:aws:iam::${ACCT}:role/service-role/f-role`,
      resourceText: 'arn:aws:iam::***:role/service-role/f-role',
      reason: { layer: 'identity' },
    },
  },
  {
    name: '"on resource: policy <arn>" gives the policy ARN',
    record: {
      eventSource: 'iam.amazonaws.com',
      eventName: 'GetPolicy',
      errorCode: 'AccessDenied',
      errorMessage: `User: ${ROLE_SESSION} is not authorized to perform: iam:GetPolicy on resource: policy arn:aws:iam::${ACCT}:policy/Boundary because no identity-based policy allows the iam:GetPolicy action`,
    },
    expected: { action: 'iam:GetPolicy', resource: `arn:aws:iam::${ACCT}:policy/Boundary`, reason: { layer: 'identity' } },
  },
  {
    name: 'a Java-wrapped message from a log keeps its layer and resource',
    record: {
      eventSource: 'ecs.amazonaws.com',
      eventName: 'RunTask',
      errorCode: 'AccessDeniedException',
      errorMessage: `User: ${ROLE_SESSION} is not authorized to perform: iam:PassRole on resource: arn:aws:iam::${ACCT}:role/ecsTaskExecutionRole with an explicit deny in a permissions boundary (Service: AmazonECS; Status Code: 400; Error Code: AccessDeniedException; Request ID: 37158697-a9c5-4ce8-8044-812c988dea0a; Proxy: null)`,
    },
    expected: { action: 'iam:PassRole', resource: `arn:aws:iam::${ACCT}:role/ecsTaskExecutionRole`, reason: { layer: 'permissions-boundary', explicit: true } },
  },
  {
    name: 'a resource written without "arn:" is kept as written, not as the resource',
    record: {
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRole',
      errorCode: 'AccessDenied',
      errorMessage: `User: arn:aws:iam::${ACCT}:user/app is not authorized to perform: sts:AssumeRole on resource: aws:iam::*:role/app_role`,
    },
    expected: { action: 'sts:AssumeRole', resource: null, resourceText: 'aws:iam::*:role/app_role' },
  },
  {
    name: "a secret named by name: the record's secret ARN pattern is the resource, the name is kept as written",
    record: {
      eventSource: 'secretsmanager.amazonaws.com',
      eventName: 'GetSecretValue',
      errorCode: 'AccessDeniedException',
      requestParameters: { secretId: 'prod/db' },
      errorMessage: `User: ${ROLE_SESSION} is not authorized to perform: secretsmanager:GetSecretValue on resource: prod/db because no identity-based policy allows the secretsmanager:GetSecretValue action`,
    },
    expected: { resource: `arn:aws:secretsmanager:us-east-1:${ACCT}:secret:prod/db-??????`, resourceText: 'prod/db', reason: { layer: 'identity' } },
  },
];

describe('decoding real message shapes', () => {
  it.each(cases)('$name', ({ record, expected }) => {
    expect(decode(record)).toMatchObject(expected);
  });
});

describe('Bedrock older, console and account-level wordings', () => {
  it.each([
    ['AccessDeniedException', 'Your account is not authorized to invoke this API operation.', 'not-enabled'],
    ['ValidationException', 'Your account is not authorized to invoke this API operation.', 'not-enabled'],
    [
      undefined,
      'An error occurred (AccessDeniedException) when calling the InvokeModel operation: Your account is not authorized to invoke this API operation.',
      'not-enabled',
    ],
    [
      undefined,
      'An error occurred (ResourceNotFoundException) when calling the InvokeModel operation: Access denied. This Model is marked by provider as Legacy and you have not been actively using the model in the last 30 days. Please upgrade to an active model on Amazon Bedrock',
      'legacy',
    ],
    [
      undefined,
      "An error occurred (AccessDeniedException) when calling the Converse operation: You don't have access to the model with the specified model ID.",
      'not-enabled',
    ],
    [undefined, "PermissionDeniedError: 403 You don't have access to the model with the specified model ID.", 'not-enabled'],
    [
      'ValidationException',
      'An error occurred (ValidationException) when calling the InvokeModel operation: Model use case details have not been submitted for this account. Fill out the Anthropic use case details form before using the model.',
      'use-case-form',
    ],
  ])('%s: %s → %s', (code, message, issue) => {
    expect(classifyAccessProblem(code, message)).toEqual({ kind: 'model-access', issue });
  });

  it('the account-level wording with more after it is an ordinary access denial, not model access', () => {
    expect(classifyAccessProblem('AccessDeniedException', 'Your account is not authorized to invoke this API operation with a prompt resource.')).toEqual({
      kind: 'access-denied',
    });
  });

  it('a Bedrock record with the account-level wording is a model-access denial', () => {
    const d = decode({
      eventSource: 'bedrock.amazonaws.com',
      eventName: 'InvokeModel',
      errorCode: 'ValidationException',
      errorMessage: 'Your account is not authorized to invoke this API operation.',
      requestParameters: { modelId: 'amazon.titan-text-express-v1' },
    });
    expect(d.reason).toMatchObject({ layer: 'model-access', modelAccessIssue: 'not-enabled' });
  });
});
