import { jsonLine } from '../lib/display/sanitise';
import { resolve } from 'node:path';
import { processRecord, type PipelineDeps, type PipelineOutcome, type ProcessDeps } from '../lib/pipeline/process';
import type { AlertDeps } from '../lib/pipeline/dispatch-alert';
import type { PipelineMetric } from '../lib/pipeline/metrics';
import { sweepDeferredAlerts } from '../lib/pipeline/sweep';
import { runOrdered } from '../lib/pipeline/ordered-pool';
import { alertPolicyConfig } from '../lib/alerts/policy';
import { deployedAlertPolicy } from '../lib/config';
import { incidentCommands } from '../lib/notify/alert/commands';
import { RetryLaterError, UsageError } from '../lib/errors';
import {
  applyCheckpoint,
  decideStart,
  newCursor,
  type BackfillCursor,
  type BackfillSourceKind,
  type CursorStore,
  type ResumeMode,
} from '../lib/backfill/cursor';
import { BackfillStats, type BackfillItem, type Window } from '../lib/backfill/items';
import type { CliIo } from './io';
import { useColor } from './io';
import { openRuntime, DEFAULT_DATA_DIR, type Runtime } from './runtime';
import { buildAnalyzeDeps } from './sources';
import { makeStyle, printableLine, type Style } from './style';
import { DEFAULT_CONCURRENCY, DEFAULT_ONLINE_CONCURRENCY, EMBEDDED_TOPIC_ARN, describeOutcome, jsonOutcome, orderKeys, type ReplayOptions } from './replay';
import { BackfillProgressLine, UNIT_NAMES, backfillProgressText, count, formatBytes, formatDuration } from './backfill-progress';
import { FileCursorStore, cursorFilePath } from './backfill-cursor';

/** What one backfill reads, as the command built it. */
export interface BackfillPlan {
  source: BackfillSourceKind;
  /** What is read, in words, for the header and the summary ("s3://bucket/AWSLogs/"). */
  description: string;
  /** The cursor's identity ({@link cursorIdentity}): what is read, without the window. */
  identity: string;
  window: Window;
  mode: ResumeMode;
  /** The reader, started from a cursor (fresh or resumed) over a window (the cursor's, when resumed). */
  read(cursor: BackfillCursor, window: Window, stats: BackfillStats): AsyncIterable<BackfillItem>;
  /** A note for the summary once the run ends (the query engine's scan and its cost). */
  costNote?(stats: BackfillStats): string | null;
}

export interface BackfillRunOptions {
  replay: ReplayOptions;
  /** Where the cursor is kept (default: a file in the data dir). */
  cursorStore?: CursorStore;
  /** Wall clock for the progress line and the rate (performance.now by default). */
  tick?: () => number;
  /** Stops reading (Ctrl-C): what was read is processed, the cursor saved, the summary printed. */
  signal?: AbortSignal;
}

type Result =
  | { kind: 'processed'; index: number; outcome: PipelineOutcome }
  | { kind: 'unreadable'; index: number; error: string }
  | { kind: 'checkpoint'; item: Extract<BackfillItem, { kind: 'checkpoint' }> };

interface Tally {
  processed: number;
  failed: boolean;
  busy: number;
  checkpoints: number;
  metrics: Map<PipelineMetric, number>;
}

function defaultCursorStore(plan: BackfillPlan, replay: ReplayOptions, io: CliIo): CursorStore {
  const dataDir = resolve(io.cwd, replay.dataDir ?? io.env.ACCESS_AUDITOR_DATA_DIR ?? DEFAULT_DATA_DIR);
  return new FileCursorStore(cursorFilePath(dataDir, plan.source, plan.identity));
}

async function startingCursor(plan: BackfillPlan, store: CursorStore, io: CliIo, style: Style): Promise<BackfillCursor> {
  let stored: BackfillCursor | null = null;
  try {
    stored = await store.load();
  } catch (err) {
    if (plan.mode !== 'restart') throw err;
  }
  const decision = decideStart(stored, plan.mode, () => newCursor(plan.source, plan.identity, plan.window, io.now()));
  if (!decision) throw new UsageError(`no unfinished backfill to resume for ${plan.description} (${store.location}); run it without --resume to start one`);
  if (decision.kind === 'resume') {
    const c = decision.cursor;
    const done = Object.values(c.units).filter((u) => u.done).length;
    io.stderr.write(
      style.dim(
        `resuming the backfill started ${c.startedAt} over ${c.since} → ${c.until}: ${done} ${UNIT_NAMES[plan.source]}(s) done (--restart starts over)\n`,
      ),
    );
  } else if (decision.replaced === 'unfinished') {
    io.stderr.write(style.dim(`--restart: the unfinished backfill in ${store.location} is replaced by this one\n`));
  }
  return decision.cursor;
}

