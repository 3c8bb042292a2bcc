// A realistic mix of denied CloudTrail records for the benchmark: many services, principals, policy
// layers and fingerprints, plus the six Bedrock examples of examples/records. Deterministic (seeded), so
// a BEFORE and an AFTER run read the same input. Also: a storm (one denial, distinct event IDs) and a
// policy snapshot (get-account-authorization-details shape) holding every generated role.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ACCOUNT = '111122223333';
const REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];

/** service calls: eventSource, eventName, action, resource (region, account, n) → ARN or null, request parameters. */
const CALLS = [
  [
    's3.amazonaws.com',
    'GetObject',
    's3:GetObject',
    (_r, _a, n) => `arn:aws:s3:::data-bucket-${n % 40}/reports/${n}.csv`,
    (n) => ({ bucketName: `data-bucket-${n % 40}`, key: `reports/${n}.csv` }),
  ],
  [
    's3.amazonaws.com',
    'PutObject',
    's3:PutObject',
    (_r, _a, n) => `arn:aws:s3:::upload-bucket-${n % 25}/in/${n}`,
    (n) => ({ bucketName: `upload-bucket-${n % 25}`, key: `in/${n}` }),
  ],
  ['ec2.amazonaws.com', 'RunInstances', 'ec2:RunInstances', (r, a) => `arn:aws:ec2:${r}:${a}:instance/*`, () => ({ instanceType: 'm7g.large' })],
  ['ec2.amazonaws.com', 'DescribeInstances', 'ec2:DescribeInstances', () => null, () => null],
  [
    'kms.amazonaws.com',
    'Decrypt',
    'kms:Decrypt',
    (r, a, n) => `arn:aws:kms:${r}:${a}:key/0000${(n % 30).toString().padStart(4, '0')}-1111-2222-3333-444455556666`,
    () => null,
  ],
  [
    'secretsmanager.amazonaws.com',
    'GetSecretValue',
    'secretsmanager:GetSecretValue',
    (r, a, n) => `arn:aws:secretsmanager:${r}:${a}:secret:app/${n % 50}/db-AbCdEf`,
    (n) => ({ secretId: `app/${n % 50}/db` }),
  ],
  [
    'lambda.amazonaws.com',
    'Invoke',
    'lambda:InvokeFunction',
    (r, a, n) => `arn:aws:lambda:${r}:${a}:function:worker-${n % 35}`,
    (n) => ({ functionName: `worker-${n % 35}` }),
  ],
  ['iam.amazonaws.com', 'PassRole', 'iam:PassRole', (_r, a, n) => `arn:aws:iam::${a}:role/exec-role-${n % 20}`, (n) => ({ roleName: `exec-role-${n % 20}` })],
  [
    'sts.amazonaws.com',
    'AssumeRole',
    'sts:AssumeRole',
    (_r, a, n) => `arn:aws:iam::${a}:role/deploy-role-${n % 15}`,
    (n) => ({ roleArn: `arn:aws:iam::${ACCOUNT}:role/deploy-role-${n % 15}`, roleSessionName: `s${n}` }),
  ],
  [
    'dynamodb.amazonaws.com',
    'PutItem',
    'dynamodb:PutItem',
    (r, a, n) => `arn:aws:dynamodb:${r}:${a}:table/orders-${n % 30}`,
    (n) => ({ tableName: `orders-${n % 30}` }),
  ],
  [
    'dynamodb.amazonaws.com',
    'Query',
    'dynamodb:Query',
    (r, a, n) => `arn:aws:dynamodb:${r}:${a}:table/orders-${n % 30}/index/byCustomer`,
    (n) => ({ tableName: `orders-${n % 30}` }),
  ],
  [
    'logs.amazonaws.com',
    'PutLogEvents',
    'logs:PutLogEvents',
    (r, a, n) => `arn:aws:logs:${r}:${a}:log-group:/app/svc-${n % 45}:log-stream:main`,
    (n) => ({ logGroupName: `/app/svc-${n % 45}` }),
  ],
  ['sqs.amazonaws.com', 'SendMessage', 'sqs:SendMessage', (r, a, n) => `arn:aws:sqs:${r}:${a}:queue-${n % 20}`, () => null],
  ['sns.amazonaws.com', 'Publish', 'sns:Publish', (r, a, n) => `arn:aws:sns:${r}:${a}:topic-${n % 20}`, () => null],
  [
    'ssm.amazonaws.com',
    'GetParameter',
    'ssm:GetParameter',
    (r, a, n) => `arn:aws:ssm:${r}:${a}:parameter/app/${n % 60}/url`,
    (n) => ({ name: `/app/${n % 60}/url` }),
  ],
];

/** The policy layers, as AWS words them. */
const LAYERS = [
  (action) => `because no identity-based policy allows the ${action} action`,
  (action) => `because no identity-based policy allows the ${action} action`,
  (action) => `because no identity-based policy allows the ${action} action`,
  () => `with an explicit deny in a service control policy: arn:aws:organizations::999988887777:policy/o-abcdefghij/service_control_policy/p-guard01`,
  (action) => `because no permissions boundary allows the ${action} action`,
  (action) => `because no resource-based policy allows the ${action} action`,
  () => `with an explicit deny in an identity-based policy: arn:aws:iam::${ACCOUNT}:policy/deny-prod-writes`,
  (action) => `because no session policy allows the ${action} action`,
];

