import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { processRecord, type PipelineDeps, type PipelineOutcome, type ProcessDeps } from '../lib/pipeline/process';
import type { AlertDeps } from '../lib/pipeline/dispatch-alert';
import type { PipelineMetric } from '../lib/pipeline/metrics';
import { sweepDeferredAlerts } from '../lib/pipeline/sweep';
import { incidentCommands } from '../lib/notify/alert/commands';
import { principalDisplayName } from '../lib/denial/principal-name';
import { alertPolicyConfig, MAX_WINDOW_MINUTES } from '../lib/alerts/policy';
import { deployedAlertPolicy } from '../lib/config';
import { RetryLaterError, UsageError } from '../lib/errors';
import type { CliIo } from './io';
import { useColor } from './io';
import { readAllInputs, type ReadProgress } from './inputs';
import type { InputItem } from '../lib/cloudtrail/input';
import { decodeRecord } from '../lib/cloudtrail/decode';
import { runOrdered, type PoolResult } from '../lib/pipeline/ordered-pool';
import { ProgressLine } from './progress';
import { openRuntime } from './runtime';
import { buildAnalyzeDeps } from './sources';
import { makeStyle, printableLine, type Style } from './style';
import { renderIncidentTable } from './render-incidents';
import { packageRoot } from './package-root';

/** Records in flight by default: enough to overlap the store's round trips (measured in BENCHMARKS.md). */
export const DEFAULT_CONCURRENCY = 16;
/** With --online each record may call IAM's simulator, which throttles bursts. */
export const DEFAULT_ONLINE_CONCURRENCY = 4;
const MAX_CONCURRENCY = 256;

export const REPLAY_USAGE = `Usage: access-auditor replay [FILE|DIR ...] [--policies FILE]... [--data-dir DIR] [--alerts-file FILE]
                             [--table NAME --topic-arn ARN] [--alert-window MINUTES] [--online [--read-role NAME]]
                             [--concurrency N] [--json]

Runs the full pipeline (explain, propose, record the incident, alert) over CloudTrail records from files.
By default on the embedded default: DynamoDB served in-process by dynalite under --data-dir
(default .access-auditor/), alerts appended as SNS PublishCommand inputs to --alerts-file
(default <data-dir>/alerts.jsonl). With --table and --topic-arn, against real AWS.
Replaying the same records again counts nothing twice.
Records are processed --concurrency at a time (default ${DEFAULT_CONCURRENCY}, ${DEFAULT_ONLINE_CONCURRENCY} with --online; 1 is one at a time);
the records of one incident (one fingerprint) and of one event ID always one after another, in input order.
Output lines are printed in input order. On a terminal, standard error shows a progress line.`;

/** Embedded alerts carry a topic ARN of the right shape, so the recorded PublishCommand inputs are valid as they are. */
export const EMBEDDED_TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:access-auditor-embedded';

export interface ReplayOptions {
  paths: string[];
  policyFiles: string[];
  dataDir?: string;
  alertsFile?: string;
  table?: string;
  topicArn?: string;
  alertWindowMinutes: number;
  online: boolean;
  readRole?: string;
  json: boolean;
  /** Records processed at once (default {@link DEFAULT_CONCURRENCY}). */
  concurrency?: number;
  /** Print the incident table at the end (what `npm start` shows). */
  showIncidentTable?: boolean;
}

export function parseReplayArgs(argv: string[]): ReplayOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      policies: { type: 'string', multiple: true },
      'data-dir': { type: 'string' },
      'alerts-file': { type: 'string' },
      table: { type: 'string' },
      'topic-arn': { type: 'string' },
      'alert-window': { type: 'string' },
      online: { type: 'boolean' },
      'read-role': { type: 'string' },
      json: { type: 'boolean' },
      concurrency: { type: 'string' },
    },
  });
  const online = Boolean(values.online);
  const concurrency = values.concurrency ?? String(online ? DEFAULT_ONLINE_CONCURRENCY : DEFAULT_CONCURRENCY);
  if (!/^\d+$/.test(concurrency) || Number(concurrency) < 1 || Number(concurrency) > MAX_CONCURRENCY) {
    throw new UsageError(`--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, got "${concurrency}"`);
  }
  const window = values['alert-window'] ?? '60';
  if (!/^\d+$/.test(window) || Number(window) < 1 || Number(window) > MAX_WINDOW_MINUTES) {
    throw new UsageError(`--alert-window must be a whole number of minutes from 1 to ${MAX_WINDOW_MINUTES}, got "${window}"`);
  }
  return {
    paths: positionals,
    policyFiles: values.policies ?? [],
    dataDir: values['data-dir'],
    alertsFile: values['alerts-file'],
    table: values.table,
    topicArn: values['topic-arn'],
    alertWindowMinutes: Number(window),
    online,
    readRole: values['read-role'],
    json: Boolean(values.json),
    concurrency: Number(concurrency),
  };
}

