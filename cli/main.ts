import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, describeError } from '../lib/errors';
import { explainCommand, EXPLAIN_USAGE } from './explain';
import { incidentsCommand, INCIDENTS_USAGE } from './incidents';
import { processIo, type CliIo } from './io';
import { packageRoot } from './package-root';
import { replayCommand, startCommand, REPLAY_USAGE } from './replay';
import { historyCommand, HISTORY_USAGE } from './history';
import { reportCommand, REPORT_USAGE } from './report';
import { rulesCommand, RULES_USAGE } from './rules';

const USAGE = `access-auditor — explains AWS access denials from CloudTrail and proposes the least-privilege fix.

Commands:
  explain [FILE ...]     decode denials and propose fixes (stdin when no file)
  replay [FILE ...]      the full pipeline: explain, record incidents, alert (embedded default or AWS)
  incidents [ACTION]     list, show, ack, resolve or suppress incidents
  history                explain (or --replay) failed calls from CloudTrail event history (AWS credentials)
  report                 the weekly report (text, markdown, html, chat or json)
  rules test|check       which rule each denial matches and what would alert; validate the rules file
  start                  replay the shipped examples on the embedded default and show the incidents

Run \`access-auditor <command> --help\` for a command's options.`;

const COMMANDS: Record<string, { run: (argv: string[], io: CliIo) => Promise<number>; usage: string }> = {
  explain: { run: explainCommand, usage: EXPLAIN_USAGE },
  replay: { run: replayCommand, usage: REPLAY_USAGE },
  incidents: { run: incidentsCommand, usage: INCIDENTS_USAGE },
  history: { run: historyCommand, usage: HISTORY_USAGE },
  report: { run: reportCommand, usage: REPORT_USAGE },
  rules: { run: rulesCommand, usage: RULES_USAGE },
  start: {
    run: startCommand,
    usage:
      "Usage: access-auditor start [--data-dir DIR]\n\nReplays examples/ on the embedded default, prints the incident table, then writes the HTML report of\nthe samples' week to <data-dir>/reports/ and prints its path (a file there that access-auditor did not write is kept).",
  },
};

/** Entry point: returns the exit code (0 ok, 1 some input failed, 2 usage or fatal error). */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
    io.stdout.write(pkg.version + '\n');
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`access-auditor: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.usage + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options.
    const code = (err as { code?: string }).code ?? '';
    if (err instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`access-auditor ${name}: ${(err as Error).message}\n\n${command.usage}\n`);
      return 2;
    }
    io.stderr.write(`access-auditor ${name}: ${describeError(err)}\n`);
    return 2;
  }
}
