/**
 * Message shapes seen in real error messages quoted in public issues (issue 9, item 5): redactions and
 * placeholders, IAM's resource-type words, a permission named outside the `perform:` clause, and SDK
 * or tool wrappers around the message. Account IDs, names and IDs here are made up.
 */
import fc from 'fast-check';
import { parseDenialMessage, type ParsedMessage } from '../../lib/cloudtrail/message';

const ACCT = '123456789012';
const ROLE = `arn:aws:sts::${ACCT}:assumed-role/AppRole/session-1`;
const USER = `arn:aws:iam::${ACCT}:user/dev`;

export interface RealCase {
  name: string;
  message: string;
  expected: Record<string, unknown>;
}

export const REDACTION_CASES: RealCase[] = [
  {
    name: 'account placeholder with spaces in the principal and a quoted S3 resource',
    message:
      'User: arn:aws:sts::<Log Archive Account>:assumed-role/AWSControlTowerExecution/s1 is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::aws-controltower-logs-<Log Archive Account>-us-east-1" with an explicit deny in a service control policy',
    expected: {
      principal: 'arn:aws:sts::<Log Archive Account>:assumed-role/AWSControlTowerExecution/s1',
      action: 's3:PutBucketPolicy',
      resource: undefined,
      resourceText: 'arn:aws:s3:::aws-controltower-logs-<Log Archive Account>-us-east-1',
      layer: 'scp',
      explicit: true,
    },
  },
  {
    name: 'resource cut short by hand with " ... "',
    message: `User: ${USER} is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${ACCT}:role/ ... because no permissions boundary allows the iam:CreateRole action`,
    expected: {
      principal: USER,
      action: 'iam:CreateRole',
      resource: undefined,
      resourceText: `arn:aws:iam::${ACCT}:role/ ...`,
      layer: 'permissions-boundary',
      explicit: false,
    },
  },
  {
    name: '<ACCOUNT_ID> in principal and resource',
    message:
      'User: arn:aws:sts::<ACCOUNT_ID>:assumed-role/deployer/ci is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:eu-west-2:<ACCOUNT_ID>:parameter/app/db because no identity-based policy allows the ssm:GetParameters action',
    expected: {
      principal: 'arn:aws:sts::<ACCOUNT_ID>:assumed-role/deployer/ci',
      action: 'ssm:GetParameters',
      resource: undefined,
      resourceText: 'arn:aws:ssm:eu-west-2:<ACCOUNT_ID>:parameter/app/db',
      layer: 'identity',
    },
  },
  {
    name: 'XXXXXXXXXXXX account and a worded user',
    message: 'User: arn:aws:sts::XXXXXXXXXXXX:assumed-role/admin/vault-admin-x is not authorized to perform: iam:GetLoginProfile on resource: user vault',
    expected: { principal: 'arn:aws:sts::XXXXXXXXXXXX:assumed-role/admin/vault-admin-x', action: 'iam:GetLoginProfile', resourceText: 'user vault' },
  },
  {
    name: '*** account in principal and resource',
    message: 'User: arn:aws:iam::***:user/github-actions is not authorized to perform: iam:PassRole on resource: arn:aws:iam::***:role/ecsEventsRole',
    expected: {
      principal: 'arn:aws:iam::***:user/github-actions',
      action: 'iam:PassRole',
      resource: undefined,
      resourceText: 'arn:aws:iam::***:role/ecsEventsRole',
    },
  },
  {
    name: 'quoted words with spaces in place of the account',
    message:
      'User: arn:aws:sts::"my account number":assumed-role/Monkey/i-1 is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::"other account number":role/Monkey',
    expected: {
      principal: 'arn:aws:sts::"my account number":assumed-role/Monkey/i-1',
      action: 'sts:AssumeRole',
      resource: undefined,
      resourceText: 'arn:aws:iam::"other account number":role/Monkey',
    },
  },
  {
    name: 'whole ARNs replaced by <placeholders>',
    message:
      'User: <user-arn> is not authorized to perform: ssm:GetParameters on resource: <resource-arn> because no identity-based policy allows the ssm:GetParameters action',
    expected: { principal: '<user-arn>', action: 'ssm:GetParameters', resource: undefined, resourceText: '<resource-arn>', layer: 'identity' },
  },
  {
    name: 'redacted SCP ARN keeps the layer, drops the ARN',
    message: `User: ${ROLE} is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:eu-west-1:${ACCT}:instance/* with an explicit deny in a service control policy: arn:aws:organizations::<mgmt account>:policy/o-abc/service_control_policy/p-abc`,
    expected: { action: 'ec2:RunInstances', layer: 'scp', explicit: true, policyArn: undefined },
  },
  {
    name: '{placeholders} in braces',
    message:
      'User: arn:aws:sts::{account-id}:assumed-role/{role-arn} is not authorized to perform: waf-regional:GetWebACLForResource on resource: arn:aws:waf-regional:{region}:{account-id}:*/* with an explicit deny in a service control policy',
    expected: {
      principal: 'arn:aws:sts::{account-id}:assumed-role/{role-arn}',
      action: 'waf-regional:GetWebACLForResource',
      resource: undefined,
      resourceText: 'arn:aws:waf-regional:{region}:{account-id}:*/*',
      layer: 'scp',
      explicit: true,
    },
  },
  {
    name: '${VAR} placeholders and a tool prefix before the standard clause',
    message: `UnauthorizedOperation: You are not authorized to perform this operation. User: arn:aws:sts::${ACCT}:assumed-role/\${CLUSTER_NAME}-karpenter/1717 is not authorized to perform: iam:PassRole on resource: arn:aws:iam::${ACCT}:role/KarpenterNodeRole-\${CLUSTER_NAME} because no identity-based policy allows the iam:PassRole action`,
    expected: {
      principal: `arn:aws:sts::${ACCT}:assumed-role/\${CLUSTER_NAME}-karpenter/1717`,
      action: 'iam:PassRole',
      resource: undefined,
      resourceText: `arn:aws:iam::${ACCT}:role/KarpenterNodeRole-\${CLUSTER_NAME}`,
      layer: 'identity',
    },
  },
];

