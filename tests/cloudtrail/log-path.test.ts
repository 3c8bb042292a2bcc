import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { parseLogPath, pathWanted, type LogPathFilter } from '../../lib/cloudtrail/log-path';
import { sniffFormat } from '../../lib/cloudtrail/input-format';

const ORG = 'AWSLogs/o-abcdefghij/111122223333/CloudTrail/eu-west-1';

describe('parseLogPath', () => {
  it.each([
    [
      'an organization trail day folder',
      `bucket/${ORG}/2026/11/20`,
      { account: '111122223333', region: 'eu-west-1', from: '2026-11-20', to: '2026-11-21', digest: false },
    ],
    ['a month folder', `${ORG}/2026/12`, { account: '111122223333', region: 'eu-west-1', from: '2026-12-01', to: '2027-01-01', digest: false }],
    ['a year folder', `${ORG}/2026`, { account: '111122223333', region: 'eu-west-1', from: '2026-01-01', to: '2027-01-01', digest: false }],
    ['a region folder', ORG, { account: '111122223333', region: 'eu-west-1', digest: false }],
    ['an account folder', 'AWSLogs/111122223333', { digest: false }],
    [
      'a log file copied out of its folders',
      'x/444455556666_CloudTrail_us-east-2_20261130T2355Z_AbCd.json.gz',
      { account: '444455556666', region: 'us-east-2', from: '2026-11-30', to: '2026-12-01', digest: false },
    ],
    [
      'a digest folder',
      'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/20',
      { account: '111122223333', region: 'us-east-1', from: '2026-11-20', to: '2026-11-21', digest: true },
    ],
    ['any other path', 'logs/today.jsonl', { digest: false }],
  ])('%s', (_name, path, expected) => {
    expect(parseLogPath(path)).toEqual(expected);
  });
});

describe('pathWanted', () => {
  const day = parseLogPath(`${ORG}/2026/11/20`);
  const month = parseLogPath(`${ORG}/2026/11`);
  const plain = parseLogPath('logs/today.jsonl');
  it.each<[string, LogPathFilter, boolean, boolean, boolean]>([
    // filter, day folder, month folder, a path outside the layout
    ['no filter', {}, true, true, true],
    ['since the day', { since: '2026-11-20' }, true, true, true],
    ['since the day after', { since: '2026-11-21' }, false, true, true],
    ['since next month', { since: '2026-12-01' }, false, false, true],
    ['until the day (excluded)', { until: '2026-11-20' }, false, true, true],
    ['until the month (excluded)', { until: '2026-11-01' }, false, false, true],
    ['the account', { accounts: new Set(['111122223333']) }, true, true, true],
    ['another account', { accounts: new Set(['999999999999']) }, false, false, true],
    ['another region', { regions: new Set(['us-east-1']) }, false, false, true],
  ])('%s', (_name, filter, wantDay, wantMonth, wantPlain) => {
    expect([pathWanted(day, filter), pathWanted(month, filter), pathWanted(plain, filter)]).toEqual([wantDay, wantMonth, wantPlain]);
  });

  it('never reads digests', () => {
    expect(pathWanted(parseLogPath('AWSLogs/111122223333/CloudTrail-Digest/us-east-1'), {})).toBe(false);
  });

  it('a folder is skipped only when no day inside it is wanted', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        fc.date({ min: new Date('2025-06-01'), max: new Date('2027-06-01'), noInvalidDate: true }),
        (m, d, since) => {
          const mm = String(m).padStart(2, '0');
          const dd = String(d).padStart(2, '0');
          const filter = { since: since.toISOString().slice(0, 10) };
          if (pathWanted(parseLogPath(`${ORG}/2026/${mm}/${dd}`), filter)) expect(pathWanted(parseLogPath(`${ORG}/2026/${mm}`), filter)).toBe(true);
        },
      ),
    );
  });
});

describe('sniffFormat', () => {
  const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
  it.each<[string, Uint8Array, string]>([
    ['JSON text', bytes('{"Records": []}'), 'text'],
    ['UTF-8 text', bytes('{"note": "日本語 ✓ é"}'), 'text'],
    ['empty input', new Uint8Array(), 'text'],
    ['gzip', new Uint8Array(gzipSync('{}')), 'gzip'],
    ['bzip2', bytes('BZh91AY&SY'), 'unsupported'],
    ['zstd', new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0, 0]), 'unsupported'],
    ['a zip archive', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2]), 'unsupported'],
    ['NUL bytes', new Uint8Array([123, 0, 125]), 'unsupported'],
    ['control characters', new Uint8Array(Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? 1 : 65))), 'unsupported'],
    ['invalid UTF-8', new Uint8Array(Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 0xff : 65))), 'unsupported'],
  ])('%s', (_name, head, kind) => {
    expect(sniffFormat(head).kind).toBe(kind);
  });

  it('says every JSON text is text', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => expect(sniffFormat(bytes(JSON.stringify(v, null, 2))).kind).toBe('text')));
  });
});
