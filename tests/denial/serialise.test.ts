import fc from 'fast-check';
import { denialJson, denialJsonLine } from '../../lib/denial/serialise';
import { jsonLine } from '../../lib/display/sanitise';
import type { Denial, Proposal } from '../../lib/denial/types';
import { decodeRecord } from '../../lib/cloudtrail/decode';
import { proposeFix } from '../../lib/policy/propose/propose';
import { deniedRecord } from '../policy/fixtures/records';

const json = fc.jsonValue({ maxDepth: 3 });
const looseObject = fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 6 });

describe('denialJson: JSON.stringify of a denial, with each proposal serialised once', () => {
  it('is byte for byte JSON.stringify for any object whose last key is a proposal', () => {
    fc.assert(
      fc.property(looseObject, looseObject, (rest, proposal) => {
        const { proposal: _drop, ...head } = rest;
        const denial = { ...head, proposal } as unknown as Denial;
        expect(denialJson(denial)).toBe(JSON.stringify(denial));
        // A second call reads the cached proposal text: still the same bytes.
        expect(denialJson(denial)).toBe(JSON.stringify(denial));
      }),
    );
  });

  it('is JSON.stringify when the proposal is not last, is absent, has toJSON, or is the only key', () => {
    const proposal = { validated: 'not-validated' } as unknown as Proposal;
    const cases: unknown[] = [
      { proposal, eventId: 'e1' },
      { eventId: 'e1' },
      { eventId: 'e1', proposal: undefined },
      { eventId: 'e1', proposal: null },
      { eventId: 'e1', proposal: { toJSON: () => 'custom' } },
      { proposal },
      { eventId: 'e1', skipped: undefined, proposal },
    ];
    for (const denial of cases) expect(denialJson(denial as Denial)).toBe(JSON.stringify(denial));
  });

  it('a shared proposal object serialises the same in every denial that carries it, and changes are not cached across objects', () => {
    const outcome = decodeRecord(deniedRecord({ eventSource: 's3.amazonaws.com', eventName: 'GetObject', action: 's3:GetObject' }));
    if (outcome.kind !== 'denial') throw new Error('not a denial');
    const proposal = proposeFix(outcome.denial, null);
    const a = { ...outcome.denial, eventId: 'a', proposal };
    const b = { ...outcome.denial, eventId: 'b', proposal };
    const c = { ...outcome.denial, proposal: { ...proposal, validated: 'not-validated' as const } };
    for (const denial of [a, b, c]) expect(denialJson(denial)).toBe(JSON.stringify(denial));
  });
});

describe('denialJsonLine: the --json line of a denial, with each proposal masked and serialised once', () => {
  const secretish = fc.oneof(
    fc.string(),
    fc.constant('AKIAIOSFODNN7EXAMPLE'),
    fc.constant('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'),
    fc.constant('line\u2028break'),
  );
  const masked = fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(secretish, fc.array(secretish, { maxLength: 3 })), { maxKeys: 6 });

  it('is byte for byte jsonLine(denial), credentials and separators included, on first and cached use', () => {
    fc.assert(
      fc.property(masked, masked, (rest, proposal) => {
        const { proposal: _drop, ...head } = rest;
        const denial = { ...head, proposal } as unknown as Denial;
        expect(denialJsonLine(denial)).toBe(jsonLine(denial));
        expect(denialJsonLine(denial)).toBe(jsonLine(denial));
      }),
    );
  });

  it('masks an access key carried in the proposal', () => {
    const proposal = { note: 'key AKIAIOSFODNN7EXAMPLE' } as unknown as Proposal;
    const line = denialJsonLine({ eventId: 'e1', proposal } as unknown as Denial);
    expect(line).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(line.endsWith('\n')).toBe(true);
  });
});
