import { parseCommandArgs } from './args';
import { INPUT_FILTER_HELP, INPUT_FILTER_OPTIONS, inputFilter } from './input-flags';
import type { LogPathFilter } from '../lib/cloudtrail/log-path';
import { incidentListLine } from './incidents';
import type { PipelineDeps, PipelineOutcome, ProcessDeps } from '../lib/pipeline/process';
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
import { runOrdered, type PoolResult } from '../lib/pipeline/ordered-pool';
import { ProgressLine } from './progress';
import { openRuntime } from './runtime';
import { buildAnalyzeDeps } from './sources';
import { makeStyle, printableLine, type Style } from './style';
import { renderIncidentTable } from './render-incidents';
import { changeDepsFor, describeChangeResult, isChangeItem, jsonChangeResult, LatestEventTime, parseStaleAfter, sweepStale } from './replay-loop';
import { cliRules } from './rules-file';
import { groupConsecutive, GROUP_SIZE, replayGroup, type ItemOutcome, type ReplayContext } from './replay-groups';

export { GROUP_SIZE, groupConsecutive, orderKeys } from './replay-groups';
import { forDisplay, jsonLine } from '../lib/display/sanitise';

/** Records in flight by default: enough to overlap the store's round trips (measured in BENCHMARKS.md). */
export const DEFAULT_CONCURRENCY = 16;
/** With --online each record may call IAM's simulator, which throttles bursts. */
export const DEFAULT_ONLINE_CONCURRENCY = 4;
const MAX_CONCURRENCY = 256;

export const REPLAY_USAGE = `Usage: access-auditor replay [FILE|DIR|- ...] [--policies FILE]... [--data-dir DIR] [--alerts-file FILE]
                             [--table NAME --topic-arn ARN] [--alert-window MINUTES] [--online [--read-role NAME]]
                             [--concurrency N] [--stale-after DAYS] [--rules FILE] [--json]

Runs the full pipeline (explain, propose, record the incident, alert) over CloudTrail records from files.
By default on the embedded default: DynamoDB served in-process by dynalite under --data-dir
(default .access-auditor/), alerts appended as SNS PublishCommand inputs to --alerts-file
(default <data-dir>/alerts.jsonl). With --table and --topic-arn, against real AWS.
Replaying the same records again counts nothing twice.
Records are processed --concurrency at a time (default ${DEFAULT_CONCURRENCY}, ${DEFAULT_ONLINE_CONCURRENCY} with --online; 1 is one at a time);
the records of one incident (one fingerprint) and of one event ID always one after another, in input order.
Output lines are printed in input order. On a terminal, standard error shows a progress line.
Successful policy changes (IAM PutRolePolicy, AttachRolePolicy, CreatePolicyVersion, ...; Identity Center;
Organizations) in the same inputs are applied to the --policies snapshot where they appear, and re-check the
open incidents they touch: fixed (with a follow-up alert), or still denied (a follow-up says why).
On the embedded default, incidents not seen for --stale-after days (default 14) before the latest event
replayed become stale.
--rules FILE applies a rules file (default ./access-auditor.rules.yml when present): expected denials are
counted apart and never alerted; severity and route rules shape the alerts (docs/rules.md).
${INPUT_FILTER_HELP}`;

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
  /** Which log files of the directories to read (dates, accounts, regions from the S3 layout). */
  filter?: LogPathFilter;
  /** `--rules FILE`; by default ./access-auditor.rules.yml when present. */
  rulesFile?: string;
  /** Print the incident table at the end (what `npm start` shows). */
  showIncidentTable?: boolean;
  /** Days without an occurrence after which the end-of-replay sweep marks an incident stale. */
  staleAfterDays?: number;
}

const REPLAY_OPTIONS = {
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
  'stale-after': { type: 'string' },
  rules: { type: 'string' },
  ...INPUT_FILTER_OPTIONS,
} as const;

export function parseReplayArgs(argv: string[], io?: CliIo, maxPaths = Number.POSITIVE_INFINITY): ReplayOptions {
  const { values, positionals } = parseCommandArgs(argv, REPLAY_OPTIONS, { max: maxPaths });
  const filter = io ? inputFilter(values, io) : {};
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
    filter,
    staleAfterDays: parseStaleAfter(values['stale-after']),
    rulesFile: values.rules,
  };
}