function processDeps(options: BackfillRunOptions, runtime: Runtime, io: CliIo, metrics: Map<PipelineMetric, number>): ProcessDeps {
  const replay = options.replay;
  const analyze = buildAnalyzeDeps({ policyFiles: replay.policyFiles, online: replay.online, readRole: replay.readRole, io });
  const alertDeps: AlertDeps & Pick<PipelineDeps, 'store'> = {
    store: runtime.store,
    notifier: runtime.notifier,
    topicArn: runtime.topicArn ?? EMBEDDED_TOPIC_ARN,
    alertPolicy: runtime.embedded ? alertPolicyConfig({ windowMinutes: replay.alertWindowMinutes }) : deployedAlertPolicy(replay.alertWindowMinutes),
    ...(runtime.embedded || !replay.table ? {} : incidentCommands(replay.table, runtime.region)),
    count: (metric, value = 1) => metrics.set(metric, (metrics.get(metric) ?? 0) + value),
  };
  return { ...analyze, ...alertDeps, clock: () => io.now() };
}

/** The output line of one result, or null for outcomes a backfill does not print in text mode (repeats, duplicates, skips). */
function outputLine(result: Exclude<Result, { kind: 'checkpoint' }>, json: boolean, style: Style): string | null {
  if (result.kind === 'unreadable') {
    return json ? jsonLine({ error: result.error, input: result.index }).trimEnd() : `${style.red('error   ')}${printableLine(result.error)}`;
  }
  const o = result.outcome;
  if (json) return jsonLine({ input: result.index, ...jsonOutcome(o) }).trimEnd();
  const shown = o.kind === 'invalid' || (o.kind === 'counted' && (o.created || o.reopened || o.alert !== 'none'));
  return shown ? describeOutcome(o, style) : null;
}

/**
 * Runs a backfill through the same pipeline as live ingestion and `replay`: each denial is processed
 * exactly like a delivered event (its event marker makes a re-read a duplicate), the cursor advances
 * after every page or object whose records are all processed, and a summary ends the run.
 */
export async function runBackfill(plan: BackfillPlan, options: BackfillRunOptions, io: CliIo): Promise<number> {
  const style = makeStyle(useColor(io));
  const progress = new BackfillProgressLine(io.stderr, options.tick ?? (() => performance.now()));
  const stderr = { isTTY: io.stderr.isTTY, write: (chunk: string) => (progress.clear(), io.stderr.write(chunk)) };
  const replay = options.replay;
  // The cursor is settled before the store is opened: a refused --resume creates nothing.
  const store = options.cursorStore ?? defaultCursorStore(plan, replay, io);
  let cursor = await startingCursor(plan, store, io, style);
  const runtime = await openRuntime({
    dataDir: replay.dataDir,
    alertsFile: replay.alertsFile,
    table: replay.table,
    topicArn: replay.topicArn,
    io: { ...io, stderr },
  });
  try {
    const window = { since: new Date(cursor.since), until: new Date(cursor.until) };
    io.stderr.write(style.dim(`access-auditor backfill ${plan.source}: ${plan.description}, ${cursor.since} → ${cursor.until} → ${runtime.description}\n`));
    const stats = new BackfillStats();
    const tally: Tally = { processed: 0, failed: false, busy: 0, checkpoints: 0, metrics: new Map() };
    const deps = processDeps(options, runtime, io, tally.metrics);
    let sourceError: unknown;
    let interrupted = false;
    const source = plan.read(cursor, window, stats);
    const indexed = (async function* () {
      let index = 0;
      try {
        for await (const item of source) {
          if (options.signal?.aborted) {
            interrupted = true;
            break;
          }
          yield { item, index: item.kind === 'checkpoint' ? -1 : index++ };
        }
      } catch (err) {
        sourceError = err;
      }
    })();
    const concurrency = replay.online ? DEFAULT_ONLINE_CONCURRENCY : DEFAULT_CONCURRENCY;
    for await (const result of runOrdered(indexed, {
      concurrency,
      keys: ({ item, index }) => (item.kind === 'record' ? orderKeys({ index, record: item.record }) : []),
      run: async ({ item, index }): Promise<Result> => {
        if (item.kind === 'record') return { kind: 'processed', index, outcome: await processRecord(item.record, deps) };
        if (item.kind === 'error') return { kind: 'unreadable', index, error: item.error };
        return { kind: 'checkpoint', item };
      },
    })) {
      cursor = await handleResult(result, { cursor, store, tally, io, style, json: replay.json, progress });
      progress.update(() => backfillProgressText(stats, plan.source === 's3', progress.elapsed(), tally.processed));
    }
    progress.clear();
    const complete = sourceError === undefined && tally.busy === 0 && !interrupted;
    if (complete) await store.save((cursor = { ...cursor, complete: true, updatedAt: io.now().toISOString() }));
    // A failure before the first response (credentials, a wrong bucket) is the error alone: a summary of zeros says nothing.
    const readAnything = stats.pages + stats.objects > 0;
    if (sourceError === undefined || readAnything) {
      const resumable = Object.keys(cursor.units).length > 0;
      writeSummary({ plan, stats, tally, io, style, json: replay.json, complete, resumable, location: store.location, elapsedMs: progress.elapsed() });
    }
    if (sourceError !== undefined) throw sourceError;
    // 130: the shell's code for a command ended by Ctrl-C.
    if (interrupted) return 130;
    if (runtime.embedded) await sweepEmbedded({ ...deps, store: runtime.store }, io, style);
    return tally.failed ? 1 : 0;
  } finally {
    progress.clear();
    await runtime.close();
  }
}

