import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { streamInputs } from '../../lib/cloudtrail/input-stream';
import type { InputItem } from '../../lib/cloudtrail/input';

const examples = join(__dirname, '..', '..', 'examples', 'records');
const record = JSON.parse(readFileSync(join(examples, readdirSync(examples).sort()[0] ?? ''), 'utf8')) as Record<string, unknown>;
const records = [0, 1, 2].map((i) => ({ ...record, eventID: `e${i}` }));
const logFile = JSON.stringify({ Records: records });

async function read(text: string): Promise<InputItem[]> {
  const items: InputItem[] = [];
  for await (const item of streamInputs(
    (async function* () {
      yield text;
    })(),
    { source: 'log.json' },
  ))
    items.push(item);
  return items;
}
const ids = (items: InputItem[]) => items.flatMap((i) => ('record' in i ? [String(i.record.eventID)] : []));
const errors = (items: InputItem[]) => items.flatMap((i) => ('error' in i ? [i.error] : []));

describe('a CloudTrail log file on one line with one bad part keeps its other records', () => {
  it('a bad record in the middle is one error; the records around it are read', async () => {
    const text = logFile.replace('},{', '},{"eventVersion":"1.08","bad":01},{');
    const items = await read(text + '\n' + JSON.stringify({ ...record, eventID: 'next-line' }) + '\n');
    expect(ids(items)).toEqual(['e0', 'e1', 'e2', 'next-line']);
    expect(errors(items)).toEqual([expect.stringMatching(/^log\.json:1: Records\[1\] is not valid JSON/)]);
  });

  it.each([20, 100, 400])('a file cut %p characters before its end keeps its complete records and says it was cut', async (cut) => {
    const items = await read(logFile.slice(0, logFile.length - cut) + '\n' + JSON.stringify({ ...record, eventID: 'next-line' }) + '\n');
    expect(ids(items)).toEqual([...(cut <= 2 ? ['e0', 'e1', 'e2'] : ['e0', 'e1']), 'next-line']);
    expect(errors(items)).toHaveLength(1);
  });

  it('a file cut right after a complete record still says it was cut', async () => {
    const items = await read(logFile.slice(0, logFile.length - 2));
    expect(ids(items)).toEqual(['e0', 'e1', 'e2']);
    expect(errors(items)).toHaveLength(1);
  });
});
