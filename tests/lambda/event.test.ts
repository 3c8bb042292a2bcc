import { parseCloudTrailEvent } from '../../lib/lambda/event';

describe('parseCloudTrailEvent', () => {
  const detail = { eventID: 'e-1', eventName: 'InvokeModel', eventSource: 'bedrock.amazonaws.com' };

  it('unwraps the CloudTrail record from an EventBridge event', () => {
    expect(parseCloudTrailEvent({ 'detail-type': 'AWS API Call via CloudTrail', detail })).toEqual({
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
});
