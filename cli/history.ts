import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudTrailHistory } from '../lib/history/cloudtrail-history';
import type { InputItem } from '../lib/cloudtrail/input';
import { UsageError } from '../lib/errors';
import { parseDuration } from './duration';
import { writeExplanations } from './explain';
import type { CliIo } from './io';
import { parseReplayArgs, runReplay } from './replay';
import { buildAnalyzeDeps } from './sources';

export const HISTORY_USAGE = `Usage: access-auditor history [--since 24h] [--region R] [--event-source SOURCE] [--max N]
                              [--replay [replay options]] [--policies FILE]... [--online [--read-role NAME]] [--json]

Reads failed calls from CloudTrail event history (LookupEvents: management events, last 90 days, one
region) with your AWS credentials, and explains them (default) or runs them through the pipeline (--replay,
which takes the replay options: --data-dir, --table, --topic-arn, ...). LookupEvents allows 2 requests
per second, so a day of a busy account can take minutes: narrow it with --event-source.
  --since D         how far back: 30m, 12h, 7d (default 24h, at most 90d)
  --event-source S  e.g. bedrock.amazonaws.com
  --max N           stop after N failed calls (default 1000)
Every enabled region at once, with progress and resume, or from a trail's S3 bucket, Athena or Lake:
access-auditor backfill (docs/backfill.md).`;

/** Pulls the history options out of argv, leaving the rest for explain or replay. */
function splitArgs(argv: string[]): { since: string; region?: string; eventSource?: string; max: number; replay: boolean; rest: string[] } {
  const out = {
    since: '24h',
    region: undefined as string | undefined,
    eventSource: undefined as string | undefined,
    max: 1000,
    replay: false,
    rest: [] as string[],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--since') out.since = value();
    else if (arg === '--region') out.region = value();
    else if (arg === '--event-source') out.eventSource = value();
    else if (arg === '--max') out.max = Number(value());
    else if (arg === '--replay') out.replay = true;
    else out.rest.push(arg);
  }
  if (!Number.isInteger(out.max) || out.max < 1) throw new UsageError('--max must be a positive whole number');
  return out;
}

export async function historyCommand(argv: string[], io: CliIo): Promise<number> {
  const args = splitArgs(argv);
  const sinceMs = parseDuration(args.since);
  if (sinceMs > 90 * 86_400_000) throw new UsageError('CloudTrail event history keeps 90 days: --since must be at most 90d');
  const region = args.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('history reads one region: give --region or set AWS_REGION');
  const until = io.now();
  const history = new CloudTrailHistory({ client: new CloudTrailClient({ region }) });
  async function* items(): AsyncGenerator<InputItem> {
    let index = 0;
    for await (const item of history.failedCalls({ since: new Date(until.getTime() - sinceMs), until, eventSource: args.eventSource, maxRecords: args.max })) {
      yield { ...item, index: index++ };
    }
  }
  if (args.replay) return runReplay(parseReplayArgs(args.rest), io, items());
  const json = args.rest.includes('--json');
  const policies: string[] = [];
  const rest = args.rest.filter((a) => a !== '--json');
  let readRole: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--policies' && rest[i + 1]) policies.push(rest[++i] as string);
    else if (rest[i] === '--read-role' && rest[i + 1]) readRole = rest[++i];
    else if (rest[i] !== '--online') throw new UsageError(`unknown option ${rest[i]}`);
  }
  const deps = buildAnalyzeDeps({ policyFiles: policies, online: rest.includes('--online'), region, readRole, io });
  return writeExplanations(items(), deps, { json }, io);
}
