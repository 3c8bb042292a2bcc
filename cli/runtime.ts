import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { FileNotifier } from '../lib/notify/sinks/file-notifier';
import { SnsNotifier } from '../lib/notify/sinks/sns-notifier';
import type { Notifier } from '../lib/notify/types';
import { DynamoIncidentStore } from '../lib/incidents/dynamodb/store';
import { startEmbeddedDynamoDB, type EmbeddedDynamoDB } from '../lib/incidents/embedded/embedded-dynamodb';
import { StoreDamagedError } from '../lib/incidents/errors';
import type { BatchOccurrenceRecorder, IncidentStore } from '../lib/incidents/ports';
import { deployedIncidentStore } from '../lib/incidents/dynamodb/deployed-store';
import { DynamoTableBackup } from '../lib/incidents/dynamodb/backup';
import { UsageError } from '../lib/errors';
import type { CliIo } from './io';
import { awsClientConfig, awsRegion } from './aws';
import { regionOfArn } from '../lib/aws/arn';

/** Table name of the embedded default (dynalite wants at least three characters, like DynamoDB). */
export const EMBEDDED_TABLE = 'access-auditor-incidents';
export const DEFAULT_DATA_DIR = '.access-auditor';

export interface RuntimeOptions {
  dataDir?: string;
  alertsFile?: string;
  table?: string;
  topicArn?: string;
  region?: string;
  /** Reads (incidents, report) need only the table; anything that may alert needs the topic too. */
  needsTopic?: boolean;
  /** Reads refuse to create an empty embedded store: a mistyped --data-dir must not look like "no incidents". */
  mustExist?: boolean;
  /** Reading commands: the embedded store is opened from a private copy and nothing is written to --data-dir's store. */
  readOnly?: boolean;
  io: CliIo;
}

/** Where incidents live and alerts go for one CLI run: the embedded default, or real AWS. */
export interface Runtime {
  store: IncidentStore & BatchOccurrenceRecorder;
  /** The whole table, item by item: `incidents export` and `import`. */
  backup: DynamoTableBackup;
  notifier: Notifier;
  topicArn?: string;
  /** One line saying where data goes, printed so nobody mistakes a local run for production. */
  description: string;
  /** True on the embedded default; false when the table (and topic) are real AWS. */
  embedded: boolean;
  /** Region of the AWS table, for the commands alerts print. */
  region?: string;
  /** The data-dir lock's token on the embedded default: the one live writer (see `AlertDeps.exclusiveOwner`). */
  exclusiveOwner?: string;
  close(): Promise<void>;
}

export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { io } = options;
  if (options.table || options.topicArn) return openAws(options);
  const dataDir = embeddedDataDir(options.dataDir, io);
  const alertsFile = resolve(io.cwd, options.alertsFile ?? join(dataDir, 'alerts.jsonl'));
  if (options.mustExist && !existsSync(join(dataDir, 'dynamodb'))) {
    throw new UsageError(`no incidents store in ${dataDir}: run \`access-auditor replay\` (or \`npm start\`) first, or give --data-dir DIR or --table NAME`);
  }
  const dynamo = await startEmbeddedDynamoDB({ dataDir: join(dataDir, 'dynamodb'), readOnly: options.readOnly });
  try {
    const exclusiveOwner = dynamo.lock?.owner.token;
    // The data directory is locked to this process (startEmbeddedDynamoDB): this store is its one writer.
    const store = new DynamoIncidentStore({
      client: dynamo.client,
      tableName: EMBEDDED_TABLE,
      onWarning: storeWarnings(io).warn,
      soleWriter: true,
      exclusiveOwner,
    });
    await prepareEmbeddedTable(store, dynamo, dataDir, options.readOnly === true);
    return {
      backup: new DynamoTableBackup(dynamo.client, EMBEDDED_TABLE),
      exclusiveOwner,
      store,
      notifier: new FileNotifier({ path: alertsFile, terminal: io.stderr }),
      description: `embedded default: DynamoDB (dynalite) in ${dataDir}, alerts to ${alertsFile}`,
      embedded: true,
      close: () => dynamo.close(),
    };
  } catch (err) {
    // A LevelDB failure met while preparing is reported as such (close names it); anything else as it was.
    await dynamo.close().catch((closeError: unknown) => {
      throw closeError instanceof StoreDamagedError ? closeError : err;
    });
    throw err;
  }
}

/** The embedded default's folder: --data-dir, else ACCESS_AUDITOR_DATA_DIR, else .access-auditor/ in the working directory. */
export function embeddedDataDir(dataDir: string | undefined, io: Pick<CliIo, 'cwd' | 'env'>): string {
  return resolve(io.cwd, dataDir ?? io.env.ACCESS_AUDITOR_DATA_DIR ?? DEFAULT_DATA_DIR);
}

/**
 * The table of the embedded default: created on first use, and never again. A data directory whose
 * marker says it held the table, and a reading command, only check that it is there: its absence means
 * a damaged store (refused) or no store at all, never an empty one to start afresh.
 */
async function prepareEmbeddedTable(store: DynamoIncidentStore, dynamo: EmbeddedDynamoDB, dataDir: string, readOnly: boolean): Promise<void> {
  const held = dynamo.marker?.tables.includes(EMBEDDED_TABLE) === true;
  const exists = await store.ensureTable({ create: !readOnly && !held });
  if (!exists && held) throw new StoreDamagedError(join(dataDir, 'dynamodb'), `the table ${EMBEDDED_TABLE} it held is gone`);
  if (!exists)
    throw new UsageError(`no incidents store in ${dataDir}: run \`access-auditor replay\` (or \`npm start\`) first, or give --data-dir DIR or --table NAME`);
  if (!readOnly) await dynamo.recordTable(EMBEDDED_TABLE);
}

/** The store's warnings (a failed best-effort cleanup) on stderr: the CLI has no other log. */
function storeWarnings(io: CliIo): { warn: (message: string, details: Record<string, unknown>) => void } {
  return { warn: (message, details) => void io.stderr.write(`warning: ${message} ${JSON.stringify(details)}\n`) };
}

function openAws(options: RuntimeOptions): Runtime {
  const needsTopic = options.needsTopic ?? true;
  if (!options.table || (needsTopic && !options.topicArn)) {
    throw new UsageError(
      needsTopic ? '--table and --topic-arn go together: give both to use real AWS, or neither for the embedded default' : '--topic-arn needs --table',
    );
  }
  const topicArn = options.topicArn;
  const region = awsRegion(options.io, options.region, regionOfArn(topicArn));
  const dynamo = new DynamoDBClient(awsClientConfig(options.io, region));
  const sns = new SNSClient(awsClientConfig(options.io, region));
  const noTopic: Notifier = {
    publish: async () => {
      throw new UsageError('this command was given no --topic-arn to publish to');
    },
  };
  return {
    // The deployed table's event markers are shared with the Lambda: count under the Lambda's lease.
    store: deployedIncidentStore(dynamo, options.table, storeWarnings(options.io)),
    backup: new DynamoTableBackup(dynamo, options.table),
    notifier: topicArn ? new SnsNotifier({ client: sns, topicArn }) : noTopic,
    topicArn,
    embedded: false,
    region,
    description: `AWS: table ${options.table}${topicArn ? `, topic ${topicArn}` : ''} (${region ?? 'default region'})`,
    close: async () => {
      dynamo.destroy();
      sns.destroy();
    },
  };
}
