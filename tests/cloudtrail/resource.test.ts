import { arnFitsActionPrefix, deniedResourceFromRecord, regionOfResource, resourceFromRecord, resourceFromWords } from '../../lib/cloudtrail/resource';

const ctx = { partition: 'aws', region: 'us-east-1', accountId: '111122223333' };

describe('resourceFromRecord', () => {
  it.each([
    ['S3 object', 's3', { requestParameters: { bucketName: 'b', key: 'dir/k.txt' } }, 'arn:aws:s3:::b/dir/k.txt'],
    ['S3 bucket', 's3', { requestParameters: { bucketName: 'b' } }, 'arn:aws:s3:::b'],
    [
      'Bedrock foundation model',
      'bedrock',
      { requestParameters: { modelId: 'anthropic.claude-3-haiku-20240307-v1:0' } },
      'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
    ],
    [
      'Bedrock profile ID',
      'bedrock',
      { requestParameters: { modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' } },
      'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    ],
    [
      'Bedrock ARN as sent',
      'bedrock',
      { requestParameters: { modelId: 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123' } },
      'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123',
    ],
    [
      'resources[] first ARN',
      'ec2',
      { resources: [{ type: 'x' }, { ARN: 'arn:aws:ec2:us-east-1:111122223333:instance/i-1' }] },
      'arn:aws:ec2:us-east-1:111122223333:instance/i-1',
    ],
    ['STS role ARN', 'sts', { requestParameters: { roleArn: 'arn:aws:iam::444455556666:role/Target' } }, 'arn:aws:iam::444455556666:role/Target'],
    ['Lambda function name', 'lambda', { requestParameters: { functionName: 'fn' } }, 'arn:aws:lambda:us-east-1:111122223333:function:fn'],
    [
      'SQS queue URL',
      'sqs',
      { requestParameters: { queueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/q1' } },
      'arn:aws:sqs:us-east-1:111122223333:q1',
    ],
    ['DynamoDB table', 'dynamodb', { requestParameters: { tableName: 't' } }, 'arn:aws:dynamodb:us-east-1:111122223333:table/t'],
    [
      'KMS key id',
      'kms',
      { requestParameters: { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab' } },
      'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    ],
    [
      'generic ...Arn parameter',
      'unknownsvc',
      { requestParameters: { name: 'x', targetArn: 'arn:aws:foo:us-east-1:111122223333:thing/1' } },
      'arn:aws:foo:us-east-1:111122223333:thing/1',
    ],
    ['nothing', 's3', { requestParameters: { other: 1 } }, null],
    ['requestParameters null', 's3', { requestParameters: null }, null],
  ])('%s', (_name, prefix, record, expected) => expect(resourceFromRecord(record, prefix, ctx)).toBe(expected));

  it('builds ARNs in the caller partition', () => {
    expect(resourceFromRecord({ requestParameters: { bucketName: 'b' } }, 's3', { ...ctx, partition: 'aws-cn' })).toBe('arn:aws-cn:s3:::b');
  });
});

describe('regionOfResource', () => {
  it.each([
    ['arn:aws:bedrock:us-east-2::foundation-model/x.y', 'us-east-1', 'us-east-2'],
    ['arn:aws:bedrock:::foundation-model/x.y', 'us-east-1', 'unspecified'],
    ['arn:aws:s3:::bucket', 'eu-west-1', 'eu-west-1'],
    ['arn:aws:iam::1:role/x', 'us-west-2', 'us-west-2'],
    [null, 'ap-south-1', 'ap-south-1'],
  ])('%s called in %s → %s', (resource, call, denied) => expect(regionOfResource(resource, call)).toBe(denied));
});

describe("deniedResourceFromRecord: the record stands for the denied resource only in the action's service", () => {
  const EC2_INSTANCE = 'arn:aws:ec2:us-east-1:111122223333:instance/*';
  const KMS_KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  it.each([
    ['same service: S3 GetObject denied s3:GetObject', 's3', 's3:GetObject', { requestParameters: { bucketName: 'b', key: 'k' } }, 'arn:aws:s3:::b/k'],
    [
      'same service after the host mapping (bedrock-runtime → bedrock)',
      'bedrock',
      'bedrock:InvokeModel',
      { requestParameters: { modelId: 'amazon.nova-lite-v1:0' } },
      'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0',
    ],
    ['EC2 RunInstances denied iam:PassRole: the instance is not the role', 'ec2', 'iam:PassRole', { resources: [{ ARN: EC2_INSTANCE }] }, null],
    ['S3 GetObject denied kms:Decrypt: the object is not the key', 's3', 'kms:Decrypt', { requestParameters: { bucketName: 'b', key: 'k' } }, null],
    [
      'S3 GetObject denied kms:Decrypt, resources[] lists the key',
      's3',
      'kms:Decrypt',
      { requestParameters: { bucketName: 'b', key: 'k' }, resources: [{ ARN: 'arn:aws:s3:::b/k' }, { ARN: KMS_KEY }] },
      KMS_KEY,
    ],
    [
      "another service, an ...Arn parameter of the action's service",
      'lambda',
      'iam:PassRole',
      { requestParameters: { functionName: 'f', role: 'x', roleArn: 'arn:aws:iam::111122223333:role/fn-role' } },
      'arn:aws:iam::111122223333:role/fn-role',
    ],
    ['another service, an ...Arn parameter of a third service', 'lambda', 'iam:PassRole', { requestParameters: { kmsKeyArn: KMS_KEY } }, null],
    [
      'STS actions take IAM role ARNs',
      'cloudformation',
      'sts:AssumeRole',
      { resources: [{ ARN: 'arn:aws:iam::444455556666:role/Target' }] },
      'arn:aws:iam::444455556666:role/Target',
    ],
    ["unknown record service: only ARNs of the action's service", null, 'kms:Decrypt', { resources: [{ ARN: EC2_INSTANCE }, { ARN: KMS_KEY }] }, KMS_KEY],
    ['unknown action: the record is all there is', 's3', 'unknown', { requestParameters: { bucketName: 'b' } }, 'arn:aws:s3:::b'],
    [
      'bedrock:CallWithBearerToken acts on no resource, whatever modelId says',
      'bedrock',
      'bedrock:CallWithBearerToken',
      { requestParameters: { modelId: 'amazon.nova-lite-v1:0' } },
      null,
    ],
    [
      'bedrock-mantle:CallWithBearerToken likewise',
      'bedrock-mantle',
      'bedrock-mantle:CallWithBearerToken',
      { requestParameters: { targetArn: 'arn:aws:bedrock-mantle:us-east-1:111122223333:project/p' } },
      null,
    ],
  ])('%s', (_name, recordPrefix, action, record, expected) => expect(deniedResourceFromRecord(record, recordPrefix, action, ctx)).toBe(expected));
});

describe('arnFitsActionPrefix', () => {
  it.each([
    ['arn:aws:kms:us-east-1:1:key/k', 'kms', true],
    ['arn:aws:s3:::b/k', 'kms', false],
    ['arn:aws:iam::1:role/r', 'sts', true],
    ['arn:aws:iam::1:role/r', 'iam', true],
    ['arn:aws:sts::1:assumed-role/r/s', 'iam', false],
    ['not an arn', 'kms', false],
  ])('%s fits %s: %s', (arn, prefix, fits) => expect(arnFitsActionPrefix(arn, prefix)).toBe(fits));
});

describe('resourceFromWords', () => {
  it.each([
    // A name without its path gives no ARN: the path is part of the ARN (SSO roles live under /aws-reserved/sso.amazonaws.com/).
    ['role Foo', ctx, { arn: null, note: 'role Foo', iamName: { kind: 'role', name: 'Foo' } }],
    [
      'role AWSReservedSSO_Admin_0123456789abcdef',
      ctx,
      { arn: null, note: 'role AWSReservedSSO_Admin_0123456789abcdef', iamName: { kind: 'role', name: 'AWSReservedSSO_Admin_0123456789abcdef' } },
    ],
    ['role service-role/Foo', ctx, { arn: 'arn:aws:iam::111122223333:role/service-role/Foo' }],
    ['user bob@example.com', ctx, { arn: null, note: 'user bob@example.com', iamName: { kind: 'user', name: 'bob@example.com' } }],
    ['user ops/bob', ctx, { arn: 'arn:aws:iam::111122223333:user/ops/bob' }],
    ['role service-role/Foo', { ...ctx, partition: 'aws-us-gov' }, { arn: 'arn:aws-us-gov:iam::111122223333:role/service-role/Foo' }],
    ['role service-role/Foo', { ...ctx, accountId: null }, { arn: null, note: 'role service-role/Foo' }],
    ['role Foo', { ...ctx, accountId: null }, { arn: null, note: 'role Foo', iamName: { kind: 'role', name: 'Foo' } }],
    ['role /Foo', ctx, { arn: null, note: 'role /Foo' }],
    ['access key AKIAIOSFODNN7EXAMPLE', ctx, { arn: null, note: 'access key AKIA…MPLE' }],
    ['the specified resource', ctx, { arn: null, note: 'the specified resource' }],
  ])('%s', (words, context, expected) => expect(resourceFromWords(words, context)).toEqual(expected));
});
