import { parseCloudTrailEvent } from '../../lib/lambda/event';

describe('parseCloudTrailEvent', () => {
  const detail = { eventID: 'e-1', eventName: 'InvokeModel', eventSource: 'bedrock.amazonaws.com', recipientAccountId: '111122223333' };
  const delivery = { source: 'aws.bedrock', 'detail-type': 'AWS API Call via CloudTrail', account: '111122223333' };

  it('unwraps the CloudTrail record from an EventBridge event', () => {
    expect(parseCloudTrailEvent({ ...delivery, detail })).toEqual({
      kind: 'record',
      record: detail,
      eventId: 'e-1',
      eventName: 'InvokeModel',
    });
  });

  it.each([
    [null, /null/],
    ['text', /string/],
    [[detail], /an array/],
    [{ detail: 'x' }, /no "detail" object/],
    [{ 'detail-type': 'Scheduled Event', detail }, /not a CloudTrail event/],
  ])('rejects %j with a reason', (event, reason) => {
    const parsed = parseCloudTrailEvent(event);
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind === 'invalid') expect(parsed.reason).toMatch(reason);
  });

  it.each([
    ['source', { source: 'attacker.forged' }, /source/],
    ['source prefix without the dot', { source: 'awsx.iam' }, /source/],
    ['source of another case', { source: 'AWS.iam' }, /source/],
    ['detail-type', { 'detail-type': 'AWS Service Event via CloudTrail' }, /detail-type/],
    ['account', { account: '444455556666' }, /recipientAccountId/],
    ['account shape', { account: 'x' }, /12-digit/],
  ])('calls an event with a forged %s suspicious', (_name, change, reason) => {
    const parsed = parseCloudTrailEvent({ ...delivery, ...change, detail });
    expect(parsed).toMatchObject({ kind: 'suspicious', reason: expect.stringMatching(reason) });
  });

  it('calls a record without recipientAccountId suspicious, and bounds what it reports', () => {
    const parsed = parseCloudTrailEvent({ ...delivery, source: 'aws.' + 'x'.repeat(1000), detail: { eventID: 'e' } });
    expect(parsed).toMatchObject({ kind: 'suspicious', recipientAccountId: '(missing)' });
    if (parsed.kind === 'suspicious') expect(parsed.source.length).toBeLessThanOrEqual(80);
  });
});
