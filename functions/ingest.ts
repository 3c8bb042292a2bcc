import { loadIngestConfig } from '../lib/config';
import { createIngestHandler, createPowertools } from '../lib/lambda/ingest';
import { buildPipelineDeps, buildPolicyChangeDeps, defaultClients } from '../lib/lambda/ingest-dependencies';
import { loadDeployedRules } from '../lib/lambda/rules';

// Read once per container: a missing or invalid variable fails the cold start with its name in the message.
const config = loadIngestConfig(process.env);
const { logger, metrics } = createPowertools(process.env.POWERTOOLS_SERVICE_NAME, process.env.POWERTOOLS_METRICS_NAMESPACE);
// The packaged rules file; an invalid one fails the cold start here, naming the rule and field.
const rules = loadDeployedRules(process.env, logger);

const clients = defaultClients(process.env.AWS_REGION);
// The store's warnings (a failed best-effort cleanup) go to the same structured log.
const pipeline = { ...buildPipelineDeps(config, clients, undefined, logger), ...(rules ? { rules } : {}) };

export const handler = createIngestHandler({
  pipeline,
  // The second EventBridge rule (successful policy changes) targets this function too.
  policyChange: buildPolicyChangeDeps(pipeline, clients),
  staleAfterDays: config.staleAfterDays,
  logger,
  metrics,
});
