/**
 * Review (issue 9): a resource in another partition (named by a caller-chosen keyId ARN, or by resources[])
 * is granted as is and called "fix ready" for a principal in `aws`. Partitions are isolated: no identity
 * policy in `aws` can authorize a call on an `aws-cn` / `aws-us-gov` resource, so the fix cannot work.
 */
import { decode, proposeFix, roleWith, ready, ROLE } from './helpers';
import { loadActionCatalog } from '../../lib/policy/catalog/iam-data-catalog';
import type { ActionCatalog } from '../../lib/policy/catalog/action-catalog';

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog(['kms:Decrypt', 's3:GetObject']);
});

it('kms:Decrypt on an aws-cn key from an aws role session is not a fix ready', () => {
  const d = decode({
    eventSource: 'kms.amazonaws.com',
    eventName: 'Decrypt',
    action: 'kms:Decrypt',
    requestParameters: { keyId: 'arn:aws-cn:kms:cn-north-1:999988887777:key/11111111-2222-3333-4444-555555555555' },
  });
  expect(d.resource).toBeNull();
  expect(ready(proposeFix(d, roleWith(ROLE, []), { catalog }))).toBe(false);
});

it('s3:GetObject whose resources[] names an aws-us-gov object is not a fix ready', () => {
  const d = decode({
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    action: 's3:GetObject',
    requestParameters: { bucketName: 'b', key: 'k' },
    extra: { resources: [{ ARN: 'arn:aws-us-gov:s3:::b/k', type: 'AWS::S3::Object' }] },
  });
  // Kept as words, never as the denied resource: no policy in `aws` can grant an `aws-us-gov` ARN.
  expect(d.resource).toBeNull();
  expect(d.resourceText).toBe('arn:aws-us-gov:s3:::b/k');
  expect(ready(proposeFix(d, roleWith(ROLE, []), { catalog }))).toBe(false);
});
