/** The plain-text form of an alert: the email body, and the `default` for every protocol without its own key. */
import type { AlertTrigger, Incident } from '../../incidents/types';
import { principalDisplayName } from '../../denial/principal-name';
import { severityFor, type Severity } from '../../alerts/severity';
import { plainBlock, plainLine } from '../sns-text';
import { clip, TEXT_FIX_MAX_LINES, type Budget } from './budget';
import type { IncidentCommandLines } from './commands';
import { consoleLinks, type ConsoleLinkInput } from './console-links';
import { factLines, headline, proposalOf, statementsText, targetParts, verdictWords, WHO_APPLIES, type Line, type Segment } from './facts';

function renderTextSegment(segment: Segment, budget: Budget): string {
  if (typeof segment === 'string') return segment;
  if ('value' in segment) return plainLine(segment.value, budget.valueChars);
  return plainLine(segment.prose, budget.proseChars);
}

const LABEL_WIDTH = 13;

function renderTextLine(line: Line, budget: Budget): string[] {
  const head = `${`${line.label}:`.padEnd(LABEL_WIDTH)}${line.parts.map((s) => renderTextSegment(s, budget)).join('')}`;
  const more = (line.more ?? []).map((parts) => `${' '.repeat(LABEL_WIDTH)}${parts.map((s) => renderTextSegment(s, budget)).join('')}`);
  return [head, ...more];
}

function indent(text: string, by = '    '): string {
  return text
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

/** The complete plain-text alert within `budget`: facts, the fix (statements, then diff), who applies it, and the commands. */
export function renderEmailText(
  input: ConsoleLinkInput & { trigger: AlertTrigger; severity?: Severity },
  commands: IncidentCommandLines,
  budget: Budget,
): string {
  const { incident, trigger } = input;
  const severity = input.severity ?? severityFor(incident);
  const { facts, ack } = factLines(incident, commands);
  const out: string[] = [
    `${headline(incident, trigger)} (severity ${severity}${triggerNote(incident, trigger)})`,
    plainLine(`${incident.action} denied for ${principalDisplayName(incident.principal)}`, budget.valueChars * 2),
    '',
  ];
  for (const line of facts) out.push(...renderTextLine(line, budget));
  out.push('');

  const proposal = proposalOf(incident);
  if (proposal === undefined) {
    out.push('Fix:         no proposal was computed; see the details command below.');
  } else {
    out.push(
      `Fix:         ${targetParts(proposal)
        .map((s) => renderTextSegment(s, budget))
        .join('')}`,
    );
    out.push(`${' '.repeat(LABEL_WIDTH)}${verdictWords(proposal)}`);
    const statements = clip(plainBlock(statementsText(proposal)), budget.textStatements, TEXT_FIX_MAX_LINES);
    if (statements.text !== '') out.push('  Statements to add or change:', indent(statements.text));
    const diffSource = proposal.diff !== undefined ? plainBlock(proposal.diff) : '';
    const diff = statements.cut ? { text: '', cut: diffSource !== '' } : clip(diffSource, budget.textDiff, TEXT_FIX_MAX_LINES);
    if (diff.text !== '') out.push('  Policy diff:', indent(diff.text));
    if (statements.cut || diff.cut) out.push(`  (fix shortened; full fix: ${plainLine(commands.show, budget.valueChars)})`);
    out.push('');
    out.push(`Who applies: ${WHO_APPLIES[proposal.target.kind]}`);
    const notes = proposal.notes.slice(0, budget.notes);
    if (notes.length > 0) {
      out.push('Notes:');
      for (const note of notes) out.push(`  - ${plainLine(note, budget.noteChars)}`);
      if (proposal.notes.length > notes.length) out.push(`  - (${proposal.notes.length - notes.length} more notes)`);
    }
  }
  out.push('');
  for (const line of ack) out.push(...renderTextLine(line, budget));
  for (const link of consoleLinks(input)) out.push(`${`${link.label}:`.padEnd(LABEL_WIDTH)}${link.url}`);
  out.push(`Fingerprint: ${plainLine(incident.fingerprint, budget.valueChars)}`);
  return out.join('\n');
}

function triggerNote(incident: Incident, trigger: AlertTrigger): string {
  switch (trigger) {
    case 'opened':
      return '';
    case 'reopened':
      return incident.status !== 'open' ? `, was ${incident.status}` : '';
    case 'regression': {
      const fix = incident.previousResolution;
      return fix?.change ? `, regression after ${plainLine(fix.change, 64)} at ${plainLine(fix.at, 40)}` : ', regression after its fix';
    }
    case 'threshold':
      return `, count reached ${incident.count}`;
    case 'deferred':
      return `, held back by the alert window${incident.alert.deferred !== undefined ? `: ${incident.alert.deferred}` : ''}`;
  }
}
