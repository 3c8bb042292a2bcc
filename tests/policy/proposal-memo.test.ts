import fc from 'fast-check';
import { decodeRecord } from '../../lib/cloudtrail/decode';
import type { Denial, PolicyStatement } from '../../lib/denial/types';
import { ProposalMemo } from '../../lib/policy/propose/proposal-memo';
import { proposeFix } from '../../lib/policy/propose/propose';
import { inline, roleWith } from './fixtures/policies';
import { ROLE, deniedRecord, type RecordParts } from './fixtures/records';

function decode(parts: RecordParts, session = 'session-1'): Denial {
  const record = deniedRecord(parts) as { userIdentity: { arn: string }; errorMessage: string };
  record.userIdentity.arn = record.userIdentity.arn.replace('session-1', session);
  record.errorMessage = record.errorMessage.replace('session-1', session);
  const outcome = decodeRecord(record);
  if (outcome.kind !== 'denial') throw new Error('not a denial');
  return outcome.denial;
}

const GET: RecordParts = {
  eventSource: 's3.amazonaws.com',
  eventName: 'GetObject',
  action: 's3:GetObject',
  requestParameters: { bucketName: 'reports', key: 'q3.csv' },
};

describe('ProposalMemo: one proposal per identical problem', () => {
  it('a storm of one denial from many sessions is proposed once, and equals a fresh proposal', () => {
    const memo = new ProposalMemo();
    const policies = roleWith(ROLE, []);
    const results = Array.from({ length: 50 }, (_, i) => memo.propose(decode(GET, `s-${i}`), policies));
    expect(memo).toMatchObject({ misses: 1, hits: 49 });
    expect(results[49]).toEqual(proposeFix(decode(GET, 's-49'), policies));
  });

  it('two callers are two problems when a policy tests where they called from', () => {
    const memo = new ProposalMemo();
    const guard: PolicyStatement = { Effect: 'Deny', Action: '*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } };
    const policies = roleWith(ROLE, [inline('guard', guard)]);
    const outside = memo.propose(decode(GET), policies);
    const inside = memo.propose(decode({ ...GET, extra: { sourceIPAddress: '10.1.2.3' } }), policies);
    expect([outside.validated, inside.validated]).toEqual(['simulated-deny', 'simulated-allow']);
    expect(memo.misses).toBe(2);
  });

  it('new policy objects (re-read policies) are new inputs', () => {
    const memo = new ProposalMemo();
    memo.propose(decode(GET), roleWith(ROLE, []));
    const now = memo.propose(decode(GET), roleWith(ROLE, [inline('app', { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' })]));
    expect(now.statements).toEqual([]);
    expect(memo.misses).toBe(2);
  });

  it('is the same as proposing afresh for any sequence of denials (property)', () => {
    const variants: RecordParts[] = [
      GET,
      { ...GET, requestParameters: { bucketName: 'reports', key: 'q4.csv' } },
      { ...GET, extra: { sourceIPAddress: '10.1.2.3' } },
      { ...GET, attributes: { mfaAuthenticated: 'true' } },
      {
        eventSource: 'ec2.amazonaws.com',
        eventName: 'TerminateInstances',
        action: 'ec2:TerminateInstances',
        requestParameters: { instanceId: 'i-0abc1234def567890' },
      },
    ];
    const statements: PolicyStatement[] = [
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } },
      { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/q4.csv' },
    ];
    fc.assert(
      fc.property(fc.subarray(statements), fc.array(fc.tuple(fc.constantFrom(...variants), fc.nat(3)), { maxLength: 12 }), (chosen, sequence) => {
        const memo = new ProposalMemo();
        const policies = roleWith(ROLE, chosen.length ? [inline('app', ...chosen)] : []);
        for (const [parts, session] of sequence) {
          const denial = decode(parts, `s-${session}`);
          expect(memo.propose(denial, policies)).toEqual(proposeFix(denial, policies));
        }
      }),
      { numRuns: 150 },
    );
  });
});
