import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { FileNotifier } from '../lib/alerts/file-notifier';
import { SnsNotifier } from '../lib/alerts/sns-notifier';
import type { Notifier } from '../lib/alerts/types';
import { DynamoIncidentStore } from '../lib/incidents/dynamodb-store';
import { startEmbeddedDynamoDB } from '../lib/incidents/embedded-dynamodb';
import type { IncidentStore } from '../lib/incidents/types';
import { UsageError } from '../lib/errors';
import type { CliIo } from './io';

/** Table name of the embedded default (dynalite wants at least three characters, like DynamoDB). */
export const EMBEDDED_TABLE = 'access-auditor-incidents';
export const DEFAULT_DATA_DIR = '.access-auditor';

export interface RuntimeOptions {
  dataDir?: string;
  alertsFile?: string;
  table?: string;
  topicArn?: string;
  region?: string;
  io: CliIo;
}

/** Where incidents live and alerts go for one CLI run: the embedded default, or real AWS. */
export interface Runtime {
  store: IncidentStore;
  notifier: Notifier;
  topicArn?: string;
  /** One line saying where data goes, printed so nobody mistakes a local run for production. */
  description: string;
  close(): Promise<void>;
}

export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { io } = options;
  if (options.table || options.topicArn) return openAws(options);
  const dataDir = resolve(io.cwd, options.dataDir ?? io.env.ACCESS_AUDITOR_DATA_DIR ?? DEFAULT_DATA_DIR);
  const alertsFile = resolve(io.cwd, options.alertsFile ?? join(dataDir, 'alerts.jsonl'));
  const dynamo = await startEmbeddedDynamoDB({ dataDir: join(dataDir, 'dynamodb') });
  try {
    const store = new DynamoIncidentStore({ client: dynamo.client, tableName: EMBEDDED_TABLE });
    await store.ensureTable();
    return {
      store,
      notifier: new FileNotifier({ path: alertsFile, terminal: io.stderr }),
      description: `embedded default: DynamoDB (dynalite) in ${dataDir}, alerts to ${alertsFile}`,
      close: () => dynamo.close(),
    };
  } catch (err) {
    await dynamo.close();
    throw err;
  }
}

function openAws(options: RuntimeOptions): Runtime {
  if (!options.table || !options.topicArn) throw new UsageError('--table and --topic-arn go together: give both to use real AWS, or neither for the embedded default');
  const region = options.region ?? options.io.env.AWS_REGION ?? options.io.env.AWS_DEFAULT_REGION ?? options.topicArn.split(':')[3];
  const dynamo = new DynamoDBClient({ region });
  const sns = new SNSClient({ region });
  return {
    store: new DynamoIncidentStore({ client: dynamo, tableName: options.table }),
    notifier: new SnsNotifier({ client: sns, topicArn: options.topicArn }),
    topicArn: options.topicArn,
    description: `AWS: table ${options.table}, topic ${options.topicArn} (${region})`,
    close: async () => {
      dynamo.destroy();
      sns.destroy();
    },
  };
}
