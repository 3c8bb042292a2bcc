import { closeSync, mkdirSync, openSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectWeeklyReport } from '../lib/pipeline/weekly-report';
import { renderReportHtml, GENERATOR_META } from '../lib/report/render-html';
import type { WeeklyReport } from '../lib/report/types';
import type { CliIo } from './io';
import { announcedWindow } from './report-window';
import { embeddedDataDir, openRuntime, type RuntimeOptions } from './runtime';

/** Where `start` writes its report, under the data dir: generated files, apart from the store. */
export const REPORTS_DIR = 'reports';
const MAX_NAME_ATTEMPTS = 100;

export interface WrittenReport {
  path: string;
  /** True when an earlier report of the same window, written by access-auditor, was replaced. */
  replaced: boolean;
  report: WeeklyReport;
}

/**
 * Builds the HTML report of the window {@link announcedWindow} picks (for `npm start`: the week of the
 * samples) and writes it to `<data dir>/reports/report-<first>_<last>.html`.
 */
export async function writeHtmlReport(options: Pick<RuntimeOptions, 'dataDir' | 'table' | 'topicArn'>, io: CliIo, days = 7): Promise<WrittenReport> {
  const runtime = await openRuntime({ ...options, needsTopic: false, mustExist: true, io });
  let report: WeeklyReport;
  try {
    const { now, asOf } = await announcedWindow(runtime.store, io, days);
    report = await collectWeeklyReport({ store: runtime.store, now, asOf, days });
  } finally {
    await runtime.close();
  }
  const dir = join(embeddedDataDir(options.dataDir, io), REPORTS_DIR);
  mkdirSync(dir, { recursive: true });
  const first = report.period.days[0] ?? 'report';
  const last = report.period.days[report.period.days.length - 1] ?? first;
  return { ...writeWithoutClobbering(dir, `report-${first}_${last}`, renderReportHtml(report)), report };
}

/**
 * Writes `<base>.html`, or replaces it when access-auditor wrote it (a report is derived from the store:
 * regenerating it loses nothing). A file someone else put there, or edited into something else, is
 * never overwritten: the report goes to `<base>-2.html`, `<base>-3.html`, ... instead.
 */
export function writeWithoutClobbering(dir: string, base: string, html: string): { path: string; replaced: boolean } {
  for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
    const path = join(dir, attempt === 1 ? `${base}.html` : `${base}-${attempt}.html`);
    try {
      writeFileSync(path, html, { flag: 'wx' });
      return { path, replaced: false };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (writtenByUs(path)) {
      // Through a temporary file and a rename, so that an interrupted run never leaves half a report.
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, html, { flag: 'wx' });
      renameSync(temporary, path);
      return { path, replaced: true };
    }
  }
  throw new Error(`could not write the report in ${dir}: ${MAX_NAME_ATTEMPTS} files named ${base}*.html are there already`);
}

/** True when the file starts as the pages access-auditor renders: its generator tag in the first kilobyte. */
function writtenByUs(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(1024);
    const read = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, read).toString('utf8').includes(GENERATOR_META);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
