/**
 * Review (issue 9): lib/policy/README.md says a malformed number or date is *unknown* under any operator.
 * The evaluator parses with JavaScript's Number() and Date.parse(), which accept hex/exponent/Infinity
 * numbers and zone-less or free-form dates (read in the host's local time zone), so a Deny with such a
 * value gets a definite (and host-dependent) truth, and can be skipped: a confident allow.
 */
import { decode, proposeFix, roleWith, inline, ready, ROLE, type PolicyStatement, type RecordParts } from './helpers';
import { evaluateCondition } from '../../lib/policy/iam/conditions';
import { loadActionCatalog } from '../../lib/policy/catalog/iam-data-catalog';
import type { ActionCatalog } from '../../lib/policy/catalog/action-catalog';

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog(['s3:GetObject']);
});
const GET: RecordParts = { eventSource: 's3.amazonaws.com', eventName: 'GetObject', action: 's3:GetObject', requestParameters: { bucketName: 'b', key: 'k' } };

it.each(['0x10', '1e3', 'Infinity', '0b1'])('NumericLessThan with %s is a malformed number: unknown', (value) => {
  const r = evaluateCondition({ NumericLessThan: { 'aws:EpochTime': value } }, { 'aws:EpochTime': '1795166043' }, 'Deny');
  expect(r.truth).toBe('unknown');
});

it.each(['2026-11-20T09:10:00', 'Nov 20 2026', '20 November 2026 09:10'])('DateGreaterThan with %s (no zone / not ISO 8601) is unknown', (value) => {
  const r = evaluateCondition({ DateGreaterThan: { 'aws:CurrentTime': value } }, { 'aws:CurrentTime': '2026-11-20T09:14:03Z' }, 'Deny');
  expect(r.truth).toBe('unknown');
});

// Run with `TZ=America/Los_Angeles npx jest tests/review/lenient-value-parsing.test.ts`: under UTC the
// Deny applies (not ready); under a US time zone the zone-less date is read as 17:10Z, the Deny is skipped,
// and the same record and policies give a "fix ready". (Jest's sandboxed process.env cannot switch TZ.)
it('a zone-less cutoff date in a Deny never yields a fix ready, whatever the host time zone', () => {
  const deny: PolicyStatement = { Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateGreaterThan: { 'aws:CurrentTime': '2026-11-20T09:10:00' } } };
  const p = proposeFix(decode(GET), roleWith(ROLE, [inline('cutoff', deny)]), { catalog });
  expect(ready(p)).toBe(false);
});
