import type { AlertMessage, Notifier } from '../../lib/notify/types';
import { DynamoIncidentStore } from '../../lib/incidents/dynamodb/store';
import { collectWeeklyReport, runWeeklyReport } from '../../lib/pipeline/weekly-report';
import { NOW, TOPIC } from '../report/fixtures';
import { seedWeek } from '../report/store-fixtures';
import { CapturingNotifier } from '../support/builders';
import { freshStore, useEmbeddedDynamoDB } from '../support/dynamodb';

const dynamo = useEmbeddedDynamoDB();

describe('runWeeklyReport against dynalite', () => {
  it('reports the recorded week and publishes exactly one message', async () => {
    // Given a week of occurrences recorded through the real store
    const store = await freshStore(dynamo.client);
    await seedWeek(store);
    const notifier = new CapturingNotifier();

    // When the report runs on Monday morning
    const report = await runWeeklyReport({ store, notifier, topicArn: TOPIC, now: NOW, days: 7 });

    // Then the period is last week and the numbers match what was recorded
    expect(report.period.label).toBe('2026-11-16..2026-11-22');
    expect(report.totals).toMatchObject({ denials: 5, incidentsSeen: 2, newIncidents: 1, crossRegionDenials: 2, stillOpen: 3, fixReady: 1 });
    expect(report.daily.map((d) => d.count)).toEqual([1, 0, 2, 0, 2, 0, 0]);
    expect(report.top.map((t) => [t.fingerprint, t.count])).toEqual([
      ['fp-a', 3],
      ['fp-b', 2],
    ]);
    expect(report.stillOpen.map((o) => [o.fingerprint, o.status, o.daysOpen])).toEqual([
      ['fp-c', 'acknowledged', 21],
      ['fp-a', 'open', 10],
      ['fp-b', 'open', 3],
    ]);
    expect(report.weekOverWeek).toEqual({ previousDenials: 1, previousIncidents: 1, change: 4, changePercent: 400 });

    expect(notifier.messages).toHaveLength(1);
    const [message] = notifier.messages as [AlertMessage];
    expect(message.Subject).toBe('[access-auditor] Weekly report 2026-11-16..2026-11-22: 5 denials, 3 open');
    expect(message.TopicArn).toBe(TOPIC);
    expect(JSON.parse(message.Message)).toHaveProperty('https');
  });

  it('reports the same period and numbers when run again later the same day', async () => {
    const store = await freshStore(dynamo.client);
    await seedWeek(store);
    const first = await collectWeeklyReport({ store, now: NOW, days: 7 });
    const retry = await collectWeeklyReport({ store, now: new Date('2026-11-23T21:00:00Z'), days: 7 });
    expect(retry.totals.denials).toBe(first.totals.denials);
    expect(retry.period).toEqual({ ...first.period, asOf: '2026-11-23T21:00:00.000Z' });
  });

  it('reports an empty table as a quiet week', async () => {
    const store = await freshStore(dynamo.client);
    const notifier = new CapturingNotifier();
    const report = await runWeeklyReport({ store, notifier, now: NOW, days: 7 });
    expect(report.totals.denials).toBe(0);
    expect(notifier.messages[0]?.Subject).toBe('[access-auditor] Weekly report 2026-11-16..2026-11-22: 0 denials, 0 open');
  });

  it('lets a publishing failure propagate', async () => {
    const store = await freshStore(dynamo.client);
    const failing: Notifier = { publish: () => Promise.reject(new Error('SNS is down')) };
    await expect(runWeeklyReport({ store, notifier: failing, now: NOW, days: 7 })).rejects.toThrow('SNS is down');
  });

  it('lets a store failure propagate', async () => {
    const missing = new DynamoIncidentStore({ client: dynamo.client, tableName: 'no-such-table' });
    const notifier = new CapturingNotifier();
    await expect(runWeeklyReport({ store: missing, notifier, now: NOW, days: 7 })).rejects.toThrow();
    expect(notifier.messages).toHaveLength(0);
  });
});