interface HandleContext {
  cursor: BackfillCursor;
  store: CursorStore;
  tally: Tally;
  io: CliIo;
  style: Style;
  json: boolean;
  progress: BackfillProgressLine;
}

/** Prints one result, or advances the cursor on a checkpoint; returns the cursor. */
async function handleResult(
  result: { ok: true; value: Result } | { ok: false; error: unknown; item: { index: number } },
  ctx: HandleContext,
): Promise<BackfillCursor> {
  const { tally, io, style } = ctx;
  if (!result.ok) {
    if (!(result.error instanceof RetryLaterError)) throw result.error;
    // Held by another delivery right now: the cursor stops advancing, so the next run reads this record again.
    tally.busy++;
    tally.failed = true;
    const message = `${result.error.message}; run the backfill again to retry it`;
    io.stdout.write(
      (ctx.json ? jsonLine({ input: result.item.index, kind: 'busy', message }).trimEnd() : `${style.yellow('busy    ')}${printableLine(message)}`) + '\n',
    );
    return ctx.cursor;
  }
  const value = result.value;
  if (value.kind === 'checkpoint') {
    if (tally.busy > 0) return ctx.cursor;
    const next = applyCheckpoint(ctx.cursor, value.item.checkpoint, io.now());
    await ctx.store.save(next);
    tally.checkpoints++;
    return next;
  }
  tally.processed++;
  if (value.kind === 'unreadable' || value.outcome.kind === 'invalid') tally.failed = true;
  const line = outputLine(value, ctx.json, style);
  if (line !== null) {
    if (io.stdout.isTTY) ctx.progress.clear();
    io.stdout.write(line + '\n');
  }
  return ctx.cursor;
}

async function sweepEmbedded(deps: Parameters<typeof sweepDeferredAlerts>[0], io: CliIo, style: Style): Promise<void> {
  const swept = await sweepDeferredAlerts(deps);
  if (swept.sent > 0) io.stderr.write(style.dim(`sent ${swept.sent} held-back alert(s) whose window had passed\n`));
  for (const f of swept.failed) io.stderr.write(`held-back alert for ${f.fingerprint} not sent: ${printableLine(f.error)}\n`);
}

interface SummaryInput {
  plan: BackfillPlan;
  stats: BackfillStats;
  tally: Tally;
  io: CliIo;
  style: Style;
  json: boolean;
  complete: boolean;
  /** The cursor holds progress to resume from. */
  resumable: boolean;
  location: string;
  elapsedMs: number;
}

function writeSummary(s: SummaryInput): void {
  const m = (name: PipelineMetric): number => s.tally.metrics.get(name) ?? 0;
  const summary = {
    kind: 'summary',
    source: s.plan.source,
    complete: s.complete,
    pages: s.stats.pages,
    objects: s.stats.objects,
    records: s.stats.records,
    denials: s.stats.denials,
    processed: s.tally.processed,
    counted: m('DenialsProcessed'),
    duplicates: m('Duplicates'),
    incidentsOpened: m('IncidentsOpened'),
    alertsSent: m('AlertsSent'),
    skipped: m('RecordsSkipped'),
    invalid: m('BadRecords'),
    busy: s.tally.busy,
    retries: s.stats.retries,
    bytesScanned: s.stats.bytesScanned,
    seconds: Math.round(s.elapsedMs / 100) / 10,
    cursor: s.location,
  };
  if (s.json) s.io.stdout.write(jsonLine(summary));
  const what = s.plan.source === 's3' ? `${count(s.stats.objects)} object(s)` : `${count(s.stats.pages)} page(s)`;
  const lines = [
    `backfill ${s.plan.source} ${s.complete ? 'complete' : 'stopped'} in ${formatDuration(s.elapsedMs / 1000)}: ${what}, ${count(s.stats.records)} record(s) read, ${count(s.stats.denials)} denial(s) found`,
    `  pipeline: ${count(summary.counted)} counted, ${count(summary.duplicates)} already counted, ${count(summary.incidentsOpened)} incident(s) opened, ${count(summary.alertsSent)} alert(s) sent, ${count(summary.skipped)} skipped, ${count(summary.invalid)} invalid${s.tally.busy ? `, ${s.tally.busy} busy` : ''}`,
    `  ${s.stats.retries} request(s) retried after throttling or transient errors${s.stats.bytesScanned ? `; the query scanned ${formatBytes(s.stats.bytesScanned)}` : ''}`,
    `  cursor: ${s.location}${s.complete ? ' (complete)' : s.resumable ? ': run the same command again to resume' : ' (nothing finished yet: a new run starts over)'}`,
  ];
  const note = s.plan.costNote?.(s.stats);
  if (note) lines.push(`  ${note}`);
  s.io.stderr.write(s.style.dim(lines.join('\n') + '\n'));
}
