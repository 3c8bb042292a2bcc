import { displayBlock, displayLine, jsonLine } from '../../lib/display/sanitise';

// What the on-call needs to read, and what a proposed policy must name exactly: never masked.
const READABLE = [
  'arn:aws:lambda:us-east-1:111122223333:function:reset-password:prod',
  'arn:aws:lambda:us-east-1:111122223333:function:auth-token:7',
  'arn:aws:lambda:us-east-1:111122223333:function:api_key:live',
  'arn:aws-cn:lambda:cn-north-1:111122223333:function:refresh_token:$LATEST',
  'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf',
  'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  'arn:aws:iam::111122223333:role/service-role/token-rotator',
  'c0ffee00-1234-4bcd-9abc-0123456789ab',
];

describe('the sanitiser keeps ARNs readable', () => {
  it.each(READABLE)('%s stays as it is in text, blocks and --json', (value) => {
    expect(displayLine(value)).toBe(value);
    expect(displayBlock(`"Resource": "${value}"`)).toBe(`"Resource": "${value}"`);
    expect(JSON.parse(jsonLine({ resource: value }))).toEqual({ resource: value });
  });

  it.each([
    ['password: hunter2', 'password: (redacted)'],
    ['token=abc123def', 'token=(redacted)'],
    ['arn:aws:lambda:us-east-1:1:function:f password=hunter2', 'arn:aws:lambda:us-east-1:1:function:f password=(redacted)'],
    ['arn:aws:lambda:us-east-1:1:function:f token:hunter2', 'arn:aws:lambda:us-east-1:1:function:f token:(redacted)'],
    ['{"arn":"arn:aws:iam::1:role/r","password":"hunter2"}', '{"arn":"arn:aws:iam::1:role/r","password":"(redacted)"}'],
  ])('a labelled secret next to an ARN is still redacted: %s', (value, shown) => {
    expect(displayLine(value)).toBe(shown);
  });
});

// Characters that render as nothing: Unicode tags (the "ASCII smuggling" block), variation selectors, the
// combining grapheme joiner, Hangul fillers, interlinear annotation marks.
const INVISIBLE = ['\u{E0041}\u{E0042}', '\u{E0020}', '\u{E007F}', '\uFE0F', '\u{E0100}', '\u034F', '\u115F', '\u1160', '\u3164', '\uFFA0', '\uFFF9', '\uFFFB'];

describe('the sanitiser removes characters that render as nothing', () => {
  it.each(INVISIBLE)('%j is removed from text, and cannot hide an access key from masking', (hidden) => {
    expect(displayLine(`role${hidden}name`)).toBe('rolename');
    expect(displayBlock(`role${hidden}name`)).toBe('rolename');
    const shown = displayLine(`AKIAIOSF${hidden}ODNN7EXAMPLE`);
    expect(shown).not.toContain('IOSF');
    expect(jsonLine({ key: `AKIAIOSF${hidden}ODNN7EXAMPLE` })).not.toContain('IOSF');
  });

  it.each(INVISIBLE)('%j is escaped in --json and parses back unchanged', (hidden) => {
    const line = jsonLine({ name: `role${hidden}name` });
    expect(line).toMatch(/^[\x20-\x7e]+\n$/);
    expect(JSON.parse(line)).toEqual({ name: `role${hidden}name` });
  });
});
