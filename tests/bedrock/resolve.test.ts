import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeRecord } from '../../lib/cloudtrail/decode';
import { regionsOfModelArns, withResolvedProfile } from '../../lib/bedrock/resolve';
import type { Denial } from '../../lib/denial/types';

const denialFrom = (file: string): Denial => {
  const out = decodeRecord(JSON.parse(readFileSync(join(__dirname, '../../examples/records', file), 'utf8')));
  if (out.kind !== 'denial') throw new Error('expected a denial');
  return out.denial;
};
const fm = (region: string, id = 'anthropic.claude-sonnet-4-5-20250929-v1:0') => `arn:aws:bedrock:${region}::foundation-model/${id}`;

describe('withResolvedProfile', () => {
  it('replaces table destinations by the live ones, without touching the fingerprint or the input', () => {
    const denial = denialFrom('04-bedrock-agent-cross-region-us-east-2.json');
    const before = JSON.stringify(denial);
    const arn = 'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0';
    const next = withResolvedProfile(denial, {
      arn,
      id: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      kind: 'system',
      modelArns: [fm('us-east-1'), fm('us-east-2'), fm('us-west-1'), fm('us-west-2')],
      destinationRegions: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'],
    });
    expect(next.model?.inferenceProfile).toEqual({
      id: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      arn,
      kind: 'system',
      scope: 'us',
      destinationRegions: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'],
      destinationsSource: 'api',
    });
    expect(next.fingerprint).toBe(denial.fingerprint);
    expect(JSON.stringify(denial)).toBe(before);
  });

  it('learns the foundation model of an application profile', () => {
    const out = decodeRecord({
      eventSource: 'bedrock.amazonaws.com',
      eventName: 'InvokeModel',
      awsRegion: 'us-east-1',
      errorCode: 'AccessDeniedException',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/u', accountId: '111122223333', userName: 'u' },
      requestParameters: { modelId: 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc' },
    });
    if (out.kind !== 'denial') throw new Error('expected a denial');
    const next = withResolvedProfile(out.denial, {
      arn: 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc',
      id: 'abc',
      kind: 'application',
      modelArns: [fm('us-east-1', 'anthropic.claude-3-haiku-20240307-v1:0')],
      destinationRegions: ['us-east-1'],
    });
    expect(next.model).toMatchObject({
      foundationModelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      provider: 'anthropic',
      family: 'claude-3-haiku',
      inferenceProfile: { kind: 'application', scope: 'application', destinationsSource: 'api', destinationRegions: ['us-east-1'] },
    });
  });

  it('leaves denials without a model unchanged', () => {
    const denial = { ...denialFrom('01-apprunner-no-bedrock-grant.json'), model: undefined };
    expect(withResolvedProfile(denial, { arn: 'a', id: 'b', kind: 'system', modelArns: [], destinationRegions: [] })).toBe(denial);
  });

  it('reads regions from model ARNs, skipping region-less ones', () => {
    expect(regionsOfModelArns([fm('us-east-1'), 'arn:aws:bedrock:::foundation-model/x', fm('us-east-1'), fm('eu-west-1'), 'junk'])).toEqual([
      'us-east-1',
      'eu-west-1',
    ]);
  });
});
