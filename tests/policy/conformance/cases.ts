/**
 * IAM conformance cases for the offline evaluator: one row per rule stated in the AWS IAM User
 * Guide, each naming the page that states it. The rows are data only (no import from lib/): the
 * runner, conformance.test.ts, is the one file that imports the evaluator.
 *
 * Expected decisions follow IAM as documented. Where the documentation leaves the outcome open,
 * the expected decision is the conservative one (a Deny is assumed to apply, an Allow is assumed
 * not to) and the case name says "ambiguous". `knownGap` marks a case where today's evaluator
 * disagrees: the runner runs it with `it.failing`, so it turns red once the gap is closed (then
 * drop the flag).
 */

export interface IamPage {
  title: string;
  /** URL path on docs.aws.amazon.com. */
  path: string;
}

const guide = (title: string, file: string): IamPage => ({ title, path: `/IAM/latest/UserGuide/${file}.html` });

export const PAGES = {
  evaluation: guide('Policy evaluation logic', 'reference_policies_evaluation-logic'),
  denies: guide('The difference between explicit and implicit denies', 'reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay'),
  boundaries: guide('Permissions boundaries for IAM entities', 'access_policies_boundaries'),
  action: guide('IAM JSON policy elements: Action', 'reference_policies_elements_action'),
  notAction: guide('IAM JSON policy elements: NotAction', 'reference_policies_elements_notaction'),
  resource: guide('IAM JSON policy elements: Resource', 'reference_policies_elements_resource'),
  notResource: guide('IAM JSON policy elements: NotResource', 'reference_policies_elements_notresource'),
  operators: guide('IAM JSON policy elements: Condition operators', 'reference_policies_elements_condition_operators'),
  multiValue: guide('Create a condition with multiple context keys or values', 'reference_policies_multi-value-conditions'),
  singleVsMulti: guide('Single-valued vs. multivalued context keys', 'reference_policies_condition-single-vs-multi-valued-context-keys'),
  multiValueExamples: guide('Multivalued context key examples', 'reference_policies_condition_examples-multi-valued-context-keys'),
  variables: guide('IAM policy elements: Variables and tags', 'reference_policies_variables'),
} as const;

type ConditionValue = string | string[] | boolean | number | Array<string | boolean | number>;

export interface ConformanceStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, ConditionValue>>;
}

export interface ConformancePolicy {
  name: string;
  document: { Version: string; Statement: ConformanceStatement[] };
}

/** The shape of the evaluator's PolicySet: identity policies and an optional permissions boundary. */
export interface ConformancePolicies {
  identity: ConformancePolicy[];
  permissionsBoundary?: ConformancePolicy;
}

export interface ConformanceRequest {
  action: string;
  /** Null for an action without a resource type (matched only by `Resource: "*"`). */
  resource: string | null;
  context: Record<string, string | string[]>;
}

export type ExpectedDecision = 'allowed' | 'explicitDeny' | 'implicitDeny';

export const AREAS = [
  'evaluation order',
  'Action and NotAction',
  'Resource and NotResource',
  'permissions boundary',
  'String operators',
  'Numeric operators',
  'Date operators',
  'Bool',
  'BinaryEquals',
  'IP address operators',
  'ARN operators',
  'Null',
  'IfExists',
  'set operators and multivalued keys',
  'multiple keys and values',
  'policy variables',
  'special-character escapes',
  'malformed values',
] as const;
export type Area = (typeof AREAS)[number];

export interface ConformanceCase {
  area: Area;
  name: string;
  page: IamPage;
  policies: ConformancePolicies;
  request: ConformanceRequest;
  expected: ExpectedDecision;
  /** Set when today's evaluator disagrees with IAM: why. The runner expects the case to fail. */
  knownGap?: string;
}

