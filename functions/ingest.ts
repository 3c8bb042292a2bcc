import { loadIngestConfig } from '../lib/config';
import { createIngestHandler, createPowertools } from '../lib/lambda/ingest';
import { buildPipelineDeps, defaultClients } from '../lib/lambda/ingest-dependencies';
import { loadDeployedRules } from '../lib/lambda/rules';

// Read once per container: a missing or invalid variable fails the cold start with its name in the message.
const config = loadIngestConfig(process.env);
const { logger, metrics } = createPowertools(process.env.POWERTOOLS_SERVICE_NAME, process.env.POWERTOOLS_METRICS_NAMESPACE);
// The packaged rules file; an invalid one fails the cold start here, naming the rule and field.
const rules = loadDeployedRules(process.env, logger);

export const handler = createIngestHandler({
  // The store's warnings (a failed best-effort cleanup) go to the same structured log.
  pipeline: { ...buildPipelineDeps(config, defaultClients(process.env.AWS_REGION), undefined, logger), ...(rules ? { rules } : {}) },
  logger,
  metrics,
});