function describeOutcome(outcome: PipelineOutcome, style: Style): string {
  switch (outcome.kind) {
    case 'counted': {
      const d = outcome.denial;
      const who = principalDisplayName(d.principal);
      const state = outcome.created ? style.red('new     ') : outcome.reopened ? style.red('back    ') : style.yellow('repeat  ');
      const alert = outcome.alert === 'none' ? '' : `  alert ${outcome.alert}`;
      return `${state}${outcome.fingerprint}  ${printableLine(d.action)} by ${printableLine(who)} in ${d.deniedRegion}  count ${outcome.count}${alert}`;
    }
    case 'duplicate':
      return `${style.dim('seen    ')}${outcome.fingerprint}  event ${printableLine(outcome.eventId)} already counted${outcome.alert === 'resent' ? '  alert resent' : ''}`;
    case 'skipped':
      return `${style.dim('skipped ')}event ${printableLine(outcome.eventId ?? '?')}: ${printableLine(outcome.reason)}`;
    case 'invalid':
      return `${style.red('invalid ')}event ${printableLine(outcome.eventId ?? '?')}: ${printableLine(outcome.message)}`;
  }
}

function jsonOutcome(outcome: PipelineOutcome): Record<string, unknown> {
  if (outcome.kind === 'counted') {
    const { denial: _denial, ...rest } = outcome;
    return rest;
  }
  return { ...outcome };
}

/**
 * What a record must be ordered on: its incident (the fingerprint, from the cheap decode step) and its
 * event ID, so that the records of one incident, and redeliveries of one event, are counted one after
 * another in input order (first and last seen, reopening and alert thresholds as a one-at-a-time run).
 */
export function orderKeys(item: InputItem): string[] {
  if ('error' in item) return [];
  const decoded = decodeRecord(item.record);
  if (decoded.kind === 'denial') return [`fp:${decoded.denial.fingerprint}`, `event:${decoded.denial.eventId}`];
  const eventId = item.record.eventID;
  return typeof eventId === 'string' ? [`event:${eventId}`] : [];
}

type ItemOutcome = { kind: 'unreadable'; index: number; error: string } | { kind: 'processed'; index: number; outcome: PipelineOutcome };

async function replayItem(item: InputItem, deps: ProcessDeps): Promise<ItemOutcome> {
  if ('error' in item) return { kind: 'unreadable', index: item.index, error: item.error };
  return { kind: 'processed', index: item.index, outcome: await processRecord(item.record, deps) };
}

/** One output line per input record; a record in flight elsewhere is `busy`, any other error stops the replay. */
function outcomeLine(result: PoolResult<InputItem, ItemOutcome>, json: boolean, style: Style): { text: string; failed: boolean } {
  if (!result.ok) {
    // Another process holds this event or its alert right now (the Lambda, another replay): not a
    // reason to stop the whole replay; this record can simply be replayed again later.
    if (!(result.error instanceof RetryLaterError)) throw result.error;
    const message = `${result.error.message}; replay this record again later`;
    return {
      text: json ? JSON.stringify({ input: result.item.index, kind: 'busy', message }) : `${style.yellow('busy    ')}${printableLine(message)}`,
      failed: true,
    };
  }
  const value = result.value;
  if (value.kind === 'unreadable') {
    return {
      text: json ? JSON.stringify({ error: value.error, input: value.index }) : `${style.red('error   ')}input ${value.index}: ${printableLine(value.error)}`,
      failed: true,
    };
  }
  const outcome = value.outcome;
  return { text: json ? JSON.stringify({ input: value.index, ...jsonOutcome(outcome) }) : describeOutcome(outcome, style), failed: outcome.kind === 'invalid' };
}

