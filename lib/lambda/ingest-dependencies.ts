import { BedrockClient } from '@aws-sdk/client-bedrock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { SnsNotifier } from '../notify/sinks/sns-notifier';
import { BedrockProfileResolver } from '../bedrock/sources/bedrock-profile-resolver';
import { deployedAlertPolicy, mayReadAccount, type IngestConfig } from '../config';
import { IamPolicySource } from '../policy/sources/iam-policy-source';
import { assumeRoleClientFactory } from '../policy/sources/assume-role';
import type { PipelineDeps } from '../pipeline/process';
import { deployedIncidentStore, type StoreWarnings } from '../incidents/dynamodb/deployed-store';
import { loadActionCatalog } from '../policy/catalog/iam-data-catalog';
import { accountRoutedSimulator } from '../policy/sources/account-routed-simulator';
import { incidentCommands } from '../notify/alert/commands';

/** SDK clients, created once per container; tests pass their own. */
export interface AwsClients {
  region: string | undefined;
  dynamodb: DynamoDBClient;
  sns: SNSClient;
  iam: IAMClient;
  sts: STSClient;
  bedrock: (region: string) => BedrockClient;
}

export function defaultClients(region: string | undefined): AwsClients {
  const bedrock = new Map<string, BedrockClient>();
  return {
    region,
    dynamodb: new DynamoDBClient({ region }),
    sns: new SNSClient({ region }),
    // IAM throttles hard and its quotas cannot be raised: adaptive retry backs off client-side.
    iam: new IAMClient({ region, maxAttempts: 5, retryMode: 'adaptive' }),
    sts: new STSClient({ region }),
    bedrock: (r) => {
      let client = bedrock.get(r);
      if (!client) bedrock.set(r, (client = new BedrockClient({ region: r })));
      return client;
    },
  };
}

/**
 * Wires the pipeline's ports to AWS for the Lambda; runs once per container, at the cold start.
 * `warnings` receives the store's warnings (the Lambda passes its logger).
 * @throws AlertPolicyConfigError when the alert settings are invalid (see {@link deployedAlertPolicy}).
 */
export function buildPipelineDeps(
  config: IngestConfig,
  clients: AwsClients,
  clock: () => Date = () => new Date(),
  warnings: StoreWarnings = console,
): Omit<PipelineDeps, 'count'> {
  // One IAM client per account: the home account's own, or one assuming the member read role.
  const clientForAccount = assumeRoleClientFactory({
    sts: clients.sts,
    readRoleName: config.readRoleName,
    region: clients.iam.config.region,
    homeClient: clients.iam,
    clock,
    mayRead: (accountId) => mayReadAccount(config.readAccounts, accountId),
  });
  const policySource = new IamPolicySource({ client: clients.iam, cacheTtlSeconds: config.policyCacheTtlSeconds, clientForAccount, clock });
  return {
    store: deployedIncidentStore(clients.dynamodb, config.tableName, warnings, config.occurrenceTtlDays),
    notifier: new SnsNotifier({ client: clients.sns, topicArn: config.topicArn }),
    topicArn: config.topicArn,
    // The on-call copies these from the alert: they must reach the deployed table, not a local store.
    ...incidentCommands(config.tableName, clients.region),
    alertPolicy: deployedAlertPolicy(config.alertWindowMinutes),
    clock,
    policySource,
    profileResolver: new BedrockProfileResolver({ clientForRegion: clients.bedrock, clock }),
    simulator: config.simulate ? accountRoutedSimulator(clientForAccount, clients.iam) : null,
    loadCatalog: loadActionCatalog,
  };
}
