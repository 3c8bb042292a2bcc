/** Resources the record names that no policy of the principal's can grant as written. */
import { decodeRecord } from '../../lib/cloudtrail/decode';
import type { Denial } from '../../lib/denial/types';

const ACCOUNT = '111122223333';
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/app-role/s`;

function decode(
  eventSource: string,
  eventName: string,
  action: string,
  requestParameters: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Denial {
  const out = decodeRecord({
    eventID: 'e',
    eventTime: '2026-11-20T09:14:03Z',
    eventSource,
    eventName,
    awsRegion: 'us-east-1',
    recipientAccountId: ACCOUNT,
    userIdentity: { type: 'AssumedRole', principalId: 'AROAX:s', arn: SESSION, accountId: ACCOUNT },
    errorCode: 'AccessDenied',
    errorMessage: `User: ${SESSION} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
    requestParameters,
    ...extra,
  });
  if (out.kind !== 'denial') throw new Error('not a denial');
  return out.denial;
}

describe('a resource in another partition than the principal’s is kept as words', () => {
  it.each([
    [
      'a KMS key ARN in aws-cn',
      'kms.amazonaws.com',
      'Decrypt',
      'kms:Decrypt',
      { keyId: 'arn:aws-cn:kms:cn-north-1:999988887777:key/11111111-2222-3333-4444-555555555555' },
      {},
    ],
    [
      'a Lambda function ARN in aws-us-gov',
      'lambda.amazonaws.com',
      'Invoke',
      'lambda:InvokeFunction',
      { functionName: 'arn:aws-us-gov:lambda:us-gov-west-1:1:function:f' },
      {},
    ],
    [
      'an S3 object in resources[] in aws-us-gov',
      's3.amazonaws.com',
      'GetObject',
      's3:GetObject',
      { bucketName: 'b', key: 'k' },
      { resources: [{ ARN: 'arn:aws-us-gov:s3:::b/k' }] },
    ],
  ])('%s', (_name, source, event, action, params, extra) => {
    const d = decode(source, event, action, params, extra);
    expect(d.resource).toBeNull();
    expect(d.resourceText).toMatch(/^arn:aws-(?:cn|us-gov):/);
  });

  it('the same ARN in the principal’s partition stays the resource', () => {
    const key = `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
    expect(decode('kms.amazonaws.com', 'Decrypt', 'kms:Decrypt', { keyId: key }).resource).toBe(key);
  });
});

describe('secrets: only the patterns the decoder completes carry the suffix wildcard', () => {
  const base = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:`;
  const get = (secretId: string) => decode('secretsmanager.amazonaws.com', 'GetSecretValue', 'secretsmanager:GetSecretValue', { secretId });
  it.each<[string, string, string, boolean]>([
    ['a name', 'prod/db', `${base}prod/db-??????`, true],
    ['a partial ARN (no random suffix)', `${base}prod/db`, `${base}prod/db-??????`, true],
    ['a complete ARN', `${base}prod/db-AbCdEf`, `${base}prod/db-AbCdEf`, false],
    ['an ARN ending in six literal `?`', `${base}prod-??????`, `${base}prod-??????`, false],
  ])('%s', (_name, secretId, resource, pattern) => {
    const d = get(secretId);
    expect(d.resource).toBe(resource);
    expect(d.resourcePattern === 'secret-suffix').toBe(pattern);
  });
});
