import fc from 'fast-check';
import { athenaRows, lakeRow, normaliseEventTime, rowToRecord } from '../../lib/backfill/rows';
import { decodeRecord } from '../../lib/cloudtrail/decode';
import { athenaRowOf, exampleRecords } from './support';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test fixtures are read field by field, as the query would
type Rec = Record<string, any>;

/** The record as the queries see it: without the fields they do not select (absent from older Athena tables). */
function asQueried(r: Rec): Rec {
  const { tlsDetails: _tls, ...rest } = r;
  const { onBehalfOf: _o, ...identity } = r.userIdentity ?? {};
  const session = identity.sessionContext
    ? { sessionIssuer: identity.sessionContext.sessionIssuer, attributes: identity.sessionContext.attributes }
    : undefined;
  return { ...rest, userIdentity: { ...identity, ...(session ? { sessionContext: session } : {}) } };
}

describe('rowToRecord', () => {
  it.each(exampleRecords.map((r) => [r.eventID, r] as const))('rebuilds %s so that it decodes to the same denial', (_id, record) => {
    const original = decodeRecord(record);
    const rebuilt = decodeRecord(rowToRecord(athenaRowOf(record)));
    expect(original.kind).toBe('denial');
    expect(rebuilt).toEqual(decodeRecord(asQueried(record)));
    if (rebuilt.kind !== 'denial' || original.kind !== 'denial') throw new Error('not a denial');
    const core = (d: typeof original.denial) => [d.fingerprint, d.principal, d.action, d.resource, d.reason, d.eventId, d.eventTime];
    expect(core(rebuilt.denial)).toEqual(core(original.denial));
  });

  it('leaves the condition keys of unselected fields unknown, never satisfied', () => {
    const record = exampleRecords[0] as Rec;
    const rebuilt = decodeRecord(rowToRecord(athenaRowOf(record)));
    if (rebuilt.kind !== 'denial') throw new Error('not a denial');
    const context = rebuilt.denial.requestContext!;
    expect(context.values['aws:SecureTransport']).toBeUndefined();
    expect(context.determined).not.toContain('aws:securetransport');
  });

  it('reads Lake rows (one object per column, camel-case names, Lake timestamps)', () => {
    const record = exampleRecords[0] as Rec;
    const row = athenaRowOf(record);
    const cells = Object.entries(row)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => ({ [k.replace('eventid', 'eventID')]: k === 'eventtime' ? `${(v as string).replace('T', ' ').replace('Z', '')}.000` : (v as string) }));
    const rebuilt = rowToRecord(lakeRow(cells));
    expect(rebuilt.eventTime).toBe(record.eventTime);
    expect(decodeRecord(rebuilt)).toEqual(decodeRecord(asQueried(record)));
  });

  it('reads Athena result pages over the column names', () => {
    expect(athenaRows(['eventid', 'errorcode'], [{ Data: [{ VarCharValue: 'e1' }, {}] }])).toEqual([{ eventid: 'e1', errorcode: undefined }]);
  });

  it.each([
    ['2026-11-20 08:00:00.000', '2026-11-20T08:00:00Z'],
    ['2026-11-20 08:00:00', '2026-11-20T08:00:00Z'],
    ['2026-11-20T08:00:00Z', '2026-11-20T08:00:00Z'],
    ['yesterday', 'yesterday'],
  ])('normalises the event time %p to %p', (text, expected) => {
    expect(normaliseEventTime(text)).toBe(expected);
  });

  it('drops JSON columns that are not JSON objects and never throws on any cell (property)', () => {
    expect(rowToRecord({ requestparameters: '{bucketName=b, key=k}', additionaleventdata: '42', resourcesjson: '{"x":1}' })).toEqual({});
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom('eventid', 'requestparameters', 'resourcesjson', 'identityarn', 'readonly', '__proto__', 'constructor'),
          fc.option(fc.string(), { nil: null }),
        ),
        (row) => {
          const record = rowToRecord(row);
          expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
          expect(() => decodeRecord(record)).not.toThrow();
        },
      ),
    );
  });
});
