import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, describeError } from '../lib/errors';
import { StoreDamagedError, StoreError } from '../lib/incidents/errors';
import { closeAllEmbedded } from '../lib/incidents/embedded/embedded-dynamodb';
import { explainCommand, EXPLAIN_USAGE } from './explain';
import { incidentsCommand, INCIDENTS_USAGE } from './incidents';
import { processIo, type CliIo } from './io';
import { packageRoot } from './package-root';
import { replayCommand, startCommand, REPLAY_USAGE } from './replay';
import { historyCommand, HISTORY_USAGE } from './history';
import { reportCommand, REPORT_USAGE } from './report';

const USAGE = `access-auditor — explains AWS access denials from CloudTrail and proposes the least-privilege fix.

Commands:
  explain [FILE ...]     decode denials and propose fixes (stdin when no file)
  replay [FILE ...]      the full pipeline: explain, record incidents, alert (embedded default or AWS)
  incidents [ACTION]     list, show, ack, resolve or suppress incidents
  history                explain (or --replay) failed calls from CloudTrail event history (AWS credentials)
  report                 the weekly report (text, markdown, html, chat or json)
  start                  replay the shipped examples on the embedded default and show the incidents

Run \`access-auditor <command> --help\` for a command's options.`;

const COMMANDS: Record<string, { run: (argv: string[], io: CliIo) => Promise<number>; usage: string }> = {
  explain: { run: explainCommand, usage: EXPLAIN_USAGE },
  replay: { run: replayCommand, usage: REPLAY_USAGE },
  incidents: { run: incidentsCommand, usage: INCIDENTS_USAGE },
  history: { run: historyCommand, usage: HISTORY_USAGE },
  report: { run: reportCommand, usage: REPORT_USAGE },
  start: {
    run: startCommand,
    usage: 'Usage: access-auditor start [--data-dir DIR]\n\nReplays examples/ on the embedded default, then prints the incident table.',
  },
};

/** Exit code of a failure of the incident store (damaged, unreadable, unreachable, in use). */
export const STORE_FAILURE_EXIT = 3;

/**
 * Entry point: returns the exit code (0 ok, 1 some input failed, 2 usage or fatal error, 3 the incident
 * store failed). Run as the process (no `io` given), SIGINT and SIGTERM close the store, which releases
 * its data directory, before exiting.
 */
export async function main(argv: string[], io?: CliIo): Promise<number> {
  if (io) return runCommand(argv, io);
  const stopSignals = exitOnSignals();
  try {
    return await runCommand(argv, processIo());
  } finally {
    stopSignals();
  }
}

const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/** A signal stops the command after closing every open embedded store (LevelDB flushed, lock released). */
function exitOnSignals(): () => void {
  const handlers = (Object.keys(SIGNAL_EXIT) as Array<keyof typeof SIGNAL_EXIT>).map((signal) => {
    const handler = (): void => {
      process.stderr.write(`access-auditor: ${signal}: closing the incident store\n`);
      // A store that does not close in time must not keep the process: the exit handler still removes the lock.
      const deadline = setTimeout(() => process.exit(SIGNAL_EXIT[signal]), 10_000);
      void closeAllEmbedded().finally(() => {
        clearTimeout(deadline);
        process.exit(SIGNAL_EXIT[signal]);
      });
    };
    process.once(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => handlers.forEach((off) => off());
}

/** One sentence for a failed store, with the way to recover when its data directory is damaged. */
export function storeFailureLine(err: StoreError): string {
  const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();
  if (err instanceof StoreDamagedError) {
    return oneLine(
      `${err.message}; to recover, stop every access-auditor using it, move ${err.dataDir} aside and restore it from a backup, ` +
        'or import your last `access-auditor incidents export` into a new --data-dir (docs/operations.md)',
    );
  }
  return oneLine(`the incident store failed: ${err.message}`);
}

async function runCommand(argv: string[], io: CliIo): Promise<number> {
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
    if (err instanceof StoreError) {
      io.stderr.write(`access-auditor ${name}: ${storeFailureLine(err)}\n`);
      return STORE_FAILURE_EXIT;
    }
    io.stderr.write(`access-auditor ${name}: ${describeError(err)}\n`);
    return 2;
  }
}
