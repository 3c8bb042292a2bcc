import { regionOfResource, resourceFromRecord } from '../../lib/cloudtrail/resource';

const ctx = { partition: 'aws', region: 'us-east-1', accountId: '111122223333' };

describe('resourceFromRecord', () => {
  it.each([
    ['S3 object', 's3', { requestParameters: { bucketName: 'b', key: 'dir/k.txt' } }, 'arn:aws:s3:::b/dir/k.txt'],
    ['S3 bucket', 's3', { requestParameters: { bucketName: 'b' } }, 'arn:aws:s3:::b'],
    ['Bedrock foundation model', 'bedrock', { requestParameters: { modelId: 'anthropic.claude-3-haiku-20240307-v1:0' } }, 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0'],
    ['Bedrock profile ID', 'bedrock', { requestParameters: { modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' } }, 'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
    ['Bedrock ARN as sent', 'bedrock', { requestParameters: { modelId: 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123' } }, 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123'],
    ['resources[] first ARN', 'ec2', { resources: [{ type: 'x' }, { ARN: 'arn:aws:ec2:us-east-1:111122223333:instance/i-1' }] }, 'arn:aws:ec2:us-east-1:111122223333:instance/i-1'],
    ['STS role ARN', 'sts', { requestParameters: { roleArn: 'arn:aws:iam::444455556666:role/Target' } }, 'arn:aws:iam::444455556666:role/Target'],
    ['Lambda function name', 'lambda', { requestParameters: { functionName: 'fn' } }, 'arn:aws:lambda:us-east-1:111122223333:function:fn'],
    ['SQS queue URL', 'sqs', { requestParameters: { queueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/q1' } }, 'arn:aws:sqs:us-east-1:111122223333:q1'],
    ['DynamoDB table', 'dynamodb', { requestParameters: { tableName: 't' } }, 'arn:aws:dynamodb:us-east-1:111122223333:table/t'],
    ['KMS key id', 'kms', { requestParameters: { keyId: '1234abcd-12ab-34cd-56ef-1234567890ab' } }, 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['generic ...Arn parameter', 'unknownsvc', { requestParameters: { name: 'x', targetArn: 'arn:aws:foo:us-east-1:111122223333:thing/1' } }, 'arn:aws:foo:us-east-1:111122223333:thing/1'],
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
