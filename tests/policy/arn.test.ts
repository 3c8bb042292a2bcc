import fc from 'fast-check';
import { arnMatches } from '../../lib/policy/iam/arn-matching';
import { formatArn, parseArn, partitionOf } from '../../lib/aws/arn';
import { wildcardMatch } from '../../lib/policy/iam/wildcard';

describe('wildcardMatch', () => {
  it.each([
    ['*', 'anything', false, true],
    ['a*c', 'abbbc', false, true],
    ['a?c', 'abc', false, true],
    ['a?c', 'ac', false, false],
    ['s3:Get*', 'S3:GETOBJECT', true, true],
    ['s3:Get*', 'S3:GETOBJECT', false, false],
    ['a.b', 'aXb', false, false],
    ['(x)+[y]', '(x)+[y]', false, true],
  ])('%s vs %s (ignoreCase %s)', (pattern, value, ignoreCase, expected) => {
    expect(wildcardMatch(pattern, value, ignoreCase)).toBe(expected);
  });

  it('a pattern without wildcards matches only itself (property)', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/[*?]/.test(s)),
        fc.string(),
        (p, v) => {
          expect(wildcardMatch(p, v)).toBe(p === v);
          expect(wildcardMatch(p, p)).toBe(true);
        },
      ),
    );
  });
});

describe('ARNs', () => {
  it('parses and formats, keeping colons in the resource part', () => {
    const arn = 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0';
    expect(parseArn(arn)).toEqual({
      partition: 'aws',
      service: 'bedrock',
      region: 'us-east-1',
      account: '',
      resource: 'foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
    });
    expect(formatArn(parseArn(arn)!)).toBe(arn);
    expect(parseArn('not-an-arn')).toBeNull();
    expect(partitionOf('arn:aws-cn:s3:::b')).toBe('aws-cn');
    expect(partitionOf(null)).toBeUndefined();
  });

  it.each([
    ['arn:aws:bedrock:*::foundation-model/*', 'arn:aws:bedrock:us-west-2::foundation-model/x', true],
    ['arn:aws:bedrock:*:*:foundation-model/*', 'arn:aws:bedrock:us-west-2::foundation-model/x', true],
    ['arn:aws:bedrock:*:111122223333:foundation-model/*', 'arn:aws:bedrock:us-west-2::foundation-model/x', false],
    ['arn:aws:bedrock:us-*::foundation-model/x', 'arn:aws:bedrock:us-west-2::foundation-model/x', true],
    ['arn:aws:bedrock:::foundation-model/x', 'arn:aws:bedrock:us-west-2::foundation-model/x', false],
    ['arn:aws:bedrock:::foundation-model/x', 'arn:aws:bedrock:::foundation-model/x', true],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b:c', true],
    ['arn:*', 'arn:aws:s3:::bucket', true],
    ['arn:aws:s3:*', 'arn:aws:s3:::bucket/key', true],
    ['arn:aws:bedrock:*:foundation-model/*', 'arn:aws:bedrock:us-east-1::foundation-model/x', false],
    ['*', 'anything', true],
  ])('%s matches %s: %s', (pattern, value, expected) => {
    expect(arnMatches(pattern, value)).toBe(expected);
  });
});
