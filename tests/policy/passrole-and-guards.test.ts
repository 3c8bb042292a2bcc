import { decodeRecord } from '../../lib/cloudtrail/decode';
import { proposeFix } from '../../lib/policy/propose/propose';
import { isReady, readinessFacts } from '../../lib/denial/readiness';
import { loadActionCatalog } from '../../lib/policy/catalog/iam-data-catalog';
import type { ActionCatalog } from '../../lib/policy/catalog/action-catalog';
import type { Denial, PolicyStatement } from '../../lib/denial/types';
import { inline, roleWith } from './fixtures/policies';
import { ACCOUNT, ROLE, deniedRecord, type RecordParts } from './fixtures/records';

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog(['s3:GetObject', 'iam:PassRole']);
});

function decode(parts: RecordParts): Denial {
  const outcome = decodeRecord(deniedRecord(parts));
  if (outcome.kind !== 'denial') throw new Error('not a denial');
  return outcome.denial;
}
const ready = (p: ReturnType<typeof proposeFix>) => isReady(readinessFacts(p));
const passRole = (eventSource: string, eventName: string, requestParameters: Record<string, unknown>) =>
  decode({ eventSource, eventName, action: 'iam:PassRole', requestParameters });
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/exec`;

describe('iam:PassedToService', () => {
  it('a Lambda CreateFunction: the role goes to lambda.amazonaws.com, certain, so the fix can be ready', () => {
    const p = proposeFix(passRole('lambda.amazonaws.com', 'CreateFunction20150331', { functionName: 'f', role: ROLE_ARN }), roleWith(ROLE, []), { catalog });
    expect(p.statements.map((s) => s.Condition)).toEqual([{ StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } }]);
    expect(ready(p)).toBe(true);
  });

  it('an ECS RunTask: the task role goes to ecs-tasks.amazonaws.com', () => {
    const p = proposeFix(passRole('ecs.amazonaws.com', 'RunTask', { taskRoleArn: ROLE_ARN }), roleWith(ROLE, []), { catalog });
    expect(p.statements.map((s) => s.Condition)).toEqual([{ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }]);
  });

  it('a call whose receiving service is a guess (RDS): needs input, with a note naming iam:PassedToService', () => {
    const p = proposeFix(passRole('rds.amazonaws.com', 'CreateDBInstance', { roleArn: ROLE_ARN }), roleWith(ROLE, []), { catalog });
    expect(ready(p)).toBe(false);
    expect(p.noteDetails?.map((n) => n.code)).toContain('passed-to-service-unconfirmed');
  });

  it('no service eventSource: no condition, needs input', () => {
    const p = proposeFix(passRole('', 'RunTask', { taskRoleArn: ROLE_ARN }), roleWith(ROLE, []), { catalog });
    expect(ready(p)).toBe(false);
    expect(p.noteDetails?.map((n) => n.code)).toContain('passed-to-service-unknown');
  });
});

describe('a near-miss repair keeps the record-context conditions', () => {
  it('a region-only near miss is repaired with the MFA guard left as written', () => {
    const guarded: PolicyStatement = {
      Sid: 'InEu',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::b/k',
      Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' }, Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
    };
    const d = decode({ eventSource: 's3.amazonaws.com', eventName: 'GetObject', action: 's3:GetObject', requestParameters: { bucketName: 'b', key: 'k' } });
    const p = proposeFix(d, roleWith(ROLE, [inline('guarded', guarded)]), { catalog });
    expect(p.statements.length).toBeGreaterThan(0);
    for (const s of p.statements) expect(s.Condition?.Bool).toEqual({ 'aws:MultiFactorAuthPresent': 'false' });
  });
});
