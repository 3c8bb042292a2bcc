import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, UsageError, describeError } from '../lib/errors';
import { didYouMean } from './args';
import { describeAwsFailure, EXIT_ENVIRONMENT, EXIT_USAGE } from './aws';
import { printableLine } from './style';
import { StoreDamagedError, StoreError } from '../lib/incidents/errors';
import { closeAllEmbedded } from '../lib/incidents/embedded/embedded-dynamodb';
import { explainCommand, EXPLAIN_USAGE } from './explain';
import { incidentsCommand, INCIDENTS_USAGE } from './incidents';
import { processIo, type CliIo } from './io';
import { packageRoot } from './package-root';
import { replayCommand, REPLAY_USAGE } from './replay';
import { startCommand, START_USAGE } from './start';
import { historyCommand, HISTORY_USAGE } from './history';
import { backfillCommand, BACKFILL_USAGE } from './backfill';
import { reportCommand, REPORT_USAGE } from './report';
import { rulesCommand, RULES_USAGE } from './rules';

const USAGE = `access-auditor — explains AWS access denials from CloudTrail and proposes the least-privilege fix.

Commands:
  explain [FILE ...]     decode denials and propose fixes (stdin when no file)
  replay [FILE ...]      the full pipeline: explain, record incidents, alert (embedded default or AWS)
  incidents [ACTION]     list, show, ack, resolve or suppress incidents
  history                explain (or --replay) failed calls from CloudTrail event history (AWS credentials)
  backfill SOURCE        past denials into the incidents: lookup (event history), s3 (trail bucket), athena, lake
  report                 the weekly report (text, markdown, html, chat or json)
  rules test|check       which rule each denial matches and what would alert; validate the rules file
  start                  replay the shipped examples on the embedded default and show the incidents

Run \`access-auditor help <command>\` (or \`<command> --help\`) for a command's options.
AWS options on every command that calls AWS: --profile NAME, --region R.
Exit status: 0 ok, 1 some input could not be read, 2 usage mistake, 3 AWS, network, credentials or data dir failure.`;

const AWS_HELP = `
AWS options (with --online, --table, --topic-arn, history):
  --profile NAME   the AWS CLI profile to use (default: AWS_PROFILE, else the SDK's default chain)
  --region R       the region of AWS calls (default: AWS_REGION, else the profile's region)
Exit status: 0 ok, 1 some input could not be read, 2 usage mistake, 3 AWS, network, credentials or data dir failure.`;

const COMMANDS: Record<string, { run: (argv: string[], io: CliIo) => Promise<number>; usage: string; aws?: boolean }> = {
  explain: { run: explainCommand, usage: EXPLAIN_USAGE, aws: true },
  replay: { run: replayCommand, usage: REPLAY_USAGE, aws: true },
  incidents: { run: incidentsCommand, usage: INCIDENTS_USAGE, aws: true },
  history: { run: historyCommand, usage: HISTORY_USAGE, aws: true },
  backfill: { run: (argv, io) => backfillCommand(argv, io), usage: BACKFILL_USAGE, aws: true },
  report: { run: reportCommand, usage: REPORT_USAGE, aws: true },
  rules: { run: rulesCommand, usage: RULES_USAGE },
  start: { run: startCommand, usage: START_USAGE },
};

/** A command's help: its usage, and the AWS options every AWS-facing command takes. */
function commandHelp(name: string): string {
  const command = COMMANDS[name] as { usage: string; aws?: boolean };
  return command.usage + (command.aws ? '\n' + AWS_HELP : '');
}

/**
 * `--profile` and `--region` are taken from any command line (before `--`) into the environment the
 * command sees (AWS_PROFILE, AWS_REGION): every AWS client any command builds then gets them, from
 * cli/aws.ts or from the SDK's own reading of the process environment.
 */
