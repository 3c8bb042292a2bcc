import fc from 'fast-check';
import {
  asciiText,
  attributeValue,
  chatCode,
  chatCodeBlock,
  chatPlain,
  chatText,
  maskSecrets,
  plainBlock,
  plainLine,
  stripControl,
  truncate,
} from '../../lib/notify/sns-text';
import { controlChars } from '../alerts/fixtures';

/** Hostile values an attacker can place in session names, user agents, request parameters or resource names. */
const HOSTILE: Array<[string, string]> = [
  ['channel mention', '<!channel> wake up'],
  ['here mention', '<!here|here>'],
  ['everyone mention', '<!everyone>'],
  ['user mention', '<@U0123ABCD>'],
  ['user group mention', '<!subteam^S0123|oncall>'],
  ['channel link', '<#C0123ABCD|general>'],
  ['labelled link', '<https://evil.example/login|Open the AWS console>'],
  ['bare link', 'see https://evil.example/phish now'],
  ['markdown link', '[AWS console](https://evil.example)'],
  ['plain mass mention', '@channel @here @everyone please'],
  ['teams mention', '<at>Everyone</at>'],
  ['bold', '*URGENT* rotate keys'],
  ['italic and strike', '_quiet_ ~gone~'],
  ['code breakout', '`x` ```block``` `'],
  ['quote at start', '> fake quote from AWS'],
  ['emoji shortcode', ':rotating_light::white_check_mark:'],
  ['newline injection', 'session\n*Why:* everything is fine\n<!channel>'],
  ['carriage returns and tabs', 'a\r\nb\tc\rd'],
  ['terminal escape', 'x\u001b[31mred\u001b[0m\u0007'],
  ['C1 and DEL', 'a\u0085b\u009bc\u007f'],
  ['bidi override', 'user\u202Egnp.exe'],
  ['zero width', 'ad\u200Bmin\uFEFF'],
  ['lone surrogate', 'bad\uD800pair'],
  ['access key', 'AKIAIOSFODNN7EXAMPLE'],
  ['session token key', 'ASIAEXAMPLEAPPRUNNER in text'],
  ['html entity', '&lt;!channel&gt; &amp;'],
];

const MASS_MENTION = /@(channel|here|everyone)\b/i;

function assertChatSafe(rendered: string): void {
  expect(rendered).not.toMatch(/[<>]/); // no control sequence can start
  expect(rendered).not.toMatch(MASS_MENTION);
  expect(controlChars(rendered, '\n')).toEqual([]);
  expect(rendered).not.toMatch(/(AKIA|ASIA)[A-Z0-9]{16}/);
  expect(rendered).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
}

/** Outside code spans, no character that Slack mrkdwn formats, links or quotes with may remain. */
function outsideCodeSpans(rendered: string): string {
  return rendered.replace(/`[^`\n]*`/g, '');
}

describe('chatCode', () => {
  it.each(HOSTILE)('%s: one inert code span', (_name, value) => {
    const rendered = chatCode(value);
    assertChatSafe(rendered);
    expect(rendered.startsWith('`') && rendered.endsWith('`')).toBe(true);
    expect(rendered.slice(1, -1)).not.toContain('`');
    expect(rendered).not.toContain('\n');
  });

  it.each<[string, string]>([
    ['<!channel>', '`&lt;!channel&gt;`'],
    ['a & b', '`a &amp; b`'],
    ['@here', '`@\u200Bhere`'],
    ['`rm -rf`', '`\u02CBrm -rf\u02CB`'],
    ['line1\nline2', '`line1 line2`'],
    ['', '`-`'],
    ['AKIAIOSFODNN7EXAMPLE', '`AKIA…MPLE`'],
  ])('%p → %p', (value, expected) => {
    expect(chatCode(value)).toBe(expected);
  });

  it('cuts long values before escaping', () => {
    expect(chatCode('x'.repeat(1000), 10)).toBe('`xxxxxxxxx…`');
    expect(chatCode('<'.repeat(20), 4)).toBe('`&lt;&lt;&lt;…`');
  });
});

