import fc from 'fast-check';
import { readErrorFields, skipReason, type ErrorFields } from '../../lib/cloudtrail/error-fields';

describe('readErrorFields', () => {
  it.each<[string, Record<string, unknown>, ErrorFields]>([
    ['string code and message', { errorCode: 'AccessDenied', errorMessage: 'Access Denied' }, { code: 'AccessDenied', message: 'Access Denied' }],
    [
      'numeric code is read as its text',
      { errorCode: 403, errorMessage: 'Access Denied' },
      { code: '403', codeCoercion: 'a number, read as "403"', message: 'Access Denied' },
    ],
    ['boolean code is read as its text', { errorCode: true }, { code: 'true', codeCoercion: 'a boolean, read as "true"' }],
    ['non-finite number cannot be read', { errorCode: Number.NaN }, { codeUnreadable: 'a non-finite number' }],
    ['object code cannot be read', { errorCode: { a: 1 } }, { codeUnreadable: 'an object' }],
    ['array code cannot be read', { errorCode: ['AccessDenied'] }, { codeUnreadable: 'an array' }],
    ['overlong code cannot be read', { errorCode: 'x'.repeat(257) }, { codeUnreadable: 'longer than 256 characters' }],
    ['empty and null fields are absent', { errorCode: '', errorMessage: null }, {}],
    ['non-text message cannot be read', { errorMessage: { text: 'Access Denied' } }, { messageUnreadable: 'an object' }],
    ['inherited keys are not fields', Object.create({ errorCode: 'AccessDenied' }) as Record<string, unknown>, {}],
  ])('%s', (_name, record, expected) => expect(readErrorFields(record)).toEqual(expected));
});

describe('skipReason', () => {
  it('never says a record has no errorCode when it has one', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ minLength: 1, maxLength: 256 }), fc.integer(), fc.boolean(), fc.object()),
        fc.option(fc.jsonValue()),
        (errorCode, errorMessage) => {
          expect(skipReason(readErrorFields({ errorCode, errorMessage }))).not.toMatch(/no errorCode|did not fail/);
        },
      ),
    );
  });

  it('says the call did not fail only when both fields are absent', () => {
    expect(skipReason(readErrorFields({}))).toBe('the call did not fail (no errorCode or errorMessage)');
    expect(skipReason(readErrorFields({ errorMessage: 'x' }))).toBe('the record has no errorCode and its errorMessage is not an access problem');
  });
});