/** Runs the pipeline over the inputs; returns the exit code (1 when any input was unreadable). */
export async function runReplay(options: ReplayOptions, io: CliIo, source?: AsyncIterable<InputItem>): Promise<number> {
  const style = makeStyle(useColor(io));
  const read: ReadProgress = { consumed: 0, total: null };
  const items = source ?? readAllInputs(options.paths, io, read);
  // Validated before anything is opened: a bad setting fails the command at once with AlertPolicyConfigError.
  // Against a deployed table, behave as the deployed Lambda does (its alert lease).
  const embeddedPolicy = alertPolicyConfig({ windowMinutes: options.alertWindowMinutes });
  const deployedPolicy = deployedAlertPolicy(options.alertWindowMinutes);
  const analyze = buildAnalyzeDeps({ policyFiles: options.policyFiles, online: options.online, readRole: options.readRole, io });
  const progress = new ProgressLine(io.stderr, read, () => performance.now());
  // What the runtime prints on stderr (alerts on the embedded default, store warnings) first clears the progress line.
  const stderr = { isTTY: io.stderr.isTTY, write: (chunk: string) => (progress.clear(), io.stderr.write(chunk)) };
  const runtime = await openRuntime({
    dataDir: options.dataDir,
    alertsFile: options.alertsFile,
    table: options.table,
    topicArn: options.topicArn,
    io: { ...io, stderr },
  });
  const counts = new Map<PipelineMetric, number>();
  const alertDeps: AlertDeps & Pick<PipelineDeps, 'store'> = {
    store: runtime.store,
    notifier: runtime.notifier,
    topicArn: runtime.topicArn ?? EMBEDDED_TOPIC_ARN,
    alertPolicy: runtime.embedded ? embeddedPolicy : deployedPolicy,
    // Against a deployed table, commands in the alerts that reach that table (the on-call copies them from the alert).
    ...(runtime.embedded || !options.table ? {} : incidentCommands(options.table, runtime.region)),
    count: (metric, value = 1) => counts.set(metric, (counts.get(metric) ?? 0) + value),
    exclusiveOwner: runtime.exclusiveOwner,
  };
  let failed = false;
  try {
    io.stderr.write(style.dim(`access-auditor replay → ${runtime.description}\n`));
    const deps: ProcessDeps = { ...analyze, ...alertDeps, clock: () => io.now() };
    let total = 0;
    // Reading runs ahead of processing: remember where each record ended, for the progress line's ETA.
    const positions: number[] = [];
    const tracked = (async function* () {
      for await (const item of items) {
        positions.push(read.consumed);
        yield item;
      }
    })();
    for await (const result of runOrdered(tracked, {
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      keys: orderKeys,
      run: (item) => replayItem(item, deps),
    })) {
      total++;
      const line = outcomeLine(result, options.json, style);
      if (line.failed) failed = true;
      if (io.stdout.isTTY) progress.clear();
      io.stdout.write(line.text + '\n');
      const at = positions.shift();
      progress.update({ records: total, denials: counts.get('DenialsProcessed') ?? 0, incidents: counts.get('IncidentsOpened') ?? 0 }, at);
    }
    progress.clear();
    const summary = ['DenialsProcessed', 'IncidentsOpened', 'Duplicates', 'AlertsSent', 'AlertsDeferred', 'RecordsSkipped', 'BadRecords'] as const;
    io.stderr.write(style.dim(`${total} record(s): ${summary.map((m) => `${m} ${counts.get(m) ?? 0}`).join(', ')}\n`));
    // On the embedded default, do what the deployed sweep does every 15 minutes: send alerts the window
    // held back once it has passed. Against AWS the deployed sweep owns that; a replay must not sweep production.
    if (runtime.embedded) {
      const swept = await sweepDeferredAlerts({ ...alertDeps, clock: () => io.now() });
      if (swept.sent > 0) io.stderr.write(style.dim(`sent ${swept.sent} held-back alert(s) whose window had passed\n`));
      for (const f of swept.failed) io.stderr.write(`held-back alert for ${f.fingerprint} not sent: ${printableLine(f.error)}\n`);
    }
    if (options.showIncidentTable) {
      const incidents = await runtime.store.list();
      io.stdout.write('\n' + renderIncidentTable(incidents, style));
    }
  } finally {
    await runtime.close();
  }
  return failed ? 1 : 0;
}

export async function replayCommand(argv: string[], io: CliIo): Promise<number> {
  return runReplay(parseReplayArgs(argv), io);
}

/** `npm start`: the examples that ship with the repo, through the whole pipeline, on the embedded default. */
export async function startCommand(argv: string[], io: CliIo): Promise<number> {
  const examples = join(packageRoot(), 'examples');
  const options = parseReplayArgs([join(examples, 'records'), '--policies', join(examples, 'policies', '111122223333.json'), ...argv]);
  return runReplay({ ...options, showIncidentTable: true }, io);
}
