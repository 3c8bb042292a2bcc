import fc from 'fast-check';
import { buildWeeklyReport } from '../../lib/report/aggregate';
import { barPercent, horizontalChart } from '../../lib/report/html-charts';
import { cleanValue, name, nameSegments } from '../../lib/report/html-text';
import { REPORT_STYLE } from '../../lib/report/html-style';
import { formatHours, renderReportHtml } from '../../lib/report/render-html';
import type { Incident } from '../../lib/incidents/types';
import type { WeeklyReport } from '../../lib/report/types';
import { day, FROM, makeIncident, NOW, role, sampleWeek, TO } from './fixtures';

function sampleReport(): WeeklyReport {
  const w = sampleWeek();
  return buildWeeklyReport({
    incidents: w.incidents,
    daily: w.daily,
    open: w.open,
    fixed: [w.c],
    from: FROM,
    to: TO,
    asOf: NOW,
    previous: { daily: w.previous },
  });
}

/** What a reader sees of rendered markup: tags dropped, the five entities decoded. */
function visible(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

const ALLOWED_TAGS = new Set([
  '!doctype',
  'html',
  'head',
  'meta',
  'title',
  'style',
  'body',
  'h1',
  'h2',
  'h3',
  'p',
  'section',
  'div',
  'span',
  'b',
  'br',
  'wbr',
  'code',
  'figure',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
]);
const ALLOWED_ATTRIBUTES = new Set([
  'lang',
  'charset',
  'name',
  'content',
  'http-equiv',
  'class',
  'title',
  'role',
  'aria-label',
  'data-chart',
  'data-key',
  'data-value',
  'style',
]);

/** Markup outside the renderer's own vocabulary: a value that escaped its escaping. Empty when none. */
function foreignMarkup(html: string): string[] {
  const found: string[] = [];
  for (const [whole, tag = '', attributes = ''] of html.matchAll(/<\/?([!a-zA-Z][\w-]*)([^>]*)>/g)) {
    if (!ALLOWED_TAGS.has(tag.toLowerCase())) found.push(whole);
    // Every attribute is one of ours with a double-quoted value holding no quote or angle bracket.
    const rest = attributes.replace(/\s([a-z-]+)="[^"<>]*"/g, (m, attribute: string) => (ALLOWED_ATTRIBUTES.has(attribute) ? '' : m));
    if (rest.replace(/^ html$/i, '').trim() !== '') found.push(whole);
  }
  // Every ampersand starts one of the entities the renderer writes.
  if (html.replace(/&(amp|lt|gt|quot|#39);/g, '').includes('&')) found.push('a bare &');
  return found;
}

function expectOnlyOwnMarkup(html: string): void {
  expect(foreignMarkup(html)).toEqual([]);
}

describe('name', () => {
  // [run] is an unbreakable run, | a <wbr>.
  it.each([
    ['bedrock:InvokeModel', '[bedrock:]|[InvokeModel]'],
    ['arn:aws:iam::1:role/a-b', '[arn:]|[aws:]|[iam:]|[:]|[1:]|[role/]|[a-b]'],
    ['ci-deploy-role', '[ci-deploy-role]'],
    ['0123456789abcdef', '[0123456789abcdef]'],
    ['open (new)', '[open] [(new)]'],
    ['a\n\tb', '[a] [b]'],
  ])('splits %j only after : and / and at spaces', (raw, expected) => {
    expect(
      name(raw)
        .replace(/<span class="nb">([^<]*)<\/span>/g, '[$1]')
        .replace(/<wbr>/g, '|'),
    ).toBe(expected);
  });

  it('shows exactly the cleaned value, breaks only after a separator, and keeps every run unbreakable', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'Z', '-', ':', '/', ' ', '<', '&', '"', "'", '\n', 'é', '1') }), (raw) => {
        const html = name(raw);
        expect(visible(html.replace(/<wbr>/g, ''))).toBe(cleanValue(raw));
        for (const m of html.matchAll(/<\/span><wbr>/g)) expect(html.slice(0, m.index)).toMatch(/[:/]$/);
        for (const [, run = ''] of html.matchAll(/<span class="nb">([^<]*)<\/span>/g)) expect(run).not.toMatch(/\s/);
        expectOnlyOwnMarkup(html);
      }),
    );
  });

  it('segments cover the value', () => {
    fc.assert(fc.property(fc.string(), (raw) => expect(nameSegments(raw).join('')).toBe(raw)));
  });
});

