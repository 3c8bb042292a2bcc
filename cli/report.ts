import { jsonLine } from '../lib/display/sanitise';
import { didYouMean, parseCommandArgs } from './args';
import { REPORT_FORMATS, isReportFormat, renderReport } from '../lib/report/render';
import { collectWeeklyReport, runWeeklyReport } from '../lib/pipeline/weekly-report';
import { announcedWindow } from './report-window';
import { UsageError } from '../lib/errors';
import type { CliIo } from './io';
import { openRuntime } from './runtime';
import { EMBEDDED_TOPIC_ARN } from './replay';
import { cliRules } from './rules-file';

export const REPORT_USAGE = `Usage: access-auditor report [--days 7] [--until YYYY-MM-DD] [--format ${REPORT_FORMATS.join('|')} | --json]
                             [--publish] [--data-dir DIR] [--table NAME --topic-arn ARN] [--rules FILE]

The weekly report: what was denied in the --days whole UTC days before --until (that day itself is not
included), where, how often, and what is still open (open and acknowledged incidents).
Without --until: the days before today when they had denials, else the days up to the latest denial in the
store (samples and old trails are dated in the past); standard error says which window it chose.
--format html writes a self-contained page (redirect it to a file). --json is --format json (one line).
--publish also sends it as one alert message (SNS with --topic-arn, the alerts file on the embedded default).
--rules FILE (default ./access-auditor.rules.yml when present): expected denials by rule with the rule's
state, and the rules whose expiry date is over.`;

export async function reportCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      days: { type: 'string' },
      until: { type: 'string' },
      format: { type: 'string' },
      json: { type: 'boolean' },
      publish: { type: 'boolean' },
      'data-dir': { type: 'string' },
      'alerts-file': { type: 'string' },
      table: { type: 'string' },
      'topic-arn': { type: 'string' },
      rules: { type: 'string' },
    },
    { max: 0 },
  );
  if (values.json && values.format !== undefined && values.format !== 'json')
    throw new UsageError(`--json is --format json: it cannot go with --format ${values.format}`);
  const rules = cliRules(values.rules, io);
  const days = Number(values.days ?? '7');
  if (!Number.isInteger(days) || days < 1 || days > 90) throw new UsageError('--days must be a whole number from 1 to 90');
  const format = values.json ? 'json' : (values.format ?? 'text');
  if (!isReportFormat(format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}${didYouMean(format, REPORT_FORMATS)}`);
  const until = values.until === undefined ? undefined : parseUntil(values.until);
  const runtime = await openRuntime({
    dataDir: values['data-dir'],
    alertsFile: values['alerts-file'],
    table: values.table,
    topicArn: values['topic-arn'],
    needsTopic: Boolean(values.publish),
    mustExist: true,
    // The report only reads the store (publishing writes to the alerts file or SNS, not to the store).
    readOnly: true,
    io,
  });
  try {
    const { now, asOf } = until ? { now: until, asOf: until } : await announcedWindow(runtime.store, io, days);
    const report = values.publish
      ? await runWeeklyReport({ store: runtime.store, notifier: runtime.notifier, topicArn: runtime.topicArn ?? EMBEDDED_TOPIC_ARN, now, asOf, days, rules })
      : await collectWeeklyReport({ store: runtime.store, now, asOf, days, rules });
    // JSON Lines like every other --json: the report is one line.
    const rendered = format === 'json' ? jsonLine(report).trimEnd() : renderReport(report, format);
    io.stdout.write(rendered.endsWith('\n') ? rendered : rendered + '\n');
    return 0;
  } finally {
    await runtime.close();
  }
}

function parseUntil(value: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new UsageError('--until must be a date, YYYY-MM-DD');
  return new Date(`${value}T00:00:00Z`);
}
