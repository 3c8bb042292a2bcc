import fc from 'fast-check';
import { displayBlock, displayLine, forDisplay, jsonLine, maskCredentials } from '../../lib/display/sanitise';
import { truncate } from '../../lib/notify/sns-text';

const ESC = '\u001b';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SECRET_NO_SLASH = 'wJalrXUtnFEMI2K7MDENGxbPxRfiCYEXAMPLEKEY';
// Anything a terminal acts on, or that reorders or hides text.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff]/;

describe('escape sequences and control characters', () => {
  it.each([
    ['clear screen', `2026-11-20T09:14:03Z${ESC}[2J`, '2026-11-20T09:14:03Z'],
    ['OSC title ended by BEL', `us-east-1${ESC}]0;pwned${String.fromCharCode(7)}`, 'us-east-1'],
    ['OSC title ended by ST', `us-east-1${ESC}]2;pwned${ESC}\\`, 'us-east-1'],
    ['colour with parameters', `${ESC}[1;31mred${ESC}[0m`, 'red'],
    ['C1 CSI', 'a\u009b2Jb', 'ab'],
    ['a lone ESC', `a${ESC}b`, 'a'],
    ['DCS string', `a${ESC}Pq#0;2;0;0;0${ESC}\\b`, 'ab'],
    ['bidi override', 'user\u202egnp.exe', 'usergnp.exe'],
    ['zero-width joiner and BOM', 'ad\u200dmin\ufeff', 'admin'],
    ['a line break in a cell', 'role\nFAKE ROW', 'role FAKE ROW'],
    ['U+2028, U+2029, U+0085', 'a\u2028b\u2029c\u0085d', 'a b c d'],
    ['a lone surrogate', 'x\ud800y', 'x\ufffdy'],
  ])('%s', (_name, input, expected) => {
    expect(displayLine(input)).toBe(expected);
  });

  it('keeps line breaks in blocks, and nothing else a terminal acts on', () => {
    expect(displayBlock(`a\r\nb${ESC}[31m\tc\u2028d`)).toBe('a\nb  c\nd');
  });

  it('leaves no raw control character, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        expect(displayLine(s)).not.toMatch(RAW_CONTROL);
        expect(displayBlock(s).replace(/\n/g, '')).not.toMatch(RAW_CONTROL);
        expect(displayLine(displayLine(s))).toBe(displayLine(s));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('credentials', () => {
  it.each([
    ['an access key ID used as a session name', 'session AKIAIOSFODNN7EXAMPLE', 'session AKIA\u2026MPLE'],
    ['a temporary access key ID', 'ASIAY34FZKBOKMUTVV7A', 'ASIA\u2026VV7A'],
    ['a secret access key', `key ${SECRET} end`, 'key (redacted-secret-key) end'],
    ['a secret access key in JSON', `{"k":"${SECRET}"}`, '{"k":"(redacted-secret-key)"}'],
    [
      'a secret access key as a session name in an ARN',
      `arn:aws:sts::111122223333:assumed-role/app/${SECRET_NO_SLASH}`,
      'arn:aws:sts::111122223333:assumed-role/app/(redacted-secret-key)',
    ],
    ['aws_secret_access_key=', 'aws_secret_access_key=abc+/123', 'aws_secret_access_key=(redacted)'],
    [
      'SecretAccessKey in JSON',
      '{"SecretAccessKey": "abc", "SessionToken":"IQoJb3JpZ2luX2Vj"}',
      '{"SecretAccessKey": "(redacted)", "SessionToken":"(redacted)"}',
    ],
    ['password=', 'db password=hunter2;', 'db password=(redacted);'],
    ['a bearer token', 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig', 'Authorization: Bearer (redacted)'],
    ['a PEM private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----', '-----BEGIN PRIVATE KEY----- (redacted)'],
    ['a Bedrock API key', 'ABSKQmVkcm9ja0FQSUtleS1example', 'ABSK\u2026(masked)'],
  ])('masks %s', (_name, input, expected) => {
    expect(maskCredentials(input)).toBe(expected);
  });

  // Long identifiers that are not secrets: the rule must leave them readable.
  it.each([
    ['a KMS key ARN', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['a KMS key ID', 'mrk-1234abcd12ab34cd56ef1234567890ab'],
    ['a request ID', '3c1e2f4a-9b8d-4e7f-a6c5-1d2e3f4a5b6c'],
    ['an S3 object ARN with a long path', 'arn:aws:s3:::MyBucket2024/Reports/Quarterly/Summary01/Data/x'],
    ['an S3 bucket ARN of 40 characters', 'arn:aws:s3:::Bucket0123456789abcdefghijklmnopqrstuvwx'],
    ['a Secrets Manager ARN', 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db/Password-AbCdEf'],
    ['a SHA-1 digest', 'a3f1c0d2e4b5a6978899aabbccddeeff00112233'],
    ['an SSO role', 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Dev_0123456789abcdef'],
    ['a Bedrock profile', 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6'],
    ['a role name mixing cases', 'arn:aws:iam::111122223333:role/ServiceRoleForOrdersApiProduction'],
    ['padded base64 data', 'ZW5jb2RlZCBhdXRob3JpemF0aW9uIG1lc3NhZ2UgaGVyZQ=='],
    ['a sentence about tokens', 'The security token included in the request is invalid'],
    ['a principal ID', 'AROAEXAMPLEAPPRUNNER1:5f1c0e9a8b7d4c3e'],
  ])('keeps %s', (_name, input) => {
    expect(maskCredentials(input)).toBe(input);
  });

  // Found by `npm run fuzz`: 21 characters are not a key ID, but cut to 20 by a length limit they are one.
  it('masks a key ID that a cut makes out of a longer token', () => {
    expect(maskCredentials('AKIAIOSFODNN7EXAMPLEX')).toBe('AKIAIOSFODNN7EXAMPLEX');
    expect(truncate('x AKIAIOSFODNN7EXAMPLEXY', 23)).toBe('x AKIA\u2026MPLE\u2026');
  });

  it('masks a secret key wherever it sits in random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (before, after) => {
        const text = `${before} ${SECRET} ${after}`;
        expect(displayLine(text)).not.toContain(SECRET);
        expect(displayLine(`${before} AKIAIOSFODNN7EXAMPLE ${after}`)).not.toContain('AKIAIOSFODNN7EXAMPLE');
      }),
      { numRuns: 1000 },
    );
  });
});

describe('forDisplay', () => {
  it('cleans every string at every depth, keeps blocks multi-line, and is idempotent', () => {
    const view = forDisplay({
      eventTime: `2026${ESC}[2J`,
      nested: [{ region: `us-east-1${ESC}]0;x${String.fromCharCode(7)}`, session: 'AKIAIOSFODNN7EXAMPLE' }],
      proposal: { diff: '+ a\n- b', note: 'x\ny' },
      count: 3,
      missing: null,
    });
    expect(view).toEqual({
      eventTime: '2026',
      nested: [{ region: 'us-east-1', session: 'AKIA\u2026MPLE' }],
      proposal: { diff: '+ a\n- b', note: 'x y' },
      count: 3,
      missing: null,
    });
    expect(forDisplay(view)).toEqual(view);
  });
});

describe('jsonLine', () => {
  it('is one line that parses back to the same text, with U+2028, U+2029, U+0085 and bidi escaped', () => {
    const value = { s: 'a\u2028b\u2029c\u0085d\u202ee\nf' };
    const line = jsonLine(value);
    expect(line).toBe('{"s":"a\\u2028b\\u2029c\\u0085d\\u202ee\\nf"}\n');
    expect(JSON.parse(line)).toEqual(value);
  });

  it('masks credentials (the contract says so) and keeps everything else', () => {
    const parsed = JSON.parse(
      jsonLine({ session: 'AKIAIOSFODNN7EXAMPLE', msg: `key ${SECRET}`, arn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' }),
    );
    expect(parsed).toEqual({
      session: 'AKIA\u2026MPLE',
      msg: 'key (redacted-secret-key)',
      arn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    });
  });

  it('always gives exactly one parsable line with no raw control character', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary', maxLength: 100 }), (value, s) => {
        const line = jsonLine({ value, s });
        expect(line.endsWith('\n')).toBe(true);
        expect(line.slice(0, -1)).not.toMatch(/[\n\r\u0085\u2028\u2029]/);
        expect(line.slice(0, -1)).not.toMatch(RAW_CONTROL);
        expect(() => JSON.parse(line)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });
});
