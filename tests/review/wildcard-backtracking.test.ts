/**
 * Review (issue 9): IAM wildcards compile to `.*` regular expressions, which backtrack polynomially
 * (O(n^k) for k stars). An admin's ordinary partitioned-path pattern plus a caller-chosen S3 key
 * (up to 1024 characters, any caller can get itself denied) stalls `explain` (and the Lambda) for minutes.
 * A linear-time wildcard matcher (two-pointer / DP) has no such case.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matchPolicyPattern } from '../../lib/policy/iam/wildcard';

const ACCOUNT = '111122223333';
const ROLE = 'app-role';
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/s1`;

it('the matcher alone: 4 stars against a 400-character value answer at once', () => {
  const t = Date.now();
  expect(matchPolicyPattern('b/*/*/*/*.parquet', `b/${'/'.repeat(400)}`)).toBe(false);
  expect(Date.now() - t).toBeLessThan(1000);
}, 120_000);

it('explain on a denied GetObject with a key of 400 slashes finishes within 15 s', () => {
  const dir = mkdtempSync(join(tmpdir(), 'review-redos-'));
  const record = {
    eventVersion: '1.11',
    eventID: 'e1',
    eventTime: '2026-11-20T09:14:03Z',
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.7',
    recipientAccountId: ACCOUNT,
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLEAPPROLE:s1',
      arn: SESSION,
      accountId: ACCOUNT,
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEAPPROLE', arn: `arn:aws:iam::${ACCOUNT}:role/${ROLE}`, accountId: ACCOUNT, userName: ROLE },
        attributes: { creationDate: '2026-11-20T09:00:00Z', mfaAuthenticated: 'false' },
      },
    },
    errorCode: 'AccessDenied',
    errorMessage: `User: ${SESSION} is not authorized to perform: s3:GetObject because no identity-based policy allows the s3:GetObject action`,
    requestParameters: { bucketName: 'b', key: '/'.repeat(400) },
  };
  const snapshot = {
    UserDetailList: [],
    GroupDetailList: [],
    Policies: [],
    RoleDetailList: [
      {
        Path: '/',
        RoleName: ROLE,
        RoleId: 'AROAEXAMPLEAPPROLE',
        Arn: `arn:aws:iam::${ACCOUNT}:role/${ROLE}`,
        RolePolicyList: [
          {
            PolicyName: 'lake',
            PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*/*/*/*.parquet' }] },
          },
        ],
        AttachedManagedPolicies: [],
        Tags: [],
      },
    ],
  };
  writeFileSync(join(dir, 'r.jsonl'), `${JSON.stringify(record)}\n`);
  writeFileSync(join(dir, 's.json'), JSON.stringify(snapshot));
  const run = spawnSync(process.execPath, ['bin/access-auditor', 'explain', '--json', '--policies', join(dir, 's.json'), join(dir, 'r.jsonl')], {
    cwd: join(__dirname, '..', '..'),
    timeout: 15_000,
    encoding: 'utf8',
  });
  expect(run.signal).toBeNull();
  expect(run.status).toBe(0);
}, 60_000);
