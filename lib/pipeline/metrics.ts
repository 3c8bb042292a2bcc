/**
 * Counters the pipeline reports; the Lambda maps them to EMF metrics, the CLI to a summary line.
 * `DenialsProcessed` counts occurrences counted for the first time (redeliveries are `Duplicates`);
 * `Retries` counts invocations failed on purpose so that Lambda retries them (an event or alert in flight
 * elsewhere); `Failures` counts everything else that failed. The policy-change loop (issue 13) adds
 * `Regressions` (fixed incidents seen again), `PolicyChangesProcessed`, `IncidentsFixed`, `IncidentsStale`, `FollowUpsSent`;
 * the rules file adds `DenialsExpected` (denials an `expect` rule matched: counted apart, never alerted).
 * `SuspiciousEvents` counts events refused at the Lambda's edge because their envelope does not agree
 * with a CloudTrail delivery (lib/lambda/event.ts).
 */
export const PIPELINE_METRICS = [
  'DenialsProcessed',
  'IncidentsOpened',
  'AlertsSent',
  'AlertsDeferred',
  'Duplicates',
  'RecordsSkipped',
  'BadRecords',
  'SuspiciousEvents',
  'Retries',
  'Failures',
  'Regressions',
  'PolicyChangesProcessed',
  'IncidentsFixed',
  'IncidentsStale',
  'FollowUpsSent',
  'DenialsExpected',
] as const;
export type PipelineMetric = (typeof PIPELINE_METRICS)[number];
