import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeRecord } from '../../lib/cloudtrail/decode';
import { proposeFix } from '../../lib/policy/propose/propose';
import { paramsOf } from './fixtures/notes';

const base = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'records', '01-apprunner-no-bedrock-grant.json'), 'utf8')) as Record<
  string,
  unknown
>;

function onDemandDenial(region: string, modelId: string) {
  const record = {
    ...base,
    eventID: `on-demand-${region}`,
    awsRegion: region,
    errorCode: 'ValidationException',
    errorMessage: `Invocation of model ID ${modelId} with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
    requestParameters: { modelId },
  };
  const outcome = decodeRecord(record);
  if (outcome.kind !== 'denial') throw new Error(`expected a denial, got ${outcome.kind}`);
  return outcome.denial;
}

describe('on-demand model-access proposals', () => {
  it.each(['us-east-1', 'eu-west-1', 'ap-northeast-1', 'ap-southeast-2', 'ca-central-1', 'sa-east-1'])(
    'grant the same inference profile that the explanation tells the caller to use (%s)',
    (region) => {
      const denial = onDemandDenial(region, 'anthropic.claude-3-7-sonnet-20250219-v1:0');
      const suggested = denial.model?.suggestedProfileId;
      expect(suggested).toBeDefined();
      expect(denial.reason.summary).toContain(suggested as string);

      const proposal = proposeFix(denial, null);

      expect(proposal.target.kind).toBe('model-access');
      const profileArn = `arn:aws:bedrock:${region}:111122223333:inference-profile/${suggested}`;
      expect(proposal.statements.flatMap((s) => [s.Resource].flat())).toContain(profileArn);
      expect(paramsOf(proposal, 'on-demand-use-profile')).toMatchObject({ profile: suggested, profileArn });
    },
  );
});
