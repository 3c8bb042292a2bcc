import type { Denial, PolicyStatement } from '../../lib/denial/types';
import { asList } from '../../lib/policy/iam/document';
import { evaluate } from '../../lib/policy/iam/evaluator';
import { proposeFix } from '../../lib/policy/propose/propose';
import { validateChange } from '../../lib/policy/propose/validate';
import { applyProposal } from './fixtures/apply';
import { fmArn, modelDenial, profileArn, profileDenial, rolePrincipal, SONNET_45, US_DESTINATIONS } from './fixtures/denials';
import { paramsOf, repairKinds } from './fixtures/notes';
import { doc, inline, roleWith } from './fixtures/policies';

/**
 * A near miss on the model ID replaces the ID only when the granted one is not a real model ID;
 * a real one is kept and the called one added next to it, so no access is revoked.
 */

const role = rolePrincipal('app-role');
const SONNET_35_V1 = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const SONNET_35_V2 = 'anthropic.claude-3-5-sonnet-20241022-v2:0';

interface Case {
  name: string;
  granted: string;
  call: Denial;
  /** The statement's Resource after the fix. */
  resources: string[];
  /** The kind of repair the `near-miss-fixed` note names. */
  repair: string;
}

const CASES: Case[] = [
  {
    name: 'granted the real v2, called v1: v2 is kept, v1 added',
    granted: fmArn('us-west-2', SONNET_35_V2),
    call: modelDenial(SONNET_35_V1, 'us-west-2', { principal: role }),
    resources: [fmArn('us-west-2', SONNET_35_V2), fmArn('us-west-2', SONNET_35_V1)],
    repair: 'other-version',
  },
  {
    name: 'granted a dated ID of a family the known-ID list does not hold: treated as real and kept',
    granted: fmArn('us-east-1', 'anthropic.claude-nova-9-20270101-v1:0'),
    call: modelDenial('anthropic.claude-nova-9-20270301-v1:0', 'us-east-1', { principal: role }),
    resources: [fmArn('us-east-1', 'anthropic.claude-nova-9-20270101-v1:0'), fmArn('us-east-1', 'anthropic.claude-nova-9-20270301-v1:0')],
    repair: 'other-version',
  },
  {
    name: 'granted the real v1 profile, called the v2 profile: the v1 profile is kept',
    granted: profileArn('us-east-1', `us.${SONNET_35_V1}`),
    call: profileDenial('us', SONNET_35_V2, 'us-east-1', US_DESTINATIONS, { principal: role }),
    // The model ARNs the v2 profile routes to are added too (the "model ARN missing" repair).
    resources: [
      profileArn('us-east-1', `us.${SONNET_35_V1}`),
      profileArn('us-east-1', `us.${SONNET_35_V2}`),
      ...US_DESTINATIONS.map((r) => fmArn(r, SONNET_35_V2)),
    ],
    repair: 'other-version',
  },
  {
    name: 'granted an invented ID without the date the family always has: replaced',
    granted: fmArn('us-east-1', 'anthropic.claude-sonnet-4-5-v1:0'),
    call: modelDenial(SONNET_45, 'us-east-1', { principal: role }),
    resources: [fmArn('us-east-1', SONNET_45)],
    repair: 'model-id',
  },
  {
    name: 'granted a date that is not a known version of a known family: replaced',
    granted: fmArn('us-east-1', 'anthropic.claude-sonnet-4-5-20240101-v1:0'),
    call: modelDenial(SONNET_45, 'us-east-1', { principal: role }),
    resources: [fmArn('us-east-1', SONNET_45)],
    repair: 'model-id',
  },
];

describe('model-ID near misses keep real model IDs', () => {
  it.each(CASES)('$name', ({ granted, call, resources, repair }) => {
    const statement: PolicyStatement = { Sid: 'Models', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: granted };
    const policies = roleWith('app-role', [inline('app', statement)]);
    const p = proposeFix(call, policies);
    const fixed = p.policyAfter?.Statement.find((s) => s.Sid === 'Models');
    expect(asList(fixed?.Resource)).toEqual(resources);
    expect(paramsOf(p, 'near-miss-fixed')).toMatchObject({ statement: 'Models', policy: 'inline policy app' });
    expect(repairKinds(p)).toContain(repair);

    // Whatever real model the statement granted before, it still grants after.
    const after = applyProposal(policies, p);
    const invented = !resources.includes(granted);
    const region = granted.split(':')[3] ?? '';
    const before = { action: 'bedrock:InvokeModel', resource: granted, context: { 'aws:RequestedRegion': region } };
    expect(evaluate(after, before).decision).toBe(invented ? 'implicitDeny' : 'allowed');
  });
});

describe('validateChange: access the principal had is not lost', () => {
  const allow = (...resources: string[]) => ({ name: 'p', document: doc({ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: resources }) });
  const needed = { label: 'v1', request: { action: 'bedrock:InvokeModel', resource: fmArn('us-west-2', SONNET_35_V1), context: {} } };
  const kept = {
    label: 'bedrock:InvokeModel on the v2 model the statement granted',
    request: { action: 'bedrock:InvokeModel', resource: fmArn('us-west-2', SONNET_35_V2), context: {} },
  };

  it('fails when a replacement revokes something the policies allowed', () => {
    const out = validateChange({ identity: [allow(fmArn('us-west-2', SONNET_35_V2))] }, { identity: [allow(fmArn('us-west-2', SONNET_35_V1))] }, [needed], [], {
      kept: [kept],
    });
    expect(out.verdict).toBe('simulated-deny');
    expect(out.failures).toEqual([
      expect.objectContaining({ code: 'access-lost', params: { check: 'bedrock:InvokeModel on the v2 model the statement granted' } }),
    ]);
  });

  it('passes when the old grant is kept next to the new one', () => {
    const out = validateChange(
      { identity: [allow(fmArn('us-west-2', SONNET_35_V2))] },
      { identity: [allow(fmArn('us-west-2', SONNET_35_V2), fmArn('us-west-2', SONNET_35_V1))] },
      [needed],
      [],
      { kept: [kept] },
    );
    expect(out).toMatchObject({ verdict: 'simulated-allow', failures: [] });
  });
});
