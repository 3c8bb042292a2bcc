import { userInfo } from 'node:os';
import { INCIDENT_STATUSES, timeToFixMs, type Incident, type IncidentStatus } from '../lib/incidents/types';
import type { IncidentStore } from '../lib/incidents/ports';
import { sweepStale } from '../lib/pipeline/stale';
import { didYouMean, parseCommandArgs } from './args';
import { parseStaleAfter } from './replay-loop';
import { UsageError } from '../lib/errors';
import type { CliIo } from './io';
import { useColor } from './io';
import { openRuntime } from './runtime';
import { parseDuration } from './duration';
import { renderIncidentDetail, renderIncidentTable } from './render-incidents';
import { renderDenial } from './render-denial';
import { exportIncidents, importIncidents } from './incidents-backup';
import { forDisplay, jsonLine } from '../lib/display/sanitise';
import { makeStyle, printableLine } from './style';

export const INCIDENTS_USAGE = `Usage: access-auditor incidents [list|show FP|ack FP|resolve FP|suppress FP --for 7d|sweep|export|import FILE [--overwrite]]
                                [--status S] [--limit N] [--by NAME] [--note TEXT]
                                [--data-dir DIR | --table NAME] [--json] [--stale-after DAYS] [--as-of TIME]

  list            incidents, newest first (--status ${INCIDENT_STATUSES.join('|')})
  show FP         one incident: counts, regions, sessions, who changed its status, the latest
                  explanation and proposal
  ack FP          acknowledge: someone is on it (a new occurrence re-opens and re-alerts)
  resolve FP      mark fixed (a new occurrence re-opens and re-alerts)
  suppress FP     silence for --for (30m, 12h, 7d, 2w); occurrences are still counted
  sweep           mark open and acknowledged incidents not seen for --stale-after days (default 14)
                  before --as-of (default now) stale: quiet, not counted as fixed, reopened if seen again
  export          every stored item (incidents, explanations, occurrences and exactly-once markers) as JSON Lines
                  on standard output: a backup, or a move to another --data-dir or table (--json is accepted)
  import FILE     writes an export into the store: identical items are left (importing twice changes nothing);
                  items that differ from the stored ones refuse the whole import unless --overwrite
FP is a fingerprint or any unique start of one (at least 4 characters), as \`incidents list\` shows them.
  --by NAME       who made the change (default: your OS user name), recorded on the incident
  --note TEXT     why (recorded and shown by \`incidents show\`)`;

const ACTIONS = ['list', 'show', 'ack', 'resolve', 'suppress', 'sweep', 'export', 'import'] as const;
type Action = (typeof ACTIONS)[number];
/** Actions that only read the store (it is opened read-only for them). */
const READING: readonly Action[] = ['list', 'show', 'export'];
/** Actions that take no fingerprint. */
const WHOLE_STORE: readonly Action[] = ['list', 'sweep', 'export'];
const STATUS_FOR: Record<'ack' | 'resolve' | 'suppress', IncidentStatus> = { ack: 'acknowledged', resolve: 'resolved', suppress: 'suppressed' };
const MIN_PREFIX = 4;

