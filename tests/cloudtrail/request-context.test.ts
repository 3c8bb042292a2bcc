import fc from 'fast-check';
import { recordContext } from '../../lib/cloudtrail/request-context';

const ROLE_ARN = 'arn:aws:iam::111122223333:role/app/worker';

const assumedRole = (extra: Record<string, unknown> = {}, session: Record<string, unknown> = {}) => ({
  eventTime: '2026-11-20T10:15:30Z',
  awsRegion: 'us-east-2',
  sourceIPAddress: '203.0.113.7',
  userIdentity: {
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLEID:session-1',
    arn: 'arn:aws:sts::111122223333:assumed-role/worker/session-1',
    accountId: '111122223333',
    sessionContext: { attributes: { creationDate: '2026-11-20T10:00:00Z', mfaAuthenticated: 'false' }, ...session },
  },
  ...extra,
});

describe('recordContext: the request context a CloudTrail record settles', () => {
  const principal = { arn: ROLE_ARN, accountId: '111122223333' };

  it.each<[string, unknown, Record<string, string | string[] | undefined>]>([
    [
      'an assumed role from an IP address',
      assumedRole(),
      {
        'aws:CurrentTime': '2026-11-20T10:15:30Z',
        'aws:EpochTime': '1795169730',
        'aws:RequestedRegion': 'us-east-2',
        'aws:PrincipalType': 'AssumedRole',
        'aws:userid': 'AROAEXAMPLEID:session-1',
        'aws:username': undefined,
        'aws:PrincipalArn': ROLE_ARN,
        'aws:PrincipalAccount': '111122223333',
        'aws:SourceIp': '203.0.113.7',
        'aws:ViaAWSService': 'false',
        'aws:MultiFactorAuthPresent': 'false',
        'aws:MultiFactorAuthAge': undefined,
        'aws:TokenIssueTime': '2026-11-20T10:00:00Z',
      },
    ],
    [
      'a session with MFA: its age in seconds at the time of the call',
      assumedRole({}, { attributes: { creationDate: '2026-11-20T10:00:00Z', mfaAuthenticated: 'true' } }),
      { 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '930' },
    ],
    [
      'an IAM user with a long-term key: user name, no MFA key at all',
      {
        eventTime: '2026-11-20T10:15:30Z',
        awsRegion: 'eu-west-1',
        sourceIPAddress: '2001:db8::1',
        userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', userName: 'deploy', arn: 'arn:aws:iam::111122223333:user/deploy' },
      },
      {
        'aws:PrincipalType': 'User',
        'aws:username': 'deploy',
        'aws:userid': 'AIDAEXAMPLE',
        'aws:SourceIp': '2001:db8::1',
        'aws:MultiFactorAuthPresent': undefined,
      },
    ],
    [
      'a call through a VPC endpoint: the endpoint and the VPC source address, no public source IP',
      assumedRole({ vpcEndpointId: 'vpce-0abc', sourceIPAddress: '10.0.1.5' }),
      { 'aws:SourceVpce': 'vpce-0abc', 'aws:VpcSourceIp': '10.0.1.5', 'aws:SourceIp': undefined },
    ],
    [
      "a call a service made on the caller's behalf",
      assumedRole({ sourceIPAddress: 'cloudformation.amazonaws.com' }),
      { 'aws:ViaAWSService': 'true', 'aws:SourceIp': undefined },
    ],
    ['TLS details mean HTTPS', assumedRole({ tlsDetails: { tlsVersion: 'TLSv1.3' } }), { 'aws:SecureTransport': 'true' }],
  ])('%s', (_name, record, expected) => {
    const { values } = recordContext(record, principal);
    for (const [key, value] of Object.entries(expected)) expect([key, values[key]]).toEqual([key, value]);
  });

  it.each<[string, unknown, string, boolean]>([
    ['the source IP of a normal call', assumedRole(), 'aws:sourceip', true],
    ['MFA absence for a long-term key', { userIdentity: { type: 'IAMUser', userName: 'u' } }, 'aws:multifactorauthpresent', true],
    ['HTTPS when the record has no TLS details', assumedRole(), 'aws:securetransport', false],
    ['the source IP when the record hides it', assumedRole({ sourceIPAddress: 'AWS Internal' }), 'aws:sourceip', false],
    ['principal keys of a service principal', { userIdentity: { type: 'AWSService', invokedBy: 'x.amazonaws.com' } }, 'aws:principaltype', false],
    ['CalledVia when no service was involved', assumedRole(), 'aws:calledvia', true],
    ['CalledVia when a service called', assumedRole({ sourceIPAddress: 'athena.amazonaws.com' }), 'aws:calledvia', false],
    ['a resource tag', assumedRole(), 'aws:resourcetag/team', false],
    ['a principal tag (only a snapshot knows them)', assumedRole(), 'aws:principaltag/team', false],
    [
      'the token issue time of a session whose record lacks creationDate',
      assumedRole({}, { attributes: { mfaAuthenticated: 'false' } }),
      'aws:tokenissuetime',
      false,
    ],
    [
      'MFA presence of a session whose record lacks mfaAuthenticated',
      assumedRole({}, { attributes: { creationDate: '2026-11-20T10:00:00Z' } }),
      'aws:multifactorauthpresent',
      false,
    ],
    ['MFA presence of a session whose record lacks mfaAuthenticated (age too)', assumedRole({}, { attributes: {} }), 'aws:multifactorauthage', false],
    ['aws:userid without principalId', { eventTime: '2026-11-20T10:15:30Z', userIdentity: { type: 'AssumedRole' } }, 'aws:userid', false],
    ['aws:CurrentTime without eventTime', { userIdentity: { type: 'IAMUser', userName: 'u' } }, 'aws:currenttime', false],
    ['aws:EpochTime without eventTime', { userIdentity: { type: 'IAMUser', userName: 'u' } }, 'aws:epochtime', false],
    [
      'MFA absence for an IAM user whose key is temporary (ASIA)',
      { userIdentity: { type: 'IAMUser', userName: 'u', accessKeyId: 'ASIAEXAMPLE' } },
      'aws:multifactorauthpresent',
      false,
    ],
  ])('whether the record settles %s', (_name, record, key, settled) => {
    expect(recordContext(record, principal).determined.includes(key)).toBe(settled);
  });

  it('aws:PrincipalArn: never the STS session ARN; unset and unsettled without the role ARN', () => {
    const ctx = recordContext(assumedRole(), { arn: 'arn:aws:sts::111122223333:assumed-role/worker/session-1', accountId: '111122223333' });
    expect(ctx.values['aws:PrincipalArn']).toBeUndefined();
    expect(ctx.determined).not.toContain('aws:principalarn');
    expect(recordContext(assumedRole(), principal).determined).toContain('aws:principalarn');
  });

  it('never throws and only returns strings or string lists, whatever the record holds', () => {
    fc.assert(
      fc.property(fc.anything(), fc.record({ arn: fc.option(fc.string()), accountId: fc.option(fc.string()) }), (record, p) => {
        const { values, determined } = recordContext(record, p);
        for (const v of Object.values(values)) expect(typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))).toBe(true);
        expect(determined.every((k) => k === k.toLowerCase())).toBe(true);
      }),
    );
  });

  const digits = (n: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((d) => d.join(''));
  // Canonical-looking times with any digits (Feb 30, hour 24, minute 60, year 0000), next to other forms.
  const eventTimes = fc.oneof(
    fc.tuple(digits(4), digits(2), digits(2), digits(2), digits(2), digits(2)).map(([y, mo, d, h, mi, s]) => `${y}-${mo}-${d}T${h}:${mi}:${s}Z`),
    fc
      .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-12-31T23:59:59Z'), noInvalidDate: true })
      .chain((d) => fc.constantFrom(d.toISOString(), d.toISOString().replace(/\.\d{3}Z$/, 'Z'), d.toISOString().replace('Z', '+00:00'), d.toUTCString())),
    fc.string({ maxLength: 30 }),
  );

  it('aws:CurrentTime and aws:EpochTime are the parsed time, to the second, for any eventTime', () => {
    fc.assert(
      fc.property(eventTimes, (eventTime) => {
        const ms = Date.parse(eventTime);
        const { values, determined } = recordContext(assumedRole({ eventTime }), principal);
        if (Number.isNaN(ms)) {
          expect([values['aws:CurrentTime'], values['aws:EpochTime'], determined.includes('aws:currenttime')]).toEqual([undefined, undefined, false]);
        } else {
          expect(values['aws:CurrentTime']).toBe(new Date(ms).toISOString().replace(/\.000Z$/, 'Z'));
          expect(values['aws:EpochTime']).toBe(String(Math.floor(ms / 1000)));
        }
      }),
    );
  });

  it('the same eventTime twice in a row, then another, gives each record its own time', () => {
    const times = ['2026-11-20T10:15:30Z', '2026-11-20T10:15:30Z', '2026-02-30T10:15:30Z', 'not a time', '2026-11-20T10:15:30Z'];
    expect(times.map((eventTime) => recordContext(assumedRole({ eventTime }), principal).values['aws:CurrentTime'])).toEqual([
      '2026-11-20T10:15:30Z',
      '2026-11-20T10:15:30Z',
      '2026-03-02T10:15:30Z',
      undefined,
      '2026-11-20T10:15:30Z',
    ]);
  });

  it('determined is sorted, without duplicates, lower-case, and the same list for records that settle the same keys', () => {
    const a = recordContext(assumedRole(), principal).determined;
    const b = recordContext(assumedRole({ sourceIPAddress: '198.51.100.9' }), principal).determined;
    const c = recordContext(assumedRole({ tlsDetails: {}, sourceIPAddress: 'lambda.amazonaws.com' }), principal).determined;
    for (const list of [a, b, c]) {
      expect(list).toEqual([...new Set(list)].sort());
      expect(list.every((k) => k === k.toLowerCase())).toBe(true);
    }
    expect(b).toEqual(a);
    expect(c).toContain('aws:securetransport');
    expect(a).toContain('aws:calledvia');
    expect(c).not.toContain('aws:calledvia');
  });
});
