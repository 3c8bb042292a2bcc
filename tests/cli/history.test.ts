import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../cli/main';
import { captureIo, jsonLines, tempDir } from '../support/cli-io';

const root = join(__dirname, '..', '..');
const recordsDir = join(root, 'examples', 'records');
const records = readdirSync(recordsDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(recordsDir, f), 'utf8')) as Record<string, unknown>);
const cloudtrail = mockClient(CloudTrailClient);
const env = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

beforeEach(() => {
  cloudtrail.reset();
  const success = { ...records[0], eventID: 'ok', errorCode: undefined, errorMessage: undefined };
  cloudtrail.on(LookupEventsCommand).resolves({
    Events: [...records, success].map((r) => ({ EventId: String(r.eventID), CloudTrailEvent: JSON.stringify(r) })),
  });
});

describe('history', () => {
  it('explains the failed calls of the requested window and source, one line each', async () => {
    const io = captureIo({ cwd: root, env, now: new Date('2026-11-22T08:00:00Z') });
    expect(await main(['history', '--since', '48h', '--region', 'us-east-1', '--event-source', 'bedrock.amazonaws.com', '--json'], io)).toBe(0);
    const lines = jsonLines(io.out());
    expect(lines.map((l) => l.eventId)).toEqual(records.map((r) => r.eventID));
    const input = cloudtrail.commandCalls(LookupEventsCommand)[0]!.args[0].input;
    expect(input.StartTime).toEqual(new Date('2026-11-20T08:00:00Z'));
    expect(input.EndTime).toEqual(new Date('2026-11-22T08:00:00Z'));
    expect(input.LookupAttributes).toEqual([{ AttributeKey: 'EventSource', AttributeValue: 'bedrock.amazonaws.com' }]);
  });

  it('runs the pipeline with --replay, so history can backfill the incidents store', async () => {
    const dataDir = tempDir();
    const io = captureIo({ cwd: root, env });
    expect(await main(['history', '--region', 'us-east-1', '--replay', '--json', '--data-dir', dataDir], io)).toBe(0);
    expect(jsonLines(io.out()).map((l) => l.kind)).toEqual(records.map(() => 'counted'));
  });

  it.each([
    [['history', '--since', '100d', '--region', 'us-east-1'], /at most 90d/],
    [['history'], /give --region or set AWS_REGION/],
    [['history', '--region', 'us-east-1', '--max', '0'], /--max must be a positive whole number/],
  ])('%j is a usage error', async (argv, message) => {
    const io = captureIo({ cwd: root, env });
    expect(await main(argv, io)).toBe(2);
    expect(io.err()).toMatch(message);
  });
});