function parseIncidentArgs(argv: string[]) {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      status: { type: 'string' },
      for: { type: 'string' },
      by: { type: 'string' },
      note: { type: 'string' },
      'data-dir': { type: 'string' },
      table: { type: 'string' },
      'topic-arn': { type: 'string' },
      json: { type: 'boolean' },
      limit: { type: 'string' },
      'stale-after': { type: 'string' },
      'as-of': { type: 'string' },
      overwrite: { type: 'boolean' },
    },
    { max: 2, what: 'an action and a fingerprint (or the FILE of import)' },
  );
  const action = (positionals[0] ?? 'list') as Action;
  if (!ACTIONS.includes(action)) throw new UsageError(`unknown incidents action "${action}"${didYouMean(action, ACTIONS)}; actions: ${ACTIONS.join(', ')}`);
  const fingerprint = positionals[1];
  if (action === 'import' && !fingerprint) throw new UsageError('incidents import needs the export FILE');
  if (!WHOLE_STORE.includes(action) && !fingerprint) throw new UsageError(`incidents ${action} needs a fingerprint (or a unique start of one)`);
  if (WHOLE_STORE.includes(action) && fingerprint)
    throw new UsageError(
      `unexpected argument "${fingerprint}": incidents ${action} takes no fingerprint${action === 'list' ? ' (did you mean incidents show?)' : ''}`,
    );
  const status = values.status as IncidentStatus | undefined;
  if (status && !INCIDENT_STATUSES.includes(status)) throw new UsageError(`--status must be one of ${INCIDENT_STATUSES.join(', ')}`);
  if (action === 'suppress' && !values.for) throw new UsageError('incidents suppress needs --for, e.g. --for 7d');
  if (action !== 'suppress' && values.for) throw new UsageError('--for goes with incidents suppress');
  const changes = action === 'ack' || action === 'resolve' || action === 'suppress';
  if (!changes && (values.by !== undefined || values.note !== undefined)) throw new UsageError('--by and --note go with ack, resolve and suppress');
  if (values.by !== undefined && values.by.trim() === '') throw new UsageError('--by needs a name');
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new UsageError('--limit must be a positive whole number');
  const sweep = sweepOptions(values['stale-after'], values['as-of']);
  if (action !== 'sweep' && (values['stale-after'] !== undefined || values['as-of'] !== undefined))
    throw new UsageError('--stale-after and --as-of go with incidents sweep');
  return { values, action, fingerprint, status, limit, sweep, suppressMs: action === 'suppress' ? parseDuration(values.for as string) : 0 };
}

/** Who is making a change when --by is not given: the OS user, as `git` or `sudo` would name them. */
export function defaultActor(io: CliIo): string {
  try {
    const name = userInfo().username;
    if (name) return name;
  } catch {
    // no user entry (some containers): fall back to the environment
  }
  return io.env.USER ?? io.env.LOGNAME ?? io.env.USERNAME ?? 'unknown';
}

/**
 * The incident a fingerprint or a unique start of one names; null when none does. Ambiguous is a usage
 * error that lists what matched, so the user can type more of it.
 */
export async function resolveFingerprint(store: Pick<IncidentStore, 'get' | 'list'>, given: string): Promise<Incident | null> {
  const exact = await store.get(given);
  if (exact) return exact;
  if (given.length < MIN_PREFIX) return null;
  const needle = given.toLowerCase();
  const matches = (await store.list()).filter((i) => i.fingerprint.toLowerCase().startsWith(needle));
  if (matches.length === 1) return matches[0] as Incident;
  if (matches.length === 0) return null;
  const shown = matches.slice(0, 10).map((i) => `  ${i.fingerprint}  ${i.status}  ${printableLine(i.action)}`);
  throw new UsageError(
    `"${printableLine(given)}" starts ${matches.length} fingerprints; give more of it:\n${shown.join('\n')}${matches.length > 10 ? '\n  …' : ''}`,
  );
}

