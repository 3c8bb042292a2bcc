import { parseArgs } from 'node:util';
import { REPORT_FORMATS, isReportFormat, renderReport } from '../lib/report/render';
import { collectWeeklyReport, runWeeklyReport } from '../lib/pipeline/weekly-report';
import { UsageError } from '../lib/errors';
import type { CliIo } from './io';
import { openRuntime } from './runtime';
import { EMBEDDED_TOPIC_ARN } from './replay';

export const REPORT_USAGE = `Usage: access-auditor report [--days 7] [--until YYYY-MM-DD] [--format ${REPORT_FORMATS.join('|')}]
                             [--publish] [--data-dir DIR] [--table NAME --topic-arn ARN]

The weekly report: what was denied in the --days whole UTC days before --until (that day itself is not
included; default: today), where, how often, and what is still open (open and acknowledged incidents). --format html writes a self-contained page (redirect it to a file).
--publish also sends it as one alert message (SNS with --topic-arn, the alerts file on the embedded default).`;

export async function reportCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      days: { type: 'string' },
      until: { type: 'string' },
      format: { type: 'string' },
      publish: { type: 'boolean' },
      'data-dir': { type: 'string' },
      'alerts-file': { type: 'string' },
      table: { type: 'string' },
      'topic-arn': { type: 'string' },
    },
  });
  const days = Number(values.days ?? '7');
  if (!Number.isInteger(days) || days < 1 || days > 90) throw new UsageError('--days must be a whole number from 1 to 90');
  const format = values.format ?? 'text';
  if (!isReportFormat(format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
  let now = io.now();
  if (values.until) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.until) || Number.isNaN(Date.parse(`${values.until}T00:00:00Z`)))
      throw new UsageError('--until must be a date, YYYY-MM-DD');
    now = new Date(`${values.until}T00:00:00Z`);
  }
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
    const report = values.publish
      ? await runWeeklyReport({ store: runtime.store, notifier: runtime.notifier, topicArn: runtime.topicArn ?? EMBEDDED_TOPIC_ARN, now, days })
      : await collectWeeklyReport({ store: runtime.store, now, days });
    const rendered = renderReport(report, format);
    io.stdout.write(rendered.endsWith('\n') ? rendered : rendered + '\n');
    return 0;
  } finally {
    await runtime.close();
  }
}
