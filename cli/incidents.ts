import { parseArgs } from 'node:util';
import { INCIDENT_STATUSES, type IncidentStatus } from '../lib/incidents/types';
import { UsageError } from '../lib/errors';
import type { CliIo } from './io';
import { useColor } from './io';
import { openRuntime } from './runtime';
import { parseDuration } from './duration';
import { renderIncidentDetail, renderIncidentTable } from './render-incidents';
import { renderDenial } from './render-denial';
import { makeStyle } from './style';
import { exportIncidents, importIncidents } from './incidents-backup';

export const INCIDENTS_USAGE = `Usage: access-auditor incidents [list|show FP|ack FP|resolve FP|suppress FP --for 7d|export|import FILE [--overwrite]]
                                [--status S] [--limit N] [--data-dir DIR | --table NAME [--region R]] [--json]

  list            incidents, newest first (--status open|acknowledged|resolved|suppressed)
  show FP         one incident: counts, regions, sessions, the latest explanation and proposal
  ack FP          acknowledge: someone is on it (a new occurrence re-opens and re-alerts)
  resolve FP      mark fixed (a new occurrence re-opens and re-alerts)
  suppress FP     silence for --for (30m, 12h, 7d, 2w); occurrences are still counted
  export          every stored item (incidents, explanations, occurrences and exactly-once markers) as JSON Lines
                  on standard output: a backup, or a move to another --data-dir or table (--json is accepted)
  import FILE     writes an export into the store: identical items are left (importing twice changes nothing);
                  items that differ from the stored ones refuse the whole import unless --overwrite`;

type Action = 'list' | 'show' | 'ack' | 'resolve' | 'suppress' | 'export' | 'import';
const ACTIONS: readonly Action[] = ['list', 'show', 'ack', 'resolve', 'suppress', 'export', 'import'];
const READING: readonly Action[] = ['list', 'show', 'export'];
const STATUS_FOR: Record<'ack' | 'resolve' | 'suppress', IncidentStatus> = { ack: 'acknowledged', resolve: 'resolved', suppress: 'suppressed' };

const OPTIONS = {
  status: { type: 'string' },
  for: { type: 'string' },
  'data-dir': { type: 'string' },
  table: { type: 'string' },
  region: { type: 'string' },
  'topic-arn': { type: 'string' },
  json: { type: 'boolean' },
  limit: { type: 'string' },
  overwrite: { type: 'boolean' },
} as const;

export async function incidentsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const action = (positionals[0] ?? 'list') as Action;
  if (!ACTIONS.includes(action)) throw new UsageError(`unknown incidents action "${action}"`);
  const fingerprint = positionals[1];
  if (action === 'import' && !fingerprint) throw new UsageError('incidents import needs the export FILE');
  if (!READING.includes(action) && !fingerprint) throw new UsageError(`incidents ${action} needs a fingerprint`);
  const status = values.status as IncidentStatus | undefined;
  if (status && !INCIDENT_STATUSES.includes(status)) throw new UsageError(`--status must be one of ${INCIDENT_STATUSES.join(', ')}`);
  if (action === 'suppress' && !values.for) throw new UsageError('incidents suppress needs --for, e.g. --for 7d');
  const suppressMs = action === 'suppress' ? parseDuration(values.for as string) : 0;

  const style = makeStyle(useColor(io));
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new UsageError('--limit must be a positive whole number');
  const runtime = await openRuntime({
    dataDir: values['data-dir'],
    table: values.table,
    region: values.region,
    topicArn: values['topic-arn'],
    needsTopic: false,
    // An import may create the store (a new --data-dir to restore into); every other action needs one.
    mustExist: action !== 'import',
    readOnly: READING.includes(action),
    io,
  });
  try {
    if (action === 'export') return await exportIncidents(runtime.backup, io);
    if (action === 'import') return await importIncidents(fingerprint as string, Boolean(values.overwrite), runtime.backup, io);
    if (action === 'list') {
      const incidents = await runtime.store.list({ status, limit });
      if (values.json) {
        for (const i of incidents) io.stdout.write(JSON.stringify(listLine(i)) + '\n');
      } else io.stdout.write(renderIncidentTable(incidents, style));
      return 0;
    }
    const incident = await runtime.store.get(fingerprint as string);
    if (!incident) {
      io.stderr.write(`no incident with fingerprint ${fingerprint}\n`);
      return 1;
    }
    if (action === 'show') {
      if (values.json) {
        const occurrences = await runtime.store.occurrences(incident.fingerprint, 20);
        io.stdout.write(JSON.stringify({ ...incident, occurrences }) + '\n');
      } else {
        io.stdout.write(renderIncidentDetail(incident, style) + '\nLatest occurrence:\n' + renderDenial(incident.latest, style));
      }
      return 0;
    }
    const now = io.now();
    const to = STATUS_FOR[action];
    const changed = await runtime.store.setStatus(
      incident.fingerprint,
      to,
      now,
      to === 'suppressed' ? { suppressedUntil: new Date(now.getTime() + suppressMs) } : {},
    );
    if (!changed) {
      io.stderr.write(`incident ${incident.fingerprint} changed meanwhile; try again\n`);
      return 1;
    }
    io.stdout.write(values.json ? JSON.stringify({ fingerprint: incident.fingerprint, status: to }) + '\n' : `${incident.fingerprint} is now ${to}\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}

/** The `list --json` line: the fields the contract promises, plus the latest proposal. */
function listLine(i: import('../lib/incidents/types').Incident): Record<string, unknown> {
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
    proposal: i.proposal ?? i.latest.proposal ?? null,
  };
}
