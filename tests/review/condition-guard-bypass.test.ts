/**
 * Review (issue 9): condition-near-miss.ts skips a conditioned Allow as soon as one of its failed keys
 * is a "planned" key (aws:RequestedRegion, bedrock:*, iam:PassedToService). The plan then adds an
 * unconditioned grant, which silently drops the statement's other guards (MFA, source IP), and the fix
 * is labelled ready. The README promises such a guard is never bypassed; the answer should be the
 * condition (simulated-deny naming MFA / the IP range), or at least a grant that keeps the guard.
 */
import { decode, proposeFix, roleWith, inline, ready, ROLE, ACCOUNT, type PolicyStatement } from './helpers';
import { loadActionCatalog } from '../../lib/policy/catalog/iam-data-catalog';
import type { ActionCatalog } from '../../lib/policy/catalog/action-catalog';

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog(['s3:GetObject', 'iam:PassRole']);
});

const keepsGuard = (statements: PolicyStatement[], key: string) =>
  statements.every((s) => Object.values(s.Condition ?? {}).some((block) => Object.keys(block).some((k) => k.toLowerCase() === key.toLowerCase())));

it('an MFA-guarded Allow that also pins the region: the fix does not drop the MFA requirement', () => {
  const d = decode({ eventSource: 's3.amazonaws.com', eventName: 'GetObject', action: 's3:GetObject', requestParameters: { bucketName: 'b', key: 'k' } });
  const policies = roleWith(ROLE, [
    inline('guarded', {
      Sid: 'MfaInEu',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::b/k',
      Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' }, Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    }),
  ]);
  const p = proposeFix(d, policies, { catalog }); // the session has mfaAuthenticated=false
  if (ready(p)) expect(keepsGuard(p.statements, 'aws:MultiFactorAuthPresent')).toBe(true);
  expect(p.validated).toBe('simulated-deny');
});

it('an IP-guarded PassRole Allow for another service: the fix does not drop the source-IP requirement', () => {
  const d = decode({
    eventSource: 'lambda.amazonaws.com',
    eventName: 'CreateFunction20150331',
    action: 'iam:PassRole',
    requestParameters: { functionName: 'f', role: `arn:aws:iam::${ACCOUNT}:role/exec` },
  });
  const policies = roleWith(ROLE, [
    inline('guarded', {
      Sid: 'PassFromOffice',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: `arn:aws:iam::${ACCOUNT}:role/exec`,
      Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
    }),
  ]);
  const p = proposeFix(d, policies, { catalog }); // the call came from 203.0.113.7
  if (ready(p)) expect(keepsGuard(p.statements, 'aws:SourceIp')).toBe(true);
  expect(ready(p)).toBe(false);
});
