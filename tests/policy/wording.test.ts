import type { Denial, Reason } from '../../lib/denial/types';
import { proposeFix } from '../../lib/policy/propose/propose';
import { plural, withArticle } from '../../lib/policy/propose/wording';
import { modelDenial, rolePrincipal, SONNET_45, US_DESTINATIONS, profileDenial } from './fixtures/denials';
import { inline, managed, roleWith } from './fixtures/policies';

/** Notes are read by people: articles and plurals must be right, and they say only what the message says. */

const role = rolePrincipal('app-role');
const reason = (layer: Reason['layer'], explicit: boolean, policyType?: string): Reason => ({ layer, explicit, summary: '', ...(policyType ? { policyType } : {}) });
const nova = (r: Reason, extra: Partial<Denial> = {}) => modelDenial('amazon.nova-pro-v1:0', 'us-east-1', { principal: role, reason: r, ...extra });

/** Grammar slips that string building makes: "a" before a vowel-initial word, "policys". */
const SLIPS = /\ba (identity|inline|explicit|IAM|AWS|access|organization|unknown|application|Amazon|empty|invented|S3)\b|policys|\ban (service|resource|session|permissions|VPC|managed|role)\b/;

describe('notes wording', () => {
  it.each<{ name: string; denial: Denial; must: RegExp[]; mustNot: RegExp[] }>([
    {
      name: '"on resource: * with an explicit deny" (no policy type): does not claim identity-based',
      denial: nova(reason('unknown', true), { errorMessage: 'User: x is not authorized to perform: bedrock:InvokeModel on resource: * with an explicit deny' }),
      must: [/an explicit deny/, /does not name the policy type/],
      mustNot: [/identity-based/],
    },
    { name: 'explicit deny in an identity-based policy', denial: nova(reason('identity', true, 'identity-based policy')), must: [/explicit deny in an identity-based policy/], mustNot: [] },
    { name: 'explicit deny in a permissions boundary', denial: nova(reason('permissions-boundary', true, 'permissions boundary')), must: [/explicit deny in a permissions boundary/], mustNot: [] },
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
    const policies = [null, roleWith('app-role', [inline('app', { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:aws:bedrock:us-west-2::foundation-model/*' })], boundary)];
    for (const layer of layers) {
      for (const explicit of [false, true]) {
        for (const p of policies) {
          const denials = [nova(reason(layer, explicit)), profileDenial('us', SONNET_45, 'us-east-1', US_DESTINATIONS, { principal: role, reason: reason(layer, explicit) })];
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
