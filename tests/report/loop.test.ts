import fc from 'fast-check';
import { buildWeeklyReport } from '../../lib/report/aggregate';
import { median, percentile } from '../../lib/report/loop';
import { renderReport } from '../../lib/report/render';
import { renderReportChat } from '../../lib/report/render-chat';
import { TEXT_WIDTH } from '../../lib/report/render-text';
import { parseRules } from '../../lib/rules/parse';
import type { Incident, Resolution } from '../../lib/incidents/types';
import { day, FROM, makeDenial, makeIncident, TO } from './fixtures';

const HOUR = 3_600_000;
const at = (base: string, hours: number) => new Date(Date.parse(base) + hours * HOUR).toISOString();

function fixedIncident(fingerprint: string, openedAt: string, hours: number, extra: Partial<Resolution> = {}): Incident {
  return makeIncident({
    fingerprint,
    status: 'fixed',
    firstSeen: '2026-11-01T00:00:00.000Z',
    openedAt,
    lastSeen: openedAt,
    resolution: {
      kind: 'policy-change',
      at: at(openedAt, hours),
      by: 'arn:aws:iam::111122223333:user/alice',
      change: 'PutRolePolicy',
      scope: 'matches-proposal',
      ...extra,
    },
  });
}

function expectedIncident(fingerprint: string, rule: string): Incident {
  const incident = makeIncident({ fingerprint, firstSeen: '2026-11-17T00:00:00.000Z', lastSeen: '2026-11-20T00:00:00.000Z', action: 's3:GetObject' });
  return {
    ...incident,
    latest: makeDenial({
      ...incident.latest,
      eventId: `e-${fingerprint}`,
      fingerprint,
      expectedBy: { rule, reason: `${rule} reason`, owner: 'secops', fingerprint: 'orig' },
    }),
  };
}

const RULES = parseRules(`version: 1
rules:
  - {id: scanner, reason: scanner probes, owner: secops, match: {action: 's3:Get*'}, expect: true}
  - {id: old-probe, reason: migration, owner: platform, expires: 2026-11-10, match: {action: 'sqs:*'}, expect: true}
`);

function lifecycleWeek() {
  const fixed = [
    fixedIncident('fx-1', '2026-11-17T00:00:00.000Z', 2),
    fixedIncident('fx-2', '2026-11-17T00:00:00.000Z', 10),
    fixedIncident('fx-3', '2026-11-16T00:00:00.000Z', 50, {
      scope: 'broader-than-proposal',
      beyondProposal: ['bedrock:* on *', '<script>alert(1)</script>'],
    }),
    // Fixed before the period: not this week's.
    fixedIncident('fx-old', '2026-11-01T00:00:00.000Z', 5),
    // A manual resolution is not a fix.
    makeIncident({
      fingerprint: 'manual',
      status: 'resolved',
      resolution: { kind: 'manual', at: '2026-11-18T00:00:00.000Z' },
      statusChangedAt: '2026-11-18T00:00:00.000Z',
    }),
  ];
  const regression = makeIncident({
    fingerprint: 'reg',
    status: 'open',
    lastSeen: '2026-11-21T00:00:00.000Z',
    openedAt: '2026-11-21T00:00:00.000Z',
    regressions: { count: 2, lastRegressionAt: '2026-11-21T00:00:00.000Z' },
    previousResolution: { kind: 'policy-change', at: '2026-11-19T00:00:00.000Z', by: 'arn:aws:iam::111122223333:user/bob' },
  });
  const stale = makeIncident({
    fingerprint: 'st',
    status: 'stale',
    lastSeen: '2026-11-02T00:00:00.000Z',
    resolution: { kind: 'stale', at: '2026-11-16T09:00:00.000Z', reason: 'not seen for 14 days since 2026-11-02' },
  });
  const scanner = expectedIncident('ex-1', 'scanner');
  const scanner2 = expectedIncident('ex-2', 'scanner');
  const gone = expectedIncident('ex-3', 'deleted-rule');
  const open = makeIncident({ fingerprint: 'op', lastSeen: '2026-11-19T00:00:00.000Z' });
  return buildWeeklyReport({
    incidents: [regression, scanner, scanner2, gone, open],
    daily: [day('reg', '2026-11-21', 1), day('op', '2026-11-19', 3), day('ex-1', '2026-11-18', 40), day('ex-2', '2026-11-19', 2), day('ex-3', '2026-11-20', 5)],
    open: [regression, open, scanner],
    fixed,
    stale: [stale],
    rules: RULES,
    from: FROM,
    to: TO,
  });
}

