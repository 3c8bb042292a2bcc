import { buildWeeklyReport } from '../../lib/report/aggregate';
import { renderReportChat } from '../../lib/report/render-chat';
import { escapeHtml, renderReportHtml } from '../../lib/report/render-html';
import { dailyChart } from '../../lib/report/html-charts';
import { code, renderReportMarkdown } from '../../lib/report/render-markdown';
import { renderReportText, TEXT_WIDTH } from '../../lib/report/render-text';
import { isReportFormat, renderReport, REPORT_FORMATS } from '../../lib/report/render';
import type { Incident } from '../../lib/incidents/types';
import type { WeeklyReport } from '../../lib/report/types';
import { day, FROM, makeIncident, NOW, role, sampleWeek, TO } from './fixtures';

const HOSTILE = '<script>alert(1)</script> <!channel> @here `x` | *bold* [link](http://evil.example) AKIAIOSFODNN7EXAMPLE\nnext line';

function sampleReport(): WeeklyReport {
  const w = sampleWeek();
  return buildWeeklyReport({ incidents: w.incidents, daily: w.daily, open: w.open, from: FROM, to: TO, asOf: NOW, previous: { daily: w.previous } });
}

/** A week whose only incident has a principal, action and region chosen by an attacker. */
function hostileReport(): WeeklyReport {
  const incident: Incident = makeIncident({
    fingerprint: 'fp-hostile',
    principal: role('placeholder', '111122223333', { roleName: HOSTILE, roleArn: 'arn:aws:iam::111122223333:role/hostile' }),
    action: `bedrock:${HOSTILE}`,
    deniedRegion: HOSTILE,
  });
  return buildWeeklyReport({ incidents: [incident], daily: [day('fp-hostile', '2026-11-18', 7)], open: [incident], from: FROM, to: TO, asOf: NOW });
}

const emptyReport = () => buildWeeklyReport({ incidents: [], daily: [], open: [], from: FROM, to: TO });
const codePoints = (line: string) => [...line].length;

describe('renderReportText', () => {
  it.each([
    ['sample', sampleReport],
    ['hostile', hostileReport],
    ['empty', emptyReport],
  ])('fits %s report in %s columns, no trailing spaces', (_name, build) => {
    const text = renderReportText(build());
    for (const line of text.split('\n')) {
      expect(codePoints(line)).toBeLessThanOrEqual(TEXT_WIDTH);
      expect(line).toBe(line.trimEnd());
    }
  });

  it('contains the numbers a lead looks for', () => {
    const text = renderReportText(sampleReport());
    expect(text).toContain('2026-11-16..2026-11-22');
    expect(text).toMatch(/Denials\s+36, up 26 \(\+260%\) from 10/);
    expect(text).toMatch(/Incidents\s+4 seen: 1 new, 1 reopened/);
    expect(text).toMatch(/Cross-region\s+19 denials \(2 incidents\)/);
    expect(text).toMatch(/Still open\s+4 \(2 with a validated fix ready\)/);
    expect(text).toMatch(/Tue 2026-11-17\s+15 #{40}$/m);
    expect(text).toMatch(/Sat 2026-11-21\s+0$/m);
    expect(text).toMatch(/us-west-2\s+15\s+1\s+15$/m);
    expect(text).toMatch(/83d\s+acknowledged\s+FIX READY\s+kms:Decrypt/);
  });

  it('keeps hostile values on one line and masks access keys', () => {
    const text = renderReportText(hostileReport());
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(text).not.toMatch(/^next line/m);
  });

  it('cuts long lists with a count of what is left', () => {
    const incidents = Array.from({ length: 30 }, (_, i) => makeIncident({ fingerprint: `fp-${String(i).padStart(2, '0')}` }));
    const report = buildWeeklyReport({ incidents, daily: incidents.map((i) => day(i.fingerprint, '2026-11-18', 1)), open: incidents, from: FROM, to: TO });
    const text = renderReportText(report, { top: 3, rows: 2, open: 4 });
    expect(text).toContain('and 27 incidents more');
    expect(text).toContain('and 26 open incidents more');
    expect(text.match(/fp fp-/g)).toHaveLength(3 + 4);
  });

  it('says so when nothing happened', () => {
    const text = renderReportText(emptyReport());
    expect(text).toContain('No denials in this period.');
    expect(text).toContain('Nothing open.');
  });
});

describe('renderReportChat', () => {
  it('is an Amazon Q Developer custom notification threaded as weekly-report', () => {
    const chat = renderReportChat(sampleReport());
    expect(chat).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown' },
      metadata: { threadId: 'weekly-report', eventType: 'WeeklyReport' },
    });
    expect(chat.content.title).toContain('36 denials, 4 open');
    expect(chat.content.description).toContain('*36 denials*');
    expect(chat.content.description).toContain('`▃█▆▁▂·▂`');
    expect(chat.content.nextSteps.length).toBeGreaterThan(0);
    expect(chat.content.keywords).toEqual(['access-auditor', 'weekly-report', 'identity', 'scp', 'model-access']);
  });

  it('escapes hostile values: no Slack control sequence, mention, link or raw newline survives', () => {
    const description = renderReportChat(hostileReport()).content.description;
    expect(description).not.toContain('<!channel>');
    expect(description).not.toContain('<script>');
    expect(description).toContain('&lt;script&gt;');
    expect(description).not.toMatch(/@here/);
    expect(description).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(description).not.toMatch(/\nnext line/);
  });

  it('keeps the description short whatever the volume', () => {
    const incidents = Array.from({ length: 500 }, (_, i) => makeIncident({ fingerprint: `fp-${i}`, action: `bedrock:${'X'.repeat(300)}` }));
    const report = buildWeeklyReport({ incidents, daily: [], open: incidents, from: FROM, to: TO });
    expect(renderReportChat(report, { top: 500, rows: 500, open: 500 }).content.description.length).toBeLessThanOrEqual(3000);
  });
});

