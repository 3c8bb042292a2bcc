import { buildWeeklyReport } from '../../lib/report/aggregate';
import { ReportPeriodError } from '../../lib/report/errors';
import type { WeeklyReport } from '../../lib/report/types';
import { FROM, makeIncident, NOW, sampleWeek, TO, day } from './fixtures';

function sampleReport(withPrevious = true): WeeklyReport {
  const w = sampleWeek();
  return buildWeeklyReport({
    incidents: w.incidents,
    daily: w.daily,
    open: w.open,
    from: FROM,
    to: TO,
    asOf: NOW,
    ...(withPrevious ? { previous: { daily: w.previous } } : {}),
  });
}

describe('buildWeeklyReport over a sample week', () => {
  const report = sampleReport();

  it.each([
    ['denials: the sum of the daily counts', report.totals.denials, 36],
    ['incidents seen', report.totals.incidentsSeen, 4],
    ['new incidents: first seen in the period', report.totals.newIncidents, 1],
    ['reopened: changed back to open in the period', report.totals.reopened, 1],
    ['resolved but seen again', report.totals.resolvedSeenAgain, 1],
    ['cross-region denials', report.totals.crossRegionDenials, 19],
    ['cross-region incidents', report.totals.crossRegionIncidents, 2],
    ['still open (open + acknowledged)', report.totals.stillOpen, 4],
    ['fix ready among the open ones', report.totals.fixReady, 2],
  ])('totals: %s', (_name, actual, expected) => {
    expect(actual).toBe(expected);
  });

  it('has the period as whole UTC days', () => {
    expect(report.period).toEqual({
      from: '2026-11-16T00:00:00.000Z',
      to: '2026-11-23T00:00:00.000Z',
      days: ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22'],
      label: '2026-11-16..2026-11-22',
      asOf: '2026-11-23T09:00:00.000Z',
    });
  });

  it('ranks top incidents by count in the period, ties broken by fingerprint', () => {
    expect(report.top.map((t) => [t.fingerprint, t.count])).toEqual([
      ['fp-a', 15],
      ['fp-b', 15],
      ['fp-d', 4],
      ['fp-c', 2],
    ]);
  });

  it('describes each top incident: principal name, managedBy, regions, layer, status, proposal, trend', () => {
    const [a, b, d] = report.top;
    expect(a).toMatchObject({
      action: 'bedrock:InvokeModel',
      principal: 'chat-web',
      managedBy: 'iam',
      accountId: '111122223333',
      callRegion: 'us-east-1',
      deniedRegion: 'us-west-2',
      layer: 'scp',
      status: 'open',
      isNew: false,
      proposal: { kind: 'scp', validated: 'not-validated' },
      previousCount: 3,
    });
    expect(b).toMatchObject({
      principal: 'alice',
      accountId: '444455556666',
      isNew: true,
      previousCount: 0,
      proposal: { kind: 'identity-policy', validated: 'simulated-allow' },
    });
    expect(d).toMatchObject({ principal: 'DataScience', managedBy: 'sso', layer: 'model-access', proposal: null });
  });

  it.each<[keyof WeeklyReport['breakdowns'], Array<[string, number, number]>]>([
    [
      'byAccount',
      [
        ['111122223333', 21, 3],
        ['444455556666', 15, 1],
      ],
    ],
    [
      'byDeniedRegion',
      [
        ['us-east-1', 17, 2],
        ['us-west-2', 15, 1],
        ['eu-central-1', 4, 1],
      ],
    ],
    [
      'byService',
      [
        ['bedrock', 19, 2],
        ['s3', 15, 1],
        ['iam', 2, 1],
      ],
    ],
    [
      'byLayer',
      [
        ['identity', 17, 2],
        ['scp', 15, 1],
        ['model-access', 4, 1],
      ],
    ],
    [
      'byPrincipal',
      [
        ['chat-web', 15, 1],
        ['alice', 15, 1],
        ['DataScience', 4, 1],
        ['deployer', 2, 1],
      ],
    ],
  ])('breakdown %s: label, denials, incidents, most denials first', (name, expected) => {
    expect(report.breakdowns[name].map((r) => [r.label, r.denials, r.incidents])).toEqual(expected);
  });

  it('counts cross-region denials per denied region', () => {
    expect(report.breakdowns.byDeniedRegion.map((r) => [r.key, r.crossRegionDenials])).toEqual([
      ['us-east-1', 0],
      ['us-west-2', 15],
      ['eu-central-1', 4],
    ]);
  });

  it('keys principals by role ARN, not by display name', () => {
    expect(report.breakdowns.byPrincipal[0]?.key).toBe('arn:aws:iam::111122223333:role/chat-web');
  });

  it('has one value per day, zeros included', () => {
    expect(report.daily.map((d) => d.count)).toEqual([5, 15, 10, 1, 2, 0, 3]);
  });

  it('lists still-open incidents oldest first with days open and fix readiness', () => {
    expect(report.stillOpen.map((o) => [o.fingerprint, o.status, o.daysOpen, o.fixReady])).toEqual([
      ['fp-e', 'acknowledged', 83, true],
      ['fp-d', 'open', 53, false],
      ['fp-a', 'open', 13, false],
      ['fp-b', 'open', 6, true],
    ]);
  });

  it('compares with the previous period', () => {
    expect(report.weekOverWeek).toEqual({ previousDenials: 10, previousIncidents: 2, change: 26, changePercent: 260 });
  });
});

