import { BedrockClient, GetInferenceProfileCommand } from '@aws-sdk/client-bedrock';
import { mockClient } from 'aws-sdk-client-mock';
import { BedrockProfileResolver, ProfileResolverError } from '../../../lib/bedrock/sources/bedrock-profile-resolver';

const PROFILE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const PROFILE_ARN = `arn:aws:bedrock:us-east-1:111122223333:inference-profile/${PROFILE}`;
const fm = (region: string) => `arn:aws:bedrock:${region}::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0`;

const bedrock = mockClient(BedrockClient);
beforeEach(() => bedrock.reset());

function namedError(name: string): Error {
  const e = new Error(`${name} happened`);
  e.name = name;
  return e;
}

function resolverAt(time: { now: number }, regions: string[] = []) {
  return new BedrockProfileResolver({
    clientForRegion: (region) => {
      regions.push(region);
      return new BedrockClient({ region, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    },
    clock: () => new Date(time.now),
    ttlMs: 60_000,
  });
}

describe('BedrockProfileResolver', () => {
  it('maps GetInferenceProfile to destination regions, in the region asked', async () => {
    bedrock.on(GetInferenceProfileCommand, { inferenceProfileIdentifier: PROFILE }).resolves({
      inferenceProfileArn: PROFILE_ARN,
      inferenceProfileId: PROFILE,
      inferenceProfileName: 'US Claude Sonnet 4.5',
      status: 'ACTIVE',
      type: 'SYSTEM_DEFINED',
      models: [{ modelArn: fm('us-east-1') }, { modelArn: fm('us-east-2') }, { modelArn: fm('us-west-2') }, { modelArn: fm('us-west-2') }],
    });
    const regions: string[] = [];
    const resolved = await resolverAt({ now: 0 }, regions).resolve(PROFILE, 'us-east-1');
    expect(resolved).toEqual({
      arn: PROFILE_ARN,
      id: PROFILE,
      kind: 'system',
      modelArns: [fm('us-east-1'), fm('us-east-2'), fm('us-west-2'), fm('us-west-2')],
      destinationRegions: ['us-east-1', 'us-east-2', 'us-west-2'],
    });
    expect(regions).toEqual(['us-east-1']);
  });

  it('reports application profiles', async () => {
    bedrock.on(GetInferenceProfileCommand).resolves({
      inferenceProfileArn: 'arn:aws:bedrock:us-east-1:1:application-inference-profile/abc',
      inferenceProfileId: 'abc',
      inferenceProfileName: 'app',
      status: 'ACTIVE',
      type: 'APPLICATION',
      models: [{ modelArn: fm('us-east-1') }],
    });
    expect(await resolverAt({ now: 0 }).resolve('arn:aws:bedrock:us-east-1:1:application-inference-profile/abc', 'us-east-1')).toMatchObject({
      kind: 'application',
      destinationRegions: ['us-east-1'],
    });
  });

  it('caches answers until the TTL passes', async () => {
    bedrock.on(GetInferenceProfileCommand).resolves({
      inferenceProfileArn: PROFILE_ARN,
      inferenceProfileId: PROFILE,
      inferenceProfileName: 'n',
      status: 'ACTIVE',
      type: 'SYSTEM_DEFINED',
      models: [],
    });
    const time = { now: 1_000 };
    const resolver = resolverAt(time);
    await resolver.resolve(PROFILE, 'us-east-1');
    await resolver.resolve(PROFILE, 'us-east-1');
    expect(bedrock.commandCalls(GetInferenceProfileCommand)).toHaveLength(1);
    await resolver.resolve(PROFILE, 'us-west-2');
    expect(bedrock.commandCalls(GetInferenceProfileCommand)).toHaveLength(2);
    time.now += 60_001;
    await resolver.resolve(PROFILE, 'us-east-1');
    expect(bedrock.commandCalls(GetInferenceProfileCommand)).toHaveLength(3);
  });

  it.each(['ResourceNotFoundException', 'AccessDeniedException', 'ValidationException'])('answers null on %s, and caches it', async (name) => {
    bedrock.on(GetInferenceProfileCommand).rejects(namedError(name));
    const resolver = resolverAt({ now: 0 });
    expect(await resolver.resolve(PROFILE, 'us-east-1')).toBeNull();
    expect(await resolver.resolve(PROFILE, 'us-east-1')).toBeNull();
    expect(bedrock.commandCalls(GetInferenceProfileCommand)).toHaveLength(1);
  });

  it('throws a ProfileResolverError with the cause for other failures, and does not cache them', async () => {
    const cause = namedError('ThrottlingException');
    bedrock.on(GetInferenceProfileCommand).rejectsOnce(cause).resolves({
      inferenceProfileArn: PROFILE_ARN,
      inferenceProfileId: PROFILE,
      inferenceProfileName: 'n',
      status: 'ACTIVE',
      type: 'SYSTEM_DEFINED',
      models: [],
    });
    const resolver = resolverAt({ now: 0 });
    const error = await resolver.resolve(PROFILE, 'us-east-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProfileResolverError);
    expect((error as ProfileResolverError).name).toBe('ProfileResolverError');
    expect((error as ProfileResolverError).cause).toBe(cause);
    expect(await resolver.resolve(PROFILE, 'us-east-1')).toMatchObject({ arn: PROFILE_ARN });
  });

  it('bounds the cache', async () => {
    bedrock.on(GetInferenceProfileCommand).resolves({
      inferenceProfileArn: PROFILE_ARN,
      inferenceProfileId: PROFILE,
      inferenceProfileName: 'n',
      status: 'ACTIVE',
      type: 'SYSTEM_DEFINED',
      models: [],
    });
    const resolver = new BedrockProfileResolver({
      clientForRegion: (region) => new BedrockClient({ region, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }),
      clock: () => new Date(0),
      maxEntries: 2,
    });
    for (const region of ['r-1', 'r-2', 'r-3', 'r-1']) await resolver.resolve(PROFILE, region);
    expect(bedrock.commandCalls(GetInferenceProfileCommand)).toHaveLength(4);
  });
});