describe('renderReportHtml', () => {
  const html = renderReportHtml(sampleReport());

  it('escapes every attacker-controlled string, wherever it lands', () => {
    const hostile = fc.string({ unit: fc.constantFrom('<', '>', '&', '"', "'", '/', ':', '=', ' ', 'a', 's', 'c', 'r', 'i', 'p', 't', '\n', '\u0000', '`') });
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, (principal, action, region, fingerprint) => {
        const incident: Incident = makeIncident({
          fingerprint,
          principal: role('x', '111122223333', { roleName: principal, arn: principal, roleArn: principal }),
          action,
          callRegion: region,
          deniedRegion: `${region}x`,
        });
        const resolved = { ...incident, fingerprint: `${fingerprint}r`, status: 'resolved' as const, statusChangedAt: region, firstSeen: principal };
        const report = buildWeeklyReport({
          incidents: [incident],
          daily: [day(fingerprint, '2026-11-18', 3)],
          open: [{ ...incident, firstSeen: action }],
          fixed: [resolved, { ...resolved, statusChangedAt: '2026-11-19T00:00:00.000Z' }],
          from: FROM,
          to: TO,
          previous: { daily: [] },
        });
        expectOnlyOwnMarkup(renderReportHtml(report));
      }),
      { numRuns: 150 },
    );
  });

  it('shows times to the minute, never with seconds or .000Z', () => {
    expect(html).not.toMatch(/\d{2}:\d{2}:\d{2}|\.000Z|T\d{2}:/);
    expect(html).toContain('2026-11-10 08:00 UTC');
    expect(html).toContain('as of <span class="nb">2026-11-23 09:00 UTC</span>');
  });

  it('draws the daily, trend, reason layer, open age and time to fix charts with the report numbers', () => {
    const report = sampleReport();
    const bars = (chart: string) => {
      const start = html.indexOf(`data-chart="${chart}" role="img"`);
      expect(start).toBeGreaterThan(-1);
      const figure = html.slice(start, html.indexOf('</figure>', start));
      return [...figure.matchAll(/class="bar" data-key="([^"]*)" data-value="(\d+)"/g)].map((m) => [m[1], Number(m[2])]);
    };
    expect(bars('daily')).toEqual(report.daily.map((d) => [d.day, d.count]));
    expect(bars('trend')).toEqual([
      ['previous', 10],
      ['current', 36],
    ]);
    expect(bars('layer')).toEqual(report.breakdowns.byLayer.map((r) => [r.key, r.denials]));
    expect(bars('open-age')).toEqual(report.openAges.map((b) => [b.label, b.count]));
    expect(bars('time-to-fix')).toEqual(report.timeToFix.buckets.map((b) => [b.label, b.count]));
    expect(html).toContain('median 17 d, longest 17 d');
  });

  it('lists the resolved incident with first seen, resolved and time to fix', () => {
    expect(visible(html)).toMatch(/17 dresolvediam:PassRole.*2026-11-01 00:00 UTC2026-11-18 00:00 UTC/);
  });

  it('says when there is nothing to compare, nothing open and nothing resolved', () => {
    const empty = renderReportHtml(buildWeeklyReport({ incidents: [], daily: [], open: [], from: FROM, to: TO }));
    for (const phrase of ['No earlier period to compare with.', 'Nothing open.', 'Nothing was resolved in this period.', 'No denials in this period.'])
      expect(empty).toContain(phrase);
    expectOnlyOwnMarkup(empty);
  });

  it('breaks words only where the renderer allows: no break-all, no overflow-wrap, a print style', () => {
    expect(REPORT_STYLE).not.toMatch(/word-break|overflow-wrap|word-wrap|hyphens/);
    expect(REPORT_STYLE).toContain('.nb { white-space: nowrap; }');
    expect(REPORT_STYLE).toMatch(/@media print \{[\s\S]*print-color-adjust: exact[\s\S]*break-inside: avoid/);
  });

  it('is marked as written by access-auditor', () => {
    expect(html).toContain('<meta name="generator" content="access-auditor">');
  });
});

describe('chart helpers', () => {
  it.each([
    [5, 10, 50],
    [10, 10, 100],
    [0, 10, 0],
    [1, 3, 33.33],
    [4, 0, 0],
    [-1, 10, 0],
    [20, 10, 100],
  ])('barPercent(%d, %d) = %d', (value, max, percent) => {
    expect(barPercent(value, max)).toBe(percent);
  });

  it('escapes labels and keys of horizontal charts', () => {
    const chart = horizontalChart('x"y', 't<', [{ key: '"><b>', label: '<img src=x>', value: 1 }]);
    expectOnlyOwnMarkup(chart);
    expect(chart).toContain('&lt;img src=x&gt;');
  });

  it.each([
    [0, 'under 1 h'],
    [1, '1 h'],
    [47, '47 h'],
    [48, '2 d'],
    [50, '2 d 2 h'],
    [24 * 400, '400 d'],
  ])('formatHours(%d) = %s', (hours, shown) => {
    expect(formatHours(hours)).toBe(shown);
  });
});
