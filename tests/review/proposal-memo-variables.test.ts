/**
 * Review (issue 9): ProposalMemo keys on the context values of keys named in Condition blocks only.
 * A policy variable (`${aws:userid}`) in a Resource/NotResource (or in a condition *value*) makes the
 * verdict depend on the caller's session, but two sessions of one role share one memo entry.
 */
import { decodeRaw, deniedRecord, proposeFix, roleWith, inline, ready, ACCOUNT, ROLE } from './helpers';
import { ProposalMemo } from '../../lib/policy/propose/proposal-memo';
import { loadActionCatalog } from '../../lib/policy/catalog/iam-data-catalog';
import type { ActionCatalog } from '../../lib/policy/catalog/action-catalog';

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog(['s3:GetObject']);
});

function recordFor(session: string) {
  const r = deniedRecord({
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    action: 's3:GetObject',
    requestParameters: { bucketName: 'b', key: 'home/AROAEXAMPLEAPPROLE:alice/x' },
  }) as { userIdentity: { principalId: string; arn: string }; errorMessage: string };
  r.userIdentity.principalId = `AROAEXAMPLEAPPROLE:${session}`;
  r.userIdentity.arn = `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/${session}`;
  r.errorMessage = r.errorMessage.replace('session-1', session);
  return decodeRaw(r);
}

it("mallory's denial on alice's home object does not reuse alice's 'fix ready'", () => {
  // Each session may only touch its own home prefix.
  const policies = roleWith(ROLE, [inline('home', { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::b/home/${aws:userid}/*' })]);
  const memo = new ProposalMemo();
  const alice = memo.propose(recordFor('alice'), policies, { catalog });
  expect(ready(alice)).toBe(true); // alice's own object: the Deny does not apply
  const fresh = proposeFix(recordFor('mallory'), policies, { catalog });
  expect(fresh.validated).toBe('simulated-deny'); // the Deny applies to mallory
  const mallory = memo.propose(recordFor('mallory'), policies, { catalog });
  expect(mallory.validated).toBe(fresh.validated);
  expect(ready(mallory)).toBe(false);
});

it('a variable in a condition value (not the key) also splits the problem', () => {
  const policies = roleWith(ROLE, [
    inline('own-prefix', {
      Effect: 'Deny',
      Action: 's3:*',
      Resource: '*',
      Condition: { StringNotLike: { 's3:ExistingObjectTag/owner': '${aws:userid}' } },
    }),
  ]);
  const memo = new ProposalMemo();
  memo.propose(recordFor('alice'), policies, { catalog });
  const before = memo.misses;
  memo.propose(recordFor('mallory'), policies, { catalog });
  // The tested value (aws:userid) differs between the two records: a new proposal must be made.
  expect(memo.misses).toBe(before + 1);
});
