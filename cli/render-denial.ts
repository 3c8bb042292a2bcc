import type { Denial, Proposal } from '../lib/denial/types';
import type { Displayed } from '../lib/display/sanitise';
import { printable, printableLine, type Style } from './style';
import { checkedByWords, isReady, readinessFacts } from '../lib/denial/readiness';

const LABEL_WIDTH = 8;

function row(style: Style, label: string, value: string): string {
  return `  ${style.dim(label.padEnd(LABEL_WIDTH))}${value}`;
}

function who(denial: Denial): string {
  const p = denial.principal;
  const name = p.roleName ?? p.userName ?? p.arn ?? p.invokedBy ?? 'unknown principal';
  const kind = p.roleName ? 'role' : p.userName ? 'user' : p.type;
  const parts = [`${kind} ${name}`, `(${p.managedBy}${p.permissionSetName ? `, permission set ${p.permissionSetName}` : ''})`];
  if (p.sessionName) parts.push(`session ${p.sessionName}`);
  if (p.accountId) parts.push(`account ${p.accountId}`);
  return printableLine(parts.join(' '));
}

function where(denial: Denial): string {
  if (denial.deniedRegion === denial.callRegion) return `${denial.callRegion}`;
  return `called in ${denial.callRegion}, denied in ${denial.deniedRegion}`;
}

function model(denial: Denial): string | null {
  const m = denial.model;
  if (!m) return null;
  const base = m.foundationModelId && m.foundationModelId !== m.modelId ? `${m.modelId} (model ${m.foundationModelId})` : m.modelId;
  const profile = m.inferenceProfile;
  if (!profile) return printableLine(base);
  const source =
    profile.destinationsSource === 'table' && profile.destinationsAsOf
      ? `, table of ${profile.destinationsAsOf}`
      : profile.destinationsSource === 'api'
        ? ', live'
        : '';
  return printableLine(`${base} via ${profile.kind} ${profile.scope} profile → ${profile.destinationRegions.join(', ') || 'unknown regions'}${source}`);
}

function colourDiff(diff: string, style: Style): string {
  return diff
    .split('\n')
    .map((line) =>
      line.startsWith('+') && !line.startsWith('+++')
        ? style.green(line)
        : line.startsWith('-') && !line.startsWith('---')
          ? style.red(line)
          : line.startsWith('@@')
            ? style.cyan(line)
            : line,
    )
    .map((line) => `    ${line}`)
    .join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

function proposalLines(proposal: Proposal, style: Style, label = 'fix'): string[] {
  // Only an exact, allowed fix is called ready; the checker is named so the reader knows what "validated" rests on.
  const ready = isReady(readinessFacts(proposal));
  const words = ready ? `${proposal.validated}, fix ready (checked by ${checkedByWords(proposal)})` : proposal.validated;
  const verdict = ready ? style.green(words) : proposal.validated === 'simulated-deny' ? style.red(words) : style.yellow(words);
  const target = [
    proposal.target.kind,
    proposal.target.name,
    proposal.target.policyName ? `policy ${proposal.target.policyName}` : undefined,
    proposal.target.policyArn,
  ]
    .filter(Boolean)
    .join(' ');
  const lines = [row(style, label, `${printableLine(target)}  ${verdict}`)];
  for (const note of proposal.notes) lines.push(`    • ${printableLine(note)}`);
  if (proposal.diff) lines.push(style.dim('    diff:'), colourDiff(printable(proposal.diff), style));
  else if (proposal.statements.length > 0) lines.push(style.dim('    statements:'), indent(JSON.stringify(proposal.statements, null, 2)));
  if (proposal.terraform) lines.push(style.dim('    terraform:'), indent(printable(proposal.terraform)));
  if (proposal.cli) lines.push(style.dim('    apply with:'), indent(printable(proposal.cli)));
  // The other side of the call (a role's trust policy): its own owner, statements and verdict.
  for (const other of proposal.alsoNeeded ?? []) lines.push(...proposalLines(other, style, 'and'));
  return lines;
}

/**
 * The readable explanation of one denial, for a terminal. It takes only a sanitised view (`forDisplay`), so
 * a field it prints without {@link printableLine} is clean all the same.
 */
export function renderDenial(denial: Displayed<Denial>, style: Style): string {
  const layer = `${denial.reason.layer}${denial.reason.explicit ? ', explicit deny' : ''}`;
  const lines = [
    `${style.red('✖')} ${style.bold(printableLine(denial.action))} denied ${style.dim(`(${printableLine(denial.errorCode)}, ${denial.eventTime}, event ${printableLine(denial.eventId)})`)}`,
    row(style, 'who', who(denial)),
    row(style, 'what', printableLine(denial.resource ?? '(no resource named)')),
    row(style, 'where', where(denial)),
  ];
  const m = model(denial);
  if (m) lines.push(row(style, 'model', m));
  lines.push(row(style, 'why', `${style.yellow(`[${layer}]`)} ${printableLine(denial.reason.summary)}`));
  if (denial.reason.policyArn) lines.push(row(style, 'policy', printableLine(denial.reason.policyArn)));
  if (denial.proposal) lines.push(...proposalLines(denial.proposal, style));
  lines.push(row(style, 'id', style.dim(`fingerprint ${denial.fingerprint}`)));
  return lines.join('\n') + '\n';
}
