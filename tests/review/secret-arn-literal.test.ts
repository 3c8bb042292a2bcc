/**
 * Review (issue 9): "record values are literals", except a secretId ARN that ends in `-??????` keeps
 * its six `?` as wildcards; a partial secret ARN is granted as if it were the full one.
 */
import { decode, proposeFix, roleWith, ready, ACCOUNT, ROLE } from './helpers';
import { loadActionCatalog } from '../../lib/policy/catalog/iam-data-catalog';
import type { ActionCatalog } from '../../lib/policy/catalog/action-catalog';

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog(['secretsmanager:GetSecretValue']);
});

const get = (secretId: string) =>
  decode({
    eventSource: 'secretsmanager.amazonaws.com',
    eventName: 'GetSecretValue',
    action: 'secretsmanager:GetSecretValue',
    requestParameters: { secretId },
  });

it('a secretId given as an ARN is a literal: its `?` are escaped, not the by-name suffix rule', () => {
  const arn = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod-??????`;
  const p = proposeFix(get(arn), roleWith(ROLE, []), { catalog });
  const resources = p.statements.flatMap((s) => [s.Resource].flat());
  // Unescaped, `prod-??????` matches the real secret named `prod` (prod-AbCdEf): more than the record named.
  if (ready(p)) expect(resources).toEqual([`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod-\${?}\${?}\${?}\${?}\${?}\${?}`]);
});

it('a partial secret ARN (no random suffix) is not the ARN IAM evaluates: completed like a name, never granted literally', () => {
  const partial = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/db`;
  const d = get(partial);
  // IAM authorizes against secret:prod/db-AbCdEf; a grant on secret:prod/db never matches it. The decoder
  // completes it with the documented suffix pattern, as for a secret named by name, and says so.
  expect(d.resource).toBe(`${partial}-??????`);
  expect(d.resourcePattern).toBe('secret-suffix');
  const p = proposeFix(d, roleWith(ROLE, []), { catalog });
  const resources = p.statements.flatMap((s) => [s.Resource].flat());
  expect(resources).not.toContain(partial);
  if (ready(p)) expect(resources).toEqual([`${partial}-??????`]);
});

it('a secretId ARN ending in `-??????` is a literal: the decoder does not mark it as the suffix pattern', () => {
  const d = get(`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod-??????`);
  expect(d.resource).toBe(`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod-??????`);
  expect(d.resourcePattern).toBeUndefined();
  expect(get('prod').resourcePattern).toBe('secret-suffix');
});
