import fc from 'fast-check';
import { publishSize } from '../../lib/notify/sns-text';
import { buildWeeklyReport } from '../../lib/report/aggregate';
import { REPORT_KIND, reportAlertMessage, reportSubject } from '../../lib/report/message';
import { daysOf } from '../../lib/report/period';
import type { WeeklyReport } from '../../lib/report/types';
import { day, FROM, makeIncident, NOW, role, sampleWeek, TO, TOPIC } from './fixtures';

function sampleReport(): WeeklyReport {
  const w = sampleWeek();
  return buildWeeklyReport({ incidents: w.incidents, daily: w.daily, open: w.open, from: FROM, to: TO, asOf: NOW, previous: { daily: w.previous } });
}

describe('reportSubject', () => {
  it('names the period and the headline numbers', () => {
    expect(reportSubject(sampleReport())).toBe('[access-auditor] Weekly report 2026-11-16..2026-11-22: 36 denials, 4 open');
  });

  it('is always printable ASCII, single line, under 100 characters', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 90 }),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }),
        (days, denials, open, start) => {
          const from = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
          const to = new Date(from.getTime() + days * 86_400_000);
          const report = buildWeeklyReport({ incidents: [], daily: [], open: [], from, to });
          const subject = reportSubject({ ...report, totals: { ...report.totals, denials, stillOpen: open } });
          expect(subject.length).toBeLessThan(100);
          expect(subject).toMatch(/^[\x20-\x7E]+$/);
          expect(daysOf(from, to)).toHaveLength(days);
        },
      ),
    );
  });
});

describe('reportAlertMessage', () => {
  it('is an SNS JSON message: text for email and default, chat JSON for https', () => {
    const message = reportAlertMessage(sampleReport(), TOPIC);
    expect(message.TopicArn).toBe(TOPIC);
    expect(message.MessageStructure).toBe('json');
    expect(message.MessageAttributes.kind).toEqual({ DataType: 'String', StringValue: REPORT_KIND });
    const body = JSON.parse(message.Message) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['default', 'email', 'https', 'sms']);
    expect(body.email).toBe(body.default);
    expect(body.email).toContain('ACCESS-AUDITOR WEEKLY REPORT');
    expect(body.sms).toBe(message.Subject);
    const chat = JSON.parse(body.https ?? '{}') as { version: string; metadata: { threadId: string } };
    expect(chat.version).toBe('1.0');
    expect(chat.metadata.threadId).toBe('weekly-report');
  });

  it('omits TopicArn when none is given', () => {
    expect('TopicArn' in reportAlertMessage(sampleReport())).toBe(false);
  });

  it('stays under 256 KB with 5,000 incidents with long hostile names', () => {
    const long = `<@U123>${'é'.repeat(400)}`;
    const incidents = Array.from({ length: 5000 }, (_, i) =>
      makeIncident({
        fingerprint: `fp-${String(i).padStart(5, '0')}-${'f'.repeat(40)}`,
        principal: role(`${long}-${i}`, String(100000000000 + i), { roleArn: `arn:aws:iam::${100000000000 + i}:role/r${i}` }),
        action: `svc${i}:${long}`,
        deniedRegion: `region-${i}`,
        firstSeen: '2026-11-17T00:00:00.000Z',
      }),
    );
    const report = buildWeeklyReport({
      incidents,
      daily: incidents.map((inc, i) => day(inc.fingerprint, '2026-11-18', i + 1)),
      open: incidents,
      from: FROM,
      to: TO,
    });
    const message = reportAlertMessage(report, TOPIC);
    expect(publishSize(message)).toBeLessThanOrEqual(262_144);
    const body = JSON.parse(message.Message) as Record<string, string>;
    expect(body.email).toContain('and 4,990 incidents more');
    expect(body.email).toContain('Denials       12,502,500');
  });
});