export function describeOutcome(raw: PipelineOutcome, style: Style): string {
  const outcome = forDisplay(raw);
  switch (outcome.kind) {
    case 'counted': {
      const d = outcome.denial;
      const who = principalDisplayName(d.principal);
      if (outcome.expectedBy !== undefined) {
        return `${style.dim('expected')}${outcome.fingerprint}  ${printableLine(d.action)} by ${printableLine(who)} in ${d.deniedRegion}  count ${outcome.count}  rule ${printableLine(outcome.expectedBy)}`;
      }
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

export function jsonOutcome(outcome: PipelineOutcome): Record<string, unknown> {
  if (outcome.kind === 'counted') {
    const { denial: _denial, ...rest } = outcome;
    return rest;
  }
  return { ...outcome };
}

/** One output line per input record; a record in flight elsewhere is `busy`, any other error stops the replay. */
function outcomeLine(result: PoolResult<InputItem, ItemOutcome>, json: boolean, style: Style): { text: string; failed: boolean } {
  if (!result.ok) {
    // Another process holds this event or its alert right now (the Lambda, another replay): not a
    // reason to stop the whole replay; this record can simply be replayed again later.
    if (!(result.error instanceof RetryLaterError)) throw result.error;
    const message = `${result.error.message}; replay this record again later`;
    return {
      text: json ? jsonLine({ input: result.item.index, kind: 'busy', message }).trimEnd() : `${style.yellow('busy    ')}${printableLine(message)}`,
      failed: true,
    };
  }
  const value = result.value;
  if (value.kind === 'unreadable') {
    return {
      text: json
        ? jsonLine({ error: value.error, input: value.index, ...(value.at ? { at: value.at } : {}) }).trimEnd()
        : `${style.red('error   ')}${value.at === undefined ? `input ${value.index}: ` : ''}${printableLine(value.error)}`,
      failed: true,
    };
  }
  if (value.kind === 'change') {
    const result = value.result;
    return {
      text: json ? jsonLine({ input: value.index, ...jsonChangeResult(result) }).trimEnd() : describeChangeResult(result, style),
      failed: result.kind === 'invalid',
    };
  }
  const outcome = value.outcome;
  return {
    text: json ? jsonLine({ input: value.index, ...jsonOutcome(outcome) }).trimEnd() : describeOutcome(outcome, style),
    failed: outcome.kind === 'invalid',
  };
}

/** After the records: the embedded default's sweep of held-back alerts, then the incident table when asked. */
async function finishReplay(
  runtime: Awaited<ReturnType<typeof openRuntime>>,
  alertDeps: AlertDeps & Pick<PipelineDeps, 'store'>,
  latestEventAt: Date | null,
  options: ReplayOptions,
  io: CliIo,
  style: Style,
): Promise<void> {
  // On the embedded default, do what the deployed sweep does every 15 minutes: send alerts the window
  // held back once it has passed. Against AWS the deployed sweep owns that; a replay must not sweep production.
  if (runtime.embedded) await embeddedSweeps(alertDeps, runtime.store, latestEventAt, options, io, style);
  if (options.showIncidentTable) {
    const incidents = await runtime.store.list();
    // JSON Lines stay JSON Lines: the incidents follow as lines of their own kind.
    if (options.json) for (const i of incidents) io.stdout.write(jsonLine({ kind: 'incident', ...incidentListLine(i) }));
    else io.stdout.write('\n' + renderIncidentTable(forDisplay(incidents), style));
  }
}

const SUMMARY_METRICS = [
  'DenialsProcessed',
  'DenialsExpected',
  'IncidentsOpened',
  'Duplicates',
  'AlertsSent',
  'AlertsDeferred',
  'RecordsSkipped',
  'BadRecords',
] as const;

/** The last line on stderr: how many records, and what the pipeline counted. */
function summaryLine(total: number, counts: Map<PipelineMetric, number>): string {
  return `${total} record(s): ${SUMMARY_METRICS.map((m) => `${m} ${counts.get(m) ?? 0}`).join(', ')}\n`;
}

/** Runs the pipeline over the inputs; returns the exit code (1 when any input was unreadable). */
export async function runReplay(options: ReplayOptions, io: CliIo, source?: AsyncIterable<InputItem>): Promise<number> {
  const style = makeStyle(useColor(io));
  const read: ReadProgress = { consumed: 0, total: null };
  const items = source ?? readAllInputs(options.paths, io, read, options.filter ?? {});
  // Validated before anything is opened: a bad setting fails the command at once with AlertPolicyConfigError.
  // Against a deployed table, behave as the deployed Lambda does (its alert lease).
  const embeddedPolicy = alertPolicyConfig({ windowMinutes: options.alertWindowMinutes });
  const deployedPolicy = deployedAlertPolicy(options.alertWindowMinutes);
  const rules = cliRules(options.rulesFile, io);
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
    ...(rules ? { rules } : {}),
    exclusiveOwner: runtime.exclusiveOwner,
  };
  let failed = false;
  try {
    io.stderr.write(style.dim(`access-auditor replay → ${runtime.description}\n`));
    const deps: ProcessDeps = { ...analyze, ...alertDeps, clock: () => io.now() };
    const changeDeps = changeDepsFor(analyze, { ...alertDeps, store: runtime.store }, () => io.now());
    const latest = new LatestEventTime();
    const context: ReplayContext = { changeDeps, latest };
    let total = 0;
    // Reading runs ahead of processing: remember where each record ended, for the progress line's ETA.
    const positions: number[] = [];
    const tracked = (async function* () {
      for await (const item of items) {
        positions.push(read.consumed);
        yield item;
      }
    })();
    // On the embedded default this process is the store's one writer: a storm's records are counted in groups.
    const groups = groupConsecutive(tracked, runtime.embedded ? GROUP_SIZE : 1);
    const batchDeps = { ...deps, store: runtime.store };
    for await (const groupResult of runOrdered(groups, {
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      keys: (group) => group.keys,
      // A policy change waits for the records before it and holds back those after it.
      barrier: (group) => group.items.length === 1 && isChangeItem(group.items[0]!),
      run: (group) => replayGroup(group, batchDeps, context),
    })) {
      if (!groupResult.ok) throw groupResult.error;
      for (const result of groupResult.value) {
        total++;
        const line = outcomeLine(result, options.json, style);
        if (line.failed) failed = true;
        if (io.stdout.isTTY) progress.clear();
        io.stdout.write(line.text + '\n');
        const at = positions.shift();
        progress.update({ records: total, denials: counts.get('DenialsProcessed') ?? 0, incidents: counts.get('IncidentsOpened') ?? 0 }, at);
      }
    }
    progress.clear();
    io.stderr.write(style.dim(summaryLine(total, counts)));
    await finishReplay(runtime, alertDeps, latest.get(), options, io, style);
  } finally {
    await runtime.close();
  }
  return failed ? 1 : 0;
}

/** What the deployed sweep does every 15 minutes, done once at the end of a replay on the embedded default. */
async function embeddedSweeps(
  alertDeps: AlertDeps & Pick<PipelineDeps, 'store'>,
  store: Parameters<typeof sweepStale>[0]['store'],
  asOf: Date | null,
  options: ReplayOptions,
  io: CliIo,
  style: Style,
): Promise<void> {
  const swept = await sweepDeferredAlerts({ ...alertDeps, clock: () => io.now() });
  if (swept.sent > 0) io.stderr.write(style.dim(`sent ${swept.sent} held-back alert(s) whose window had passed\n`));
  for (const f of swept.failed) io.stderr.write(`held-back alert for ${f.fingerprint} not sent: ${printableLine(f.error)}\n`);
  // Quiet resolution as of the end of the replayed history (not the wall clock: last month's trail is not all stale).
  const stale = asOf ? await sweepStale({ store }, asOf, options.staleAfterDays) : null;
  if (stale && stale.stale.length > 0)
    io.stderr.write(style.dim(`${stale.stale.length} incident(s) not seen for ${options.staleAfterDays} days became stale\n`));
}

export async function replayCommand(argv: string[], io: CliIo): Promise<number> {
  return runReplay(parseReplayArgs(argv, io), io);
}