describe('renderReportHtml', () => {
  const html = renderReportHtml(hostileReport());

  it('escapes hostile names', () => {
    expect(html).not.toContain('<script');
    // Names are split into unbreakable runs: read them without the wrapping markup.
    expect(html.replace(/<span class="nb">|<\/span>|<wbr>/g, '')).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<!channel>');
    expect(html).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });

  it('is self-contained: no scripts, links, external styles or images', () => {
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<(script|link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).toContain(`default-src 'none'`);
  });

  it('draws one bar per day, labelled with its day and count', () => {
    const sample = renderReportHtml(sampleReport());
    expect(sample.match(/<div class="bar" data-key="2026-11-\d\d"/g)).toHaveLength(7);
    expect(sample).toContain('title="Tue 2026-11-17: 15 denials"');
  });

  it('scales bars to the busiest day', () => {
    const html = dailyChart([
      { day: '2026-11-16', count: 10 },
      { day: '2026-11-17', count: 5 },
      { day: '2026-11-18', count: 0 },
    ]);
    const heights = [...html.matchAll(/class="bar"[^>]*height:([\d.]+)%/g)].map((m) => Number(m[1]));
    expect(heights).toEqual([100, 50, 0]);
  });

  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('renderReportMarkdown', () => {
  it('puts hostile values in code spans with pipes escaped, so tables and markup hold', () => {
    const md = renderReportMarkdown(hostileReport());
    // Outside code spans (matching backtick runs), nothing hostile is left for Markdown to interpret.
    const outsideCode = md.replace(/(`+)[^`]?[\s\S]*?[^`]?\1(?!`)/g, '');
    for (const fragment of ['<script>', '<!channel>', '@here', '[link](', '*bold*']) expect(outsideCode).not.toContain(fragment);
    const row = md.split('\n').find((l) => l.startsWith('| 1 |'));
    expect(row).toBeDefined();
    // Column count is unchanged: every pipe from the value is escaped.
    expect(row?.replace(/\\\|/g, '').split('|').length).toBe(12);
  });

  it.each([
    ['plain', 'us-east-1', '`us-east-1`'],
    ['a backtick inside', 'a`b', '``a`b``'],
    ['a leading backtick', '`a', '`` `a ``'],
    ['a pipe', 'a|b', '`a\\|b`'],
    ['empty', '', '`-`'],
  ])('code span for %s', (_name, raw, expected) => {
    expect(code(raw)).toBe(expected);
  });

  it('includes the sections', () => {
    const md = renderReportMarkdown(sampleReport());
    for (const heading of ['## Summary', '## Denials per day', '## Top incidents', '### By denied region', '## Still open']) expect(md).toContain(heading);
    expect(md).toContain('| 1 | 15 | 3 | `bedrock:InvokeModel` |');
  });
});

describe('renderReport', () => {
  it.each(REPORT_FORMATS)('renders %s', (format) => {
    expect(isReportFormat(format)).toBe(true);
    expect(renderReport(sampleReport(), format).length).toBeGreaterThan(100);
  });

  it('json round-trips the report', () => {
    const report = sampleReport();
    expect(JSON.parse(renderReport(report, 'json'))).toEqual(report);
  });

  it('rejects unknown formats', () => {
    expect(isReportFormat('pdf')).toBe(false);
  });
});