describe('chatText', () => {
  it.each(HOSTILE)('%s: no mention, link, markdown or quote outside code spans', (_name, value) => {
    const rendered = chatText(value);
    assertChatSafe(rendered);
    expect(rendered).not.toContain('\n');
    const plain = outsideCodeSpans(rendered);
    expect(plain).not.toMatch(/[*_~`[\]|#@]/);
    expect(plain).not.toMatch(/https?:|www\./i);
    expect(plain).not.toMatch(/:[a-z_]+:/);
  });

  it('keeps ordinary words plain and wraps only risky tokens', () => {
    expect(chatText('No identity-based policy allows bedrock:InvokeModel on this model.')).toBe(
      'No identity-based policy allows bedrock:InvokeModel on this model.',
    );
    expect(chatText('role AWSReservedSSO_Admin_abc123 calls bedrock.amazonaws.com')).toBe('role `AWSReservedSSO_Admin_abc123` calls `bedrock.amazonaws.com`');
    // `:aws:` inside an ARN could be a custom emoji shortcode.
    expect(chatText('policy arn:aws:iam::aws:policy/x denies')).toBe('policy `arn:aws:iam::aws:policy/x` denies');
    expect(chatText('a :smile: b')).toBe('a `:smile:` b');
  });
});

describe('chatCodeBlock', () => {
  it.each(HOSTILE)('%s: a block that cannot be closed early', (_name, value) => {
    const rendered = chatCodeBlock(value);
    assertChatSafe(rendered);
    expect(rendered.startsWith('```\n') && rendered.endsWith('\n```')).toBe(true);
    expect(rendered.slice(4, -4)).not.toContain('`');
  });

  it('keeps line breaks of policies', () => {
    expect(chatCodeBlock('{\n  "Effect": "Allow"\r\n}')).toBe('```\n{\n  "Effect": "Allow"\n}\n```');
  });
});

describe('chatPlain', () => {
  it.each(HOSTILE)('%s: escaped for metadata', (_name, value) => {
    const rendered = chatPlain(value);
    assertChatSafe(rendered);
    expect(rendered).not.toContain('`');
    expect(rendered).not.toContain('\n');
  });
});

describe('plain text (email)', () => {
  it.each(HOSTILE)('%s: single line without control characters, secrets masked', (_name, value) => {
    const rendered = plainLine(value);
    expect(controlChars(rendered)).toEqual([]);
    expect(rendered).not.toMatch(/(AKIA|ASIA)[A-Z0-9]{16}/);
  });

  it('leaves markdown and angle brackets alone: email is not markdown', () => {
    expect(plainLine('<!channel> *bold* `code` a & b')).toBe('<!channel> *bold* `code` a & b');
  });

  it('keeps line breaks in blocks but drops other control characters', () => {
    expect(plainBlock('a\r\nb\u001b[31m\tc')).toBe('a\nb  c');
  });
});

describe('maskSecrets', () => {
  it.each<[string, string]>([
    ['AKIAIOSFODNN7EXAMPLE', 'AKIA…MPLE'],
    ['key=ASIAEXAMPLEAPPRUNNER;', 'key=ASIA…NNER;'],
    ['abcAKIAIOSFODNN7EXAMPLE', 'abcAKIA…MPLE'],
    ['two AKIAIOSFODNN7EXAMPLE ASIAEXAMPLEAPPRUNNER', 'two AKIA…MPLE ASIA…NNER'],
    ['AKIAIOSFODNN7EXAMPLEX', 'AKIAIOSFODNN7EXAMPLEX'], // 21 characters: not a key ID
    ['AROAEXAMPLEAPPRUNNER1', 'AROAEXAMPLEAPPRUNNER1'], // role IDs are not secrets
    ['ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlMTIzNDU2Nzg5MA==', 'ABSK…(masked)'],
    ['bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29tLz9BY3Rpb249', 'bedrock-api-key-…(masked)'],
    ['ASIA…NNER', 'ASIA…NNER'], // already masked
  ])('%p → %p', (value, expected) => {
    expect(maskSecrets(value)).toBe(expected);
  });
});

describe('asciiText, attributeValue, truncate, stripControl', () => {
  it('transliterates accents and replaces other non-ASCII', () => {
    expect(asciiText('rôle-café 数据 🚀')).toBe('role-cafe ?? ?');
  });

  it('never returns an empty attribute value', () => {
    expect(attributeValue(undefined)).toBe('unknown');
    expect(attributeValue(null)).toBe('unknown');
    expect(attributeValue(' \n\u0000 ')).toBe('unknown');
    expect(attributeValue('x'.repeat(1000))).toHaveLength(256);
  });

  it('never splits a surrogate pair', () => {
    expect(truncate('ab🚀cd', 4)).toBe('ab…');
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('is idempotent on clean text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (value) => {
        const once = stripControl(value);
        expect(stripControl(once)).toBe(once);
        expect(controlChars(once)).toEqual([]);
      }),
    );
  });

  it('chat renderings are safe for any input (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'<>&@!#`*_~:|[]()\n\r\t\u0000\u202E abcAKIA0123456789channelhere'.split('')), maxLength: 120 }),
        (value) => {
          for (const rendered of [chatCode(value), chatText(value), chatPlain(value), chatCodeBlock(value)]) assertChatSafe(rendered);
          expect(outsideCodeSpans(chatText(value))).not.toMatch(/[*_~`[\]|#@]/);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('chatText keeps sentence punctuation out of code spans', () => {
  it.each([
    ['policy AmazonBedrockAgentBedrockFoundationModelPolicy_dev: it granted', 'policy `AmazonBedrockAgentBedrockFoundationModelPolicy_dev`: it granted'],
    ['on arn:aws:bedrock:us-east-2::foundation-model/m-v1:0; move', 'on `arn:aws:bedrock:us-east-2::foundation-model/m-v1:0`; move'],
    ['(see example.com).', '(see `example.com`).'],
    [':smile:', '`:smile:`'],
    ['(<!channel>)', '(&lt;!channel&gt;)'],
  ])('%j', (input, expected) => {
    expect(chatText(input)).toBe(expected);
  });
});