export async function incidentsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, action, fingerprint, status, limit, sweep, suppressMs } = parseIncidentArgs(argv);
  const style = makeStyle(useColor(io));
  const runtime = await openRuntime({
    dataDir: values['data-dir'],
    table: values.table,
    topicArn: values['topic-arn'],
    needsTopic: false,
    // An import may create the store (a new --data-dir to restore into); every other action needs one.
    mustExist: action !== 'import',
    readOnly: READING.includes(action),
    io,
  });
  try {
    if (action === 'sweep') return await sweepCommand(runtime.store, sweep, Boolean(values.json), io);
    if (action === 'export') return await exportIncidents(runtime.backup, io);
    if (action === 'import') return await importIncidents(fingerprint as string, Boolean(values.overwrite), runtime.backup, io);
    if (action === 'list') {
      const incidents = await runtime.store.list({ status, limit });
      if (values.json) {
        for (const i of incidents) io.stdout.write(jsonLine(incidentListLine(i)));
      } else io.stdout.write(renderIncidentTable(forDisplay(incidents), style));
      return 0;
    }
    const incident = await resolveFingerprint(runtime.store, fingerprint as string);
    if (!incident) {
      const short = (fingerprint as string).length < MIN_PREFIX ? ` (a shortened fingerprint needs at least ${MIN_PREFIX} characters)` : '';
      io.stderr.write(`no incident with fingerprint ${printableLine(fingerprint as string)}${short}; \`incidents list\` shows them\n`);
      return 1;
    }
    if (action === 'show') {
      if (values.json) {
        const occurrences = await runtime.store.occurrences(incident.fingerprint, 20);
        io.stdout.write(jsonLine({ ...incident, occurrences }));
      } else {
        const view = forDisplay(incident);
        io.stdout.write(renderIncidentDetail(view, style) + '\nLatest occurrence:\n' + renderDenial(view.latest, style));
      }
      return 0;
    }
    const now = io.now();
    const to = STATUS_FOR[action as 'ack' | 'resolve' | 'suppress'];
    const by = values.by?.trim() ?? defaultActor(io);
    const changed = await runtime.store.setStatus(incident.fingerprint, to, now, {
      by,
      ...(values.note ? { note: values.note } : {}),
      ...(to === 'suppressed' ? { suppressedUntil: new Date(now.getTime() + suppressMs) } : {}),
      ...(to === 'resolved'
        ? { resolution: { kind: 'manual' as const, at: now.toISOString(), by, reason: values.note ?? 'resolved with incidents resolve' } }
        : {}),
    });
    if (!changed) {
      io.stderr.write(`incident ${incident.fingerprint} changed meanwhile; try again\n`);
      return 1;
    }
    io.stdout.write(
      values.json
        ? jsonLine({ fingerprint: incident.fingerprint, status: to, by, ...(values.note ? { note: values.note } : {}) })
        : `${incident.fingerprint} is now ${to} (by ${printableLine(by)})\n`,
    );
    return 0;
  } finally {
    await runtime.close();
  }
}

function sweepOptions(staleAfter: string | undefined, asOfText: string | undefined): { staleAfterDays: number; asOf: Date | null } {
  const staleAfterDays = parseStaleAfter(staleAfter);
  const asOf = asOfText === undefined ? null : new Date(asOfText);
  if (asOf && Number.isNaN(asOf.getTime())) throw new UsageError(`--as-of must be a time such as 2026-12-01T00:00:00Z, got "${asOfText}"`);
  return { staleAfterDays, asOf };
}

async function sweepCommand(
  store: Parameters<typeof sweepStale>[0]['store'],
  options: { staleAfterDays: number; asOf: Date | null },
  json: boolean,
  io: CliIo,
): Promise<number> {
  const result = await sweepStale({ store }, options.asOf ?? io.now(), options.staleAfterDays);
  if (json) io.stdout.write(jsonLine(result));
  else
    io.stdout.write(
      `${result.stale.length} of ${result.checked} open or acknowledged incident(s) became stale${result.stale.length > 0 ? `: ${result.stale.join(', ')}` : ''}\n`,
    );
  return 0;
}

/** The `list --json` line: the fields the contract promises, plus the latest proposal. */
export function incidentListLine(i: Incident): Record<string, unknown> {
  return {
    fingerprint: i.fingerprint,
    status: i.status,
    count: i.count,
    firstSeen: i.firstSeen,
    lastSeen: i.lastSeen,
    principal: i.principal,
    action: i.action,
    resource: i.resource,
    reason: i.reason,
    callRegion: i.callRegion,
    deniedRegion: i.deniedRegion,
    accounts: i.accounts,
    regions: i.regions,
    suppressedUntil: i.suppressedUntil,
    alertsSent: i.alert.alertsSent,
    resolution: i.resolution ?? null,
    timeToFixMs: timeToFixMs(i),
    regressions: i.regressions ?? null,
    proposal: i.proposal ?? i.latest.proposal ?? null,
  };
}
