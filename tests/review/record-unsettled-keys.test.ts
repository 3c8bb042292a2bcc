/**
 * Review (issue 9): keys the record cannot settle are treated as known-absent, so a conditioned Deny that
 * IAM applied is skipped and the fix is labelled ready. Expected: `unknown-context` (or `simulated-deny`),
 * never `simulated-allow`.
 */
import { decode, decodeRaw, deniedRecord, proposeFix, roleWith, inline, ready, ROLE, type PolicyStatement, type RecordParts } from './helpers';
import { loadActionCatalog } from '../../lib/policy/catalog/iam-data-catalog';
import type { ActionCatalog } from '../../lib/policy/catalog/action-catalog';

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog(['s3:GetObject', 'bedrock:InvokeModel']);
});

const GET: RecordParts = { eventSource: 's3.amazonaws.com', eventName: 'GetObject', action: 's3:GetObject', requestParameters: { bucketName: 'b', key: 'k' } };
const deny = (condition: PolicyStatement['Condition']): PolicyStatement => ({ Effect: 'Deny', Action: '*', Resource: '*', Condition: condition });

describe('a field missing from the record does not prove the key absent from the request', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a raw record, edited field by field
  it.each<[string, (r: any) => void, PolicyStatement['Condition']]>([
    [
      // The console's "Revoke active sessions" writes exactly this Deny (AWSRevokeOlderSessions).
      // Every temporary-credential request carries aws:TokenIssueTime; the record just lacks creationDate.
      'aws:TokenIssueTime (session revocation Deny), record without sessionContext.attributes.creationDate',
      (r) => delete r.userIdentity.sessionContext.attributes.creationDate,
      { DateLessThan: { 'aws:TokenIssueTime': '2026-11-20T09:10:00Z' } },
    ],
    [
      // Temporary credentials always carry aws:MultiFactorAuthPresent (true/false); only long-term keys lack it.
      'aws:MultiFactorAuthPresent on a role session, record without mfaAuthenticated',
      (r) => delete r.userIdentity.sessionContext.attributes.mfaAuthenticated,
      { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
    ],
    [
      // aws:userid is in every request context.
      'aws:userid, record without userIdentity.principalId',
      (r) => delete r.userIdentity.principalId,
      { StringLike: { 'aws:userid': 'AROAEXAMPLEAPPROLE:*' } },
    ],
    [
      // aws:CurrentTime is in every request context.
      'aws:CurrentTime, record without eventTime',
      (r) => delete r.eventTime,
      { DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } },
    ],
  ])('%s: not a fix ready', (_name, strip, condition) => {
    const record = deniedRecord(GET);
    strip(record);
    const p = proposeFix(decodeRaw(record), roleWith(ROLE, [inline('guard', deny(condition))]), { catalog });
    expect(p.validated).not.toBe('simulated-allow');
    expect(ready(p)).toBe(false);
  });

  it('bedrock:GuardrailIdentifier: the record names the guardrail, yet every bedrock: key is taken as known-absent', () => {
    const model = 'anthropic.claude-3-haiku-20240307-v1:0';
    const d = decode({
      eventSource: 'bedrock.amazonaws.com',
      eventName: 'InvokeModel',
      action: 'bedrock:InvokeModel',
      resource: `arn:aws:bedrock:us-east-1::foundation-model/${model}`,
      requestParameters: { modelId: model, guardrailIdentifier: 'gr-deprecated', guardrailVersion: '1' },
    });
    const noDeprecatedGuardrail: PolicyStatement = {
      Effect: 'Deny',
      Action: 'bedrock:*',
      Resource: '*',
      Condition: { StringLike: { 'bedrock:GuardrailIdentifier': '*gr-deprecated*' } },
    };
    const p = proposeFix(d, roleWith(ROLE, [inline('guardrails', noDeprecatedGuardrail)]), { catalog });
    // IAM sees bedrock:GuardrailIdentifier = the guardrail the call named: the Deny applies.
    expect(p.validated).not.toBe('simulated-allow');
    expect(ready(p)).toBe(false);
  });
});
