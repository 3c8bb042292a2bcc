import { parseArgs } from 'node:util';
import type { AnalyzeDeps } from '../lib/pipeline/analyze';
import { analyzeRecord } from '../lib/pipeline/analyze';
import type { CliIo } from './io';
import { useColor } from './io';
import { readAllInputs } from './inputs';
import type { InputItem } from '../lib/cloudtrail/input';
import { renderDenial } from './render-denial';
import { forDisplay, jsonLine } from '../lib/display/sanitise';
import { makeStyle, printable } from './style';
import { buildAnalyzeDeps } from './sources';

export const EXPLAIN_USAGE = `Usage: access-auditor explain [FILE|DIR ...] [--policies FILE]... [--online [--region R] [--read-role NAME]] [--json]

Decodes CloudTrail access denials from files (or standard input) and proposes the least-privilege fix.
Accepts single records, CloudTrail log files {"Records": [...]}, EventBridge events and JSON Lines.
  --policies FILE  a snapshot from \`aws iam get-account-authorization-details\` (repeatable, one per account)
  --online         read current policies from IAM, inference profiles from Bedrock, and confirm
                   proposals with iam:SimulatePrincipalPolicy (uses your AWS credentials)
  --region R       region for --online calls (default: AWS_REGION, else us-east-1)
  --read-role NAME with --online, the read-only role to assume in other accounts (the member
                   template's access-auditor-read); without it only your own account is read
  --json           JSON Lines: exactly one line per input record, in input order
Exit status: 0 when every input was read, 1 when any input could not be read, 2 on usage errors.`;

/** `explain`: one output per input record, in order; unreadable inputs are reported and the rest continue. */
export async function explainCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      policies: { type: 'string', multiple: true },
      online: { type: 'boolean' },
      region: { type: 'string' },
      'read-role': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const deps: AnalyzeDeps = buildAnalyzeDeps({
    policyFiles: values.policies ?? [],
    online: Boolean(values.online),
    region: values.region,
    readRole: values['read-role'],
    io,
  });
  const items = readAllInputs(positionals, io);
  return writeExplanations(items, deps, { json: Boolean(values.json) }, io);
}

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
  for await (const item of items) {
    total++;
    if ('error' in item) {
      failed = true;
      if (options.json) io.stdout.write(jsonLine({ error: item.error, input: item.index }));
      else io.stderr.write(`input ${item.index}: ${printable(item.error)}\n`);
      continue;
    }
    const outcome = await analyzeRecord(item.record, deps);
    if (outcome.kind === 'denial') {
      denials++;
      io.stdout.write(options.json ? jsonLine(outcome.denial) : renderDenial(forDisplay(outcome.denial), style) + '\n');
    } else if (outcome.kind === 'skipped') {
      skipped++;
      if (options.json) io.stdout.write(jsonLine({ eventId: outcome.eventId, skipped: outcome.reason }));
    } else {
      failed = true;
      const line = { error: outcome.message, input: item.index, ...(outcome.eventId ? { eventId: outcome.eventId } : {}) };
      if (options.json) io.stdout.write(jsonLine(line));
      else io.stderr.write(`input ${item.index}: ${printable(outcome.message)}\n`);
    }
  }
  if (!options.json) {
    io.stderr.write(style.dim(`${total} record(s): ${denials} denial(s), ${skipped} skipped, ${total - denials - skipped} unreadable\n`));
  }
  return failed ? 1 : 0;
}
