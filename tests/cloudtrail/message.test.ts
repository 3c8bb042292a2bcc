import fc from 'fast-check';
import { parseDenialMessage, type ParsedMessage } from '../../lib/cloudtrail/message';
import { layerForPolicyType, normaliseAction } from '../../lib/cloudtrail/message-scan';
import type { ReasonLayer } from '../../lib/denial/types';

const ROLE = 'arn:aws:sts::123456789012:assumed-role/AppRole/session-1';
const USER = 'arn:aws:iam::123456789012:user/example-user';
const FM = 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0';
const SCP_ARN = 'arn:aws:organizations::987654321098:policy/o-qv5af4abcd/service_control_policy/p-2kgnabcd';

type Expected = Partial<ParsedMessage>;
interface Case {
  name: string;
  message: string;
  expected: Expected;
}

const cases: Case[] = [
  // Implicit denies, one per policy type (aws-facts 2.2).
  ...(
    [
      ['identity-based policy', 'identity'],
      ['resource-based policy', 'resource'],
      ['permissions boundary', 'permissions-boundary'],
      ['session policy', 'session'],
      ['service control policy', 'scp'],
      ['VPC endpoint policy', 'vpc-endpoint'],
      ['role trust policy', 'resource'],
    ] as Array<[string, ReasonLayer]>
  ).map(([type, layer]) => ({
    name: `implicit: no ${type}`,
    message: `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: ${FM} because no ${type} allows the bedrock:InvokeModel action`,
    expected: {
      shape: 'standard',
      principal: ROLE,
      action: 'bedrock:InvokeModel',
      resource: FM,
      layer,
      explicit: false,
      policyType: type,
      truncated: false,
    } as Expected,
  })),
  // Explicit denies with each article (aws-facts 2.3).
  ...(
    [
      ['an identity-based policy', 'identity-based policy', 'identity'],
      ['a resource-based policy', 'resource-based policy', 'resource'],
      ['a permissions boundary', 'permissions boundary', 'permissions-boundary'],
      ['a session policy', 'session policy', 'session'],
      ['a sessions policy', 'sessions policy', 'session'],
      ['a service control policy', 'service control policy', 'scp'],
      ['a resource control policy', 'resource control policy', 'rcp'],
      ['a VPC endpoint policy', 'VPC endpoint policy', 'vpc-endpoint'],
      ['the role trust policy', 'role trust policy', 'resource'],
      ['a Service Control Policy', 'Service Control Policy', 'scp'],
    ] as Array<[string, string, ReasonLayer]>
  ).map(([words, type, layer]) => ({
    name: `explicit: ${words}`,
    message: `User: ${USER} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::bucket/key.txt" with an explicit deny in ${words}`,
    expected: { principal: USER, action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key.txt', layer, explicit: true, policyType: type } as Expected,
  })),
  {
    name: 'explicit SCP with policy ARN suffix (2.4)',
    message: `User: ${USER} is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::123456789012:role/* with an explicit deny in a service control policy: ${SCP_ARN}`,
    expected: { action: 'iam:ListRoles', resource: 'arn:aws:iam::123456789012:role/*', layer: 'scp', explicit: true, policyArn: SCP_ARN },
  },
  {
    name: 'explicit identity policy with ARN and Access Troubleshooter suffix (2.5)',
    message:
      `User: ${USER} is not authorized to perform: iam:CreateInstanceProfile on resource: arn:aws:iam::123456789012:instance-profile/my-instance-profile with an explicit deny in an identity-based policy: arn:aws:iam::123456789012:policy/ExampleDenyPolicy. ` +
      'Go to https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/EXAMPLE1a2b3c4d5e6f7g8h9i0j for complete details, or call the GetRequestAuthorizationDetails API with the following authorization id: EXAMPLE1a2b3c4d5e6f7g8h9i0j',
    expected: {
      action: 'iam:CreateInstanceProfile',
      resource: 'arn:aws:iam::123456789012:instance-profile/my-instance-profile',
      layer: 'identity',
      explicit: true,
      policyArn: 'arn:aws:iam::123456789012:policy/ExampleDenyPolicy',
      authorizationId: 'EXAMPLE1a2b3c4d5e6f7g8h9i0j',
      truncated: false,
    },
  },
  {
    name: 'authorization id from the console URL when the tail is cut',
    message: `User: ${USER} is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/x because no permissions boundary allows the iam:CreateRole action. Go to https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/abc123def456 for complete details, or call the GetRequest...`,
    expected: { layer: 'permissions-boundary', explicit: false, authorizationId: 'abc123def456', truncated: true },
  },
  {
    name: 'authorization id cut inside the URL is not trusted',
    message: `User: ${USER} is not authorized to perform: iam:CreateRole because no identity-based policy allows the iam:CreateRole action. Go to https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/abc12...`,
    expected: { layer: 'identity', authorizationId: undefined, truncated: true },
  },
  {
    name: 'VPC endpoint policy transitively through an SCP',
    message: `User: ${ROLE} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::b/k" with an explicit deny in a VPC endpoint policy transitively through a service control policy`,
    expected: { layer: 'vpc-endpoint', explicit: true, policyType: 'VPC endpoint policy', transitiveVia: 'service control policy' },
  },
  {
    name: 'explicit deny alone (older services)',
    message: `User: ${USER} is not authorized to perform: ec2:DescribeInstances on resource: * with an explicit deny`,
    expected: { action: 'ec2:DescribeInstances', resource: '*', layer: 'unknown', explicit: true },
  },
  {
    name: 'no because clause, with resource',
    message: `User: ${ROLE} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/Target`,
    expected: { action: 'sts:AssumeRole', resource: 'arn:aws:iam::123456789012:role/Target', layer: 'unknown', explicit: false, reasonText: undefined },
  },
  {
    name: 'no because clause, no resource',
    message: `User: ${ROLE} is not authorized to perform: sqs:SendMessage`,
    expected: { action: 'sqs:SendMessage', resource: undefined, layer: 'unknown', explicit: false },
  },
  {
    name: 'no on-resource clause, SCP implicit',
    message: `User: ${ROLE} is not authorized to perform: s3:GetObject because no service control policy allows the s3:GetObject action`,
    expected: { action: 's3:GetObject', resource: undefined, layer: 'scp', explicit: false },
  },
  {
    name: 'upper-case service prefix is normalised',
    message: `User: ${ROLE} is not authorized to perform: SNS:Publish on resource: arn:aws:sns:us-east-1:123456789012:topic because no resource-based policy allows the SNS:Publish action`,
    expected: { action: 'sns:Publish', resource: 'arn:aws:sns:us-east-1:123456789012:topic', layer: 'resource' },
  },
  {
    name: 'resource named as role <name>',
    message: `User: ${USER} is not authorized to perform: iam:PassRole on resource: role MyRole`,
    expected: { action: 'iam:PassRole', resource: undefined, resourceText: 'role MyRole' },
  },
  {
    name: 'resource named as user <name>',
    message: `User: ${USER} is not authorized to perform: iam:CreateAccessKey on resource: user bob because no identity-based policy allows the iam:CreateAccessKey action`,
    expected: { action: 'iam:CreateAccessKey', resource: undefined, resourceText: 'user bob', layer: 'identity', reasonText: undefined },
  },
  {
    name: 'perform without colon, access key resource',
    message: `User: ${USER} is not authorized to perform iam:DeleteAccessKey on resource: access key AKIAIOSFODNN7EXAMPLE`,
    expected: { action: 'iam:DeleteAccessKey', resourceText: 'access key AKIAIOSFODNN7EXAMPLE' },
  },
  {
    name: 'encoded authorization failure message (EC2)',
    message: 'You are not authorized to perform this operation. Encoded authorization failure message: 4GIOHlTkIaWHQD0Q0m6XSnuUMCm-abcdefg_hijk',
    expected: { shape: 'encoded', encoded: true, encodedMessage: '4GIOHlTkIaWHQD0Q0m6XSnuUMCm-abcdefg_hijk', layer: 'unknown' },
  },
  {
    name: 'encoded blob cut by CloudTrail is not kept',
    message: 'You are not authorized to perform this operation. Encoded authorization failure message: 4GIOHlTkIaWHQD0Q0m6X...',
    expected: { shape: 'encoded', encoded: true, encodedMessage: undefined, truncated: true },
  },
  {
    name: 'EC2 enhanced message with the prefix and an encoded suffix',
    message: `You are not authorized to perform this operation. User: ${ROLE} is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1:123456789012:instance/* because no identity-based policy allows the ec2:RunInstances action. Encoded authorization failure message: abcDEF123`,
    expected: {
      shape: 'standard',
      principal: ROLE,
      action: 'ec2:RunInstances',
      resource: 'arn:aws:ec2:us-east-1:123456789012:instance/*',
      layer: 'identity',
      encoded: true,
      encodedMessage: 'abcDEF123',
    },
  },
  { name: 'bare prefix alone', message: 'You are not authorized to perform this operation.', expected: { shape: 'bare', layer: 'unknown' } },
  { name: 'generic S3 Access Denied', message: 'Access Denied', expected: { shape: 'generic', layer: 'unknown', explicit: false } },
  { name: 'No access to any requested resource', message: 'No access to any requested resource', expected: { shape: 'bare' } },
  {
    name: 'not authorized to access this resource',
    message: `User: ${ROLE} is not authorized to access this resource`,
    expected: { shape: 'not-authorized-to-access', principal: ROLE, action: undefined },
  },
  {
    name: 'Principal [..] is not allowed to execute [..]',
    message: `Principal [${ROLE}] is not allowed to execute [glue:GetTable] on the resource`,
    expected: { shape: 'principal-not-allowed', principal: ROLE, action: 'glue:GetTable' },
  },
  {
    name: 'Access to the resource .. is denied.',
    message: 'Access to the resource arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/items is denied.',
    expected: { shape: 'resource-denied', resource: 'arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/items' },
  },
  {
    name: 'on the specified resource',
    message: `User: ${ROLE} is not authorized to perform: logs:PutLogEvents on the specified resource`,
    expected: { action: 'logs:PutLogEvents', resourceText: 'the specified resource' },
  },
  {
    name: 'KMS "on this resource because ..." keeps the words, no layer',
    message: `User: ${ROLE} is not authorized to perform: kms:Decrypt on this resource because the resource does not exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly denies access`,
    expected: {
      action: 'kms:Decrypt',
      resourceText: 'this resource',
      layer: 'unknown',
      reasonText: expect.stringContaining('does not exist') as unknown as string,
    },
  },
  {
    name: 'S3 Block Public Access guardrail',
    message: `User: ${ROLE} is not authorized to perform: s3:PutObjectAcl on resource: "arn:aws:s3:::b/k" because public ACLs are prevented by the BlockPublicAcls setting in S3 Block Public Access.`,
    expected: { layer: 'resource', explicit: true, policyType: 'S3 Block Public Access (BlockPublicAcls)' },
  },
  {
    name: 'SDK prefix is stripped',
    message: `An error occurred (AccessDenied) when calling the AssumeRole operation: User: ${ROLE} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/x`,
    expected: { principal: ROLE, action: 'sts:AssumeRole' },
  },
  {
    name: 'marketplace action with "allows the action" wording',
    message: `User: ${ROLE} is not authorized to perform: aws-marketplace:Subscribe on resource: * because no identity-based policy allows the action.`,
    expected: { action: 'aws-marketplace:Subscribe', resource: '*', layer: 'identity' },
  },
  // Truncation (2.7): never trust a clause that runs into the cut.
  {
    name: 'cut inside the policy type',
    message: `User: ${ROLE} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" because no service control pol...`,
    expected: { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', layer: 'unknown', truncated: true },
  },
  {
    name: 'cut inside the explicit type',
    message: `User: ${ROLE} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" with an explicit deny in a resource con...`,
    expected: { layer: 'unknown', explicit: true, truncated: true, policyType: undefined },
  },
  {
    name: 'cut inside the policy ARN keeps the type but drops the ARN',
    message: `User: ${ROLE} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" with an explicit deny in a service control policy: arn:aws:organizations::98765432...`,
    expected: { layer: 'scp', explicit: true, policyArn: undefined, truncated: true },
  },
  {
    name: 'cut inside the quoted resource',
    message: `User: ${ROLE} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::bucket/very/long/ke...`,
    expected: { action: 's3:GetObject', resource: undefined, layer: 'unknown', truncated: true },
  },
  {
    name: 'cut inside the unquoted resource',
    message: `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1::foundation-mo...`,
    expected: { action: 'bedrock:InvokeModel', resource: undefined, truncated: true },
  },
  {
    name: 'cut inside the action',
    message: `User: ${ROLE} is not authorized to perform: bedrock:Inv...`,
    expected: { principal: ROLE, action: undefined, truncated: true },
  },
  {
    name: 'cut after the complete implicit type (unicode ellipsis)',
    message: `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: ${FM} because no identity-based policy allows the bedrock:Inv…`,
    expected: { layer: 'identity', truncated: true },
  },
  {
    name: 'KMS worded resource with an unrecognised because clause',
    message: `User: ${ROLE} is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext because the resource does not exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly denies access`,
    expected: {
      action: 'kms:Decrypt',
      resourceText: 'the resource associated with this ciphertext',
      layer: 'unknown',
      reasonText: expect.stringMatching(/^because the resource does not exist/) as unknown as string,
    },
  },
  {
    name: 'Athena "You are not authorized to perform: <action> on the resource"',
    message:
      'You are not authorized to perform: athena:StartQueryExecution on the resource. After your AWS administrator or you have updated your permissions, please try again.',
    expected: { shape: 'standard', action: 'athena:StartQueryExecution', principal: undefined, layer: 'unknown' },
  },
  {
    name: 'Secrets Manager names the secret, not its ARN',
    message: `User: ${ROLE} is not authorized to perform: secretsmanager:GetSecretValue on resource: prod/db because no identity-based policy allows the secretsmanager:GetSecretValue action`,
    expected: { action: 'secretsmanager:GetSecretValue', resource: 'prod/db', layer: 'identity' },
  },
  {
    name: 'lower-case action names are kept as written',
    message: `User: ${ROLE} is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:123456789012:q because no identity-based policy allows the sqs:sendmessage action`,
    expected: { action: 'sqs:sendmessage', layer: 'identity' },
  },
  {
    name: 'no space after "User:"',
    message: `User:${USER} is not authorized to perform: iam:GetUser`,
    expected: { principal: USER, action: 'iam:GetUser' },
  },
  { name: 'empty', message: '   ', expected: { shape: 'empty', layer: 'unknown' } },
  {
    name: 'unrecognised words',
    message: 'Not whitelisted for accessing ActionType.Category=Build',
    expected: { shape: 'unrecognized', reasonText: 'Not whitelisted for accessing ActionType.Category=Build' },
  },
];

describe('parseDenialMessage', () => {
  it.each(cases)('$name', ({ message, expected }) => {
    const parsed = parseDenialMessage(message);
    for (const [key, value] of Object.entries(expected)) {
      expect([key, parsed[key as keyof ParsedMessage]]).toEqual([key, value]);
    }
  });

  it('answers null input as empty', () => {
    expect(parseDenialMessage(null).shape).toBe('empty');
    expect(parseDenialMessage(undefined).shape).toBe('empty');
  });

  it('marks messages beyond the parsed maximum as truncated', () => {
    const long = `User: ${ROLE} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/${'k'.repeat(9000)}" because no identity-based policy allows the s3:GetObject action`;
    const parsed = parseDenialMessage(long);
    expect(parsed.truncated).toBe(true);
    expect(parsed.resource).toBeUndefined();
    expect(parsed.layer).toBe('unknown');
  });
});

describe('layerForPolicyType and normaliseAction', () => {
  it.each([
    ['identity-based policy', 'identity'],
    ['service control policy', 'scp'],
    ['resource control policy', 'rcp'],
    ['permissions boundary', 'permissions-boundary'],
    ['sessions policy', 'session'],
    ['resource-based policy', 'resource'],
    ['role trust policy', 'resource'],
    ['VPC endpoint policy', 'vpc-endpoint'],
    ['mystery policy', 'unknown'],
  ])('%s → %s', (words, layer) => expect(layerForPolicyType(words)).toBe(layer));

  it.each([
    ['SNS:Publish', 'sns:Publish'],
    ['bedrock:InvokeModel', 'bedrock:InvokeModel'],
    ['aws-marketplace:Subscribe', 'aws-marketplace:Subscribe'],
    ['s3:*', 's3:*'],
    ['notanaction', null],
    ['a:b:c', null],
  ])('%s → %s', (text, action) => expect(normaliseAction(text)).toBe(action));
});

describe('hostile input', () => {
  // No timing assertion: a catastrophic-backtracking regex would blow the jest timeout instead.
  const hostile = [
    'User: '.repeat(200_000),
    `User: x is not authorized to perform: a:b on resource: ${'"'.repeat(1_000_000)}`,
    `User: x is not authorized to perform: a:b with an explicit deny ${'in a '.repeat(200_000)}`,
    `${'because no '.repeat(100_000)} allows`,
    `${'with an explicit deny in a service control'.repeat(25_000)}`,
    `${'a'.repeat(1_000_000)}...`,
    `${' is not authorized to perform:'.repeat(35_000)}`,
    `Principal [${'['.repeat(1_000_000)}`,
    `Encoded authorization failure message: ${'x'.repeat(1_000_000)}`,
    `authorization id: ${'a'.repeat(1_000_000)}`,
  ];
  it.each(hostile.map((h, i) => [i, h]))('hostile message %i (1 MB) parses and returns', (_i, h) => {
    const parsed = parseDenialMessage(h as string);
    expect(parsed.shape).toBeDefined();
    expect(parsed.truncated).toBe(true);
  });
});

describe('properties', () => {
  it('never throws on arbitrary unicode strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
        parseDenialMessage(s);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws when arbitrary text is spliced into a real message', () => {
    const base = `User: ${ROLE} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" with an explicit deny in a service control policy: ${SCP_ARN}`;
    fc.assert(
      fc.property(fc.nat(base.length), fc.string({ unit: 'binary', maxLength: 40 }), (at, junk) => {
        parseDenialMessage(base.slice(0, at) + junk + base.slice(at));
        parseDenialMessage(`${base.slice(0, at)}...`);
      }),
      { numRuns: 1000 },
    );
  });

  // IAM name characters; names end alphanumerically here because a final '.' is indistinguishable from the sentence's full stop.
  const segment = fc.stringMatching(/^[A-Za-z0-9_+=,.@-]{0,19}[A-Za-z0-9]$/);
  const principal = fc.oneof(
    fc.tuple(segment, segment).map(([r, s]) => `arn:aws:sts::123456789012:assumed-role/${r}/${s}`),
    segment.map((u) => `arn:aws-cn:iam::123456789012:user/${u}`),
  );
  const action = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,30}$/)).map(([s, a]) => `${s}:${a}`);
  const resource = fc.option(
    fc.oneof(
      fc.tuple(segment, segment).map(([b, k]) => ({ text: `"arn:aws:s3:::${b}/${k}"`, value: `arn:aws:s3:::${b}/${k}` })),
      segment.map((id) => ({ text: `arn:aws:bedrock:us-west-2::foundation-model/${id}`, value: `arn:aws:bedrock:us-west-2::foundation-model/${id}` })),
      fc.constant({ text: '*', value: '*' }),
    ),
    { nil: null },
  );
  const types: Array<[string, ReasonLayer, string]> = [
    ['identity-based policy', 'identity', 'an'],
    ['resource-based policy', 'resource', 'a'],
    ['permissions boundary', 'permissions-boundary', 'a'],
    ['session policy', 'session', 'a'],
    ['service control policy', 'scp', 'a'],
    ['resource control policy', 'rcp', 'a'],
    ['VPC endpoint policy', 'vpc-endpoint', 'a'],
  ];
  const reason = fc.record({
    type: fc.constantFrom(...types),
    explicit: fc.boolean(),
    policyArn: fc.option(
      segment.map((p) => `arn:aws:iam::123456789012:policy/${p}`),
      { nil: null },
    ),
  });
  const authId = fc.option(fc.stringMatching(/^[a-z0-9]{8,26}$/), { nil: null });

  it('round-trips principal, action, resource, layer, explicit, policy ARN and authorization id', () => {
    fc.assert(
      fc.property(principal, action, resource, reason, authId, (p, a, r, why, id) => {
        const [type, layer, art] = why.type;
        const on = r ? ` on resource: ${r.text}` : '';
        const clause = why.explicit
          ? ` with an explicit deny in ${art} ${type}${why.policyArn ? `: ${why.policyArn}` : ''}`
          : ` because no ${type} allows the ${a} action`;
        const suffix = id
          ? `. Go to https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/${id} for complete details, or call the GetRequestAuthorizationDetails API with the following authorization id: ${id}`
          : '';
        const parsed = parseDenialMessage(`User: ${p} is not authorized to perform: ${a}${on}${clause}${suffix}`);
        expect(parsed.principal).toBe(p);
        expect(parsed.action).toBe(a);
        expect(parsed.resource).toBe(r ? r.value : undefined);
        expect(parsed.layer).toBe(layer);
        expect(parsed.explicit).toBe(why.explicit);
        expect(parsed.policyArn).toBe(why.explicit && why.policyArn ? why.policyArn : undefined);
        expect(parsed.authorizationId).toBe(id ?? undefined);
      }),
      { numRuns: 500 },
    );
  });
});
