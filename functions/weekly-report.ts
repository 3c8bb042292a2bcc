import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SnsNotifier } from '../lib/notify/sinks/sns-notifier';
import { loadReportConfig } from '../lib/config';
import { DynamoIncidentStore } from '../lib/incidents/dynamodb/store';
import { createReportPowertools, createWeeklyReportHandler } from '../lib/lambda/weekly-report';
import { loadDeployedRules } from '../lib/lambda/rules';

// Read once per container: a missing or invalid variable fails the cold start with its name in the message.
const config = loadReportConfig(process.env);
const { logger, metrics } = createReportPowertools(process.env.POWERTOOLS_SERVICE_NAME, process.env.POWERTOOLS_METRICS_NAMESPACE);
const region = process.env.AWS_REGION;
// The packaged rules file; an invalid one fails the cold start here, naming the rule and field.
const rules = loadDeployedRules(process.env, logger);

export const handler = createWeeklyReportHandler({
  // Reads only: the store's warnings (cleanup after counting) cannot happen here, but would reach the log.
  store: new DynamoIncidentStore({
    client: new DynamoDBClient({ region }),
    tableName: config.tableName,
    onWarning: (message, details) => logger.warn(message, details),
  }),
  notifier: new SnsNotifier({ client: new SNSClient({ region }), topicArn: config.topicArn }),
  topicArn: config.topicArn,
  days: config.reportDays,
  ...(rules ? { rules } : {}),
  logger,
  metrics,
});
