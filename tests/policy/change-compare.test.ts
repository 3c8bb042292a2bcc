import fc from 'fast-check';
import type { PolicyStatement, Proposal } from '../../lib/denial/types';
import { compareWithProposal } from '../../lib/policy/change/compare';

const MODEL = 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0';
const proposed: PolicyStatement = { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: MODEL };
const proposal = (statements: PolicyStatement[]): Proposal => ({
  target: { kind: 'identity-policy', name: 'r' },
  statements,
  validated: 'simulated-allow',
  notes: [],
});

describe('compareWithProposal', () => {
  it.each<[string, PolicyStatement[], Proposal | undefined, string, string[]]>([
    ['the proposed statement itself', [proposed], proposal([proposed]), 'matches-proposal', []],
    [
      'the same statement with another Sid and case',
      [{ Sid: 'X', Effect: 'Allow', Action: 'Bedrock:invokemodel', Resource: MODEL }],
      proposal([proposed]),
      'matches-proposal',
      [],
    ],
    ['a wildcard action', [{ ...proposed, Action: 'bedrock:*' }], proposal([proposed]), 'broader-than-proposal', ['action bedrock:*']],
    ['a wider resource', [{ ...proposed, Resource: '*' }], proposal([proposed]), 'broader-than-proposal', ['resource *']],
    [
      'NotAction',
      [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }],
      proposal([proposed]),
      'broader-than-proposal',
      ['every action except iam:* (NotAction)', 'resource *'],
    ],
    [
      'the proposed grant without its condition',
      [proposed],
      proposal([{ ...proposed, Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } }]),
      'broader-than-proposal',
      ['the same access without the proposed condition on aws:SourceVpce'],
    ],
    ['only a deny removed (nothing allowed added)', [{ Effect: 'Deny', Action: 'bedrock:*', Resource: '*' }], proposal([proposed]), 'other-than-proposal', []],
    ['no proposal', [proposed], undefined, 'no-proposal', []],
    [
      'a narrower grant',
      [proposed],
      proposal([{ ...proposed, Action: 'bedrock:Invoke*', Resource: 'arn:aws:bedrock:*::foundation-model/*' }]),
      'matches-proposal',
      [],
    ],
  ])('%s', (_label, added, given, scope, beyond) => {
    expect(compareWithProposal(added, given)).toEqual({ scope, beyondProposal: beyond });
  });

  it('never calls a statement that a `?` covers for one character a match for a `*`', () => {
    expect(compareWithProposal([{ ...proposed, Action: 'bedrock:*' }], proposal([{ ...proposed, Action: 'bedrock:?' }])).scope).toBe('broader-than-proposal');
  });

  it('finds every proposal a match for itself, and any extra action beyond it', () => {
    const word = fc.stringMatching(/^[A-Za-z]{1,12}$/);
    const statement = fc.record({
      Effect: fc.constant<'Allow'>('Allow'),
      Action: fc.array(
        word.map((w) => `svc:${w}`),
        { minLength: 1, maxLength: 4 },
      ),
      Resource: fc.array(
        word.map((w) => `arn:aws:svc:::${w}`),
        { minLength: 1, maxLength: 3 },
      ),
    });
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 3 }), word, (statements, extra) => {
        expect(compareWithProposal(statements, proposal(statements)).scope).toBe('matches-proposal');
        const known = statements.flatMap((s) => s.Action.map((a) => a.toLowerCase()));
        fc.pre(!known.includes(`other:${extra}`.toLowerCase()));
        const wider = [{ ...statements[0]!, Action: [...statements[0]!.Action, `other:${extra}`] }];
        const result = compareWithProposal(wider, proposal(statements));
        expect(result.scope).toBe('broader-than-proposal');
        expect(result.beyondProposal).toContain(`action other:${extra}`);
      }),
    );
  });
});