describe('buildWeeklyReport edge cases', () => {
  it('reports an empty week with zeros, seven days and no trend', () => {
    const report = buildWeeklyReport({ incidents: [], daily: [], open: [], from: FROM, to: TO });
    expect(report.totals).toEqual({
      denials: 0,
      incidentsSeen: 0,
      newIncidents: 0,
      reopened: 0,
      resolvedSeenAgain: 0,
      crossRegionDenials: 0,
      crossRegionIncidents: 0,
      stillOpen: 0,
      fixReady: 0,
      expectedDenials: 0,
    });
    expect(report.daily).toHaveLength(7);
    expect(report.daily.every((d) => d.count === 0)).toBe(true);
    expect(report.top).toEqual([]);
    expect(report.weekOverWeek).toBeNull();
    expect(report.period.asOf).toBe(TO.toISOString());
  });

  it('gives no percentage when the previous period had no denials', () => {
    const report = buildWeeklyReport({ incidents: [], daily: [day('fp-a', '2026-11-17', 4)], open: [], from: FROM, to: TO, previous: { daily: [] } });
    expect(report.weekOverWeek).toEqual({ previousDenials: 0, previousIncidents: 0, change: 4, changePercent: null });
  });

  it('ignores daily counts outside the period', () => {
    const report = buildWeeklyReport({
      incidents: [makeIncident({ fingerprint: 'fp-a' })],
      daily: [day('fp-a', '2026-11-15', 100), day('fp-a', '2026-11-18', 2), day('fp-a', '2026-11-23', 100)],
      open: [],
      from: FROM,
      to: TO,
    });
    expect(report.totals.denials).toBe(2);
    expect(report.top[0]?.count).toBe(2);
  });

  it('keeps one entry per fingerprint and drops incidents no longer open from the open list', () => {
    const open = makeIncident({ fingerprint: 'fp-a', lastSeen: '2026-11-18T00:00:00.000Z' });
    const newer = { ...open, status: 'acknowledged' as const, lastSeen: '2026-11-19T00:00:00.000Z' };
    const resolved = makeIncident({ fingerprint: 'fp-r', status: 'resolved' });
    const report = buildWeeklyReport({ incidents: [], daily: [], open: [open, newer, resolved], from: FROM, to: TO });
    expect(report.stillOpen.map((o) => [o.fingerprint, o.status])).toEqual([['fp-a', 'acknowledged']]);
  });

  it('orders equally old open incidents by fingerprint', () => {
    const same = '2026-11-01T00:00:00.000Z';
    const report = buildWeeklyReport({
      incidents: [],
      daily: [],
      open: ['fp-z', 'fp-m', 'fp-b'].map((fingerprint) => makeIncident({ fingerprint, firstSeen: same })),
      from: FROM,
      to: TO,
    });
    expect(report.stillOpen.map((o) => o.fingerprint)).toEqual(['fp-b', 'fp-m', 'fp-z']);
  });

  it('is deterministic whatever the input order', () => {
    const w = sampleWeek();
    const forward = buildWeeklyReport({ incidents: w.incidents, daily: w.daily, open: w.open, from: FROM, to: TO });
    const backward = buildWeeklyReport({
      incidents: [...w.incidents].reverse(),
      daily: [...w.daily].reverse(),
      open: [...w.open].reverse(),
      from: FROM,
      to: TO,
    });
    expect(backward).toEqual(forward);
  });

  it('does not call an incident reopened when its status change is its creation or outside the period', () => {
    const created = makeIncident({ fingerprint: 'fp-1', firstSeen: '2026-11-18T00:00:00.000Z', statusChangedAt: '2026-11-18T00:00:00.000Z' });
    const earlier = makeIncident({ fingerprint: 'fp-2', firstSeen: '2026-10-01T00:00:00.000Z', statusChangedAt: '2026-11-10T00:00:00.000Z' });
    const report = buildWeeklyReport({ incidents: [created, earlier], daily: [], open: [], from: FROM, to: TO });
    expect(report.totals.reopened).toBe(0);
  });

  it('never reports negative days open', () => {
    const report = buildWeeklyReport({
      incidents: [],
      daily: [],
      open: [makeIncident({ fingerprint: 'fp-today', firstSeen: '2026-11-23T08:00:00.000Z' })],
      from: FROM,
      to: TO,
    });
    expect(report.stillOpen[0]?.daysOpen).toBe(0);
  });

  it('refuses an empty period', () => {
    expect(() => buildWeeklyReport({ incidents: [], daily: [], open: [], from: TO, to: TO })).toThrow(ReportPeriodError);
  });
});
