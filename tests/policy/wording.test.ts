import type { Denial, Reason } from '../../lib/denial/types';
import { proposeFix } from '../../lib/policy/propose/propose';
import { plural, withArticle } from '../../lib/policy/propose/wording';
import { note, NOTE_CODES, renderNote, type ProposalNote } from '../../lib/policy/propose/notes';
import { modelDenial, rolePrincipal, SONNET_45, US_DESTINATIONS, profileDenial } from './fixtures/denials';
import { inline, managed, roleWith } from './fixtures/policies';

/** Notes are read by people: articles and plurals must be right, and they say only what the message says. */

const role = rolePrincipal('app-role');
const reason = (layer: Reason['layer'], explicit: boolean, policyType?: string): Reason => ({
  layer,
  explicit,
  summary: '',
  ...(policyType ? { policyType } : {}),
});
const nova = (r: Reason, extra: Partial<Denial> = {}) => modelDenial('amazon.nova-pro-v1:0', 'us-east-1', { principal: role, reason: r, ...extra });

/** Grammar slips that string building makes: "a" before a vowel-initial word, "policys". */
const SLIPS =
  /\ba (identity|inline|explicit|IAM|AWS|access|organization|unknown|application|Amazon|empty|invented|S3)\b|policys|\ban (service|resource|session|permissions|VPC|managed|role)\b/;

