import fc from 'fast-check';
import { ExpressionContext, fromAttribute, toAttribute } from '../../lib/incidents/dynamodb/attribute-values';
import { fitDenial, fitProposal, MAX_LATEST_BYTES, MAX_PROPOSAL_BYTES } from '../../lib/incidents/dynamodb/item-size';
import { normalizeIsoTime, utcDay, utcDaysOverlapping } from '../../lib/incidents/dynamodb/table-design';
import { makeDenial, sampleProposal } from './fixtures';

const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

describe('attribute values', () => {
  test('JSON-like data survives a round trip (undefined entries dropped)', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.string(),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, (value) => {
        const attr = toAttribute(value);
        expect(attr && fromAttribute(attr)).toEqual(value);
      }),
    );
  });

  test.each([
    ['a string', 'x', { S: 'x' }],
    ['a number', 42, { N: '42' }],
    ['null', null, { NULL: true }],
    ['a map without its undefined entries', { a: 1, b: undefined }, { M: { a: { N: '1' } } }],
  ])('%s', (_name, value, expected) => {
    expect(toAttribute(value)).toEqual(expected);
  });

  test('non-finite numbers are refused rather than stored as garbage', () => {
    expect(() => toAttribute(Number.NaN)).toThrow(TypeError);
  });

  test('expression context aliases every path segment once and numbers values', () => {
    const e = new ExpressionContext();
    const first = e.path('alert.pending.eventId');
    const second = e.path('alert.deferred');
    const v = e.value('x');

    expect(first).toBe('#n0.#n1.#n2');
    expect(second).toBe('#n0.#n3');
    expect(v).toBe(':v0');
    expect(e.attributes()).toEqual({
      ExpressionAttributeNames: { '#n0': 'alert', '#n1': 'pending', '#n2': 'eventId', '#n3': 'deferred' },
      ExpressionAttributeValues: { ':v0': { S: 'x' } },
    });
    expect(new ExpressionContext().attributes()).toEqual({});
  });
});

describe('time keys', () => {
  test.each([
    ['CloudTrail second precision', '2026-11-20T09:14:03Z', '2026-11-20T09:14:03.000Z'],
    ['an offset', '2026-11-20T10:14:03+01:00', '2026-11-20T09:14:03.000Z'],
    ['milliseconds', '2026-11-20T09:14:03.5Z', '2026-11-20T09:14:03.500Z'],
    ['not a date', 'yesterday', null],
  ])('normalizeIsoTime: %s', (_name, input, expected) => {
    expect(normalizeIsoTime(input)).toBe(expected);
  });

  test('normalised times sort as strings in time order', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        (a, b) => {
          const [x, y] = [normalizeIsoTime(a.toISOString()) ?? '', normalizeIsoTime(b.toISOString()) ?? ''];
          expect(x < y).toBe(a.getTime() < b.getTime());
        },
      ),
    );
  });

  test.each([
    ['one whole day', '2026-11-20T00:00:00Z', '2026-11-21T00:00:00Z', ['2026-11-20']],
    [
      'a week',
      '2026-11-16T00:00:00Z',
      '2026-11-23T00:00:00Z',
      ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22'],
    ],
    ['partial days at both ends', '2026-11-20T23:00:00Z', '2026-11-21T00:00:01Z', ['2026-11-20', '2026-11-21']],
    ['across a month and a leap day', '2028-02-28T12:00:00Z', '2028-03-01T12:00:00Z', ['2028-02-28', '2028-02-29', '2028-03-01']],
    ['an empty range', '2026-11-20T10:00:00Z', '2026-11-20T10:00:00Z', []],
    ['a reversed range', '2026-11-21T00:00:00Z', '2026-11-20T00:00:00Z', []],
  ])('utcDaysOverlapping: %s', (_name, from, to, expected) => {
    expect(utcDaysOverlapping(new Date(from), new Date(to))).toEqual(expected);
  });

  test('the day of an occurrence is always among the days overlapping a range that contains it', () => {
    const min = Date.parse('2020-01-01');
    const max = Date.parse('2030-01-01');
    fc.assert(
      fc.property(fc.integer({ min, max }), fc.integer({ min: 0, max: 40 * 86_400_000 }), fc.integer({ min: 1, max: 40 * 86_400_000 }), (t, before, after) => {
        const days = utcDaysOverlapping(new Date(t - before), new Date(t + after));
        expect(days).toContain(utcDay(new Date(t).toISOString()));
      }),
    );
  });
});

describe('item size', () => {
  test('a proposal that fits is stored as is', () => {
    const proposal = sampleProposal();
    expect(fitProposal(proposal)).toBe(proposal);
  });

  test('renderings go first, statements stay, and the note says what was cut', () => {
    const proposal = sampleProposal({ terraform: 't'.repeat(200_000), cli: 'c'.repeat(10), diff: 'd'.repeat(1_000) });

    const fitted = fitProposal(proposal);

    expect(bytes(fitted)).toBeLessThanOrEqual(MAX_PROPOSAL_BYTES);
    expect(fitted.terraform).toBeUndefined();
    expect(fitted.statements).toEqual(proposal.statements);
    expect(fitted.notes.at(-1)).toMatch(/^Trimmed for storage .*terraform/);
  });

  test('when statements alone are too large, as many as fit are kept and the note counts the rest', () => {
    const statements = Array.from({ length: 400 }, (_, i) => ({
      Sid: `S${i}`,
      Effect: 'Allow' as const,
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${'b'.repeat(1000)}${i}/*`,
    }));

    const fitted = fitProposal(sampleProposal({ statements }));

    expect(bytes(fitted)).toBeLessThanOrEqual(MAX_PROPOSAL_BYTES);
    expect(fitted.statements.length).toBeGreaterThan(0);
    expect(fitted.statements.length).toBeLessThan(400);
    expect(fitted.notes.at(-1)).toContain(`${400 - fitted.statements.length} of 400 statements`);
  });

  test('the stored denial leaves its proposal out (stored once, separately) and shortens huge free text', () => {
    const denial = makeDenial({ eventId: 'e', errorMessage: 'm'.repeat(200_000), userAgent: 'u'.repeat(100_000) });

    const fitted = fitDenial(denial);

    expect(fitted.proposal).toBeUndefined();
    expect(bytes(fitted)).toBeLessThanOrEqual(MAX_LATEST_BYTES);
    expect(fitted.errorMessage?.startsWith('mmm')).toBe(true);
    expect(fitted.eventId).toBe('e');
  });
});

describe('attribute values: keys that name Object.prototype members are data', () => {
  it('a request parameter named __proto__ (or constructor) survives a round trip as an own property', () => {
    const value = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": "c", "nested": {"__proto__": "x"}}') as Record<string, unknown>;
    const back = fromAttribute(toAttribute(value)!) as Record<string, unknown>;
    expect(Object.keys(back).sort()).toEqual(['__proto__', 'constructor', 'nested']);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(back).toEqual(value);
  });
});
