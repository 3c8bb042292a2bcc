import type { Denial } from '../denial/types';
import type { Incident, RecordOutcome } from '../incidents/types';
import type { AlertLedger, BatchOccurrenceRecorder, IncidentLister, OccurrenceRecorder, StatusUpdater } from '../incidents/ports';
import { InvalidOccurrenceError } from '../incidents/errors';
import { statusTransitionFor, triggerFor } from '../alerts/policy';
import { analyzeRecord, type AnalyzeDeps } from './analyze';
import { alertForRedelivery, claimAndPublish, resendPending, type AlertDeps, type AlertOutcome } from './dispatch-alert';

/** Everything processing a record needs: the analysis enrichers, the alert dispatch, and the clock. */
export interface PipelineDeps extends AnalyzeDeps, Omit<AlertDeps, 'store'> {
  /** Records count, reopen and claim alerts ({@link ProcessDeps}); the sweep tick also lists open incidents. */
  store: OccurrenceRecorder & StatusUpdater & AlertLedger & IncidentLister;
  clock: () => Date;
}

/** What processing one record needs: the pipeline's dependencies, with only the store roles it uses. */
export type ProcessDeps = Omit<PipelineDeps, 'store'> & { store: OccurrenceRecorder & StatusUpdater & AlertLedger };

export type PipelineOutcome =
  | { kind: 'skipped'; eventId: string | null; reason: string }
  | { kind: 'invalid'; eventId: string | null; message: string }
  | { kind: 'duplicate'; eventId: string; fingerprint: string; alert: AlertOutcome }
  | { kind: 'counted'; eventId: string; fingerprint: string; created: boolean; reopened: boolean; count: number; alert: AlertOutcome; denial: Denial };

export interface ProcessOptions {
  /**
   * Identifies this delivery to the store's counting lease. The Lambda passes its request ID, which an
   * async retry keeps, so a retry of an invocation that died mid-count resumes its own claim at once.
   */
  owner?: string;
}

/**
 * One CloudTrail record through the whole product: analyse, count exactly once, alert without storms.
 *
 * Failure semantics: a record that cannot be decoded is an `invalid` outcome (logged and counted by the
 * caller, never retried). Store and notifier errors propagate, so the Lambda invocation fails and the
 * retry / on-failure destination keep the event: the retry finds the event already counted (`duplicate`)
 * and re-sends an alert that was claimed but not published, once.
 */
export async function processRecord(record: unknown, deps: ProcessDeps, options: ProcessOptions = {}): Promise<PipelineOutcome> {
  const count = deps.count ?? (() => undefined);
  const analysed = await analyzeRecord(record, deps);
  if (analysed.kind === 'skipped') {
    count('RecordsSkipped');
    return analysed;
  }
  if (analysed.kind === 'invalid') {
    count('BadRecords');
    return analysed;
  }
  const denial = analysed.denial;
  const now = deps.clock();
  let recorded: RecordOutcome;
  try {
    recorded = await deps.store.recordOccurrence(denial, now, options.owner ? { owner: options.owner } : undefined);
  } catch (err) {
    // Retrying a denial the store can never accept would only fill the dead-letter queue.
    if (!(err instanceof InvalidOccurrenceError)) throw err;
    count('BadRecords');
    return { kind: 'invalid', eventId: denial.eventId || null, message: err.message };
  }

  return afterRecorded(denial, recorded, now, deps);
}

/** Alerting once the store has counted (or recognised) the denial's event. */
async function afterRecorded(denial: Denial, recorded: RecordOutcome, now: Date, deps: ProcessDeps): Promise<PipelineOutcome> {
  const count = deps.count ?? (() => undefined);
  if (recorded.kind === 'duplicate') {
    count('Duplicates');
    const alert = recorded.incident ? await alertForRedelivery(recorded.incident, denial.eventId, now, deps) : 'none';
    return { kind: 'duplicate', eventId: denial.eventId, fingerprint: denial.fingerprint, alert };
  }

  let incident = recorded.incident;
  count('DenialsProcessed');
  if (recorded.created) count('IncidentsOpened');
  // A claim left by an occurrence whose retries ran out is sent first, by whoever comes next.
  const resent = await resendPending(incident, denial.eventId, now, deps);
  let reopened = false;
  const transition = statusTransitionFor(incident, now);
  if (transition) {
    reopened = await deps.store.setStatus(incident.fingerprint, transition.to, now, { from: transition.from });
    if (reopened) incident = { ...incident, status: transition.to, suppressedUntil: undefined };
  }

  const trigger = triggerFor({ incident, created: recorded.created, reopened, now }, deps.alertPolicy);
  const claimed = trigger ? await claimAndPublish(incident, trigger, denial.eventId, now, deps) : 'none';
  // An alert re-sent just now is what went out; a trigger refused right after it waits for the window.
  const alert = resent === 'resent' ? 'resent' : claimed;
  return {
    kind: 'counted',
    eventId: denial.eventId,
    fingerprint: incident.fingerprint,
    created: recorded.created,
    reopened,
    count: incident.count,
    alert,
    denial,
  };
}

/**
 * Records of one incident, in input order, counted by one store call where the store can batch them
 * (replay on the embedded default, see {@link BatchOccurrenceRecorder}); then each record's alerting in
 * order, as one at a time. Records that are not denials, or not of the batch's incident, go one at a time.
 * An invalid denial makes the whole batch go one at a time (the store validates before writing).
 */
export async function processRecords(records: readonly unknown[], deps: ProcessDeps & { store: BatchOccurrenceRecorder }): Promise<PipelineOutcome[]> {
  const analysed = await Promise.all(records.map((record) => analyzeRecord(record, deps)));
  const denials = analysed.flatMap((a) => (a.kind === 'denial' ? [a.denial] : []));
  const fingerprints = new Set(denials.map((d) => d.fingerprint));
  if (denials.length !== records.length || fingerprints.size !== 1 || new Set(denials.map((d) => d.eventId)).size !== denials.length) {
    return sequentially(records, deps);
  }
  const now = deps.clock();
  let recorded: RecordOutcome[];
  try {
    recorded = await deps.store.recordOccurrences(denials, now);
  } catch (err) {
    if (!(err instanceof InvalidOccurrenceError)) throw err;
    return sequentially(records, deps);
  }
  const outcomes: PipelineOutcome[] = [];
  let reopenedTo: Incident['status'] | undefined;
  for (const [i, denial] of denials.entries()) {
    let outcome = recorded[i]!;
    // A comeback reopened by an earlier record of the batch: later ones see the incident as it now is.
    if (outcome.kind === 'counted' && reopenedTo) outcome = { ...outcome, incident: { ...outcome.incident, status: reopenedTo, suppressedUntil: undefined } };
    const result = await afterRecorded(denial, outcome, now, deps);
    if (result.kind === 'counted' && result.reopened && outcome.kind === 'counted') reopenedTo = statusTransitionFor(outcome.incident, now)?.to;
    outcomes.push(result);
  }
  return outcomes;
}

async function sequentially(records: readonly unknown[], deps: ProcessDeps): Promise<PipelineOutcome[]> {
  const outcomes: PipelineOutcome[] = [];
  for (const record of records) outcomes.push(await processRecord(record, deps));
  return outcomes;
}
