/**
 * Review (issue 9): aws:PrincipalArn for an assumed role is the role ARN *with its path*. Without a
 * sessionIssuer in the record, the tool sets it to the STS session ARN (a value IAM never uses) and marks
 * it settled, so a path-based Deny (`role/restricted/*`) is skipped and the fix is labelled ready, even
 * though the snapshot it was given knows the role's path. Expected: the snapshot's role ARN, or unknown.
 */
import { decodeRaw, deniedRecord, proposeFix, roleWith, inline, ready, ROLE, ACCOUNT } from './helpers';
import { loadActionCatalog } from '../../lib/policy/catalog/iam-data-catalog';
import type { ActionCatalog } from '../../lib/policy/catalog/action-catalog';

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog(['s3:GetObject']);
});

const restricted = roleWith(
  ROLE,
  [
    inline('no-s3-for-restricted', {
      Effect: 'Deny',
      Action: 's3:*',
      Resource: '*',
      Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/restricted/*` } },
    }),
  ],
  undefined,
  '/restricted/',
);
const get = () =>
  deniedRecord({ eventSource: 's3.amazonaws.com', eventName: 'GetObject', action: 's3:GetObject', requestParameters: { bucketName: 'b', key: 'k' } });

it('control: with the sessionIssuer ARN (path included) the Deny is found', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a raw record, edited field by field
  const r: any = get();
  r.userIdentity.sessionContext.sessionIssuer.arn = `arn:aws:iam::${ACCOUNT}:role/restricted/${ROLE}`;
  expect(proposeFix(decodeRaw(r), restricted, { catalog }).validated).toBe('simulated-deny');
});

it('a record without sessionIssuer: aws:PrincipalArn is not the STS session ARN, and no fix ready', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a raw record, edited field by field
  const r: any = get();
  delete r.userIdentity.sessionContext.sessionIssuer;
  const d = decodeRaw(r);
  // Left unset (undefined) when the record lacks the role ARN; `?? ''` because toMatch needs a string.
  expect(d.requestContext?.values['aws:PrincipalArn'] ?? '').not.toMatch(/^arn:aws:sts:/);
  expect(d.requestContext?.determined).not.toContain('aws:principalarn');
  expect(ready(proposeFix(d, restricted, { catalog }))).toBe(false);
});
