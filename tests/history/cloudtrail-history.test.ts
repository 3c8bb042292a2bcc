import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudTrailHistory, type HistoryItem } from '../../lib/history/cloudtrail-history';

const cloudtrail = mockClient(CloudTrailClient);

async function collect(iterable: AsyncIterable<HistoryItem>): Promise<HistoryItem[]> {
  const out: HistoryItem[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const event = (id: string, record: Record<string, unknown> | string) => ({
  EventId: id,
  CloudTrailEvent: typeof record === 'string' ? record : JSON.stringify(record),
});

describe('CloudTrailHistory', () => {
  beforeEach(() => cloudtrail.reset());
  const since = new Date('2026-11-20T00:00:00Z');
  const until = new Date('2026-11-21T00:00:00Z');

  it('pages through LookupEvents with one attribute, spacing requests, and keeps only failed calls', async () => {
    cloudtrail
      .on(LookupEventsCommand)
      .resolvesOnce({ Events: [event('1', { eventID: '1', errorCode: 'AccessDenied' }), event('2', { eventID: '2' })], NextToken: 't1' })
      .resolvesOnce({ Events: [event('3', { eventID: '3', errorCode: 'AccessDeniedException' })] });
    const sleeps: number[] = [];
    const history = new CloudTrailHistory({ client: new CloudTrailClient({ region: 'us-east-1' }), sleep: async (ms) => void sleeps.push(ms) });

    const items = await collect(history.failedCalls({ since, until, eventSource: 'bedrock.amazonaws.com' }));

    expect(items).toEqual([{ record: { eventID: '1', errorCode: 'AccessDenied' } }, { record: { eventID: '3', errorCode: 'AccessDeniedException' } }]);
    const calls = cloudtrail.commandCalls(LookupEventsCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      {
        StartTime: since,
        EndTime: until,
        LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'bedrock.amazonaws.com' }],
        MaxResults: 50,
        NextToken: undefined,
      },
      {
        StartTime: since,
        EndTime: until,
        LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'bedrock.amazonaws.com' }],
        MaxResults: 50,
        NextToken: 't1',
      },
    ]);
    expect(sleeps).toEqual([550]);
  });

  it('reports an unparsable event and goes on, and stops at maxRecords', async () => {
    cloudtrail.on(LookupEventsCommand).resolves({
      Events: [event('bad', '{not json'), event('4', { errorCode: 'AccessDenied' }), event('5', { errorCode: 'AccessDenied' })],
      NextToken: 'more',
    });
    const history = new CloudTrailHistory({ client: new CloudTrailClient({ region: 'us-east-1' }), sleep: async () => undefined });

    const items = await collect(history.failedCalls({ since, until, maxRecords: 1 }));

    expect(items).toEqual([{ error: 'event bad: CloudTrailEvent is not JSON' }, { record: { errorCode: 'AccessDenied' } }]);
    expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(1);
    expect(cloudtrail.commandCalls(LookupEventsCommand)[0]!.args[0].input.LookupAttributes).toBeUndefined();
  });

  it('lets API errors propagate', async () => {
    cloudtrail.on(LookupEventsCommand).rejects(new Error('ThrottlingException: Rate exceeded'));
    const history = new CloudTrailHistory({ client: new CloudTrailClient({ region: 'us-east-1' }) });
    await expect(collect(history.failedCalls({ since, until }))).rejects.toThrow(/Rate exceeded/);
  });
});
