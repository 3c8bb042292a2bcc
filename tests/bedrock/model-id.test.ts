import { modelArnFor, parseModelId, splitFamilyVersion, splitProfileId } from '../../lib/bedrock/model-id';

describe('parseModelId', () => {
  it.each([
    [
      'anthropic.claude-3-5-sonnet-20240620-v1:0',
      {
        resourceType: 'foundation-model',
        provider: 'anthropic',
        family: 'claude-3-5-sonnet',
        version: '20240620-v1:0',
        foundationModelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
      },
    ],
    ['amazon.nova-lite-v1:0', { resourceType: 'foundation-model', provider: 'amazon', family: 'nova-lite', version: 'v1:0' }],
    ['meta.llama3-1-70b-instruct-v1:0', { provider: 'meta', family: 'llama3-1-70b-instruct', version: 'v1:0' }],
    ['anthropic.claude-v2:1', { family: 'claude', version: 'v2:1' }],
    ['openai.gpt-oss-120b-1:0', { provider: 'openai', family: 'gpt-oss-120b', version: '1:0' }],
    [
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      {
        resourceType: 'inference-profile',
        geography: 'us',
        profileId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        foundationModelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
        family: 'claude-sonnet-4-5',
      },
    ],
    ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', { geography: 'global', foundationModelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0' }],
    ['au.anthropic.claude-sonnet-4-6', { geography: 'au', foundationModelId: 'anthropic.claude-sonnet-4-6', family: 'claude-sonnet-4-6' }],
    ['us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0', { geography: 'us-gov', foundationModelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0' }],
    ['apac.amazon.nova-pro-v1:0', { geography: 'apac', provider: 'amazon' }],
    ['jp.anthropic.claude-haiku-4-5-20251001-v1:0', { geography: 'jp' }],
    ['eu.meta.llama3-2-3b-instruct-v1:0', { geography: 'eu', provider: 'meta' }],
    [
      'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
      { resourceType: 'foundation-model', foundationModelId: 'anthropic.claude-3-haiku-20240307-v1:0', arn: { region: 'us-east-1', account: '' } },
    ],
    ['arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0', { resourceType: 'foundation-model', arn: { region: '', account: '' } }],
    [
      'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      {
        resourceType: 'inference-profile',
        geography: 'us',
        profileId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        foundationModelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
      },
    ],
    [
      'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6',
      { resourceType: 'application-inference-profile', provider: 'unknown' },
    ],
    ['arn:aws:bedrock:us-east-1:111122223333:provisioned-model/abcdefghijkl', { resourceType: 'provisioned-model' }],
    [
      'arn:aws:bedrock:us-east-1:111122223333:custom-model/amazon.titan-text-express-v1:0:8k/abcdefghijkl',
      { resourceType: 'custom-model', provider: 'amazon' },
    ],
    ['arn:aws:bedrock:us-east-1:111122223333:imported-model/abcdefghijkl', { resourceType: 'imported-model' }],
    ['arn:aws:bedrock:us-east-1:111122223333:custom-model-deployment/abcdefghijkl', { resourceType: 'custom-model-deployment' }],
    ['arn:aws:bedrock:us-east-1:111122223333:prompt-router/my-router', { resourceType: 'prompt-router' }],
    ['arn:aws:bedrock:us-east-1:111122223333:default-prompt-router/anthropic.claude:1', { resourceType: 'default-prompt-router', provider: 'anthropic' }],
    ['arn:aws:sagemaker:us-east-1:111122223333:endpoint/my-endpoint', { resourceType: 'marketplace-model-endpoint' }],
    ['arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0', { arn: { partition: 'aws-us-gov' } }],
    ['not a model', { resourceType: 'unknown', provider: 'unknown' }],
    ['usx.anthropic.claude', { resourceType: 'foundation-model', provider: 'usx' }],
  ])('%s', (modelId, expected) => expect(parseModelId(modelId)).toMatchObject({ modelId, ...expected }));

  it('leaves out what the identifier does not say', () => {
    expect(parseModelId('au.anthropic.claude-sonnet-4-6').version).toBeUndefined();
    expect(parseModelId('arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6').foundationModelId).toBeUndefined();
  });

  it('strips only the known geography prefixes', () => {
    expect(splitProfileId('us.anthropic.x')).toEqual({ geography: 'us', foundationModelId: 'anthropic.x' });
    expect(splitProfileId('anthropic.claude-3')).toBeNull();
    expect(splitProfileId('xx.anthropic.claude')).toBeNull();
  });

  it('splits family and version by the documented convention', () => {
    expect(splitFamilyVersion('claude-3-5-sonnet-20241022-v2:0')).toEqual({ family: 'claude-3-5-sonnet', version: '20241022-v2:0' });
    expect(splitFamilyVersion('titan-embed-text-v2:0')).toEqual({ family: 'titan-embed-text', version: 'v2:0' });
    expect(splitFamilyVersion('claude-3-sonnet-20240229-v1:0:200k')).toEqual({ family: 'claude-3-sonnet', version: '20240229-v1:0:200k' });
  });
});

describe('modelArnFor', () => {
  it.each([
    ['anthropic.claude-3-haiku-20240307-v1:0', 'arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0'],
    ['eu.anthropic.claude-3-haiku-20240307-v1:0', 'arn:aws:bedrock:eu-west-1:111122223333:inference-profile/eu.anthropic.claude-3-haiku-20240307-v1:0'],
    ['arn:aws:bedrock:eu-west-1:111122223333:provisioned-model/abc', 'arn:aws:bedrock:eu-west-1:111122223333:provisioned-model/abc'],
    ['garbage id', null],
  ])('%s → %s', (id, arn) => expect(modelArnFor(id, 'eu-west-1', '111122223333', 'aws')).toBe(arn));

  it('needs an account for profile ARNs', () => expect(modelArnFor('us.anthropic.x', 'us-east-1', null, 'aws')).toBeNull());
});
