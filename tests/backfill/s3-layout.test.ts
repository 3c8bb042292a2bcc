import { accountTrailRoot, childNames, classifyLogsChildren, dayPrefixes, daysOf, isLogFileKey, logsRoot } from '../../lib/backfill/s3-layout';

describe('S3 trail layout', () => {
  it.each([
    [undefined, 'AWSLogs/'],
    ['', 'AWSLogs/'],
    ['trails', 'trails/AWSLogs/'],
    ['/a/b/', 'a/b/AWSLogs/'],
  ])('the logs root under prefix %p is %p', (prefix, root) => {
    expect(logsRoot(prefix)).toBe(root);
  });

  it('tells single-account folders from organization folders and ignores anything else', () => {
    const names = childNames(
      ['AWSLogs/111122223333/', 'AWSLogs/o-abcdef1234/', 'AWSLogs/junk/', 'AWSLogs/12345/', 'Other/999999999999/', undefined],
      'AWSLogs/',
    );
    expect(classifyLogsChildren(names)).toEqual({ accounts: ['111122223333'], orgs: ['o-abcdef1234'] });
  });

  it('builds both layouts', () => {
    expect(accountTrailRoot('AWSLogs/', '111122223333')).toBe('AWSLogs/111122223333/CloudTrail/');
    expect(accountTrailRoot('p/AWSLogs/', '111122223333', 'o-abcdef1234')).toBe('p/AWSLogs/o-abcdef1234/111122223333/CloudTrail/');
  });

  it('lists the UTC days a window touches, the end excluded', () => {
    expect(daysOf(new Date('2026-11-30T23:00:00Z'), new Date('2026-12-02T00:00:00Z'))).toEqual(['2026/11/30', '2026/12/01']);
    expect(daysOf(new Date('2026-11-20T10:00:00Z'), new Date('2026-11-20T10:00:01Z'))).toEqual(['2026/11/20']);
  });

  it('orders day prefixes by day, then account, then region', () => {
    const prefixes = dayPrefixes(
      [
        { account: '222233334444', root: 'AWSLogs/o-abcdef1234/222233334444/CloudTrail/', regions: ['us-east-1'] },
        { account: '111122223333', root: 'AWSLogs/o-abcdef1234/111122223333/CloudTrail/', regions: ['us-west-2', 'eu-west-1'] },
      ],
      new Date('2026-11-20T00:00:00Z'),
      new Date('2026-11-22T00:00:00Z'),
    ).map((p) => p.prefix);
    expect(prefixes).toEqual([
      'AWSLogs/o-abcdef1234/111122223333/CloudTrail/eu-west-1/2026/11/20/',
      'AWSLogs/o-abcdef1234/111122223333/CloudTrail/us-west-2/2026/11/20/',
      'AWSLogs/o-abcdef1234/222233334444/CloudTrail/us-east-1/2026/11/20/',
      'AWSLogs/o-abcdef1234/111122223333/CloudTrail/eu-west-1/2026/11/21/',
      'AWSLogs/o-abcdef1234/111122223333/CloudTrail/us-west-2/2026/11/21/',
      'AWSLogs/o-abcdef1234/222233334444/CloudTrail/us-east-1/2026/11/21/',
    ]);
  });

  it.each([
    ['AWSLogs/1/CloudTrail/us-east-1/2026/11/20/1_CloudTrail_us-east-1_20261120T0000Z_a.json.gz', true],
    ['AWSLogs/1/CloudTrail/us-east-1/2026/11/20/x.json', true],
    ['AWSLogs/1/CloudTrail-Digest/us-east-1/2026/11/20/x.json.gz', false],
    ['AWSLogs/1/CloudTrail/us-east-1/2026/11/20/', false],
  ])('%s is a log file: %p', (key, expected) => {
    expect(isLogFileKey(key)).toBe(expected);
  });
});
