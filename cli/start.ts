import { jsonLine } from '../lib/display/sanitise';
import { join } from 'node:path';
import { parseCommandArgs } from './args';
import type { CliIo } from './io';
import { packageRoot } from './package-root';
import { parseReplayArgs, runReplay } from './replay';
import { writeHtmlReport } from './report-file';

export const START_USAGE = `Usage: access-auditor start [--data-dir DIR] [--json]

Replays examples/ on the embedded default, prints the incident table, then writes the HTML report of
the samples' week to <data-dir>/reports/ and prints its path (a file there that access-auditor did not
write is kept). With --json, JSON Lines only: one per record, one per incident ("kind": "incident"),
and one for the report ("kind": "report").`;

/**
 * `npm start`: the examples that ship with the repo, through the whole pipeline, on the embedded default,
 * then the HTML report of their week, written under the data dir (its path printed last).
 */
export async function startCommand(argv: string[], io: CliIo): Promise<number> {
  const examples = join(packageRoot(), 'examples');
  parseCommandArgs(argv, { 'data-dir': { type: 'string' }, 'alerts-file': { type: 'string' }, json: { type: 'boolean' } }, { max: 0 });
  // The denials first, then the policy changes that fix two of them (the loop of docs/incident-lifecycle.md).
  const options = parseReplayArgs(
    [join(examples, 'records'), join(examples, 'changes'), '--policies', join(examples, 'policies', '111122223333.json'), ...argv],
    io,
  );
  const code = await runReplay({ ...options, showIncidentTable: true }, io);
  const written = await writeHtmlReport(options, io);
  const note = written.replaced ? ' (replacing the earlier report of that week)' : '';
  io.stdout.write(
    options.json
      ? jsonLine({ kind: 'report', path: written.path, period: written.report.period.label, replaced: written.replaced })
      : `\nWeekly report of ${written.report.period.label}${note}, open it in a browser:\n  ${written.path}\n`,
  );
  return code;
}
