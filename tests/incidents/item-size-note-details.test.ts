import type { Proposal } from '../../lib/denial/types';
import { fitProposal, MAX_PROPOSAL_BYTES } from '../../lib/incidents/dynamodb/item-size';
import { note } from '../../lib/policy/propose/notes';
import { sampleProposal } from './fixtures';

const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** A proposal whose noteDetails alone push it over the budget. */
function withHeavyDetails(extra: Partial<Proposal> = {}): Proposal {
  const details = Array.from({ length: 400 }, (_, i) =>
    note('attached-policy-unavailable', { policy: `p${i}`, policyArn: `arn:aws:iam::1:policy/${'x'.repeat(150)}${i}` }),
  );
  return sampleProposal({ notes: details.map((n) => n.text), noteDetails: details, ...extra });
}

describe('item size: noteDetails', () => {
  test('go first and silently when dropping them is enough: notes and renderings stay', () => {
    const proposal = withHeavyDetails({ terraform: 't'.repeat(10) });
    expect(bytes(proposal)).toBeGreaterThan(MAX_PROPOSAL_BYTES);
    const fitted = fitProposal(proposal);
    expect(fitted.noteDetails).toBeUndefined();
    expect(fitted.notes).toEqual(proposal.notes);
    expect(fitted.terraform).toBe(proposal.terraform);
  });

  test('are never stored next to trimmed notes', () => {
    const fitted = fitProposal(withHeavyDetails({ terraform: 't'.repeat(200_000) }));
    expect(bytes(fitted)).toBeLessThanOrEqual(MAX_PROPOSAL_BYTES);
    expect(fitted.noteDetails).toBeUndefined();
    expect(fitted.notes.at(-1)).toMatch(/^Trimmed for storage .*terraform/);
  });
});
