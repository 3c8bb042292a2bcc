import fc from 'fast-check';
import { readInputs, type InputItem } from '../../lib/cloudtrail/input';
import { streamInputs } from '../../lib/cloudtrail/input-stream';

const rec = (id: string) => ({ eventVersion: '1.11', eventID: id, eventSource: 's3.amazonaws.com', eventName: 'GetObject', errorCode: 'AccessDenied' });
const ids = (items: InputItem[]) => items.map((i) => ('record' in i ? String(i.record.eventID) : `error:${i.index}`));

async function* chunked(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function streamed(text: string, size: number, maxDocumentChars?: number): Promise<InputItem[]> {
  const out: InputItem[] = [];
  for await (const item of streamInputs(chunked(text, size), maxDocumentChars === undefined ? {} : { maxDocumentChars })) out.push(item);
  return out;
}

const TEXTS: Array<[string, string]> = [
  ['one compact record', JSON.stringify(rec('a'))],
  ['one pretty record', JSON.stringify(rec('a'), null, 2)],
  ['a log file', JSON.stringify({ Records: [rec('a'), rec('b')] })],
  ['a pretty log file', JSON.stringify({ Records: [rec('a'), rec('b')] }, null, 2)],
  ['an array', JSON.stringify([rec('a'), rec('b')])],
  ['JSON Lines with CRLF and blanks', [JSON.stringify(rec('a')), '', JSON.stringify({ Records: [rec('b'), rec('c')] }), '   '].join('\r\n')],
  ['concatenated pretty documents', `${JSON.stringify(rec('a'), null, 2)}\n${JSON.stringify(rec('b'), null, 4)}\n`],
  ['a byte-order mark', `\uFEFF${JSON.stringify(rec('a'))}`],
  [
    'bad lines among good',
    [JSON.stringify(rec('a')), '{"broken": ', JSON.stringify({ Records: [rec('b'), 42] }), '[1,2,3]', '"s"', '{"no":1}', JSON.stringify(rec('c'))].join('\n'),
  ],
  ['an unterminated pretty document', `{\n  "eventID": "x",\n  "eventName": "GetObject",\n${JSON.stringify(rec('b'))}\n${JSON.stringify(rec('c'))}`],
  ['escapes and brackets in strings', `{\n "eventID": "q\\"}]{[",\n "eventName": "X\\\\"\n}\n${JSON.stringify(rec('z'))}`],
  ['multi-byte text', `${JSON.stringify({ ...rec('é'), note: '日本語 ✓' }, null, 1)}\n${JSON.stringify(rec('ü'))}`],
  ['nothing', ''],
];

describe('streamInputs', () => {
  it.each(TEXTS)('reads %s exactly as readInputs does, whatever the chunk size', async (_name, text) => {
    const expected = readInputs(text);
    for (const size of [1, 2, 7, 64, 1 << 20]) expect(await streamed(text, size)).toEqual(expected);
  });

  it('reads a log file longer than the document limit one record at a time', async () => {
    const records = Array.from({ length: 50 }, (_, i) => rec(`r${i}`));
    for (const text of [JSON.stringify({ Records: [...records, 7], Other: { x: [1] } }), JSON.stringify({ Records: records }, null, 2)]) {
      const items = await streamed(`${text}\n${JSON.stringify(rec('after'))}`, 100, 500);
      const expected = [...records.map((r) => String(r.eventID)), ...(text.includes('Other') ? ['error:50'] : []), 'after'];
      expect(ids(items)).toEqual(expected);
      expect(items.map((i) => i.index)).toEqual(expected.map((_, n) => n));
    }
  });

  it('reads a JSON array longer than the document limit element by element', async () => {
    const text = JSON.stringify([rec('a'), { Records: [rec('b')] }, rec('c')], null, 2);
    expect(text.length).toBeGreaterThan(400);
    expect(ids(await streamed(text, 13, 300))).toEqual(['a', 'b', 'c']);
    // An element over the limit is one error; the elements after it are still read.
    expect(ids(await streamed(text, 13, 200))).toEqual(['a', 'error:1', 'c']);
  });

  it('reports any other document over the limit once and reads on', async () => {
    const text = `${JSON.stringify({ Events: Array.from({ length: 20 }, (_, i) => ({ CloudTrailEvent: JSON.stringify(rec(`e${i}`)) })) })}\n${JSON.stringify(rec('a'))}`;
    const items = await streamed(text, 50, 200);
    expect(ids(items)).toEqual(['error:0', 'a']);
    expect(items[0]).toMatchObject({ error: expect.stringMatching(/cannot be read; split it into JSON Lines/) });
  });

  it('agrees with readInputs on arbitrary JSON lines and chunk sizes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.jsonValue(), fc.constant(rec('x'))), { maxLength: 6 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 40 }),
        async (values, pretty, size) => {
          const text = values.map((v) => JSON.stringify(v, null, pretty ? 2 : undefined)).join('\n');
          expect(await streamed(text, size)).toEqual(readInputs(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws and numbers items 0..n-1 on arbitrary text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), fc.integer({ min: 1, max: 16 }), async (text, size) => {
        const items = await streamed(text, size, 64);
        items.forEach((item, n) => expect(item.index).toBe(n));
      }),
      { numRuns: 500 },
    );
  });
});
