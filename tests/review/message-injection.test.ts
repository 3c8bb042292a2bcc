/**
 * Review (issue 9): the decoder trusts the first `because` / closing quote of the error message, but
 * the message embeds the caller-chosen resource name. S3 object keys may contain `"` and spaces, so a
 * caller with no access at all can write the tail of the message: the tool then reads another object
 * (`b/payroll.csv`, chosen by the caller), another reason (identity instead of the real SCP explicit
 * deny), and labels "fix ready" a grant on an object the call never asked for.
 * Expected: the message's resource must agree with the record's own (requestParameters bucket/key);
 * when it does not, trust neither: no ready fix.
 */
import { decodeRaw, deniedRecord, proposeFix, roleWith, ready, ROLE } from './helpers';
import { loadActionCatalog } from '../../lib/policy/catalog/iam-data-catalog';
import type { ActionCatalog } from '../../lib/policy/catalog/action-catalog';

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog(['s3:GetObject']);
});

const KEY = 'payroll.csv" because no identity-based policy allows the s3:GetObject action "y';

function record(realTail: string, quoted: boolean) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a raw record, edited field by field
  const r: any = deniedRecord({
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    action: 's3:GetObject',
    requestParameters: { bucketName: 'b', key: KEY },
  });
  const arn = `arn:aws:s3:::b/${KEY}`;
  r.errorMessage = `User: ${r.userIdentity.arn} is not authorized to perform: s3:GetObject on resource: ${quoted ? `"${arn}"` : arn} ${realTail}`;
  return r;
}

describe('a resource name that writes the rest of the error message', () => {
  it.each([
    ['an SCP explicit deny (quoted resource)', 'with an explicit deny in a service control policy', true],
    ['an identity explicit deny (quoted resource)', 'with an explicit deny in an identity-based policy', true],
    ['a missing identity allow (quoted resource)', 'because no identity-based policy allows the s3:GetObject action', true],
  ])('%s: never a ready grant on an object the call did not ask for', (_name, tail, quoted) => {
    const d = decodeRaw(record(tail, quoted));
    const p = proposeFix(d, roleWith(ROLE, []), { catalog });
    const granted = p.statements.flatMap((s) => [s.Resource].flat());
    expect(granted).not.toContain('arn:aws:s3:::b/payroll.csv');
    expect(d.resource).not.toBe('arn:aws:s3:::b/payroll.csv');
    if (/explicit deny/.test(tail)) expect(ready(p)).toBe(false);
  });
});