describe('weekly report: the loop', () => {
  const report = lifecycleWeek();

  it('fixed this week: policy-change fixes in the period only, with median and p90 time to fix from the episode start', () => {
    expect(report.loop.fixed.incidents.map((f) => f.fingerprint)).toEqual(['fx-3', 'fx-2', 'fx-1']);
    expect(report.loop.fixed).toMatchObject({ count: 3, medianHours: 10, p90Hours: 50 });
    expect(report.loop.fixed.incidents[0]).toMatchObject({ by: 'arn:aws:iam::111122223333:user/alice', change: 'PutRolePolicy', hoursToFix: 50 });
  });

  it('fixes broader than proposed name what they allow beyond the proposal', () => {
    expect(report.loop.broaderThanProposal).toEqual([
      expect.objectContaining({ fingerprint: 'fx-3', beyondProposal: ['bedrock:* on *', '<script>alert(1)</script>'] }),
    ]);
  });

  it('regressions and stale incidents of the period', () => {
    expect(report.loop.regressions).toEqual([
      expect.objectContaining({ fingerprint: 'reg', regressions: 2, previouslyFixedBy: 'arn:aws:iam::111122223333:user/bob' }),
    ]);
    expect(report.loop.stale).toEqual([expect.objectContaining({ fingerprint: 'st', reason: 'not seen for 14 days since 2026-11-02' })]);
  });

  it('expected denials: by rule with the rule state, and never in the totals, top list, breakdowns or open list', () => {
    expect(report.loop.expected).toEqual([
      expect.objectContaining({ rule: 'scanner', denials: 42, incidents: 2, state: 'active', owner: 'secops' }),
      expect.objectContaining({ rule: 'deleted-rule', denials: 5, incidents: 1, state: 'removed' }),
    ]);
    expect(report.totals.expectedDenials).toBe(47);
    expect(report.totals.denials).toBe(4);
    expect(report.top.map((t) => t.fingerprint).sort()).toEqual(['op', 'reg']);
    expect(report.stillOpen.map((o) => o.fingerprint).sort()).toEqual(['op', 'reg']);
    expect(report.daily.reduce((n, d) => n + d.count, 0)).toBe(4);
    expect(report.breakdowns.byService.map((r) => r.key)).toEqual(['bedrock']);
  });

  it('expired rules are listed', () => {
    expect(report.loop.expiredRules).toEqual([{ id: 'old-probe', owner: 'platform', reason: 'migration', expires: '2026-11-10' }]);
  });

  it('open incidents by age sum to the open list', () => {
    expect(report.openAges.reduce((n, b) => n + b.count, 0)).toBe(report.stillOpen.length);
  });

  it('the existing time-to-fix section gains p90 and measures from the episode start', () => {
    expect(report.timeToFix.p90Hours).not.toBeNull();
    expect(report.timeToFix.resolved.find((r) => r.fingerprint === 'fx-1')?.hoursToFix).toBe(2);
  });

  it.each(['text', 'markdown', 'html', 'chat', 'json'] as const)('%s shows every loop section', (format) => {
    const rendered = renderReport(report, format);
    // HTML breaks names into unbreakable spans: compare its text.
    const out = format === 'html' ? rendered.replace(/<[^>]+>/g, '').replace(/&amp;/g, '&') : rendered;
    for (const needle of ['fx-3', 'scanner', 'old-probe', 'bedrock:* on *']) {
      if (format === 'chat' && (needle === 'fx-3' || needle === 'bedrock:* on *')) continue;
      expect(out).toContain(needle);
    }
    if (format !== 'json') expect(out).toMatch(/median time to fix 10 h, p90 2 d 2 h/);
    if (format === 'json') expect(JSON.parse(out).loop.fixed).toMatchObject({ count: 3, medianHours: 10, p90Hours: 50 });
  });

  it('escapes what a change allows in HTML, and keeps text lines within the width', () => {
    const html = renderReport(report, 'html');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script&gt;');
    for (const line of renderReport(report, 'text').split('\n')) expect([...line].length).toBeLessThanOrEqual(TEXT_WIDTH);
  });

  it('chat: next steps ask to review broader fixes and renew expired rules', () => {
    const chat = renderReportChat(report);
    expect(chat.content.nextSteps.join('\n')).toMatch(/broader than proposed/);
    expect(chat.content.nextSteps.join('\n')).toMatch(/expired rules/);
    expect(chat.metadata.additionalContext).toMatchObject({ fixed: '3', expected: '47' });
  });

  it('without a rules file, expected rows say the rules were not read and no rule is listed expired', () => {
    const bare = buildWeeklyReport({ incidents: [expectedIncident('ex-1', 'scanner')], daily: [day('ex-1', '2026-11-18', 3)], open: [], from: FROM, to: TO });
    expect(bare.loop.expected).toEqual([expect.objectContaining({ rule: 'scanner', state: 'unknown' })]);
    expect(bare.loop.expiredRules).toEqual([]);
    expect(renderReport(bare, 'text')).toContain('Nothing was fixed by a policy change');
  });
});

describe('median and p90', () => {
  it('p90 is a value of the set, at least the median, and at least 90% of values are at or below it (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(10_000), { minLength: 1, maxLength: 200 }), (values) => {
        const sorted = [...values].sort((a, b) => a - b);
        const p90 = percentile(sorted, 0.9)!;
        expect(sorted).toContain(p90);
        expect(p90).toBeGreaterThanOrEqual(median(sorted)!);
        expect(sorted.filter((x) => x <= p90).length / sorted.length).toBeGreaterThanOrEqual(0.9);
        expect(sorted.filter((x) => x < p90).length / sorted.length).toBeLessThan(0.9);
      }),
    );
    expect(percentile([], 0.9)).toBeNull();
  });
});