export function takeAwsFlags(argv: string[]): { rest: string[]; profile?: string; region?: string } {
  const rest: string[] = [];
  const found: { profile?: string; region?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const m = /^--(profile|region)(?:=(.*))?$/.exec(arg);
    if (!m) {
      rest.push(arg);
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '' || (m[2] === undefined && value.startsWith('-'))) throw new UsageError(`--${m[1]} needs a value`);
    found[m[1] as 'profile' | 'region'] = value;
  }
  return { rest, ...found };
}

function withAwsEnv(io: CliIo, flags: { profile?: string; region?: string }): CliIo {
  if (!flags.profile && !flags.region) return io;
  const env = { ...io.env, ...(flags.profile ? { AWS_PROFILE: flags.profile } : {}), ...(flags.region ? { AWS_REGION: flags.region } : {}) };
  // The real process: SDK clients built without cli/aws.ts read process.env themselves.
  if (io.env === process.env) Object.assign(process.env, env);
  return { ...io, env };
}

/** Exit code of a failure of the incident store (damaged, unreadable, unreachable, in use). */
export const STORE_FAILURE_EXIT = EXIT_ENVIRONMENT;

/**
 * Entry point: returns the exit code (0 ok, 1 some input failed, 2 usage, 3 AWS, environment or
 * incident store failure). Run as the process (no `io` given), SIGINT and SIGTERM close the store, which releases
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
    if (name === 'help' && rest[0]) return helpFor(rest[0], io);
    (name ? io.stdout : io.stderr).write(USAGE + '\n');
    return name ? 0 : EXIT_USAGE;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
    io.stdout.write(pkg.version + '\n');
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(
      `access-auditor: unknown command "${printableLine(name)}"${didYouMean(name, Object.keys(COMMANDS), (c) => `"${c}"`)}; run \`access-auditor help\` for the list\n`,
    );
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(name) + '\n');
    return 0;
  }
  let commandIo = io;
  try {
    const flags = takeAwsFlags(rest);
    commandIo = withAwsEnv(io, flags);
    return await command.run(flags.rest, commandIo);
  } catch (err) {
    return reportFailure(name, err, commandIo);
  }
}

function helpFor(topic: string, io: CliIo): number {
  if (COMMANDS[topic]) {
    io.stdout.write(commandHelp(topic) + '\n');
    return 0;
  }
  io.stderr.write(
    `access-auditor: no help for "${printableLine(topic)}"${didYouMean(topic, Object.keys(COMMANDS), (c) => `"${c}"`)}; commands: ${Object.keys(COMMANDS).join(', ')}\n`,
  );
  return EXIT_USAGE;
}

/** One line on stderr for what stopped a command, and its exit code. */
function reportFailure(name: string, err: unknown, io: CliIo): number {
  const code = (err as { code?: string }).code ?? '';
  if (err instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
    io.stderr.write(`access-auditor ${name}: ${printableLine((err as Error).message)}\nRun \`access-auditor help ${name}\` for its options.\n`);
    return EXIT_USAGE;
  }
  if (err instanceof StoreDamagedError) {
    io.stderr.write(`access-auditor ${name}: ${printableLine(storeFailureLine(err))}\n`);
    return STORE_FAILURE_EXIT;
  }
  const aws = describeAwsFailure(err, io);
  if (aws) {
    io.stderr.write(`access-auditor ${name}: ${printableLine(aws.message)}\n`);
    return EXIT_ENVIRONMENT;
  }
  if (err instanceof StoreError) {
    io.stderr.write(`access-auditor ${name}: ${printableLine(storeFailureLine(err))}\n`);
    return STORE_FAILURE_EXIT;
  }
  if (err instanceof ConfigError) {
    io.stderr.write(`access-auditor ${name}: ${printableLine(err.message)}\n`);
    return EXIT_USAGE;
  }
  io.stderr.write(`access-auditor ${name}: ${printableLine(describeError(err))}\n`);
  return EXIT_ENVIRONMENT;
}
