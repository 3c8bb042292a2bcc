import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readInputs } from '../../lib/cloudtrail/input';

const record = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'records', '04-bedrock-agent-cross-region-us-east-2.json'), 'utf8')) as Record<
  string,
  unknown
>;
const event = {
  version: '0',
  id: 'e-1',
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.bedrock',
  account: '111122223333',
  time: '2026-11-20T15:05:13Z',
  region: 'us-east-1',
  resources: [],
  detail: record,
};
const onFailure = {
  version: '1.0',
  timestamp: '2026-11-20T15:11:02.000Z',
  requestContext: {
    requestId: 'r-1',
    functionArn: 'arn:aws:lambda:us-east-1:111122223333:function:access-auditor-prod-ingest:$LATEST',
    condition: 'RetriesExhausted',
    approximateInvokeCount: 3,
  },
  requestPayload: event,
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  responsePayload: { errorType: 'StoreError', errorMessage: 'ProvisionedThroughputExceededException' },
};

describe('readInputs: what dead-letter queues hold', () => {
  it.each([
    [
      'aws sqs receive-message output of the EventBridge dead-letter queue',
      { Messages: [{ MessageId: 'm-1', ReceiptHandle: 'h', Body: JSON.stringify(event) }] },
    ],
    ['aws sqs receive-message output of the on-failure queue', { Messages: [{ MessageId: 'm-2', ReceiptHandle: 'h', Body: JSON.stringify(onFailure) }] }],
    ['a Lambda on-failure destination record', onFailure],
    ['an SQS event', { Records: [{ messageId: 'm-3', receiptHandle: 'h', body: JSON.stringify(onFailure), eventSource: 'aws:sqs', awsRegion: 'us-east-1' }] }],
  ])('unwraps %s to the CloudTrail record', (_name, input) => {
    expect(readInputs(JSON.stringify(input))).toEqual([{ index: 0, record }]);
  });

  it('reports a message body that is not JSON and keeps the others', () => {
    const items = readInputs(JSON.stringify({ Messages: [{ Body: 'not json' }, { Body: JSON.stringify(event) }] }));
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ index: 0, error: expect.stringContaining('Messages[0].Body is not valid JSON') });
    expect(items[1]).toEqual({ index: 1, record });
  });
});
