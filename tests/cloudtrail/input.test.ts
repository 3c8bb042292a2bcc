import fc from 'fast-check';
import { readInputs, readInputsFromValue, type InputItem } from '../../lib/cloudtrail/input';

const rec = (id: string) => ({ eventVersion: '1.11', eventID: id, eventSource: 's3.amazonaws.com', eventName: 'GetObject', errorCode: 'AccessDenied' });
const ids = (items: InputItem[]) => items.map((i) => ('record' in i ? String(i.record.eventID) : `error:${i.index}`));

describe('readInputs', () => {
  it.each([
    ['one compact record', JSON.stringify(rec('a')), ['a']],
    ['one pretty record', JSON.stringify(rec('a'), null, 2), ['a']],
    ['a CloudTrail log file', JSON.stringify({ Records: [rec('a'), rec('b')] }), ['a', 'b']],
    ['a pretty log file', JSON.stringify({ Records: [rec('a'), rec('b')] }, null, 2), ['a', 'b']],
    ['an EventBridge event', JSON.stringify({ version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: rec('a') }), ['a']],
    ['a JSON array of records', JSON.stringify([rec('a'), rec('b')]), ['a', 'b']],
    ['lookup-events output', JSON.stringify({ Events: [{ EventId: 'a', CloudTrailEvent: JSON.stringify(rec('a')) }] }), ['a']],
    [
      'JSON Lines mixing every container, blank lines and CRLF',
      [
        JSON.stringify(rec('a')),
        '',
        JSON.stringify({ Records: [rec('b'), rec('c')] }),
        '   ',
        JSON.stringify({ 'detail-type': 'AWS API Call via CloudTrail', detail: rec('d') }),
      ].join('\r\n'),
      ['a', 'b', 'c', 'd'],
    ],
    ['concatenated pretty documents', `${JSON.stringify(rec('a'), null, 2)}\n${JSON.stringify(rec('b'), null, 4)}\n`, ['a', 'b']],
    ['pretty document between JSON lines', `${JSON.stringify(rec('a'))}\n${JSON.stringify(rec('b'), null, 2)}\n${JSON.stringify(rec('c'))}`, ['a', 'b', 'c']],
    ['a byte-order mark', `\uFEFF${JSON.stringify(rec('a'))}`, ['a']],
    ['nothing', '', []],
    ['only blank lines', '\n\n  \n', []],
    ['an empty log file', '{"Records": []}', []],
  ])('reads %s', (_name, text, expected) => {
    const items = readInputs(text);
    expect(ids(items)).toEqual(expected);
    expect(items.map((i) => i.index)).toEqual(expected.map((_, i) => i));
  });

  it('numbers items across the whole text and keeps going after bad lines', () => {
    const text = [
      JSON.stringify(rec('a')),
      '{"broken": ',
      JSON.stringify({ Records: [rec('b'), 42] }),
      '[1,2,3]',
      '"just a string"',
      '{"no":"eventName"}',
      JSON.stringify(rec('c')),
    ].join('\n');
    const items = readInputs(text);
    expect(items.map((i) => i.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(ids(items)).toEqual(['a', 'error:1', 'b', 'error:3', 'error:4', 'error:5', 'error:6', 'c']);
    const errors = items.filter((i): i is { index: number; error: string } => 'error' in i).map((i) => i.error);
    expect(errors[0]).toMatch(/^line 2: invalid JSON/);
    expect(errors[1]).toMatch(/^line 3: Records\[1\] is a JSON number/);
    expect(errors[2]).toMatch(/^line 4: a JSON array whose elements are not all objects/);
    expect(errors[3]).toMatch(/^line 5: a JSON string/);
    expect(errors[4]).toMatch(/^line 6: JSON object is not a CloudTrail record/);
  });

  it('refuses EventBridge events that do not carry CloudTrail records', () => {
    const [item] = readInputs(JSON.stringify({ 'detail-type': 'EC2 Instance State-change Notification', source: 'aws.ec2', detail: { state: 'running' } }));
    expect(item).toEqual({ index: 0, error: expect.stringContaining('detail-type "EC2 Instance State-change Notification"') });
  });

  it('an unterminated pretty document does not swallow the records after it', () => {
    const text = `{\n  "eventID": "x",\n  "eventName": "GetObject",\n${JSON.stringify(rec('b'))}\n${JSON.stringify(rec('c'))}`;
    const items = readInputs(text);
    expect(ids(items).slice(-2)).toEqual(['b', 'c']);
    expect(items.every((i, n) => i.index === n)).toBe(true);
  });

  it('reports NUL bytes as invalid JSON, not a crash', () => {
    const items = readInputs(`${JSON.stringify(rec('a'))}\n\u0000\u0000\n${JSON.stringify(rec('b'))}`);
    expect(ids(items)).toEqual(['a', 'error:1', 'b']);
  });

  it('reads a 10 MB line', () => {
    const big = { ...rec('big'), requestParameters: { blob: 'x'.repeat(10 * 1024 * 1024) } };
    expect(ids(readInputs(JSON.stringify(big)))).toEqual(['big']);
  });

  it('survives deeply nested JSON', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const items = readInputs(`${deep}\n${JSON.stringify(rec('a'))}`);
    expect(ids(items)).toEqual(['error:0', 'a']);
    const deepObject = `{"eventName":"X","nested":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`;
    expect(ids(readInputs(deepObject))).toEqual(['undefined']);
  });

  it('stays linear on many broken multi-line starts', () => {
    const text = `${'{"a": [\n'.repeat(20_000)}${JSON.stringify(rec('z'))}`;
    const items = readInputs(text);
    expect(items).toHaveLength(20_001);
    expect(ids(items).at(-1)).toBe('z');
  });
});

describe('readInputsFromValue', () => {
  it('starts at the given index and names the origin', () => {
    expect(readInputsFromValue({ Records: [rec('a'), 'x'] }, 5, 'event')).toEqual([
      { index: 5, record: rec('a') },
      { index: 6, error: 'event: Records[1] is a JSON string, not a CloudTrail record' },
    ]);
  });

  it('unwraps an EventBridge event for the Lambda', () => {
    expect(readInputsFromValue({ 'detail-type': 'AWS API Call via CloudTrail', detail: rec('a') })).toEqual([{ index: 0, record: rec('a') }]);
  });
});

describe('properties', () => {
  it('never throws and numbers items 0..n-1 for arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const items = readInputs(text);
        items.forEach((item, n) => expect(item.index).toBe(n));
      }),
      { numRuns: 1500 },
    );
  });

  it('never throws on arbitrary JSON lines and yields one item per non-container line', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 8 }), (values) => {
        const text = values.map((v) => JSON.stringify(v)).join('\n');
        const items = readInputs(text);
        items.forEach((item, n) => expect(item.index).toBe(n));
        const simple = values.filter((v) => typeof v !== 'object' || v === null);
        expect(items.length).toBeGreaterThanOrEqual(simple.length);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary values', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        readInputsFromValue(v);
      }),
      { numRuns: 500 },
    );
  });
});
