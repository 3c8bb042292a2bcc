import fc from 'fast-check';
import { applyCheckpoint, cursorIdentity, decideStart, identityDigest, newCursor, parseCursor, type BackfillCursor } from '../../lib/backfill/cursor';

const window = { since: new Date('2026-11-15T00:00:00Z'), until: new Date('2026-11-22T00:00:00Z') };
const now = new Date('2026-11-22T08:00:00Z');
const fresh = () => newCursor('s3', 's3:bucket=b', window, now);

describe('cursor', () => {
  it('identifies what is read whatever the order of lists and without the window', () => {
    expect(cursorIdentity('s3', { bucket: 'b', regions: ['us-west-2', 'us-east-1'], accounts: [] })).toBe(
      cursorIdentity('s3', { regions: ['us-east-1', 'us-west-2'], bucket: 'b', prefix: undefined }),
    );
    expect(cursorIdentity('s3', { bucket: 'b' })).not.toBe(cursorIdentity('s3', { bucket: 'c' }));
    expect(cursorIdentity('s3', { bucket: 'b' })).not.toBe(cursorIdentity('lake', { bucket: 'b' }));
  });

  it('digests identities into stable, file-name-safe names', () => {
    expect(identityDigest('s3:bucket=b')).toBe(identityDigest('s3:bucket=b'));
    fc.assert(fc.property(fc.string(), (s) => expect(identityDigest(s)).toMatch(/^[0-9a-f]{16}$/)));
  });

  it('round-trips through JSON and refuses what is not a cursor', () => {
    const c = applyCheckpoint(fresh(), { unit: 'AWSLogs/x/', position: 'key-1', done: false }, now);
    expect(parseCursor(JSON.parse(JSON.stringify(c)))).toEqual(c);
    for (const bad of [null, [], { version: 2 }, { ...c, source: 'ftp' }, { ...c, since: 'yesterday' }, { ...c, units: { u: { done: 'yes' } } }]) {
      expect(parseCursor(bad)).toBeNull();
    }
  });

  it('records a unit as done without its position, and a position while in progress', () => {
    let c = applyCheckpoint(fresh(), { unit: 'u', position: 'k1', done: false }, now);
    expect(c.units.u).toEqual({ done: false, position: 'k1' });
    c = applyCheckpoint(c, { unit: 'u', done: true }, now);
    expect(c.units.u).toEqual({ done: true });
  });

  describe('decideStart', () => {
    const unfinished: BackfillCursor = { ...fresh(), units: { u: { done: false, position: 'k' } } };
    const complete: BackfillCursor = { ...fresh(), complete: true };
    it.each([
      ['auto', null, 'new'],
      ['auto', unfinished, 'resume'],
      ['auto', complete, 'new'],
      ['resume', unfinished, 'resume'],
      ['resume', complete, null],
      ['resume', null, null],
      ['restart', unfinished, 'new'],
      ['restart', complete, 'new'],
    ] as const)('%s with %p stored → %p', (mode, stored, expected) => {
      const decision = decideStart(stored, mode, fresh);
      expect(decision?.kind ?? null).toBe(expected);
      if (decision?.kind === 'resume') expect(decision.cursor).toBe(stored);
    });
  });
});