/** A small deterministic generator (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function roleName(p) {
  return `svc-${['api', 'worker', 'batch', 'etl', 'web', 'cron', 'ml', 'ops'][p % 8]}-role-${p}`;
}

export function bedrockExamples(root) {
  const dir = join(root, 'examples/records');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
}

/** One generated denial: call `c`, principal `p`, layer `l`, in region `r`, variant `n`. */
function generated(i, { c, p, l, r, n }) {
  const [eventSource, eventName, action, resourceOf, paramsOf] = CALLS[c];
  const region = REGIONS[r];
  const role = roleName(p);
  const session = `session-${i}`;
  const arn = `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}`;
  const resource = resourceOf(region, ACCOUNT, n);
  const on = resource ? ` on resource: ${resource}` : '';
  const second = String(i % 60).padStart(2, '0');
  return {
    eventVersion: '1.11',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLE${p}:${session}`,
      arn,
      accountId: ACCOUNT,
      accessKeyId: `ASIAEXAMPLE${String(i).padStart(9, '0')}`,
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: `AROAEXAMPLE${p}`, arn: `arn:aws:iam::${ACCOUNT}:role/${role}`, accountId: ACCOUNT, userName: role },
        attributes: { creationDate: '2026-11-20T08:00:00Z', mfaAuthenticated: 'false' },
      },
    },
    eventTime: `2026-11-20T${String(9 + (Math.floor(i / 3600) % 12)).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${second}Z`,
    eventSource,
    eventName,
    awsRegion: region,
    sourceIPAddress: `203.0.113.${i % 250}`,
    userAgent: 'aws-sdk-js/3.700.0 ua/2.1 os/linux lang/js md/nodejs#20.18.0',
    errorCode: eventSource === 's3.amazonaws.com' ? 'AccessDenied' : 'AccessDeniedException',
    errorMessage: `User: ${arn} is not authorized to perform: ${action}${on} ${LAYERS[l](action)}`,
    requestParameters: paramsOf(n),
    responseElements: null,
    requestID: `req-${i}`,
    eventID: `bench-${i}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
  };
}

/**
 * `count` records: about one in twenty is a Bedrock example (varied session and event ID), the rest
 * generated over 15 calls × `principals` roles × 8 layer wordings × 6 regions. With `fingerprints`, the
 * generated records are drawn uniformly from that many distinct problems made up front, so repeats are
 * spread through the input like real traffic (about count / fingerprints records per problem from the
 * start, not a run of new problems first); without it every generated record is its own problem.
 */
export function realisticMix(root, count, { principals = 200, fingerprints = Infinity, seed = 42 } = {}) {
  const random = rng(seed);
  const examples = bedrockExamples(root);
  const pick = (k) => Math.floor(random() * k);
  const newShape = () => ({ c: pick(CALLS.length), p: pick(principals), l: pick(LAYERS.length), r: pick(REGIONS.length), n: pick(1000) });
  const shapes = Number.isFinite(fingerprints) ? Array.from({ length: fingerprints }, newShape) : null;
  const out = [];
  for (let i = 0; i < count; i++) {
    if (i % 20 === 7) {
      const r = structuredClone(examples[i % examples.length]);
      r.eventID = `bench-${i}`;
      if (r.userIdentity.sessionContext) r.userIdentity.arn = r.userIdentity.arn.replace(/[^/]+$/, `session-${i}`);
      r.errorMessage = r.errorMessage.replace(/assumed-role\/([^/]+)\/[^ ]+/, `assumed-role/$1/session-${i}`);
      out.push(r);
      continue;
    }
    out.push(generated(i, shapes ? shapes[pick(shapes.length)] : newShape()));
  }
  return out;
}

/** `count` copies of one denial with distinct event IDs (and sessions): a storm. */
export function storm(root, count) {
  const base = bedrockExamples(root)[0];
  return Array.from({ length: count }, (_, i) => ({ ...base, eventID: `storm-${i}` }));
}

/** `count` distinct denials: generated records with a principal each, so every record is its own fingerprint. */
export function distinct(_root, count) {
  return Array.from({ length: count }, (_, i) => generated(i, { c: i % CALLS.length, p: i, l: i % LAYERS.length, r: i % REGIONS.length, n: i }));
}

/** A get-account-authorization-details snapshot with `roles` roles (the generated principals first), each with an inline policy. */
export function snapshot(root, roles) {
  const base = JSON.parse(readFileSync(join(root, 'examples/policies/111122223333.json'), 'utf8'));
  const list = [...base.RoleDetailList];
  for (let p = 0; p < roles; p++) {
    const name = roleName(p);
    const [, , action, resourceOf] = CALLS[p % CALLS.length];
    list.push({
      Path: '/',
      RoleName: name,
      RoleId: `AROAEXAMPLE${p}`,
      Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
      CreateDate: '2026-06-01T12:00:00Z',
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      RolePolicyList: [
        {
          PolicyName: `${name}-runtime`,
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Sid: 'Runtime', Effect: 'Allow', Action: [action], Resource: [resourceOf('us-east-1', ACCOUNT, p) ?? '*'] },
              {
                Sid: 'Logs',
                Effect: 'Allow',
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                Resource: [`arn:aws:logs:*:${ACCOUNT}:log-group:/app/${name}:*`],
              },
            ],
          },
        },
      ],
      AttachedManagedPolicies: [],
      InstanceProfileList: [],
      Tags: [],
    });
  }
  return { ...base, RoleDetailList: list };
}
