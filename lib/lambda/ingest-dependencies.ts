import { BedrockClient } from '@aws-sdk/client-bedrock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { SsoPermissionSetNamer } from '../policy/sources/permission-set-namer';
import type { PolicyChangeDeps } from '../pipeline/policy-change';
import type { IncidentStore } from '../incidents/ports';
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
  /** IAM Identity Center (names the permission set of a ProvisionPermissionSet); absent, permission-set changes are not matched. */
  ssoAdmin?: SSOAdminClient;
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
    ssoAdmin: new SSOAdminClient({ region }),
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

/**
 * The policy-change loop's dependencies, sharing the pipeline's store, notifier, IAM policy source and
 * simulator (one container, one cache: a change clears it).
 */
export function buildPolicyChangeDeps(pipeline: Omit<PipelineDeps, 'count'>, clients: AwsClients): Omit<PolicyChangeDeps, 'count'> {
  const source = pipeline.policySource;
  return {
    // The deployed store implements every port; the pipeline's type names only the roles it uses.
    store: pipeline.store as IncidentStore,
    notifier: pipeline.notifier,
    policySource: source instanceof IamPolicySource ? source : null,
    simulator: pipeline.simulator ?? null,
    permissionSets: clients.ssoAdmin ? new SsoPermissionSetNamer(clients.ssoAdmin) : null,
    ...(pipeline.topicArn !== undefined ? { topicArn: pipeline.topicArn } : {}),
    ...(pipeline.showCommand ? { showCommand: pipeline.showCommand } : {}),
    ...(pipeline.rules ? { rules: pipeline.rules } : {}),
    clock: pipeline.clock,
  };
}
