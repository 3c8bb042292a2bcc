import fc from 'fast-check';
import type { PolicyDocument } from '../../lib/denial/types';
import { asList, compactList, normalizePolicyDocument, parsePolicyDocument, policySize } from '../../lib/policy/iam/document';
import { PolicyDocumentError } from '../../lib/policy/errors';

const DOC: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'A', Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: 'arn:aws:s3:::b/*' }],
};

describe('normalizePolicyDocument', () => {
  it.each([
    ['an object', DOC],
    ['JSON text', JSON.stringify(DOC)],
    ['URL-encoded JSON (RFC 3986, as IAM APIs return it)', encodeURIComponent(JSON.stringify(DOC))],
    ['pretty JSON with surrounding whitespace', `\n ${JSON.stringify(DOC, null, 2)} \n`],
  ])('accepts %s', (_name, input) => {
    expect(normalizePolicyDocument(input)).toEqual(DOC);
  });

  it('wraps a single Statement object in a list and keeps string-or-list forms', () => {
    const doc = normalizePolicyDocument({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' } });
    expect(doc.Statement).toEqual([{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }]);
  });

  it('normalises the Effect case and keeps Condition values', () => {
    const doc = normalizePolicyDocument({
      Statement: [{ Effect: 'allow', Action: 'x:Y', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': true }, NumericLessThan: { 'a:b': [1, 2] } } }],
    });
    expect(doc.Statement[0]).toEqual({
      Effect: 'Allow',
      Action: 'x:Y',
      Resource: '*',
      Condition: { Bool: { 'aws:SecureTransport': true }, NumericLessThan: { 'a:b': [1, 2] } },
    });
  });

  it('decodes the example trust-policy string of the snapshot', () => {
    const encoded =
      '%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ecs-tasks.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D';
    expect(normalizePolicyDocument(encoded).Statement[0]).toEqual({
      Effect: 'Allow',
      Principal: { Service: 'ecs-tasks.amazonaws.com' },
      Action: 'sts:AssumeRole',
    });
  });

  it.each([
    ['empty text', '', /empty policy document/],
    ['not JSON', '{"Version": ', /not valid JSON/],
    ['bad percent-encoding', '%E0%A4%A', /neither JSON nor URL-encoded JSON/],
    ['URL-encoded garbage', encodeURIComponent('hello'), /URL-decoded policy document is not valid JSON/],
    ['an array', [], /must be a JSON object/],
    ['no Statement', { Version: '2012-10-17' }, /has no Statement/],
    ['bad Effect', { Statement: [{ Effect: 'Maybe', Action: 'a:b', Resource: '*' }] }, /Effect must be/],
    ['no Action', { Statement: [{ Effect: 'Allow', Resource: '*' }] }, /neither Action nor NotAction/],
    ['Action and NotAction', { Statement: [{ Effect: 'Allow', Action: 'a:b', NotAction: 'c:d', Resource: '*' }] }, /both Action and NotAction/],
    ['numeric Resource', { Statement: [{ Effect: 'Allow', Action: 'a:b', Resource: 5 }] }, /Resource must be a string/],
    ['unknown element', { Statement: [{ Effect: 'Allow', Action: 'a:b', Resource: '*', Resorce: 'x' }] }, /unknown statement element "Resorce"/],
    ['bad Condition', { Statement: [{ Effect: 'Allow', Action: 'a:b', Resource: '*', Condition: { StringEquals: 'x' } }] }, /must map keys to values/],
  ])('rejects %s with a clear message', (_name, input, message) => {
    expect(() => normalizePolicyDocument(input, 'policy X')).toThrow(PolicyDocumentError);
    expect(() => normalizePolicyDocument(input, 'policy X')).toThrow(message);
    expect(() => normalizePolicyDocument(input, 'policy X')).toThrow(/^policy X/);
  });

  it('parsePolicyDocument returns a tagged value', () => {
    expect(parsePolicyDocument(DOC)).toEqual({ ok: true, document: DOC });
    const bad = parsePolicyDocument('nope');
    expect(bad.ok).toBe(false);
  });
});

describe('normalizePolicyDocument: properties', () => {
  const statementArb = fc.record(
    {
      Sid: fc.stringMatching(/^[A-Za-z0-9]{1,12}$/),
      Effect: fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Deny'),
      Action: fc.oneof(
        fc.stringMatching(/^[a-z0-9-]{1,10}:[A-Za-z*]{1,12}$/),
        fc.array(fc.stringMatching(/^[a-z]{1,6}:[A-Za-z*]{1,8}$/), { minLength: 1, maxLength: 3 }),
      ),
      Resource: fc.oneof(fc.constant('*'), fc.string({ minLength: 1, maxLength: 40 })),
    },
    { requiredKeys: ['Effect', 'Action', 'Resource'] },
  );
  const docArb = fc.record({ Version: fc.constant('2012-10-17'), Statement: fc.array(statementArb, { maxLength: 5 }) });

  it('the object, its JSON and its URL-encoded JSON normalise to the same document', () => {
    fc.assert(
      fc.property(docArb, (doc) => {
        const fromObject = normalizePolicyDocument(doc);
        expect(normalizePolicyDocument(JSON.stringify(doc))).toEqual(fromObject);
        expect(normalizePolicyDocument(encodeURIComponent(JSON.stringify(doc)))).toEqual(fromObject);
      }),
    );
  });

  it('never throws anything but PolicyDocumentError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.anything()), (input) => {
        try {
          normalizePolicyDocument(input);
        } catch (error) {
          expect(error).toBeInstanceOf(PolicyDocumentError);
        }
      }),
    );
  });
});

describe('helpers', () => {
  it('asList / compactList', () => {
    expect(asList(undefined)).toEqual([]);
    expect(asList('a')).toEqual(['a']);
    expect(asList(['a', 'b'])).toEqual(['a', 'b']);
    expect(compactList(['a'])).toBe('a');
    expect(compactList(['a', 'b'])).toEqual(['a', 'b']);
  });

  it('policySize ignores whitespace', () => {
    expect(policySize(DOC)).toBe(JSON.stringify(DOC).length);
    expect(policySize({ Statement: [{ Effect: 'Allow', Action: 'a:b', Resource: 'x y' }] })).toBe(
      JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'a:b', Resource: 'x y' }] }).length - 1,
    );
  });
});
