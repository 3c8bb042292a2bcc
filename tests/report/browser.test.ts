/**
 * The HTML report in a real browser (Debian's Chromium driven by playwright-core): it renders without
 * console errors, no table cell wraps inside a word, and the charts' bars have the sizes of the JSON
 * report's numbers. It also writes docs/report-screenshot.png, the picture the README shows.
 * Skips, saying why, where no Chromium is installed (.ci/run installs it when apt-get can).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { main } from '../../cli/main';
import { buildWeeklyReport } from '../../lib/report/aggregate';
import { renderReportHtml } from '../../lib/report/render-html';
import type { WeeklyReport } from '../../lib/report/types';
import { captureIo, tempDir } from '../support/cli-io';
import { day, FROM, makeIncident, role, TO } from './fixtures';
import { breakViolations, measureBars, type BarMeasure } from './browser-checks';

const root = join(__dirname, '..', '..');
const SCREENSHOT = join(root, 'docs', 'report-screenshot.png');
// The launch flags Debian's Chromium needs in a container without a GPU or a user namespace sandbox.
const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const chromiumPath = findChromium();
const SKIP_REASON = 'no Chromium found (looked for $CHROMIUM_PATH, /usr/bin/chromium, chromium on PATH): install it with `apt-get install -y chromium`';
if (!chromiumPath) console.warn(`HTML report browser test skipped: ${SKIP_REASON}`);
const describeInChromium = chromiumPath ? describe : describe.skip;

/** Runs the CLI in-process and returns what it printed, failing on a non-zero exit. */
async function cli(argv: string[], now: Date): Promise<string> {
  const io = captureIo({ cwd: root, now });
  const code = await main(argv, io);
  if (code !== 0) throw new Error(`access-auditor ${argv.join(' ')} exited ${code}: ${io.err()}`);
  return io.out();
}

/** The JSON numbers each chart must draw, keyed by `data-chart`, in drawing order. */
function expectedBars(report: WeeklyReport): Record<string, Array<[string, number]>> {
  return {
    daily: report.daily.map((d) => [d.day, d.count]),
    trend: report.weekOverWeek
      ? [
          ['previous', report.weekOverWeek.previousDenials],
          ['current', report.totals.denials],
        ]
      : [],
    layer: report.breakdowns.byLayer.map((r) => [r.key, r.denials]),
    'open-age': report.openAges.map((b) => [b.label, b.count]),
    'time-to-fix': report.timeToFix.buckets.map((b) => [b.label, b.count]),
  };
}

/** A week whose names are long and full of separators and hyphens, to make cells wrap on a narrow page. */
function longNamesReport(): WeeklyReport {
  const incidents = Array.from({ length: 4 }, (_, i) =>
    makeIncident({
      fingerprint: `f${i}e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855`,
      principal: role(`AWSReservedSSO_PlatformEngineering-ReadOnly-Access_${i}0123456789abcdef`, '111122223333', {
        managedBy: 'sso',
        permissionSetName: `Platform-Engineering-Read-Only-Access-Permission-Set-${i}`,
      }),
      action: i % 2 === 0 ? 'bedrock:InvokeModelWithResponseStream' : 'sagemaker:CreatePresignedNotebookInstanceUrl',
      callRegion: 'ap-southeast-2',
      deniedRegion: 'ap-northeast-1',
      reason: { layer: i % 2 === 0 ? 'identity' : 'permissions-boundary', explicit: false, summary: '-' },
    }),
  );
  return buildWeeklyReport({
    incidents,
    daily: incidents.map((inc, i) => day(inc.fingerprint, '2026-11-18', i + 1)),
    open: incidents,
    from: FROM,
    to: TO,
    previous: { daily: [] },
  });
}

describeInChromium(`HTML report in Chromium (${chromiumPath ?? 'skipped'})`, () => {
  let browser: Browser;
  let dir: string;
  const later = new Date('2026-12-03T09:40:00Z');

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath, args: LAUNCH_ARGS });
    dir = tempDir();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** Opens the page from a file, as a reader would (mail attachment, file share), collecting console errors. */
  async function open(html: string, width: number): Promise<{ page: Page; errors: string[] }> {
    const file = join(dir, `page-${width}-${Math.random().toString(36).slice(2)}.html`);
    writeFileSync(file, html);
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') errors.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    await page.goto(`file://${file}`);
    return { page, errors };
  }

  it('shows the sample week as the JSON report says, without console errors or words cut, and writes the README screenshot', async () => {
    const dataDir = join(dir, 'data');
    await cli(['start', '--data-dir', dataDir], later);
    // One incident resolved inside the week, so that the time to fix has something to show.
    const fingerprint =
      (JSON.parse((await cli(['report', '--format', 'json', '--data-dir', dataDir], later)) || '{}') as WeeklyReport).top[5]?.fingerprint ?? '';
    await cli(['incidents', 'resolve', fingerprint, '--data-dir', dataDir], new Date('2026-11-21T17:45:00Z'));
    const json = JSON.parse(await cli(['report', '--format', 'json', '--data-dir', dataDir], later)) as WeeklyReport;
    const html = await cli(['report', '--format', 'html', '--data-dir', dataDir], later);
    expect(json.period.label).toBe('2026-11-15..2026-11-21');
    expect(json.timeToFix.resolved).toHaveLength(1);

    for (const width of [1440, 1024, 700]) {
      const { page, errors } = await open(html, width);
      expect(await breakViolations(page)).toEqual([]);
      // Wide tables scroll in their own box; the page itself never scrolls sideways.
      expect(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
      const bars = await measureBars(page);
      expectBarsToMatch(bars, expectedBars(json));
      if (width === 1440) await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }
  }, 60_000);

  it('wraps long names only after : and / on a narrow page', async () => {
    const { page, errors } = await open(renderReportHtml(longNamesReport()), 480);
    const breaks = await breakViolations(page, { reportAllowed: true });
    expect(breaks.filter((b) => !b.allowed)).toEqual([]);
    // The page is narrow enough that names do wrap: the check above saw real line breaks.
    expect(breaks.some((b) => b.allowed && /[:/]$/.test(b.before))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('catches a word cut in two (the check itself can fail)', async () => {
    const html = renderReportHtml(longNamesReport()).replace('</style>', '.nb { white-space: normal; } td { word-break: break-all; }</style>');
    const { page } = await open(html, 480);
    const violations = await breakViolations(page);
    expect(violations.length).toBeGreaterThan(0);
    await page.close();
  }, 60_000);
});

/** Every chart draws the JSON numbers, in order, each bar sized value / largest value of its chart. */
function expectBarsToMatch(measured: BarMeasure[], expected: Record<string, Array<[string, number]>>): void {
  for (const [chart, values] of Object.entries(expected)) {
    const bars = measured.filter((b) => b.chart === chart);
    expect([chart, bars.map((b) => [b.key, b.value])]).toEqual([chart, values]);
    const max = Math.max(0, ...values.map(([, v]) => v));
    for (const bar of bars) {
      const share = max === 0 ? 0 : bar.value / max;
      // Within a pixel of the exact size, in the direction the bar grows.
      expect(Math.abs(bar.size - share * bar.full)).toBeLessThanOrEqual(1);
    }
  }
}