const VERSION = '2012-10-17';
const ACCOUNT = '111122223333';
const BUCKET = 'arn:aws:s3:::example-bucket';
const OBJECT = `${BUCKET}/reports/2026/q1.csv`;
const INSTANCE = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0123456789abcdef0`;
const userArn = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;

const ALLOW_ALL: ConformanceStatement = { Sid: 'AllowAll', Effect: 'Allow', Action: '*', Resource: '*' };

/** One identity policy holding the statements. */
function identity(...statements: ConformanceStatement[]): ConformancePolicies {
  return { identity: [{ name: 'identity', document: { Version: VERSION, Statement: statements } }] };
}

/** Identity statements plus a permissions boundary. */
function bounded(identityStatements: ConformanceStatement[], boundaryStatements: ConformanceStatement[]): ConformancePolicies {
  return {
    ...identity(...identityStatements),
    permissionsBoundary: { name: 'boundary', document: { Version: VERSION, Statement: boundaryStatements } },
  };
}

/** `Allow *` next to a conditioned Deny: the decision is the Deny's. */
function denyOver(statement: Omit<ConformanceStatement, 'Effect'>): ConformancePolicies {
  return identity(ALLOW_ALL, { ...statement, Effect: 'Deny' });
}

function req(action: string, resource: string | null, context: Record<string, string | string[]> = {}): ConformanceRequest {
  return { action, resource, context };
}

/** An Allow of s3:GetObject on the object, guarded by one condition block. */
function allowIf(condition: ConformanceStatement['Condition']): ConformancePolicies {
  return identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: OBJECT, Condition: condition });
}

/** A Deny of every action, guarded by one condition block, over an Allow of everything. */
function denyIf(condition: ConformanceStatement['Condition']): ConformancePolicies {
  return denyOver({ Action: '*', Resource: '*', Condition: condition });
}

const get = (context: Record<string, string | string[]> = {}) => req('s3:GetObject', OBJECT, context);

/** Reasons for `knownGap`: none today; add one here when a case documents a gap still to be closed. */
export const GAP: Record<string, string> = {};

export const CASES: ConformanceCase[] = [
  // ---------------------------------------------------------------- evaluation order
  {
    area: 'evaluation order',
    name: 'no policy at all: implicit deny',
    page: PAGES.evaluation,
    policies: { identity: [] },
    request: get(),
    expected: 'implicitDeny',
  },
  {
    area: 'evaluation order',
    name: 'a Deny alone is an explicit deny, no Allow needed',
    page: PAGES.denies,
    policies: identity({ Effect: 'Deny', Action: 's3:GetObject', Resource: `${BUCKET}/*` }),
    request: get(),
    expected: 'explicitDeny',
  },
  {
    area: 'evaluation order',
    name: 'a Deny written before the Allow still wins (statement order is irrelevant)',
    page: PAGES.evaluation,
    policies: identity({ Effect: 'Deny', Action: 's3:GetObject', Resource: OBJECT }, { Effect: 'Allow', Action: 's3:*', Resource: '*' }),
    request: get(),
    expected: 'explicitDeny',
  },
  {
    area: 'evaluation order',
    name: 'guide example: iam:Get* allowed, reports explicitly denied (GetOrganizationsAccessReport)',
    page: PAGES.denies,
    policies: identity(
      { Sid: 'AllowGetList', Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' },
      { Sid: 'DenyReports', Effect: 'Deny', Action: 'iam:*Report', Resource: '*' },
    ),
    request: req('iam:GetOrganizationsAccessReport', null),
    expected: 'explicitDeny',
  },
  {
    area: 'evaluation order',
    name: 'guide example: iam:Get* allowed, reports denied (CreatePolicy is implicitly denied)',
    page: PAGES.denies,
    policies: identity(
      { Sid: 'AllowGetList', Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' },
      { Sid: 'DenyReports', Effect: 'Deny', Action: 'iam:*Report', Resource: '*' },
    ),
    request: req('iam:CreatePolicy', `arn:aws:iam::${ACCOUNT}:policy/p`),
    expected: 'implicitDeny',
  },

  // ---------------------------------------------------------------- Action and NotAction
  {
    area: 'Action and NotAction',
    name: 'the request action in another case matches the policy action',
    page: PAGES.action,
    policies: identity({ Effect: 'Allow', Action: 'iam:ListAccessKeys', Resource: '*' }),
    request: req('IAM:listaccesskeys', userArn('alice')),
    expected: 'allowed',
  },
  {
    area: 'Action and NotAction',
    name: 'a service wildcard (s3:*) does not reach a service whose prefix only starts the same (s3express)',
    page: PAGES.action,
    policies: identity({ Effect: 'Allow', Action: 's3:*', Resource: '*' }),
    request: req('s3express:CreateSession', 'arn:aws:s3express:us-east-1:111122223333:bucket/b--use1-az4--x-s3'),
    expected: 'implicitDeny',
  },
  {
    area: 'Action and NotAction',
    name: 'Allow NotAction s3:DeleteBucket on arn:aws:s3:::* allows other S3 actions',
    page: PAGES.notAction,
    policies: identity({ Effect: 'Allow', NotAction: 's3:DeleteBucket', Resource: 'arn:aws:s3:::*' }),
    request: get(),
    expected: 'allowed',
  },
  {
    area: 'Action and NotAction',
    name: 'Allow NotAction s3:DeleteBucket does not allow DeleteBucket itself',
    page: PAGES.notAction,
    policies: identity({ Effect: 'Allow', NotAction: 's3:DeleteBucket', Resource: 'arn:aws:s3:::*' }),
    request: req('s3:DeleteBucket', BUCKET),
    expected: 'implicitDeny',
  },
  {
    area: 'Action and NotAction',
    name: 'Allow NotAction scoped to S3 resources does not reach another service',
    page: PAGES.notAction,
    policies: identity({ Effect: 'Allow', NotAction: 's3:DeleteBucket', Resource: 'arn:aws:s3:::*' }),
    request: req('iam:GetUser', userArn('alice')),
    expected: 'implicitDeny',
  },
  {
    area: 'Action and NotAction',
    name: 'Deny NotAction iam:* without MFA (BoolIfExists, key absent) denies non-IAM actions',
    page: PAGES.notAction,
    policies: denyOver({ NotAction: 'iam:*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }),
    request: req('ec2:StopInstances', INSTANCE),
    expected: 'explicitDeny',
  },
  {
    area: 'Action and NotAction',
    name: 'Deny NotAction iam:* without MFA does not apply when MFA is present',
    page: PAGES.notAction,
    policies: denyOver({ NotAction: 'iam:*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }),
    request: req('ec2:StopInstances', INSTANCE, { 'aws:MultiFactorAuthPresent': 'true' }),
    expected: 'allowed',
  },

  // ---------------------------------------------------------------- Resource and NotResource
  {
    area: 'Resource and NotResource',
    name: 'the object key is case-sensitive (Reports/ does not match reports/)',
    page: PAGES.resource,
    policies: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/Reports/*` }),
    request: get(),
    expected: 'implicitDeny',
  },
  {
    area: 'Resource and NotResource',
    name: 'a ? does not match two characters (queue? does not match queue12)',
    page: PAGES.resource,
    policies: identity({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:us-east-?:${ACCOUNT}:queue?` }),
    request: req('sqs:SendMessage', `arn:aws:sqs:us-east-2:${ACCOUNT}:queue12`),
    expected: 'implicitDeny',
  },
  {
    area: 'Resource and NotResource',
    name: 'a * in the resource part also spans colons inside it (log-group:app-* reaches its log streams)',
    page: PAGES.resource,
    policies: identity({ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:app-*` }),
    request: req('logs:PutLogEvents', `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:app-web:log-stream:i-1`),
    expected: 'allowed',
  },
  {
    area: 'Resource and NotResource',
    name: 'a * in the region segment stays inside it: the account segment must still match',
    page: PAGES.resource,
    policies: identity({ Effect: 'Allow', Action: 'someservice:Read', Resource: `arn:aws:someservice:*:${ACCOUNT}:finance/*` }),
    request: req('someservice:Read', `arn:aws:someservice:us-east-2:999999999999:store/abc:${ACCOUNT}:finance/document.txt`),
    expected: 'implicitDeny',
  },
  {
    area: 'Resource and NotResource',
    name: 'Deny s3:* NotResource Payroll: objects under Payroll stay allowed',
    page: PAGES.notResource,
    policies: denyOver({ Action: 's3:*', NotResource: ['arn:aws:s3:::HRBucket/Payroll', 'arn:aws:s3:::HRBucket/Payroll/*'] }),
    request: req('s3:GetObject', 'arn:aws:s3:::HRBucket/Payroll/2026-11.csv'),
    expected: 'allowed',
  },
  {
    area: 'Resource and NotResource',
    name: 'Deny s3:* NotResource Payroll: every other S3 resource is denied',
    page: PAGES.notResource,
    policies: denyOver({ Action: 's3:*', NotResource: ['arn:aws:s3:::HRBucket/Payroll', 'arn:aws:s3:::HRBucket/Payroll/*'] }),
    request: req('s3:GetObject', 'arn:aws:s3:::HRBucket/Benefits/plan.pdf'),
    expected: 'explicitDeny',
  },
  {
    area: 'Resource and NotResource',
    name: 'Allow NotResource excludes only the listed bucket',
    page: PAGES.notResource,
    policies: identity({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret-bucket/*' }),
    request: req('s3:GetObject', 'arn:aws:s3:::secret-bucket/keys.txt'),
    expected: 'implicitDeny',
  },

  // ---------------------------------------------------------------- permissions boundary
  {
    area: 'permissions boundary',
    name: 'allowed when both the identity policy and the boundary allow',
    page: PAGES.boundaries,
    policies: bounded([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }], [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/*` }]),
    request: get(),
    expected: 'allowed',
  },
  {
    area: 'permissions boundary',
    name: 'guide example: the identity policy allows iam:CreateUser, the boundary (s3, cloudwatch, ec2) does not',
    page: PAGES.boundaries,
    policies: bounded(
      [{ Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*' }],
      [{ Effect: 'Allow', Action: ['s3:*', 'cloudwatch:*', 'ec2:*'], Resource: '*' }],
    ),
    request: req('iam:CreateUser', userArn('newcomer')),
    expected: 'implicitDeny',
  },
  {
    area: 'permissions boundary',
    name: 'a Deny in the boundary overrides allows in both (DenyS3Logs)',
    page: PAGES.boundaries,
    policies: bounded(
      [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
      [
        { Sid: 'ServiceBoundaries', Effect: 'Allow', Action: ['s3:*', 'cloudwatch:*', 'ec2:*', 'dynamodb:*'], Resource: '*' },
        { Sid: 'DenyS3Logs', Effect: 'Deny', Action: 's3:*', Resource: ['arn:aws:s3:::logs', 'arn:aws:s3:::logs/*'] },
      ],
    ),
    request: req('s3:GetObject', 'arn:aws:s3:::logs/2026/12/03.log'),
    expected: 'explicitDeny',
  },
  {
    area: 'permissions boundary',
    name: 'a Deny in the identity policy overrides a boundary that allows',
    page: PAGES.boundaries,
    policies: bounded([ALLOW_ALL, { Effect: 'Deny', Action: 'ec2:TerminateInstances', Resource: '*' }], [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }]),
    request: req('ec2:TerminateInstances', INSTANCE),
    expected: 'explicitDeny',
  },
  {
    area: 'permissions boundary',
    name: 'a boundary Allow whose condition fails leaves the request implicitly denied',
    page: PAGES.boundaries,
    policies: bounded([ALLOW_ALL], [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }]),
    request: req('ec2:StopInstances', INSTANCE, { 'aws:RequestedRegion': 'us-east-1' }),
    expected: 'implicitDeny',
  },
  {
    area: 'permissions boundary',
    name: 'a boundary with ${aws:username} lets a user manage only their own access keys',
    page: PAGES.boundaries,
    policies: bounded(
      [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }],
      [{ Effect: 'Allow', Action: 'iam:*AccessKey*', Resource: 'arn:aws:iam::*:user/${aws:username}' }],
    ),
    request: req('iam:CreateAccessKey', userArn('alice'), { 'aws:username': 'alice' }),
    expected: 'allowed',
  },
  {
    area: 'permissions boundary',
    name: "a boundary with ${aws:username} does not reach another user's access keys",
    page: PAGES.boundaries,
    policies: bounded(
      [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }],
      [{ Effect: 'Allow', Action: 'iam:*AccessKey*', Resource: 'arn:aws:iam::*:user/${aws:username}' }],
    ),
    request: req('iam:CreateAccessKey', userArn('bob'), { 'aws:username': 'alice' }),
    expected: 'implicitDeny',
  },

  // ---------------------------------------------------------------- String operators
  {
    area: 'String operators',
    name: 'StringEquals on a principal tag the principal does not carry: implicit deny',
    page: PAGES.operators,
    policies: identity({
      Effect: 'Allow',
      Action: 'iam:*AccessKey*',
      Resource: `arn:aws:iam::${ACCOUNT}:user/*`,
      Condition: { StringEquals: { 'aws:PrincipalTag/job-category': 'iamuser-admin' } },
    }),
    request: req('iam:CreateAccessKey', userArn('bob')),
    expected: 'implicitDeny',
  },
  {
    area: 'String operators',
    name: 'StringNotEquals in a Deny applies when the key is absent',
    page: PAGES.operators,
    policies: denyIf({ StringNotEquals: { 'aws:PrincipalTag/team': 'platform' } }),
    request: get(),
    expected: 'explicitDeny',
  },
  {
    area: 'String operators',
    name: 'StringEqualsIgnoreCase matches FINANCE against Finance',
    page: PAGES.operators,
    policies: allowIf({ StringEqualsIgnoreCase: { 'aws:PrincipalTag/department': 'Finance' } }),
    request: get({ 'aws:PrincipalTag/department': 'FINANCE' }),
    expected: 'allowed',
  },
  {
    area: 'String operators',
    name: 'StringLike * matches zero characters (home/* matches home/)',
    page: PAGES.operators,
    policies: allowIf({ StringLike: { 's3:prefix': 'home/*' } }),
    request: get({ 's3:prefix': 'home/' }),
    expected: 'allowed',
  },
  {
    area: 'String operators',
    name: 'StringLike ? matches exactly one character (env-? does not match env-10)',
    page: PAGES.operators,
    policies: allowIf({ StringLike: { 'aws:PrincipalTag/stage': 'env-?' } }),
    request: get({ 'aws:PrincipalTag/stage': 'env-10' }),
    expected: 'implicitDeny',
  },
  {
    area: 'String operators',
    name: 'StringLike is case-sensitive (t2.* does not match T2.micro)',
    page: PAGES.operators,
    policies: identity({
      Effect: 'Allow',
      Action: 'ec2:RunInstances',
      Resource: '*',
      Condition: { StringLike: { 'ec2:InstanceType': ['t1.*', 't2.*', 'm3.*'] } },
    }),
    request: req('ec2:RunInstances', INSTANCE, { 'ec2:InstanceType': 'T2.micro' }),
    expected: 'implicitDeny',
  },

  // ---------------------------------------------------------------- Numeric operators
  {
    area: 'Numeric operators',
    name: 'NumericLessThanEquals s3:max-keys 10 allows exactly 10',
    page: PAGES.operators,
    policies: identity({ Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET, Condition: { NumericLessThanEquals: { 's3:max-keys': '10' } } }),
    request: req('s3:ListBucket', BUCKET, { 's3:max-keys': '10' }),
    expected: 'allowed',
  },
  {
    area: 'Numeric operators',
    name: 'NumericEquals compares numbers, not text (10 equals 10.0)',
    page: PAGES.operators,
    policies: allowIf({ NumericEquals: { 's3:max-keys': '10.0' } }),
    request: get({ 's3:max-keys': '10' }),
    expected: 'allowed',
  },
  {
    area: 'Numeric operators',
    name: 'NumericGreaterThan in a Deny (MFA older than an hour) applies to 7200 seconds',
    page: PAGES.operators,
    policies: denyIf({ NumericGreaterThan: { 'aws:MultiFactorAuthAge': 3600 } }),
    request: get({ 'aws:MultiFactorAuthAge': '7200' }),
    expected: 'explicitDeny',
  },
  {
    area: 'Numeric operators',
    name: 'NumericNotEquals in a Deny applies when the key is absent',
    page: PAGES.operators,
    policies: denyIf({ NumericNotEquals: { 's3:max-keys': '100' } }),
    request: get(),
    expected: 'explicitDeny',
  },

  // ---------------------------------------------------------------- Date operators
  {
    area: 'Date operators',
    name: 'DateGreaterThan on aws:TokenIssueTime allows fresh temporary credentials',
    page: PAGES.operators,
    policies: allowIf({ DateGreaterThan: { 'aws:TokenIssueTime': '2026-01-01T00:00:01Z' } }),
    request: get({ 'aws:TokenIssueTime': '2026-12-03T06:00:00Z' }),
    expected: 'allowed',
  },
  {
    area: 'Date operators',
    name: 'DateGreaterThan with an epoch policy value against an ISO request value',
    page: PAGES.operators,
    policies: allowIf({ DateGreaterThan: { 'aws:CurrentTime': '1767225600' } }),
    request: get({ 'aws:CurrentTime': '2026-12-03T07:30:00Z' }),
    expected: 'allowed',
  },
  {
    area: 'Date operators',
    name: 'DateLessThan with an ISO policy value against aws:EpochTime',
    page: PAGES.operators,
    policies: allowIf({ DateLessThan: { 'aws:EpochTime': '2026-06-01T00:00:00Z' } }),
    request: get({ 'aws:EpochTime': '1780271999' }),
    expected: 'allowed',
  },
  {
    area: 'Date operators',
    name: 'DateEquals compares instants across time-zone offsets',
    page: PAGES.operators,
    policies: allowIf({ DateEquals: { 'aws:CurrentTime': '2026-12-03T08:00:00Z' } }),
    request: get({ 'aws:CurrentTime': '2026-12-03T09:00:00+01:00' }),
    expected: 'allowed',
  },
  {
    area: 'Date operators',
    name: 'DateNotEquals in a Deny applies when the key is absent',
    page: PAGES.operators,
    policies: denyIf({ DateNotEquals: { 'aws:TokenIssueTime': '2026-12-03T08:00:00Z' } }),
    request: get(),
    expected: 'explicitDeny',
  },

  // ---------------------------------------------------------------- Bool
  {
    area: 'Bool',
    name: 'Bool aws:SecureTransport false in a Deny denies a plain-HTTP request',
    page: PAGES.operators,
    policies: denyOver({ Action: 's3:*', Resource: [BUCKET, `${BUCKET}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    request: get({ 'aws:SecureTransport': 'false' }),
    expected: 'explicitDeny',
  },
  {
    area: 'Bool',
    name: 'Bool aws:SecureTransport false in a Deny leaves a TLS request alone',
    page: PAGES.operators,
    policies: denyOver({ Action: 's3:*', Resource: [BUCKET, `${BUCKET}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    request: get({ 'aws:SecureTransport': 'true' }),
    expected: 'allowed',
  },
  {
    area: 'Bool',
    name: 'Bool in a Deny does not apply when the key is absent (why BoolIfExists exists)',
    page: PAGES.operators,
    policies: denyIf({ Bool: { 'aws:MultiFactorAuthPresent': 'false' } }),
    request: get(),
    expected: 'allowed',
  },

  // ---------------------------------------------------------------- BinaryEquals
  // A binary context value is given base64-encoded, as the policy value is.
  {
    area: 'BinaryEquals',
    name: 'BinaryEquals in an Allow: equal base64 values match',
    page: PAGES.operators,
    policies: allowIf({ BinaryEquals: { 'example:BinaryKey': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } }),
    request: get({ 'example:BinaryKey': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' }),
    expected: 'allowed',
  },
  {
    area: 'BinaryEquals',
    name: 'BinaryEquals in a Deny: equal bytes deny',
    page: PAGES.operators,
    policies: denyIf({ BinaryEquals: { 'example:BinaryKey': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } }),
    request: get({ 'example:BinaryKey': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' }),
    expected: 'explicitDeny',
  },
  {
    area: 'BinaryEquals',
    name: 'BinaryEquals in a Deny: different bytes do not deny',
    page: PAGES.operators,
    policies: denyIf({ BinaryEquals: { 'example:BinaryKey': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } }),
    request: get({ 'example:BinaryKey': 'b3RoZXI=' }),
    expected: 'allowed',
  },
  {
    area: 'BinaryEquals',
    name: 'BinaryEquals in a Deny: an absent key does not deny',
    page: PAGES.operators,
    policies: denyIf({ BinaryEquals: { 'example:BinaryKey': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } }),
    request: get(),
    expected: 'allowed',
  },

  // ---------------------------------------------------------------- IP address operators
  {
    area: 'IP address operators',
    name: 'IpAddress: an address without a prefix means /32 (the same address matches)',
    page: PAGES.operators,
    policies: allowIf({ IpAddress: { 'aws:SourceIp': '203.0.113.7' } }),
    request: get({ 'aws:SourceIp': '203.0.113.7' }),
    expected: 'allowed',
  },
  {
    area: 'IP address operators',
    name: 'IpAddress with no aws:SourceIp (request through a VPC endpoint): no allow',
    page: PAGES.operators,
    policies: allowIf({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }),
    request: get(),
    expected: 'implicitDeny',
  },
  {
    area: 'IP address operators',
    name: 'IpAddress: an IPv6 address inside an IPv6 /64 matches',
    page: PAGES.operators,
    policies: allowIf({ IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } }),
    request: get({ 'aws:SourceIp': '2001:db8:1234:5678::1' }),
    expected: 'allowed',
  },
  {
    area: 'IP address operators',
    name: 'IpAddress: an IPv4 caller does not match an IPv6-only range',
    page: PAGES.operators,
    policies: allowIf({ IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } }),
    request: get({ 'aws:SourceIp': '203.0.113.7' }),
    expected: 'implicitDeny',
  },
  {
    area: 'IP address operators',
    name: 'NotIpAddress in an Allow: an IPv6 caller inside the excluded range gets no allow',
    page: PAGES.operators,
    policies: allowIf({ NotIpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } }),
    request: get({ 'aws:SourceIp': '2001:db8:1234:5678::1' }),
    expected: 'implicitDeny',
  },
  {
    area: 'IP address operators',
    name: 'NotIpAddress in a Deny: an IPv6 caller inside the corporate range is not denied',
    page: PAGES.operators,
    policies: denyIf({ NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:DB8:1234:5678::/64'] } }),
    request: get({ 'aws:SourceIp': '2001:db8:1234:5678::1' }),
    expected: 'allowed',
  },
  {
    area: 'IP address operators',
    name: 'NotIpAddress in a Deny: an IPv6 caller outside the corporate range is denied',
    page: PAGES.operators,
    policies: denyIf({ NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:DB8:1234:5678::/64'] } }),
    request: get({ 'aws:SourceIp': '2001:db8:ffff::1' }),
    expected: 'explicitDeny',
  },

  // ---------------------------------------------------------------- ARN operators
  {
    area: 'ARN operators',
    name: 'guide example: StringLike lets a * run across colons',
    page: PAGES.operators,
    policies: allowIf({ StringLike: { 'aws:SourceArn': `arn:aws:someservice:*:${ACCOUNT}:finance/*` } }),
    request: get({ 'aws:SourceArn': `arn:aws:someservice:us-east-2:999999999999:store/abc:${ACCOUNT}:finance/document.txt` }),
    expected: 'allowed',
  },
  {
    area: 'ARN operators',
    name: 'guide example: ArnLike matches segment by segment, so the same value fails',
    page: PAGES.operators,
    policies: allowIf({ ArnLike: { 'aws:SourceArn': `arn:aws:someservice:*:${ACCOUNT}:finance/*` } }),
    request: get({ 'aws:SourceArn': `arn:aws:someservice:us-east-2:999999999999:store/abc:${ACCOUNT}:finance/document.txt` }),
    expected: 'implicitDeny',
  },
  {
    area: 'ARN operators',
    name: 'ArnEquals accepts wildcards like ArnLike',
    page: PAGES.operators,
    policies: allowIf({ ArnEquals: { 'aws:SourceArn': `arn:aws:sns:*:${ACCOUNT}:alerts-*` } }),
    request: get({ 'aws:SourceArn': `arn:aws:sns:eu-west-1:${ACCOUNT}:alerts-prod` }),
    expected: 'allowed',
  },
  {
    area: 'ARN operators',
    name: 'ArnLike is case-sensitive (role/Admin does not match role/admin)',
    page: PAGES.operators,
    policies: allowIf({ ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/Admin*` } }),
    request: get({ 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/admin-ops` }),
    expected: 'implicitDeny',
  },
  {
    area: 'ARN operators',
    name: 'ArnNotEquals in a Deny applies when the key is absent',
    page: PAGES.operators,
    policies: denyIf({ ArnNotEquals: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${ACCOUNT}:alerts` } }),
    request: get(),
    expected: 'explicitDeny',
  },

  // ---------------------------------------------------------------- Null
  {
    area: 'Null',
    name: 'Null true: long-term credentials (no aws:TokenIssueTime) are allowed',
    page: PAGES.operators,
    policies: identity({ Effect: 'Allow', Action: 'ec2:*', Resource: '*', Condition: { Null: { 'aws:TokenIssueTime': 'true' } } }),
    request: req('ec2:StopInstances', INSTANCE),
    expected: 'allowed',
  },
  {
    area: 'Null',
    name: 'Null true: temporary credentials (aws:TokenIssueTime present) are not allowed',
    page: PAGES.operators,
    policies: identity({ Effect: 'Allow', Action: 'ec2:*', Resource: '*', Condition: { Null: { 'aws:TokenIssueTime': 'true' } } }),
    request: req('ec2:StopInstances', INSTANCE, { 'aws:TokenIssueTime': '2026-12-03T06:00:00Z' }),
    expected: 'implicitDeny',
  },
  {
    area: 'Null',
    name: 'Null false in a Deny: denies when the key is present',
    page: PAGES.operators,
    policies: denyIf({ Null: { 'aws:TokenIssueTime': 'false' } }),
    request: get({ 'aws:TokenIssueTime': '2026-12-03T06:00:00Z' }),
    expected: 'explicitDeny',
  },

  // ---------------------------------------------------------------- IfExists
  {
    area: 'IfExists',
    name: 'StringLikeIfExists: a resource without ec2:InstanceType passes',
    page: PAGES.operators,
    policies: identity({
      Effect: 'Allow',
      Action: 'ec2:RunInstances',
      Resource: '*',
      Condition: { StringLikeIfExists: { 'ec2:InstanceType': ['t1.*', 't2.*', 'm3.*'] } },
    }),
    request: req('ec2:RunInstances', 'arn:aws:ec2:us-east-1::image/ami-0abcdef1234567890'),
    expected: 'allowed',
  },
  {
    area: 'IfExists',
    name: 'StringLikeIfExists: a present value that does not match fails',
    page: PAGES.operators,
    policies: identity({
      Effect: 'Allow',
      Action: 'ec2:RunInstances',
      Resource: '*',
      Condition: { StringLikeIfExists: { 'ec2:InstanceType': ['t1.*', 't2.*', 'm3.*'] } },
    }),
    request: req('ec2:RunInstances', INSTANCE, { 'ec2:InstanceType': 'p5.48xlarge' }),
    expected: 'implicitDeny',
  },
  {
    area: 'IfExists',
    name: 'StringNotEqualsIfExists in a Deny still denies when the key is absent',
    page: PAGES.operators,
    policies: denyIf({ StringNotEqualsIfExists: { 'aws:ResourceTag/project': 'apollo' } }),
    request: get(),
    expected: 'explicitDeny',
  },
  {
    area: 'IfExists',
    name: 'NumericLessThanIfExists: a present value out of range fails',
    page: PAGES.operators,
    policies: allowIf({ NumericLessThanIfExists: { 'aws:MultiFactorAuthAge': 3600 } }),
    request: get({ 'aws:MultiFactorAuthAge': '86400' }),
    expected: 'implicitDeny',
  },

  // ---------------------------------------------------------------- set operators and multivalued keys
  {
    area: 'set operators and multivalued keys',
    name: 'guide example: ForAllValues:StringLike refuses a request with one unlisted attribute',
    page: PAGES.multiValue,
    policies: identity({
      Effect: 'Allow',
      Action: 'dynamodb:GetItem',
      Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Thread`,
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:requestedAttributes': ['PostDateTime', 'Message', 'Tags'] } },
    }),
    request: req('dynamodb:GetItem', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Thread`, { 'dynamodb:requestedAttributes': ['PostDateTime', 'UserName'] }),
    expected: 'implicitDeny',
  },
  {
    area: 'set operators and multivalued keys',
    name: 'guide example: ForAnyValue:StringLike in a Deny applies when one attribute is listed',
    page: PAGES.multiValue,
    policies: denyOver({
      Action: 'dynamodb:PutItem',
      Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Thread`,
      Condition: { 'ForAnyValue:StringLike': { 'dynamodb:requestedAttributes': ['ID', 'PostDateTime'] } },
    }),
    request: req('dynamodb:PutItem', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Thread`, {
      'dynamodb:requestedAttributes': ['UserName', 'Message', 'PostDateTime'],
    }),
    expected: 'explicitDeny',
  },
  {
    area: 'set operators and multivalued keys',
    name: 'ForAllValues in an Allow holds when the key is absent (documented fail-open)',
    page: PAGES.multiValueExamples,
    policies: identity({
      Effect: 'Allow',
      Action: 'iam:TagUser',
      Resource: '*',
      Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } },
    }),
    request: req('iam:TagUser', userArn('alice')),
    expected: 'allowed',
  },
  {
    area: 'set operators and multivalued keys',
    name: 'guide example: Deny ForAllValues:StringNotLike key1* denies key2:audit',
    page: PAGES.multiValueExamples,
    policies: denyOver({ Action: ['iam:Tag*', 'iam:UnTag*'], Resource: '*', Condition: { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } } }),
    request: req('iam:TagRole', `arn:aws:iam::${ACCOUNT}:role/app`, { 'aws:TagKeys': ['key2:audit'] }),
    expected: 'explicitDeny',
  },
  {
    area: 'set operators and multivalued keys',
    name: 'guide example: Deny ForAllValues:StringNotLike key1* denies a request without aws:TagKeys',
    page: PAGES.multiValueExamples,
    policies: denyOver({ Action: ['iam:Tag*', 'iam:UnTag*'], Resource: '*', Condition: { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } } }),
    request: req('iam:TagRole', `arn:aws:iam::${ACCOUNT}:role/app`),
    expected: 'explicitDeny',
  },
  {
    area: 'set operators and multivalued keys',
    name: 'ambiguous: StringEquals without a set qualifier on multivalued aws:TagKeys in an Allow (conservative: no allow)',
    page: PAGES.singleVsMulti,
    policies: identity({ Effect: 'Allow', Action: 'iam:TagUser', Resource: '*', Condition: { StringEquals: { 'aws:TagKeys': 'env' } } }),
    request: req('iam:TagUser', userArn('alice'), { 'aws:TagKeys': ['env', 'cost-center'] }),
    expected: 'implicitDeny',
  },
  {
    area: 'set operators and multivalued keys',
    name: 'ambiguous: StringNotEquals without a set qualifier on multivalued aws:TagKeys in a Deny (conservative: deny applies)',
    page: PAGES.singleVsMulti,
    policies: denyOver({ Action: 'iam:TagUser', Resource: '*', Condition: { StringNotEquals: { 'aws:TagKeys': 'env' } } }),
    request: req('iam:TagUser', userArn('alice'), { 'aws:TagKeys': ['env', 'cost-center'] }),
    expected: 'explicitDeny',
  },

  // ---------------------------------------------------------------- multiple keys and values
  {
    area: 'multiple keys and values',
    name: 'two keys under one operator: both must hold (one fails)',
    page: PAGES.multiValue,
    policies: allowIf({ StringEquals: { 'aws:PrincipalTag/team': 'finance', 'aws:RequestedRegion': 'eu-west-1' } }),
    request: get({ 'aws:PrincipalTag/team': 'finance', 'aws:RequestedRegion': 'us-east-1' }),
    expected: 'implicitDeny',
  },
  {
    area: 'multiple keys and values',
    name: 'two operators in one Condition: both must hold (the Bool fails)',
    page: PAGES.multiValue,
    policies: allowIf({ StringEquals: { 'aws:PrincipalTag/team': 'finance' }, Bool: { 'aws:SecureTransport': 'true' } }),
    request: get({ 'aws:PrincipalTag/team': 'finance', 'aws:SecureTransport': 'false' }),
    expected: 'implicitDeny',
  },
  {
    area: 'multiple keys and values',
    name: 'several values for one key: any one is enough',
    page: PAGES.multiValue,
    policies: allowIf({ StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2', 'eu-west-1'] } }),
    request: get({ 'aws:RequestedRegion': 'us-west-2' }),
    expected: 'allowed',
  },
  {
    area: 'multiple keys and values',
    name: 'a Deny with two keys applies only when both hold',
    page: PAGES.multiValue,
    policies: denyIf({ StringEquals: { 'aws:RequestedRegion': 'us-east-1', 'aws:PrincipalTag/role': 'intern' } }),
    request: get({ 'aws:RequestedRegion': 'us-east-1', 'aws:PrincipalTag/role': 'engineer' }),
    expected: 'allowed',
  },

  // ---------------------------------------------------------------- policy variables
  {
    area: 'policy variables',
    name: '${aws:PrincipalTag/team} in Resource reaches the team folder',
    page: PAGES.variables,
    policies: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/\${aws:PrincipalTag/team}/*` }),
    request: req('s3:GetObject', `${BUCKET}/finance/budget.xlsx`, { 'aws:PrincipalTag/team': 'finance' }),
    expected: 'allowed',
  },
  {
    area: 'policy variables',
    name: "a variable's default value is used when the key is absent",
    page: PAGES.variables,
    policies: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/\${aws:PrincipalTag/team, 'shared'}/*` }),
    request: req('s3:GetObject', `${BUCKET}/shared/readme.md`),
    expected: 'allowed',
  },
  {
    area: 'policy variables',
    name: '${aws:username} in a StringEquals value (owner tag equals the caller)',
    page: PAGES.variables,
    policies: identity({
      Effect: 'Allow',
      Action: 'ec2:StopInstances',
      Resource: '*',
      Condition: { StringEquals: { 'aws:ResourceTag/owner': '${aws:username}' } },
    }),
    request: req('ec2:StopInstances', INSTANCE, { 'aws:ResourceTag/owner': 'alice', 'aws:username': 'alice' }),
    expected: 'allowed',
  },
  {
    area: 'policy variables',
    name: 'a multivalued key cannot be a policy variable: ${aws:TagKeys} in Resource matches nothing',
    page: PAGES.singleVsMulti,
    policies: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/\${aws:TagKeys}/*` }),
    request: req('s3:GetObject', `${BUCKET}/env/x`, { 'aws:TagKeys': ['env', 'team'] }),
    expected: 'implicitDeny',
  },
  {
    area: 'policy variables',
    name: 'ambiguous: a * arriving through a variable value in Resource is a literal (conservative: no allow)',
    page: PAGES.variables,
    policies: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/home/\${aws:PrincipalTag/folder}/*` }),
    request: req('s3:GetObject', `${BUCKET}/home/bob/diary.txt`, { 'aws:PrincipalTag/folder': '*' }),
    expected: 'implicitDeny',
  },
  {
    area: 'policy variables',
    name: 'ambiguous: a * arriving through a variable value under StringNotLike in a Deny is a literal (conservative: deny applies)',
    page: PAGES.variables,
    policies: denyOver({ Action: 's3:ListBucket', Resource: BUCKET, Condition: { StringNotLike: { 's3:prefix': 'home/${aws:PrincipalTag/folder}/*' } } }),
    request: req('s3:ListBucket', BUCKET, { 's3:prefix': 'home/bob/', 'aws:PrincipalTag/folder': '*' }),
    expected: 'explicitDeny',
  },
  {
    area: 'policy variables',
    name: 'ambiguous: a variable before the fifth colon of a Resource ARN is not substituted (conservative: no allow)',
    page: PAGES.variables,
    policies: identity({ Effect: 'Allow', Action: 'iam:GetRole', Resource: 'arn:aws:iam::${aws:PrincipalAccount}:role/app' }),
    request: req('iam:GetRole', `arn:aws:iam::${ACCOUNT}:role/app`, { 'aws:PrincipalAccount': ACCOUNT }),
    expected: 'implicitDeny',
  },
  {
    area: 'policy variables',
    name: 'ambiguous: a variable in a Numeric value is not substituted (conservative: no allow)',
    page: PAGES.variables,
    policies: identity({
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: BUCKET,
      Condition: { NumericLessThanEquals: { 's3:max-keys': '${aws:PrincipalTag/max-keys}' } },
    }),
    request: req('s3:ListBucket', BUCKET, { 's3:max-keys': '50', 'aws:PrincipalTag/max-keys': '100' }),
    expected: 'implicitDeny',
  },
  {
    area: 'policy variables',
    name: 'ambiguous: an unresolved variable in a Deny Resource (conservative: deny applies)',
    page: PAGES.variables,
    policies: denyOver({ Action: 's3:DeleteObject', Resource: `${BUCKET}/\${aws:PrincipalTag/protected-prefix}*` }),
    request: req('s3:DeleteObject', OBJECT),
    expected: 'explicitDeny',
  },
  {
    area: 'policy variables',
    name: 'an unresolved variable in a Deny NotResource leaves every resource denied',
    page: PAGES.variables,
    policies: denyOver({ Action: 's3:*', NotResource: `${BUCKET}/home/\${aws:username}/*` }),
    request: req('s3:GetObject', `${BUCKET}/home/alice/notes.txt`),
    expected: 'explicitDeny',
  },

  // ---------------------------------------------------------------- special-character escapes
  {
    area: 'special-character escapes',
    name: '${*} in Resource matches a literal asterisk',
    page: PAGES.variables,
    policies: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/literal-\${*}` }),
    request: req('s3:GetObject', `${BUCKET}/literal-*`),
    expected: 'allowed',
  },
  {
    area: 'special-character escapes',
    name: '${*} in Resource is not a wildcard',
    page: PAGES.variables,
    policies: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/literal-\${*}` }),
    request: req('s3:GetObject', `${BUCKET}/literal-anything`),
    expected: 'implicitDeny',
  },
  {
    area: 'special-character escapes',
    name: '${?} in Resource matches a literal question mark only',
    page: PAGES.variables,
    policies: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/faq\${?}` }),
    request: req('s3:GetObject', `${BUCKET}/faqs`),
    expected: 'implicitDeny',
  },
  {
    area: 'special-character escapes',
    name: '${$} in Resource matches a literal dollar sign',
    page: PAGES.variables,
    policies: identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/price-\${$}` }),
    request: req('s3:GetObject', `${BUCKET}/price-$`),
    expected: 'allowed',
  },
  {
    area: 'special-character escapes',
    name: '${*} in a StringLike value is a literal, next to a real wildcard',
    page: PAGES.variables,
    policies: allowIf({ StringLike: { 's3:prefix': 'reports/${*}/*' } }),
    request: get({ 's3:prefix': 'reports/2026/q1' }),
    expected: 'implicitDeny',
  },
  {
    area: 'special-character escapes',
    name: '${$} keeps the text after it from being read as a variable',
    page: PAGES.variables,
    policies: allowIf({ StringEquals: { 'aws:PrincipalTag/template': '${$}{aws:username}' } }),
    request: get({ 'aws:PrincipalTag/template': '${aws:username}', 'aws:username': 'alice' }),
    expected: 'allowed',
  },

  // ---------------------------------------------------------------- malformed values
  {
    area: 'malformed values',
    name: 'ambiguous: NotIpAddress in an Allow with an unparsable aws:SourceIp (conservative: no allow)',
    page: PAGES.operators,
    policies: allowIf({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }),
    request: get({ 'aws:SourceIp': 'not-an-ip' }),
    expected: 'implicitDeny',
  },
  {
    area: 'malformed values',
    name: 'ambiguous: NotIpAddress in an Allow with an invalid CIDR in the policy (conservative: no allow)',
    page: PAGES.operators,
    policies: allowIf({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/33' } }),
    request: get({ 'aws:SourceIp': '10.1.2.3' }),
    expected: 'implicitDeny',
  },
  {
    area: 'malformed values',
    name: 'ambiguous: NumericNotEquals in an Allow with a non-numeric request value (conservative: no allow)',
    page: PAGES.operators,
    policies: allowIf({ NumericNotEquals: { 's3:max-keys': '1000' } }),
    request: get({ 's3:max-keys': 'lots' }),
    expected: 'implicitDeny',
  },
  {
    area: 'malformed values',
    name: 'ambiguous: NumericGreaterThan in a Deny with a non-numeric request value (conservative: deny applies)',
    page: PAGES.operators,
    policies: denyIf({ NumericGreaterThan: { 's3:max-keys': '100' } }),
    request: get({ 's3:max-keys': 'lots' }),
    expected: 'explicitDeny',
  },
  {
    area: 'malformed values',
    name: 'ambiguous: NotIpAddress in a Deny with an unparsable aws:SourceIp (conservative: deny applies)',
    page: PAGES.operators,
    policies: denyIf({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }),
    request: get({ 'aws:SourceIp': 'not-an-ip' }),
    expected: 'explicitDeny',
  },
];
