export const BACKFILL_USAGE = `Usage: access-auditor backfill lookup|s3|athena|lake [source options] [--since 7d|DATE] [--until DATE]
                              [--regions R,R] [--accounts A,A] [--resume | --restart] [--profile NAME] [--region R]
                              [--data-dir DIR | --table NAME --topic-arn ARN] [--policies FILE]... [--online] [--json]

Reads past denials from AWS and runs them through the pipeline, like live ingestion and replay: an
event already counted (by the Lambda, a replay or an earlier backfill) is counted nothing twice.
Progress is saved after every page or object, in a cursor (<data-dir>/backfill/, or the --table);
running the same command again resumes an unfinished backfill. On a terminal, standard error shows
a progress line; a summary ends the run. Details, permissions and costs: docs/backfill.md.

Sources:
  lookup   CloudTrail event history (LookupEvents, last 90 days, management events), all enabled regions
           in parallel, 2 requests/s per region.   [--event-source bedrock.amazonaws.com] [--concurrency 32]
  s3       a trail's S3 bucket (single-account or organization trail), day prefix by day prefix, log
           files read in parallel.                  --bucket NAME [--prefix TRAIL_PREFIX] [--concurrency 8]
  athena   an Athena table over the trail's logs; Athena filters the denials.
           --database DB --trail-table TABLE [--workgroup WG] [--output-location s3://...] [--catalog C]
           [--date-partition COLUMN   a yyyy/MM/dd partition column: scans only the window's days]
  lake     a CloudTrail Lake event data store; Lake filters the denials.   --event-data-store ID|ARN

Options:
  --since D|DATE      start of the window: 30m, 12h, 7d or 2026-11-01[T08:00:00Z] (default 7d; lookup: at most 90d)
  --until D|DATE      end of the window (default now)
  --regions R,R       only these regions (lookup default: the account's enabled regions, account:ListRegions)
  --accounts A,A      only these accounts (s3, athena, lake)
  --concurrency N     regions (lookup, default 32) or log files (s3, default 8) read at once
  --resume            insist on resuming an unfinished backfill (error when there is none)
  --restart           start over, replacing an unfinished backfill's cursor
  --profile NAME      the AWS profile to read with;  --region R  the region of the bucket, Athena or Lake
  --json              one JSON line per denial processed, and a summary line {"kind":"summary",...}
Pipeline options are replay's: --data-dir, --table, --topic-arn, --alerts-file, --alert-window, --policies,
--online, --read-role. Text output shows new and reopened incidents and alerts; --json shows every denial.`;
