import fc from 'fast-check';
import { evaluateCondition, parseOperator, substituteVariables, type ConditionBlock } from '../../lib/policy/iam/conditions';

type Row = { name: string; condition: ConditionBlock; context: Record<string, string | string[]>; holds: boolean };

const PROFILE = 'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0';

const rows: Row[] = [
  {
    name: 'StringEquals match',
    condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
    context: { 'aws:RequestedRegion': 'us-east-1' },
    holds: true,
  },
  {
    name: 'StringEquals is case-sensitive',
    condition: { StringEquals: { 'aws:RequestedRegion': 'US-EAST-1' } },
    context: { 'aws:RequestedRegion': 'us-east-1' },
    holds: false,
  },
  {
    name: 'keys are case-insensitive',
    condition: { StringEquals: { 'AWS:requestedregion': 'us-east-1' } },
    context: { 'aws:RequestedRegion': 'us-east-1' },
    holds: true,
  },
  {
    name: 'values are alternatives',
    condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } },
    context: { 'aws:RequestedRegion': 'us-east-1' },
    holds: true,
  },
  { name: 'StringEquals missing key', condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } }, context: {}, holds: false },
  { name: 'StringNotEquals missing key', condition: { StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } }, context: {}, holds: true },
  {
    name: 'StringNotEquals other value',
    condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1'] } },
    context: { 'aws:RequestedRegion': 'us-east-2' },
    holds: true,
  },
  {
    name: 'StringNotEquals listed value',
    condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-east-2'] } },
    context: { 'aws:RequestedRegion': 'us-east-2' },
    holds: false,
  },
  { name: 'StringEqualsIgnoreCase', condition: { StringEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, context: { 'aws:username': 'alice' }, holds: true },
  {
    name: 'StringNotEqualsIgnoreCase',
    condition: { StringNotEqualsIgnoreCase: { 'aws:username': 'ALICE' } },
    context: { 'aws:username': 'alice' },
    holds: false,
  },
  {
    name: 'StringLike',
    condition: { StringLike: { 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:*:*:inference-profile/us.*' } },
    context: { 'bedrock:InferenceProfileArn': PROFILE },
    holds: true,
  },
  {
    name: 'StringNotLike',
    condition: { StringNotLike: { 'bedrock:InferenceProfileArn': '*global.*' } },
    context: { 'bedrock:InferenceProfileArn': PROFILE },
    holds: true,
  },
  { name: 'StringEqualsIfExists missing', condition: { StringEqualsIfExists: { 'bedrock:InferenceProfileArn': PROFILE } }, context: {}, holds: true },
  {
    name: 'StringEqualsIfExists present other',
    condition: { StringEqualsIfExists: { 'bedrock:InferenceProfileArn': PROFILE } },
    context: { 'bedrock:InferenceProfileArn': 'x' },
    holds: false,
  },
  { name: 'ArnEquals', condition: { ArnEquals: { 'bedrock:InferenceProfileArn': PROFILE } }, context: { 'bedrock:InferenceProfileArn': PROFILE }, holds: true },
  {
    name: 'ArnLike segments',
    condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } },
    context: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/a/b' },
    holds: true,
  },
  {
    name: 'ArnNotLike',
    condition: { ArnNotLike: { 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:*:*:inference-profile/*' } },
    context: { 'bedrock:InferenceProfileArn': PROFILE },
    holds: false,
  },
  {
    name: 'ArnNotLike missing key',
    condition: { ArnNotLike: { 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:*:*:inference-profile/*' } },
    context: {},
    holds: true,
  },
  { name: 'ArnNotEquals', condition: { ArnNotEquals: { 'aws:SourceArn': 'arn:aws:s3:::a' } }, context: { 'aws:SourceArn': 'arn:aws:s3:::b' }, holds: true },
  { name: 'Bool true', condition: { Bool: { 'aws:SecureTransport': true } }, context: { 'aws:SecureTransport': 'true' }, holds: true },
  { name: 'Bool false', condition: { Bool: { 'aws:SecureTransport': 'false' } }, context: { 'aws:SecureTransport': 'true' }, holds: false },
  { name: 'Null true when absent', condition: { Null: { 'aws:TokenIssueTime': 'true' } }, context: {}, holds: true },
  {
    name: 'Null false when present',
    condition: { Null: { 'aws:TokenIssueTime': 'false' } },
    context: { 'aws:TokenIssueTime': '2026-01-01T00:00:00Z' },
    holds: true,
  },
  {
    name: 'Null true when present',
    condition: { Null: { 'aws:TokenIssueTime': 'true' } },
    context: { 'aws:TokenIssueTime': '2026-01-01T00:00:00Z' },
    holds: false,
  },
  { name: 'NumericLessThan', condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 } }, context: { 'aws:MultiFactorAuthAge': '60' }, holds: true },
  { name: 'NumericGreaterThanEquals', condition: { NumericGreaterThanEquals: { 's3:max-keys': '10' } }, context: { 's3:max-keys': '10' }, holds: true },
  { name: 'NumericEquals not a number', condition: { NumericEquals: { 's3:max-keys': '10' } }, context: { 's3:max-keys': 'ten' }, holds: false },
  { name: 'NumericNotEquals', condition: { NumericNotEquals: { 's3:max-keys': '10' } }, context: { 's3:max-keys': '11' }, holds: true },
  {
    name: 'DateLessThan',
    condition: { DateLessThan: { 'aws:CurrentTime': '2027-01-01T00:00:00Z' } },
    context: { 'aws:CurrentTime': '2026-11-21T00:00:00Z' },
    holds: true,
  },
  {
    name: 'DateGreaterThan epoch',
    condition: { DateGreaterThan: { 'aws:CurrentTime': '1700000000' } },
    context: { 'aws:CurrentTime': '2026-11-21T00:00:00Z' },
    holds: true,
  },
  {
    name: 'DateLessThan with a zone offset',
    condition: { DateLessThan: { 'aws:CurrentTime': '2026-11-21T01:30:00+02:00' } },
    context: { 'aws:CurrentTime': '2026-11-20T23:00:00Z' },
    holds: true,
  },
  {
    name: 'DateGreaterThan date alone (UTC midnight)',
    condition: { DateGreaterThan: { 'aws:CurrentTime': '2026-11-20' } },
    context: { 'aws:CurrentTime': '2026-11-20T00:00:01Z' },
    holds: true,
  },
  { name: 'NumericGreaterThan signed decimal', condition: { NumericGreaterThan: { 's3:max-keys': '-1.5' } }, context: { 's3:max-keys': '0' }, holds: true },
  { name: 'IpAddress', condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, context: { 'aws:SourceIp': '203.0.113.24' }, holds: true },
  { name: 'NotIpAddress', condition: { NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } }, context: { 'aws:SourceIp': '198.51.100.7' }, holds: true },
  {
    name: 'ForAnyValue match',
    condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team', 'env'] } },
    context: { 'aws:TagKeys': ['owner', 'env'] },
    holds: true,
  },
  { name: 'ForAnyValue missing key', condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env'] } }, context: {}, holds: false },
  { name: 'ForAnyValue empty set', condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env'] } }, context: { 'aws:TagKeys': [] }, holds: false },
  {
    name: 'ForAllValues subset',
    condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } },
    context: { 'aws:TagKeys': ['env'] },
    holds: true,
  },
  {
    name: 'ForAllValues not subset',
    condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } },
    context: { 'aws:TagKeys': ['env', 'team'] },
    holds: false,
  },
  { name: 'ForAllValues missing key', condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } }, context: {}, holds: true },
  {
    name: 'ForAllValues:StringNotEquals',
    condition: { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['secret'] } },
    context: { 'aws:TagKeys': ['env', 'team'] },
    holds: true,
  },
  {
    name: 'ForAnyValue:StringNotLike',
    condition: { 'ForAnyValue:StringNotLike': { 'aws:TagKeys': ['env*'] } },
    context: { 'aws:TagKeys': ['env', 'team'] },
    holds: true,
  },
  // IAM leaves a single-valued operator on a multivalued key open: unknown, so an Allow does not hold.
  {
    name: 'multi-valued key without qualifier',
    condition: { StringEquals: { 'aws:TagKeys': 'env' } },
    context: { 'aws:TagKeys': ['team', 'env'] },
    holds: false,
  },
  {
    name: 'all operators must hold',
    condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1', 'bedrock:InferenceProfileArn': PROFILE } },
    context: { 'aws:RequestedRegion': 'us-east-1' },
    holds: false,
  },
  {
    name: 'policy variable in a value',
    condition: { StringEquals: { 's3:prefix': 'home/${aws:username}' } },
    context: { 's3:prefix': 'home/alice', 'aws:username': 'alice' },
    holds: true,
  },
];

describe('evaluateCondition', () => {
  it.each(rows)('$name', ({ condition, context, holds }) => {
    expect(evaluateCondition(condition, context, 'Allow').holds).toBe(holds);
  });

  it('treats an unsupported operator as failing in an Allow and holding in a Deny', () => {
    const condition = { StringMatchesRegex: { 'aws:x': 'QUJD' } };
    expect(evaluateCondition(condition, { 'aws:x': 'QUJD' }, 'Allow')).toMatchObject({
      holds: false,
      truth: 'unknown',
      unsupported: ['StringMatchesRegex'],
      undetermined: ['aws:x'],
    });
    expect(evaluateCondition(condition, { 'aws:x': 'QUJD' }, 'Deny').holds).toBe(true);
  });

  it('lists the failing operator and key', () => {
    expect(evaluateCondition({ StringEquals: { 'aws:RequestedRegion': 'us-east-1' } }, { 'aws:RequestedRegion': 'us-east-2' }, 'Allow').failures).toEqual([
      { operator: 'StringEquals', key: 'aws:RequestedRegion' },
    ]);
  });

  it('IfExists makes any operator hold for a missing key (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('StringEquals', 'StringLike', 'ArnLike', 'NumericLessThan', 'DateGreaterThan', 'Bool', 'IpAddress'),
        fc.string(),
        (op, value) => {
          expect(evaluateCondition({ [`${op}IfExists`]: { 'aws:SomeKey': value } }, {}, 'Allow').holds).toBe(true);
        },
      ),
    );
  });

  it('a negated operator is the complement of its positive twin for present single values (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 4 }), (value, values) => {
        const pos = evaluateCondition({ StringLike: { k: values } }, { k: value }, 'Allow').truth;
        const neg = evaluateCondition({ StringNotLike: { k: values } }, { k: value }, 'Allow').truth;
        // An unknown (a value holding an unresolvable `${...}`) stays unknown on both sides.
        expect(neg).toBe(pos === 'unknown' ? 'unknown' : !pos);
      }),
    );
  });
});

describe('parseOperator / substituteVariables', () => {
  it.each([
    ['StringEquals', { base: 'stringequals', ifExists: false }],
    ['ForAnyValue:StringLikeIfExists', { set: 'any', base: 'stringlike', ifExists: true }],
    ['ForAllValues:ArnEquals', { set: 'all', base: 'arnequals', ifExists: false }],
  ])('%s', (name, expected) => {
    expect(parseOperator(name)).toEqual(expected);
  });

  it.each([
    ['home/${aws:username}/*', { 'aws:username': 'bob' }, 'home/bob/*'],
    ["${aws:username, 'nobody'}", {}, 'nobody'],
    ['literal ${*} and ${$}', {}, 'literal * and $'],
    ['${aws:username}', {}, null],
  ])('%s', (text, context, expected) => {
    expect(substituteVariables(text, context)).toBe(expected);
  });
});
