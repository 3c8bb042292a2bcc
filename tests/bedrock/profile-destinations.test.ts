import {
  AS_OF,
  COMMERCIAL_REGIONS,
  destinationRegions,
  geographyForRegion,
  lookupDestinations,
  suggestedProfileIdFor,
} from '../../lib/bedrock/profile-destinations';
import { buildModelInfo, withSuggestedProfile } from '../../lib/bedrock/model-info';

describe('profile destinations table', () => {
  it('is dated', () => expect(AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/));

  it.each([
    ['us', 'us-east-1', undefined, ['us-east-1', 'us-east-2', 'us-west-2']],
    ['us', 'us-west-2', 'anthropic.claude-3-haiku-20240307-v1:0', ['us-east-1', 'us-west-2']],
    ['us', 'us-east-2', 'anthropic.claude-3-haiku-20240307-v1:0', ['us-east-1', 'us-east-2', 'us-west-2']],
    ['au', 'ap-southeast-6', undefined, ['ap-southeast-6', 'ap-southeast-2', 'ap-southeast-4']],
    ['jp', 'ap-northeast-1', undefined, ['ap-northeast-1', 'ap-northeast-3']],
    ['eu', 'eu-west-1', undefined, expect.arrayContaining(['eu-central-1', 'eu-west-1', 'eu-west-3'])],
  ])('%s from %s (%s)', (scope, source, model, expected) => expect(destinationRegions(scope, source, model)).toEqual(expected));

  it('global profiles route to every commercial region', () => {
    expect(destinationRegions('global', 'us-east-1')).toEqual([...COMMERCIAL_REGIONS]);
    expect(COMMERCIAL_REGIONS).not.toContain('us-gov-west-1');
    expect(COMMERCIAL_REGIONS).not.toContain('cn-north-1');
  });

  it.each([
    ['us', 'eu-west-1'],
    ['ca', 'ca-central-1'],
    ['in', 'ap-south-1'],
    ['nope', 'us-east-1'],
  ])('has no row for %s from %s', (scope, source) => expect(destinationRegions(scope, source)).toBeNull());

  it('says which rows are documented', () => {
    expect(lookupDestinations('us', 'us-east-1')?.verified).toBe(true);
    expect(lookupDestinations('eu', 'eu-west-1')?.verified).toBe(false);
  });

  it.each([
    ['eu-west-1', 'eu'],
    ['us-east-1', 'us'],
    ['us-gov-west-1', 'us-gov'],
    ['ap-northeast-1', 'apac'],
    ['ca-central-1', 'ca'],
    ['sa-east-1', null],
  ])('geographyForRegion(%s) = %s', (region, geo) => expect(geographyForRegion(region)).toBe(geo));

  it.each([
    ['us-east-1', 'us.anthropic.claude-3-5-sonnet-20241022-v2:0'],
    ['eu-central-1', 'eu.anthropic.claude-3-5-sonnet-20241022-v2:0'],
    ['sa-east-1', 'global.anthropic.claude-3-5-sonnet-20241022-v2:0'],
  ])('suggests the profile for %s', (region, id) => expect(suggestedProfileIdFor('anthropic.claude-3-5-sonnet-20241022-v2:0', region)).toBe(id));
});

describe('buildModelInfo', () => {
  const ctx = { callRegion: 'us-east-1', accountId: '111122223333', partition: 'aws' };

  it('fills a system profile with table destinations from the call region', () => {
    expect(buildModelInfo('us.anthropic.claude-sonnet-4-5-20250929-v1:0', ctx).inferenceProfile).toEqual({
      id: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      arn: 'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      kind: 'system',
      scope: 'us',
      destinationRegions: ['us-east-1', 'us-east-2', 'us-west-2'],
      destinationsSource: 'table',
      destinationsAsOf: AS_OF,
    });
  });

  it('says "unknown" when the table has no row', () => {
    expect(buildModelInfo('ca.anthropic.claude-sonnet-4-5-20250929-v1:0', { ...ctx, callRegion: 'ca-central-1' }).inferenceProfile).toMatchObject({
      scope: 'ca',
      destinationRegions: [],
      destinationsSource: 'unknown',
    });
  });

  it('uses the region of a profile ARN, not the call region', () => {
    const info = buildModelInfo('arn:aws:bedrock:us-west-2:111122223333:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0', ctx);
    expect(info.inferenceProfile?.destinationRegions).toEqual(['us-east-1', 'us-west-2']);
  });

  it('suggests a profile only for foundation models', () => {
    expect(withSuggestedProfile(buildModelInfo('anthropic.claude-3-5-sonnet-20241022-v2:0', ctx), 'us-east-1').suggestedProfileId).toBe(
      'us.anthropic.claude-3-5-sonnet-20241022-v2:0',
    );
    expect(withSuggestedProfile(buildModelInfo('us.anthropic.claude-3-5-sonnet-20241022-v2:0', ctx), 'us-east-1').suggestedProfileId).toBeUndefined();
  });
});
