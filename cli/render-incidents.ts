import { timeToFixMs, type Incident } from '../lib/incidents/types';
import { formatDuration } from '../lib/notify/alert/follow-up';
import { maskCredentials, type Displayed } from '../lib/display/sanitise';
import { principalDisplayName } from '../lib/denial/principal-name';
import { printableLine, type Style } from './style';

/** The name alerts and reports use (an Identity Center role by its permission set), said to be one here. */
function principalName(incident: Incident): string {
  const name = principalDisplayName(incident.principal);
  return incident.principal.permissionSetName && name === incident.principal.permissionSetName ? `${name} (permission set)` : name;
}

function clip(value: string, width: number): string {
  // A cut can turn a longer token into a key-shaped one: mask again.
  return value.length <= width ? value.padEnd(width) : maskCredentials(value.slice(0, width - 1)) + '…';
}

/** Time to fix for a fixed incident (`2 h 26 min`), a regression marker, else blank. */
function fixedIn(incident: Incident): string {
  const ms = timeToFixMs(incident);
  if (ms !== null) return formatDuration(ms);
  return incident.regressions ? `regr. ${incident.regressions.count}x` : '';
}

/** A fixed-width table of incidents, newest first, sized for an 120-column terminal. */
export function renderIncidentTable(incidents: readonly Displayed<Incident>[], style: Style): string {
  if (incidents.length === 0) return 'No incidents.\n';
  const sorted = [...incidents].sort((a, b) => b.lastSeen.localeCompare(a.lastSeen));
  const header = [
    'FINGERPRINT     ',
    'STATUS      ',
    'FIXED IN   ',
    'COUNT',
    'LAST SEEN           ',
    'DENIED IN     ',
    'LAYER       ',
    'ACTION                          ',
    'PRINCIPAL',
  ].join(' ');
  const lines = [style.bold(header)];
  for (const i of sorted) {
    lines.push(
      [
        clip(i.fingerprint, 16),
        // Expected denials are a rule's effect, not a stored status: shown as such, never as an open problem.
        clip(i.latest.expectedBy ? 'expected' : i.status, 12),
        clip(fixedIn(i), 11),
        String(i.count).padStart(5),
        clip(i.lastSeen.replace(/\.\d{3}Z$/, 'Z'), 20),
        clip(i.deniedRegion, 14),
        clip(i.reason.layer, 12),
        clip(printableLine(i.action), 32),
        printableLine(principalName(i)),
      ].join(' '),
    );
  }
  return lines.join('\n') + '\n';
}

/** Everything the on-call needs about one incident, for `incidents show`. */
const MAX_LOG_SHOWN = 5;

export function renderIncidentDetail(incident: Displayed<Incident>, style: Style): string {
  const p = incident.principal;
  const lines = [
    `${style.bold('Incident')} ${incident.fingerprint}  ${style.yellow(incident.status)}${incident.suppressedUntil ? ` until ${incident.suppressedUntil}` : ''}`,
    `  action     ${printableLine(incident.action)}`,
    `  principal  ${printableLine(principalName(incident))} (${p.managedBy}${p.roleArn ? `, ${printableLine(p.roleArn)}` : ''})`,
    `  resource   ${printableLine(incident.resource ?? '(none named)')}`,
    `  regions    called in ${incident.callRegion}, denied in ${incident.deniedRegion}; seen in ${incident.regions.join(', ')}`,
    `  accounts   ${incident.accounts.join(', ')}`,
    `  count      ${incident.count} since ${incident.firstSeen}, last ${incident.lastSeen}`,
    `  why        [${incident.reason.layer}${incident.reason.explicit ? ', explicit' : ''}] ${printableLine(incident.reason.summary)}`,
    ...(incident.latest.expectedBy
      ? [`  expected   by rule ${printableLine(incident.latest.expectedBy.rule)} (owner ${printableLine(incident.latest.expectedBy.owner)}): never alerted`]
      : []),
    `  alerts     ${incident.alert.alertsSent} sent${incident.alert.lastAlertAt ? `, last ${incident.alert.lastAlertAt}` : ''}${incident.alert.pending ? ', one pending' : ''}${incident.alert.deferred ? `, ${incident.alert.deferred} deferred` : ''}`,
  ];
  const r = incident.resolution;
  if (r) {
    const ttf = timeToFixMs(incident);
    lines.push(`  resolution ${r.kind} at ${r.at}${r.by ? ` by ${printableLine(r.by)}` : ''}${ttf !== null ? `, time to fix ${formatDuration(ttf)}` : ''}`);
    if (r.reason) lines.push(`             ${printableLine(r.reason)}`);
    if (r.scope === 'broader-than-proposal')
      lines.push(`             ${style.yellow('broader than the proposal')}: also allows ${printableLine((r.beyondProposal ?? []).join('; '))}`);
  }
  if (incident.regressions) lines.push(`  regressed  ${incident.regressions.count} time(s), last ${incident.regressions.lastRegressionAt}`);
  if (incident.sessions.length > 0)
    lines.push(`  sessions   ${printableLine(incident.sessions.slice(0, 10).join(', '))}${incident.sessions.length > 10 ? ', …' : ''}`);
  // The latest changes only: who acknowledged, resolved or suppressed it, and why (free text: sanitised).
  const log = incident.statusLog ?? [];
  log.slice(-MAX_LOG_SHOWN).forEach((entry, n) => {
    const label = n === 0 ? (log.length > MAX_LOG_SHOWN ? `  changes    (${log.length - MAX_LOG_SHOWN} earlier) ` : '  changes    ') : '             ';
    lines.push(`${label}${entry.at} ${entry.to} by ${printableLine(entry.by)}${entry.note ? `: ${printableLine(entry.note)}` : ''}`);
  });
  return lines.join('\n') + '\n';
}
