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

describe('streamInputs never drops a record it could parse (issue 12)', () => {
  const big = (id: string) => ({ ...rec(id), pad: 'p'.repeat(200) });
  /** A record line cut outside any string: its brackets never close, so a naive scan runs to the end of the input. */
  const truncated = (id: string) => {
    const line = JSON.stringify(big(id));
    return line.slice(0, line.indexOf(',"eventSource"') + 1);
  };

  it('reads the records after a truncated line, and a pretty-printed one among them, with one error', async () => {
    const many = Array.from({ length: 400 }, (_, i) => JSON.stringify(big(`r${i}`)));
    const text = [truncated('cut'), ...many, JSON.stringify(big('pretty'), null, 2), JSON.stringify(big('last'))].join('\n');
    // A document limit far below the input's size: the case where the old reader gave up and skipped to the end.
    for (const size of [97, 4096]) {
      const items = await streamed(text, size, 20_000);
      expect(ids(items)).toEqual(['error:0', ...many.map((_, i) => `r${i}`), 'pretty', 'last']);
    }
  });

  it('names the source and line in every error, and tags records with where they came from', async () => {
    const text = [JSON.stringify(rec('a')), 'oops', JSON.stringify(rec('b'), null, 2)].join('\n');
    const items: InputItem[] = [];
    for await (const item of streamInputs(chunked(text, 5), { source: 'logs/x.json.gz' })) items.push(item);
    expect(items).toEqual([
      { index: 0, record: rec('a'), at: 'logs/x.json.gz:1' },
      { index: 1, error: expect.stringMatching(/^logs\/x\.json\.gz:2: invalid JSON/) },
      { index: 2, record: rec('b'), at: 'logs/x.json.gz:3' },
    ]);
  });

  it('after the given number of unreadable lines in a row, says once that the rest was skipped', async () => {
    const text = [JSON.stringify(rec('a')), ...Array.from({ length: 1000 }, (_, i) => `garbage ${i}`)].join('\n');
    const items: InputItem[] = [];
    for await (const item of streamInputs(chunked(text, 64), { source: 'g.txt', maxConsecutiveErrors: 5 })) items.push(item);
    expect(items).toHaveLength(7);
    expect(items[6]).toEqual({
      index: 6,
      error: 'g.txt:7: 5 unreadable lines in a row; skipped the rest of this input (it does not look like CloudTrail JSON)',
    });
  });

  it('a record between unreadable lines resets the count', async () => {
    const text = ['x', 'x', JSON.stringify(rec('a')), 'x', 'x', JSON.stringify(rec('b'))].join('\n');
    const items: InputItem[] = [];
    for await (const item of streamInputs(chunked(text, 3), { maxConsecutiveErrors: 2 })) items.push(item);
    expect(ids(items)).toEqual(['error:0', 'error:1', 'a', 'error:3', 'error:4', 'b']);
  });

  it('finds every intact record, compact or pretty-printed, among truncated and garbage lines, whatever the chunking', async () => {
    type Unit = { kind: 'compact' | 'pretty' | 'truncated' | 'garbage'; id: string; cut: number };
    const unit = fc.record({
      kind: fc.constantFrom<Unit['kind']>('compact', 'pretty', 'truncated', 'garbage'),
      id: fc.stringMatching(/^[a-z0-9]{1,6}$/),
      cut: fc.integer({ min: 1, max: 400 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(unit, { maxLength: 25 }), fc.integer({ min: 1, max: 200 }), async (units, size) => {
        const lines = units.map((u, n) => {
          const record = big(`${u.id}-${n}`);
          if (u.kind === 'compact') return JSON.stringify(record);
          if (u.kind === 'pretty') return JSON.stringify(record, null, 2);
          // Any cut, in a string or not: never brackets the garbage could close.
          if (u.kind === 'truncated') return JSON.stringify(record).slice(0, Math.min(u.cut, JSON.stringify(record).length - 1));
          return `not json ${u.cut}`;
        });
        const items = await streamed(lines.join('\n'), size);
        const expected = units.flatMap((u, n) => (u.kind === 'compact' || u.kind === 'pretty' ? [`${u.id}-${n}`] : []));
        expect(items.flatMap((i) => ('record' in i ? [String(i.record.eventID)] : []))).toEqual(expected);
        items.forEach((item, n) => expect(item.index).toBe(n));
      }),
      { numRuns: 300 },
    );
  });
});