export const REDACTION_TAIL: RealCase[] = [
  {
    name: 'an account written with x in place of digits (and "User with accountId:" for a principal)',
    message:
      'User with accountId: 3814918xxx is not authorized to perform: logs:PutSubscriptionFilter on resource: arn:aws:logs:us-east-1:33189xxxxx:destination:LogDest',
    expected: { action: 'logs:PutSubscriptionFilter', resource: undefined, resourceText: 'arn:aws:logs:us-east-1:33189xxxxx:destination:LogDest' },
  },
  {
    name: '"user:" in an earlier sentence is not taken for the principal label',
    message: `Sync failed for user: bob. Role ${ROLE} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" because no identity-based policy allows the s3:GetObject action`,
    expected: { principal: ROLE, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', layer: 'identity' },
  },
];

export const IAM_WORDS_CASES: RealCase[] = [
  {
    name: '"policy <arn>" gives the policy ARN',
    message: `User: ${ROLE} is not authorized to perform: iam:GetPolicy on resource: policy arn:aws:iam::${ACCT}:policy/BoundaryPolicy because no identity-based policy allows the iam:GetPolicy action`,
    expected: { action: 'iam:GetPolicy', resource: `arn:aws:iam::${ACCT}:policy/BoundaryPolicy`, resourceText: undefined, layer: 'identity' },
  },
  {
    name: '"role <name>" of an SSO role is kept as words',
    message: `User: ${ROLE} is not authorized to perform: iam:GetRole on resource: role AWSReservedSSO_AdministratorAccess_0123456789abcdef because no identity-based policy allows the iam:GetRole action`,
    expected: { action: 'iam:GetRole', resource: undefined, resourceText: 'role AWSReservedSSO_AdministratorAccess_0123456789abcdef', layer: 'identity' },
  },
  {
    name: '"role <name>." at the end of the sentence',
    message: `User: ${USER} is not authorized to perform: iam:GetRole on resource: role voice-assist-dev-us-east-1-lambdaRole.`,
    expected: { action: 'iam:GetRole', resourceText: 'role voice-assist-dev-us-east-1-lambdaRole', reasonText: undefined },
  },
];

export const NAMED_ACTION_CASES: RealCase[] = [
  {
    name: 'an additional permission, `iam:PassRole`, is required',
    message: 'Access denied. An additional permission, `iam:PassRole`, is required to pass the role to the service.',
    expected: { action: 'iam:PassRole' },
  },
  {
    name: 'you need the iam:PassRole permission',
    message: 'You need the iam:PassRole permission to pass a role to this service.',
    expected: { action: 'iam:PassRole' },
  },
  {
    name: 'requires permission to perform: kms:GenerateDataKey',
    message: 'The caller requires permission to perform: kms:GenerateDataKey on the key used to encrypt the bucket.',
    expected: { action: 'kms:GenerateDataKey' },
  },
  {
    name: 'bare "Not authorized to perform <action>" (no principal, no colon)',
    message: 'An error occurred (AccessDenied) when calling the AssumeRole operation: Not authorized to perform sts:AssumeRole',
    expected: { action: 'sts:AssumeRole', operation: 'AssumeRole' },
  },
];

export const WRAPPER_CASES: RealCase[] = [
  {
    name: 'boto3 wrapper keeps the operation',
    message:
      "An error occurred (AccessDeniedException) when calling the InvokeModel operation: You don't have access to the model with the specified model ID.",
    expected: { operation: 'InvokeModel', action: undefined },
  },
  {
    name: 'Java v1 suffix after a resource with no because clause',
    message: `User: ${ROLE} is not authorized to perform: iam:PassRole on resource: arn:aws:iam::${ACCT}:role/ecsTaskExecutionRole (Service: AmazonECS; Status Code: 400; Error Code: AccessDeniedException; Request ID: 37158697-a9c5-4ce8-8044-812c988dea0a; Proxy: null)`,
    expected: { principal: ROLE, action: 'iam:PassRole', resource: `arn:aws:iam::${ACCT}:role/ecsTaskExecutionRole`, reasonText: undefined },
  },
  {
    name: 'Java v2 suffix (commas) after a worded role',
    message: `User: ${USER} is not authorized to perform: iam:GetRole on resource: role cdk-hnb659fds-file-publishing-role because no identity-based policy allows the iam:GetRole action (Service: Iam, Status Code: 403, Request ID: b1bb91a6-005f-4b5e-a3bf-d8bed38bdfab)`,
    expected: { action: 'iam:GetRole', resourceText: 'role cdk-hnb659fds-file-publishing-role', layer: 'identity' },
  },
  {
    name: 'Go v2 wrapper keeps the operation',
    message: `operation error Bedrock: PutModelInvocationLoggingConfiguration, https response error StatusCode: 403, RequestID: 1a2b3c4d-0000-4000-8000-000000000000, api error AccessDeniedException: User: ${ROLE} is not authorized to perform: iam:PassRole on resource: arn:aws:iam::${ACCT}:role/bedrock-logging because no identity-based policy allows the iam:PassRole action`,
    expected: {
      principal: ROLE,
      action: 'iam:PassRole',
      resource: `arn:aws:iam::${ACCT}:role/bedrock-logging`,
      layer: 'identity',
      operation: 'PutModelInvocationLoggingConfiguration',
    },
  },
  {
    name: 'Go v1 status-code line after a worded user',
    message: `AccessDenied: User: ${ROLE} is not authorized to perform: iam:GetLoginProfile on resource: user vault\n\tstatus code: 403, request id: f564d5d-fc3e-11e8-9d97-dfa6af9addf5`,
    expected: { principal: ROLE, action: 'iam:GetLoginProfile', resourceText: 'user vault' },
  },
  {
    name: 'botocore error class before the boto3 wrapper',
    message: `botocore.errorfactory.AccessDeniedException: An error occurred (AccessDeniedException) when calling the RunTask operation: User: ${USER} is not authorized to perform: iam:PassRole on resource: arn:aws:iam::${ACCT}:role/ecs-exec because no identity-based policy allows the iam:PassRole action`,
    expected: { principal: USER, action: 'iam:PassRole', layer: 'identity', operation: 'RunTask' },
  },
  {
    name: 'CloudFormation "API: <action>" names the action of an encoded message',
    message: 'API: ec2:DeleteRoute You are not authorized to perform this operation. Encoded authorization failure message: AbCdEf0123',
    expected: { action: 'ec2:DeleteRoute', encoded: true, encodedMessage: 'AbCdEf0123' },
  },
  {
    name: 'CloudFormation "API: <action> User: ..." keeps the principal clean',
    message: `API: iam:GetRole User: ${USER} is not authorized to perform: iam:GetRole on resource: role app-dev-lambdaRole.`,
    expected: { principal: USER, action: 'iam:GetRole', resourceText: 'role app-dev-lambdaRole' },
  },
];

const ALL: Array<[string, RealCase[]]> = [
  ['redactions', [...REDACTION_CASES, ...REDACTION_TAIL]],
  ['IAM resource words', IAM_WORDS_CASES],
  ['named actions', NAMED_ACTION_CASES],
  ['SDK wrappers', WRAPPER_CASES],
];

/** Fields of the parse that differ from the expected ones. */
export function wrongFields(parsed: ParsedMessage, expected: Record<string, unknown>): string[] {
  const got = parsed as unknown as Record<string, unknown>;
  return Object.entries(expected)
    .filter(([k, v]) => JSON.stringify(got[k]) !== JSON.stringify(v))
    .map(([k]) => k);
}

describe.each(ALL)('real message shapes: %s', (_name, cases) => {
  it.each(cases)('$name', ({ message, expected }) => {
    const parsed = parseDenialMessage(message);
    for (const [key, value] of Object.entries(expected)) {
      expect([key, (parsed as unknown as Record<string, unknown>)[key]]).toEqual([key, value]);
    }
  });
});

describe('wrappers and redactions keep what is readable', () => {
  const wrappers: Array<(m: string) => string> = [
    (m) => `An error occurred (AccessDeniedException) when calling the DoThing operation: ${m}`,
    (m) => `${m} (Service: Thing; Status Code: 403; Error Code: AccessDeniedException; Request ID: 0f0e0d0c-1111-2222-3333-444455556666; Proxy: null)`,
    (m) => `${m} (Service: Thing, Status Code: 403, Request ID: 0f0e0d0c-1111-2222-3333-444455556666)`,
    (m) => `AccessDeniedException: ${m}`,
    (m) => `operation error Thing: DoThing, https response error StatusCode: 403, RequestID: 0f0e0d0c, api error AccessDeniedException: ${m}`,
    (m) => `${m}\n\tstatus code: 403, request id: 0f0e0d0c-1111`,
  ];
  const fields = ['principal', 'action', 'resource', 'resourceText', 'layer', 'explicit', 'policyType', 'policyArn'] as const;
  const pick = (p: ParsedMessage): Record<string, unknown> => Object.fromEntries(fields.map((f) => [f, p[f]]));
  const bases = [...REDACTION_CASES, ...IAM_WORDS_CASES, ...NAMED_ACTION_CASES.slice(0, 3)].map((c) => c.message);

  it('wrapping a message in any SDK wrapper decodes to the same fields', () => {
    fc.assert(
      fc.property(fc.constantFrom(...bases), fc.nat(wrappers.length - 1), (m, w) => {
        expect(pick(parseDenialMessage((wrappers[w] as (m: string) => string)(m)))).toEqual(pick(parseDenialMessage(m)));
      }),
      { numRuns: 300 },
    );
  });

  const types: Array<[string, string]> = [
    ['because no identity-based policy allows the s3:GetObject action', 'identity'],
    ['because no permissions boundary allows the s3:GetObject action', 'permissions-boundary'],
    ['with an explicit deny in a service control policy', 'scp'],
    ['with an explicit deny in a resource control policy', 'rcp'],
    ['because no VPC endpoint policy allows the s3:GetObject action', 'vpc-endpoint'],
    ['with an explicit deny in a session policy', 'session'],
  ];
  const redaction = fc.constantFrom('<ACCOUNT_ID>', 'XXXXXXXXXXXX', '***', '<Log Archive Account>', '{account-id}', ' ... ', '"my account"', '${ACCOUNT}');

  it('a redaction inserted into the principal or resource ARN never changes the layer', () => {
    fc.assert(
      fc.property(fc.constantFrom(...types), redaction, fc.boolean(), fc.boolean(), ([clause, layer], r, inPrincipal, quoted) => {
        const principal = inPrincipal ? `arn:aws:sts::${r}:assumed-role/App/s` : ROLE;
        const arn = inPrincipal ? `arn:aws:s3:::bucket/key` : `arn:aws:s3:::bucket-${r}/key`;
        const resource = quoted ? `"${arn}"` : arn;
        const parsed = parseDenialMessage(`User: ${principal} is not authorized to perform: s3:GetObject on resource: ${resource} ${clause}`);
        expect(parsed.layer).toBe(layer);
        expect(parsed.action).toBe('s3:GetObject');
        expect(parsed.principal).toBe(principal);
      }),
      { numRuns: 300 },
    );
  });
});

describe('hostile input to the wrapper, redaction and named-action readers', () => {
  // No timing assertion: a catastrophic-backtracking pattern would blow the jest timeout instead.
  const hostile = [
    'An error occurred (X) when calling the Y operation: '.repeat(20_000),
    `User: x is not authorized to perform: a:b ${'(Service: S; Status Code: 403; '.repeat(30_000)}`,
    `${'status code: 403, request id: '.repeat(30_000)}`,
    `${'you need the '.repeat(80_000)}a:b`,
    `User: x is not authorized to perform: a:b on resource: ${'<x> '.repeat(200_000)} because no identity-based policy allows`,
    `User: x is not authorized to perform: a:b on resource: "${'"'.repeat(500_000)} with an explicit deny`,
    `${'User: '.repeat(100_000)} is not authorized to perform: a:b`,
    `${'API: a:b '.repeat(100_000)}`,
    `operation error S: Op, https response error StatusCode: 403, ${'RequestID: x, '.repeat(60_000)}`,
  ];
  it.each(hostile.map((h, i) => [i, h]))('hostile message %i parses and returns', (_i, h) => {
    expect(parseDenialMessage(h as string).shape).toBeDefined();
  });
});

describe('score on the table', () => {
  it('reports wrong fields per class (for the issue)', () => {
    const score = ALL.map(([name, cases]) => {
      const wrong = cases.reduce((n, c) => n + wrongFields(parseDenialMessage(c.message), c.expected).length, 0);
      const total = cases.reduce((n, c) => n + Object.keys(c.expected).length, 0);
      return `${name}: ${wrong}/${total} wrong`;
    });
    process.stdout.write(`${score.join('; ')}\n`);
    expect(score).toHaveLength(ALL.length);
  });
});
