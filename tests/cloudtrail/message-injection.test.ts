/**
 * Caller-chosen names (S3 keys, role session names, secret names) are written inside the error message.
 * AWS writes its own reason clause after the resource, so the last clause start is AWS's: clause-like
 * text inside a name never changes the decoded layer or explicitness, nor shortens the resource.
 */
import fc from 'fast-check';
import { parseDenialMessage } from '../../lib/cloudtrail/message';
import { decodeRecord } from '../../lib/cloudtrail/decode';
import type { Denial } from '../../lib/denial/types';

const ACCOUNT = '111122223333';
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/app-role/session-1`;

/** Genuine AWS reason clauses, with the layer and explicitness they mean. */
const GENUINE: [string, string, boolean][] = [
  ['with an explicit deny in a service control policy', 'scp', true],
  ['with an explicit deny in an identity-based policy', 'identity', true],
  ['with an explicit deny in a resource-based policy', 'resource', true],
  ['because no identity-based policy allows the s3:GetObject action', 'identity', false],
  ['because no session policy allows the s3:GetObject action', 'session', false],
  ['because no permissions boundary allows the s3:GetObject action', 'permissions-boundary', false],
];

/** Clause-like text a caller may put in a name. */
const INJECTED = [
  ' because no identity-based policy allows the s3:GetObject action ',
  '" because no identity-based policy allows the s3:GetObject action "y',
  ' with an explicit deny in a resource control policy ',
  '" with an explicit deny in an identity-based policy',
  '. Go to https://console.aws.amazon.com/iam/home#/authorization-details/abc for complete details ',
  ' Encoded authorization failure message: xyz ',
  ' because ',
  ' with an explicit deny',
];

const message = (principal: string, action: string, resource: string, tail: string) =>
  `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} ${tail}`;

describe('injection through caller-chosen names: the genuine clause at the end wins', () => {
  const cases: [string, string, string, string][] = [];
  for (const [tail] of GENUINE) {
    for (const injected of INJECTED.slice(0, 4)) {
      cases.push(['an S3 key (quoted by S3)', SESSION, `"arn:aws:s3:::b/payroll.csv${injected}"`, tail]);
      cases.push(['an S3 key (unquoted)', SESSION, `arn:aws:s3:::b/payroll.csv${injected}`, tail]);
      cases.push(['a secret name', SESSION, `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod${injected}-AbCdEf`, tail]);
    }
    // Session names cannot hold spaces; the ones they can hold, and a spaced one for good measure.
    cases.push(['a role session name', `arn:aws:sts::${ACCOUNT}:assumed-role/r/because-no-identity-based-policy`, 'arn:aws:s3:::b/k', tail]);
    cases.push([
      'a role session name (spaced)',
      `arn:aws:sts::${ACCOUNT}:assumed-role/r/x because no identity-based policy allows it`,
      'arn:aws:s3:::b/k',
      tail,
    ]);
  }
  it.each(cases)('%s: %s / %s / %s', (_what, principal, resource, tail) => {
    const expected = GENUINE.find(([t]) => t === tail) as [string, string, boolean];
    const parsed = parseDenialMessage(message(principal, 's3:GetObject', resource, tail));
    expect([parsed.layer, parsed.explicit]).toEqual([expected[1], expected[2]]);
    // The resource is never a shortened one: the whole name, or kept as written (untrusted).
    const unquoted = resource.startsWith('"') ? resource.slice(1, -1) : resource.trim();
    if (parsed.resource !== undefined) expect(parsed.resource).toBe(unquoted);
    else expect(parsed.resourceText).toBe(unquoted);
  });

  it('property: clause-like text anywhere inside the resource name never changes the decoded layer or explicitness', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.constantFrom(...INJECTED),
        fc.string({ maxLength: 40 }),
        fc.constantFrom(...GENUINE),
        fc.boolean(),
        (before, injected, after, [tail, layer, explicit], quoted) => {
          const arn = `arn:aws:s3:::b/${before}${injected}${after}`;
          const parsed = parseDenialMessage(message(SESSION, 's3:GetObject', quoted ? `"${arn}"` : arn, tail));
          expect([parsed.layer, parsed.explicit]).toEqual([layer, explicit]);
          // Never a shortened resource: the whole name (spaces at its ends aside) or none.
          const whole = quoted ? arn : arn.trim();
          if (parsed.resource !== undefined) expect(parsed.resource.length >= whole.trim().length).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('the decoder cross-checks the message against the record', () => {
  const KEY = 'payroll.csv" because no identity-based policy allows the s3:GetObject action "y';
  const record = (errorMessage: string, key = KEY) => ({
    eventVersion: '1.11',
    eventID: 'e-1',
    eventTime: '2026-11-20T09:14:03Z',
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.7',
    recipientAccountId: ACCOUNT,
    userIdentity: { type: 'AssumedRole', principalId: 'AROAX:session-1', arn: SESSION, accountId: ACCOUNT },
    errorCode: 'AccessDenied',
    errorMessage,
    requestParameters: { bucketName: 'b', key },
  });
  const decode = (r: unknown): Denial => {
    const out = decodeRecord(r);
    if (out.kind !== 'denial') throw new Error('not a denial');
    return out.denial;
  };

  it('a message without a reason clause: the clause inside the key is not read as one, and the resource is the record’s', () => {
    const d = decode(record(`User: ${SESSION} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/${KEY}"`));
    expect(d.reason.layer).toBe('unknown');
    expect(d.resource).toBe(`arn:aws:s3:::b/${KEY}`);
  });

  it('a message cut short by a clause inside the key (unquoted): the record’s exact resource, never the shortened one', () => {
    const key = 'payroll.csv because no identity-based policy allows the s3:GetObject action';
    const d = decode(record(`User: ${SESSION} is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/${key}`, key));
    expect(d.resource).toBe(`arn:aws:s3:::b/${key}`);
    expect(d.reason.layer).toBe('unknown');
  });

  it('a message resource that disagrees with the record’s otherwise: untrusted (resource null, kept as words)', () => {
    const d = decode(
      record(
        `User: ${SESSION} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/other" with an explicit deny in a service control policy`,
        'k',
      ),
    );
    expect(d.resource).toBeNull();
    expect(d.resourceText).toBe('arn:aws:s3:::b/other');
    expect([d.reason.layer, d.reason.explicit]).toEqual(['scp', true]);
  });

  it('the genuine clause after an injected one: the SCP explicit deny, on the whole key', () => {
    const d = decode(
      record(
        `User: ${SESSION} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/${KEY}" with an explicit deny in a service control policy`,
      ),
    );
    expect([d.reason.layer, d.reason.explicit]).toEqual(['scp', true]);
    expect(d.resource).toBe(`arn:aws:s3:::b/${KEY}`);
  });
});
