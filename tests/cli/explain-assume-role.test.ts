/** explain with one snapshot per account: an sts:AssumeRole denial is checked on both sides, each side's owner named. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { captureIo, jsonLines } from '../support/cli-io';

const CALLER_ACCOUNT = '111122223333';
const TARGET_ACCOUNT = '444455556666';
const CALLER_ROLE = `arn:aws:iam::${CALLER_ACCOUNT}:role/ci/app-role`;
const TARGET = `arn:aws:iam::${TARGET_ACCOUNT}:role/deployer`;
const SESSION = `arn:aws:sts::${CALLER_ACCOUNT}:assumed-role/app-role/build`;

const record = {
  eventVersion: '1.11',
  eventID: 'assume-1',
  eventTime: '2026-11-20T09:14:03Z',
  eventSource: 'sts.amazonaws.com',
  eventName: 'AssumeRole',
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.7',
  recipientAccountId: CALLER_ACCOUNT,
  userIdentity: {
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLE:build',
    arn: SESSION,
    accountId: CALLER_ACCOUNT,
    sessionContext: { sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: CALLER_ROLE, accountId: CALLER_ACCOUNT, userName: 'app-role' } },
  },
  errorCode: 'AccessDenied',
  errorMessage: `User: ${SESSION} is not authorized to perform: sts:AssumeRole on resource: ${TARGET}`,
  requestParameters: { roleArn: TARGET, roleSessionName: 'build' },
};

const role = (name: string, arn: string, path: string, policy: unknown, trust: unknown) => ({
  RoleDetailList: [
    {
      Path: path,
      RoleName: name,
      Arn: arn,
      RolePolicyList: policy ? [{ PolicyName: 'main', PolicyDocument: policy }] : [],
      AttachedManagedPolicies: [],
      AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust)),
    },
  ],
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'aa-assume-'));
  const callerPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: TARGET }] };
  const ec2 = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  const vendor = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::999988887777:root' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Condition: { StringEquals: { 'sts:ExternalId': 'ext-7' } },
      },
    ],
  };
  writeFileSync(join(dir, 'caller.json'), JSON.stringify(role('app-role', CALLER_ROLE, '/ci/', callerPolicy, ec2)));
  writeFileSync(join(dir, 'target.json'), JSON.stringify(role('deployer', TARGET, '/', null, vendor)));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('--policies twice: the trust side of the other account is proposed, its guard kept, the verdict unknown-context', async () => {
  const io = captureIo({ stdin: JSON.stringify(record), cwd: dir });
  expect(await main(['explain', '--json', '--policies', 'caller.json', '--policies', 'target.json'], io)).toBe(0);
  const [line] = jsonLines(io.out());
  const proposal = line?.proposal as { validated: string; target: { name: string }; statements: unknown[]; noteDetails: Array<{ code: string }> };
  expect(proposal.validated).toBe('unknown-context');
  expect(proposal.target.name).toContain(TARGET_ACCOUNT);
  expect(proposal.statements).toEqual([
    {
      Sid: 'AccessAuditorTrustCaller',
      Effect: 'Allow',
      Principal: { AWS: CALLER_ROLE },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'ext-7' } },
    },
  ]);
  expect(proposal.noteDetails.map((n) => n.code)).toEqual(expect.arrayContaining(['identity-side-allows', 'trust-policy-refuses', 'trust-guard-conditions']));
});

it('the text output shows the trust side when both sides need a change', async () => {
  const io = captureIo({ stdin: JSON.stringify(record), cwd: dir });
  writeFileSync(
    join(dir, 'caller-none.json'),
    JSON.stringify(
      role('app-role', CALLER_ROLE, '/ci/', null, { Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
    ),
  );
  expect(await main(['explain', '--policies', 'caller-none.json', '--policies', 'target.json'], io)).toBe(0);
  expect(io.out()).toMatch(/fix {5}identity-policy app-role/);
  expect(io.out()).toMatch(/and {5}resource-policy account 444455556666/);
  expect(io.out()).toContain('ExternalId ext-7');
});
