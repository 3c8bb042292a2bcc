import { parseCommandArgs } from './args';
import { INPUT_FILTER_HELP, INPUT_FILTER_OPTIONS, inputFilter } from './input-flags';
import type { AnalyzeDeps } from '../lib/pipeline/analyze';
import { analyzeRecord } from '../lib/pipeline/analyze';
import type { CliIo } from './io';
import { useColor } from './io';
import { readAllInputs } from './inputs';
import type { InputItem } from '../lib/cloudtrail/input';
import { renderDenial } from './render-denial';
import { forDisplay, jsonLine } from '../lib/display/sanitise';
import { makeStyle, printableLine } from './style';
import { buildAnalyzeDeps, watchOnline, type OnlineHealth } from './sources';
import { denialJsonLine } from '../lib/denial/serialise';
import { EXIT_ENVIRONMENT } from './aws';

export const EXPLAIN_USAGE = `Usage: access-auditor explain [FILE|DIR|- ...] [--policies FILE]... [--online [--read-role NAME]] [--json]
                              [--since WHEN] [--until DATE] [--accounts ID,...] [--regions R,...]

Decodes CloudTrail access denials from files (or standard input) and proposes the least-privilege fix.
Accepts single records, CloudTrail log files {"Records": [...]}, EventBridge events and JSON Lines.
  --policies FILE  a snapshot from \`aws iam get-account-authorization-details\` (repeatable, one per account)
  --online         read current policies from IAM, inference profiles from Bedrock, and confirm
                   proposals with iam:SimulatePrincipalPolicy (uses your AWS credentials)
  --read-role NAME with --online, the read-only role to assume in other accounts (the member
                   template's access-auditor-read); without it only your own account is read
  --json           JSON Lines: exactly one line per input record, in input order
${INPUT_FILTER_HELP}
With --online, the region of IAM calls is --region (default: AWS_REGION, else us-east-1); when the
online checks cannot run (credentials, network, permissions) the command says so and exits 3.`;

/** `explain`: one output per input record, in order; unreadable inputs are reported and the rest continue. */
export async function explainCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      policies: { type: 'string', multiple: true },
      online: { type: 'boolean' },
      'read-role': { type: 'string' },
      json: { type: 'boolean' },
      ...INPUT_FILTER_OPTIONS,
    },
    { max: Number.POSITIVE_INFINITY },
  );
  const filter = inputFilter(values, io);
  const online = Boolean(values.online);
  const health: OnlineHealth = { failures: 0 };
  const built: AnalyzeDeps = buildAnalyzeDeps({
    policyFiles: values.policies ?? [],
    online: Boolean(values.online),
    readRole: values['read-role'],
    io,
  });
  const deps = online ? watchOnline(built, health, io) : built;
  const items = readAllInputs(positionals, io, undefined, filter);
  const code = await writeExplanations(items, deps, { json: Boolean(values.json) }, io);
  if (health.first) {
    // The explanations above fell back to offline reasoning: say so where it cannot be missed.
    io.stderr.write(`access-auditor explain: the online checks could not run for ${health.failures} call(s): ${printableLine(health.first.message)}\n`);
    return EXIT_ENVIRONMENT;
  }
  return code;
}

/** Output lines gathered into writes of about this size: one write per line cost more than serialising the line. */
const WRITE_BATCH_CHARS = 64 * 1024;

/** Explains each input item and writes one output per item, in order; returns 1 when any item was unreadable. */
export async function writeExplanations(
  items: Iterable<InputItem> | AsyncIterable<InputItem>,
  deps: AnalyzeDeps,
  options: { json: boolean },
  io: CliIo,
): Promise<number> {
  const style = makeStyle(useColor(io));
  let failed = false;
  let total = 0;
  let denials = 0;
  let skipped = 0;
  // JSON Lines go to standard output only, so gathering them keeps their order; text output writes each record at once.
  let pending = '';
  const out = (line: string): void => {
    pending += line;
    if (!options.json || pending.length >= WRITE_BATCH_CHARS) {
      io.stdout.write(pending);
      pending = '';
    }
  };
  // What was explained before an error is still written.
  try {
    for await (const item of items) {
      total++;
      if ('error' in item) {
        failed = true;
        if (options.json) out(jsonLine({ error: item.error, input: item.index, ...(item.at ? { at: item.at } : {}) }));
        else io.stderr.write(`${item.at === undefined ? `input ${item.index}: ` : ''}${printableLine(item.error)}\n`);
        continue;
      }
      const outcome = await analyzeRecord(item.record, deps);
      if (outcome.kind === 'denial') {
        denials++;
        out(options.json ? denialJsonLine(outcome.denial) : renderDenial(forDisplay(outcome.denial), style) + '\n');
      } else if (outcome.kind === 'skipped') {
        skipped++;
        if (options.json) out(jsonLine({ eventId: outcome.eventId, skipped: outcome.reason }));
      } else {
        failed = true;
        const line = {
          error: outcome.message,
          input: item.index,
          ...(item.at ? { at: item.at } : {}),
          ...(outcome.eventId ? { eventId: outcome.eventId } : {}),
        };
        if (options.json) out(jsonLine(line));
        else io.stderr.write(`${printableLine(item.at ?? `input ${item.index}`)}: ${printableLine(outcome.message)}\n`);
      }
    }
  } finally {
    if (pending) io.stdout.write(pending);
  }
  if (!options.json) {
    io.stderr.write(style.dim(`${total} record(s): ${denials} denial(s), ${skipped} skipped, ${total - denials - skipped} unreadable\n`));
  }
  return failed ? 1 : 0;
}