describe('notes wording', () => {
  it.each<{ name: string; denial: Denial; must: RegExp[]; mustNot: RegExp[] }>([
    {
      name: '"on resource: * with an explicit deny" (no policy type): does not claim identity-based',
      denial: nova(reason('unknown', true), { errorMessage: 'User: x is not authorized to perform: bedrock:InvokeModel on resource: * with an explicit deny' }),
      must: [/an explicit deny/, /does not name the policy type/],
      mustNot: [/identity-based/],
    },
    {
      name: 'explicit deny in an identity-based policy',
      denial: nova(reason('identity', true, 'identity-based policy')),
      must: [/explicit deny in an identity-based policy/],
      mustNot: [],
    },
    {
      name: 'explicit deny in a permissions boundary',
      denial: nova(reason('permissions-boundary', true, 'permissions boundary')),
      must: [/explicit deny in a permissions boundary/],
      mustNot: [],
    },
    { name: 'SCP', denial: nova(reason('scp', true)), must: [/\(service control policies are not in the snapshot\)/], mustNot: [] },
    { name: 'RCP', denial: nova(reason('rcp', false)), must: [/\(resource control policies are not in the snapshot\)/], mustNot: [] },
  ])('$name', ({ denial, must, mustNot }) => {
    for (const policies of [null, roleWith('app-role', [])]) {
      const notes = proposeFix(denial, policies).notes.join('\n');
      for (const re of must) expect(notes).toMatch(re);
      for (const re of mustNot) expect(notes).not.toMatch(re);
      expect(notes).not.toMatch(SLIPS);
    }
  });

  it('no grammar slips across layers, explicit flags and principals', () => {
    const layers: Reason['layer'][] = ['identity', 'scp', 'rcp', 'permissions-boundary', 'session', 'resource', 'vpc-endpoint', 'unknown'];
    const boundary = managed('boundary', { Effect: 'Allow', Action: 's3:*', Resource: '*' });
    const policies = [
      null,
      roleWith(
        'app-role',
        [inline('app', { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:aws:bedrock:us-west-2::foundation-model/*' })],
        boundary,
      ),
    ];
    for (const layer of layers) {
      for (const explicit of [false, true]) {
        for (const p of policies) {
          const denials = [
            nova(reason(layer, explicit)),
            profileDenial('us', SONNET_45, 'us-east-1', US_DESTINATIONS, { principal: role, reason: reason(layer, explicit) }),
          ];
          for (const d of denials) expect(proposeFix(d, p).notes.join('\n')).not.toMatch(SLIPS);
        }
      }
    }
  });
});

describe('withArticle / plural', () => {
  it.each([
    ['identity-based policy', 'an identity-based policy'],
    ['permissions boundary', 'a permissions boundary'],
    ['service control policy', 'a service control policy'],
    ['SCP', 'an SCP'],
    ['VPC endpoint policy', 'a VPC endpoint policy'],
    ['IAM role', 'an IAM role'],
    ['user', 'a user'],
    ['unknown layer', 'an unknown layer'],
  ])('withArticle(%s)', (noun, expected) => {
    expect(withArticle(noun)).toBe(expected);
  });

  it.each([
    ['service control policy', 'service control policies'],
    ['permissions boundary', 'permissions boundaries'],
    ['session policy', 'session policies'],
    ['key', 'keys'],
    ['access', 'accesses'],
  ])('plural(%s)', (noun, expected) => {
    expect(plural(noun)).toBe(expected);
  });
});

describe('renderNote: the one place note wording comes from', () => {
  it('every code renders a sentence from its params', () => {
    for (const code of NOTE_CODES) {
      const text = renderNote(code, SAMPLE_PARAMS);
      expect(text.trim()).not.toBe('');
      expect(text).not.toMatch(/undefined|\[object/);
    }
  });

  it('note() renders the text and drops params left undefined', () => {
    expect(note('explicit-deny-how-to-change', { action: 'bedrock:InvokeModel', resource: undefined, principalArn: undefined })).toEqual({
      code: 'explicit-deny-how-to-change',
      params: { action: 'bedrock:InvokeModel' },
      text: 'To allow the call, that Deny must change: remove bedrock:InvokeModel from its actions, exclude the resource from its resources, or add a condition that exempts this principal; whoever owns that policy must decide.',
    });
  });

  it.each<[string, ProposalNote, string]>([
    [
      'a check failure after the change',
      note('check-not-allowed', { stage: 'after-change', check: 'the model' }),
      'After the change, the model is still not allowed by any statement.',
    ],
    [
      'the same failure as the policies stand',
      note('check-not-allowed', { stage: 'current', check: 'the model' }),
      'As the policies stand, the model is still not allowed by any statement.',
    ],
    [
      'a boundary failure naming the boundary',
      note('check-denied-by-boundary', { stage: 'after-change', check: 'the model', boundary: 'b' }),
      'After the change, the model is still denied because the permissions boundary does not allow it (permissions boundary b: whoever administers it must allow the call there too).',
    ],
    [
      'one statement added',
      note('statements-added', { policy: 'inline policy app', count: 1 }),
      'Added a statement to inline policy app for what no existing statement grants.',
    ],
    [
      'three statements added',
      note('statements-added', { policy: 'inline policy app', count: 3 }),
      'Added 3 statements to inline policy app for what no existing statement grants.',
    ],
    [
      'SCP admin',
      note('org-admin-only', {}),
      'Only an AWS Organizations administrator in the management account (or a delegated administrator) can change it.',
    ],
    [
      'RCP admin',
      note('org-admin-only', { resource: 'arn:aws:s3:::b' }),
      'Only an AWS Organizations administrator in the management account (or a delegated administrator) can change it; the owner of arn:aws:s3:::b cannot.',
    ],
    [
      'an SCP that explicitly denies',
      note('org-policy-explicit-deny', { policyType: 'service control policy', action: 's3:GetObject' }),
      'A service control policy explicitly denies s3:GetObject here: no identity policy can override it; its Deny statement must exempt this call.',
    ],
    [
      'the layer not read, for RCPs',
      note('layer-not-read', { policyType: 'resource control policy' }),
      'Not checked against current policies: this layer is not in the policies access-auditor reads. (resource control policies are not in the snapshot).',
    ],
  ])('%s', (_name, n, text) => {
    expect(n.text).toBe(text);
  });

  it('the SCP region guardrail: a regional profile never mentions "unspecified"', () => {
    expect(note('scp-region-guardrail', { region: 'us-west-2', partition: 'aws', inference: 'regional' }).text).not.toMatch(/unspecified/);
    expect(note('scp-region-guardrail', { region: 'us-west-2', partition: 'aws', inference: 'global' }).text).toMatch(
      /or include us-west-2 in the allowed regions, together with "unspecified" for global inference\.$/,
    );
    expect(note('scp-region-guardrail', { region: 'unspecified', partition: 'aws', inference: 'global' }).text).toMatch(
      /sees aws:RequestedRegion = unspecified .* or include "unspecified" in the allowed regions \(the Region that global inference reports\)\.$/,
    );
  });
});

/** A value for every parameter any note takes. */
const SAMPLE_PARAMS = {
  what: 'model ID',
  id: 'x',
  keys: 'aws:ResourceTag/team',
  service: 'lambda.amazonaws.com',
  alias: 'alias/aws/s3',
  key: 'aws:SourceVpce',
  operator: 'StringEquals',
  expected: 'vpce-1',
  actual: 'no value',
  placeholders: '<KeyId>',
  profile: 'us.x',
  resource: 'arn:aws:s3:::b',
  action: 's3:GetObject',
  grant: 'g',
  resourceType: 'object',
  named: 'n',
  resourceTypes: 'object',
  model: 'm',
  region: 'us-east-1',
  geography: 'us',
  profileArn: 'arn',
  principal: 'p',
  check: 'c',
  policyType: 'service control policy',
  policyArn: 'arn',
  account: '1',
  partition: 'aws',
  inference: 'regional',
  policy: 'inline policy app',
  owner: 'o',
  role: 'r',
  likely: 'unread-layer',
  principalType: 'AWSAccount',
  statement: 'S',
  principalArn: 'arn',
  moreChecks: 1,
  boundary: 'b',
  principalKind: 'role',
  copy: 'c',
  layer: 'policies',
  size: 1,
  limit: 2,
  attached: 10,
  repairs: 'r',
  repairKinds: 'region',
  patterns: 'p',
  count: 2,
  permissionSet: 'ps',
  stage: 'after-change',
  neighbour: 'n',
  resources: 'r',
  decision: 'implicitDeny',
  identityVerdict: 'simulated-allow',
  how: 'no-allow',
  send: 'ExternalId x',
  error: 'e',
};
