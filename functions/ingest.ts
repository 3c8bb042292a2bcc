import { loadIngestConfig } from '../lib/config';
import { createIngestHandler, createPowertools } from '../lib/lambda/ingest';
import { buildPipelineDeps, buildPolicyChangeDeps, defaultClients } from '../lib/lambda/ingest-dependencies';

// Read once per container: a missing or invalid variable fails the cold start with its name in the message.
const config = loadIngestConfig(process.env);
const { logger, metrics } = createPowertools(process.env.POWERTOOLS_SERVICE_NAME, process.env.POWERTOOLS_METRICS_NAMESPACE);

const clients = defaultClients(process.env.AWS_REGION);
// The store's warnings (a failed best-effort cleanup) go to the same structured log.
const pipeline = buildPipelineDeps(config, clients, undefined, logger);

export const handler = createIngestHandler({
  pipeline,
  // The second EventBridge rule (successful policy changes) targets this function too.
  policyChange: buildPolicyChangeDeps(pipeline, clients),
  staleAfterDays: config.staleAfterDays,
  logger,
  metrics,
});
