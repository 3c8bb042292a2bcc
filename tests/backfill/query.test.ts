import fc from 'fast-check';
import { athenaQuery, checkIdentifier, denialPredicate, eventDataStoreId, lakeQuery, MESSAGE_FRAGMENTS, wildcardToLike } from '../../lib/backfill/query';
import { ACCESS_ERROR_MESSAGE_WILDCARDS, isAccessProblem } from '../../lib/cloudtrail/classify';
import { MODEL_ACCESS_MESSAGE_WILDCARDS } from '../../lib/bedrock/model-access';

const window = { since: new Date('2026-11-15T00:00:00Z'), until: new Date('2026-11-22T08:00:00Z') };

/** SQL LIKE (with an optional ESCAPE '\') as a regular expression. */
function likeRegex(pattern: string, escaped: boolean): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (escaped && c === '\\') re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Evaluates the generated predicate's text (`col LIKE '…'` and `lower(col) LIKE '…'` joined by OR) on one row. */
function evaluate(predicate: string, row: { errorcode?: string; errormessage?: string }): boolean {
  const clause = /(lower\()?(\w+)\)? LIKE '((?:[^']|'')*)'( ESCAPE '\\')?/g;
  let any = false;
  for (const m of predicate.matchAll(clause)) {
    const value = row[m[2] as 'errorcode' | 'errormessage'];
    if (value === undefined) continue;
    const text = m[1] ? value.toLowerCase() : value;
    if (likeRegex(m[3]!.replace(/''/g, "'"), Boolean(m[4])).test(text)) any = true;
  }
  return any;
}

describe('the server-side denial filter', () => {
  const predicate = denialPredicate('errorcode', 'errormessage');
  const fragments = [
    'Access Denied',
    'access denied',
    'is not authorized to perform',
    'on-demand throughput isn’t supported',
    "doesn't support on-demand throughput",
    'Legacy',
    'reached the end of its life',
    'use case details have not been submitted',
    "You don't have access to the model",
    'aws-marketplace:Subscribe',
    'account is not authorized to invoke this API operation',
    'Rate exceeded',
    'An error occurred (ValidationException) when calling the InvokeModel operation: ',
  ];
  const codes = [
    'AccessDenied',
    'AccessDeniedException',
    'Client.UnauthorizedOperation',
    'UnauthorizedOperation',
    'AuthorizationError',
    'ForbiddenException',
    'ThrottlingException',
    'ValidationException',
    'ResourceNotFoundException',
    'accessdenied',
  ];
  const caseOf = (s: string, upper: boolean[]) => [...s].map((c, i) => (upper[i % upper.length] ? c.toUpperCase() : c)).join('');

  it('never drops a record the decoder would read as a denial (property)', () => {
    fc.assert(
      fc.property(
        fc.option(fc.oneof(fc.constantFrom(...codes), fc.string({ maxLength: 30 })), { nil: undefined }),
        fc.option(
          fc.tuple(
            fc.string({ maxLength: 20 }),
            fc.constantFrom(...fragments),
            fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
            fc.string({ maxLength: 20 }),
          ),
          { nil: undefined },
        ),
        (code, parts) => {
          const message = parts ? `${parts[0]}${caseOf(parts[1], parts[2])}${parts[3]}` : undefined;
          if (isAccessProblem(code, message)) expect(evaluate(predicate, { errorcode: code, errormessage: message })).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('covers every message wildcard of the deployed rule with one of its fragments (drift check)', () => {
    for (const w of [...ACCESS_ERROR_MESSAGE_WILDCARDS, ...MODEL_ACCESS_MESSAGE_WILDCARDS]) {
      const literal = w.replace(/\*/g, '').toLowerCase();
      expect(MESSAGE_FRAGMENTS.some((f) => literal.includes(f))).toBe(true);
    }
  });

  it.each([
    ['ThrottlingException', 'Rate exceeded', false],
    ['AccessDenied', 'Access Denied', true],
    [undefined, 'User: arn:aws:iam::1:user/x is not authorized to perform: s3:GetObject', true],
    ['ValidationException', 'Invocation of model ID x with on-demand throughput isn’t supported.', true],
  ])('code %p with message %p passes: %p', (code, message, expected) => {
    expect(evaluate(predicate, { errorcode: code, errormessage: message })).toBe(expected);
  });

  it('escapes LIKE wildcards and quotes in patterns', () => {
    expect(wildcardToLike('c', "*it's_100%*")).toBe("c LIKE '%it''s\\_100\\%%' ESCAPE '\\'");
    expect(evaluate(wildcardToLike('errorcode', "*it's_100%*"), { errorcode: "x it's_100% y" })).toBe(true);
    expect(evaluate(wildcardToLike('errorcode', "*it's_100%*"), { errorcode: "x it'sX100X y" })).toBe(false);
  });
});

describe('athenaQuery', () => {
  it('reads the window, the denial filter, accounts and regions, and the date partition when given', () => {
    const sql = athenaQuery({
      database: 'trails',
      table: 'cloudtrail_logs',
      accounts: ['111122223333'],
      regions: ['eu-west-1', 'us-east-1'],
      datePartition: 'timestamp',
      ...window,
    });
    expect(sql).toContain('FROM "trails"."cloudtrail_logs"');
    expect(sql).toContain("eventtime >= '2026-11-15T00:00:00Z'");
    expect(sql).toContain("eventtime < '2026-11-22T08:00:00Z'");
    expect(sql).toContain("recipientaccountid IN ('111122223333')");
    expect(sql).toContain("awsregion IN ('eu-west-1', 'us-east-1')");
    expect(sql).toContain(`"timestamp" BETWEEN '2026/11/15' AND '2026/11/22'`);
    expect(sql).toContain(denialPredicate('errorcode', 'errormessage'));
    expect(sql).toMatch(/ORDER BY eventtime$/);
  });

  it.each([
    [{ table: 'logs"; DROP TABLE x; --' }, /not a valid name/],
    [{ database: 'a.b' }, /not a valid name/],
    [{ accounts: ["1' OR '1'='1"] }, /account .* is not valid/],
    [{ regions: ["us-east-1') OR 1=1 --"] }, /region .* is not valid/],
    [{ datePartition: 'day" OR 1=1' }, /not a valid name/],
  ])('refuses %p rather than put it in SQL', (override, message) => {
    expect(() => athenaQuery({ database: 'trails', table: 't', accounts: [], regions: [], ...window, ...override })).toThrow(message);
  });
});

describe('lakeQuery', () => {
  it('queries the event data store by its ID, with Lake timestamps', () => {
    const sql = lakeQuery({
      eventDataStore: 'arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/EXAMPLE-f852-4e8f',
      accounts: [],
      regions: [],
      ...window,
    });
    expect(sql).toContain('FROM EXAMPLE-f852-4e8f\n');
    expect(sql).toContain("eventTime >= '2026-11-15 00:00:00'");
    expect(sql).toContain("eventTime < '2026-11-22 08:00:00'");
    expect(sql).toContain('userIdentity.sessionContext.sessionIssuer.arn AS issuerArn');
  });

  it.each(['x; DELETE', 'arn:aws:s3:::bucket/key', ''])('refuses %p as an event data store', (bad) => {
    expect(() => eventDataStoreId(bad)).toThrow(/not an ID or an event data store ARN/);
  });

  it('checks identifiers', () => {
    expect(checkIdentifier('table', 'cloudtrail_logs_2026')).toBe('cloudtrail_logs_2026');
    expect(() => checkIdentifier('table', '')).toThrow();
  });
});
