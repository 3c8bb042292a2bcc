import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadTemplateFile, materialize, type Loose, type MaterializedTemplate, type Template } from '../../deploy/cfn-template';
import { IAM_CHANGE_EVENTS, ORGANIZATIONS_CHANGE_EVENTS, SSO_CHANGE_EVENTS } from '../../lib/policy/change/types';
import { matchesPattern } from './event-pattern-matcher';
import { roleActions } from './iam-rules';
import { packagedCentralService, type PackagedService } from './package-central';

const root = join(__dirname, '..', '..');
const pattern = JSON.parse(readFileSync(join(root, 'deploy', 'policy-change-pattern.json'), 'utf8')) as Record<string, unknown>;
const changeRecords = readdirSync(join(root, 'examples', 'changes'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, record: JSON.parse(readFileSync(join(root, 'examples', 'changes', f), 'utf8')) as Record<string, unknown> }));
const denialRecords = readdirSync(join(root, 'examples', 'records'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(root, 'examples', 'records', f), 'utf8')) as Record<string, unknown>);

const SOURCE_OF: Record<string, string> = {
  'iam.amazonaws.com': 'aws.iam',
  'sso.amazonaws.com': 'aws.sso',
  'organizations.amazonaws.com': 'aws.organizations',
};
const envelope = (detail: Record<string, unknown>) => ({
  version: '0',
  id: 'evb-1',
  'detail-type': 'AWS API Call via CloudTrail',
  source: SOURCE_OF[String(detail.eventSource)] ?? 'aws.bedrock',
  account: '111122223333',
  time: String(detail.eventTime),
  region: 'us-east-1',
  resources: [],
  detail,
});
const iamChange = changeRecords[0]!.record;

describe('the policy-change event pattern', () => {
  it('lists exactly the change events the decoder knows, for successful calls from aws.* sources', () => {
    const or = (pattern.detail as { $or: Array<{ eventSource: string[]; eventName: string[] }> }).$or;
    expect(or).toEqual([
      { eventSource: ['iam.amazonaws.com'], eventName: [...IAM_CHANGE_EVENTS] },
      { eventSource: ['sso.amazonaws.com'], eventName: [...SSO_CHANGE_EVENTS] },
      { eventSource: ['organizations.amazonaws.com'], eventName: [...ORGANIZATIONS_CHANGE_EVENTS] },
    ]);
    expect(pattern.source).toEqual([{ prefix: 'aws.' }]);
    expect((pattern.detail as Record<string, unknown>).errorCode).toEqual([{ exists: false }]);
    for (const name of [
      'PutRolePolicy',
      'AttachUserPolicy',
      'PutGroupPolicy',
      'CreatePolicyVersion',
      'SetDefaultPolicyVersion',
      'AddUserToGroup',
      'RemoveUserFromGroup',
    ]) {
      expect(IAM_CHANGE_EVENTS).toContain(name);
    }
  });

  it.each(changeRecords)('matches examples/changes/$file', ({ record }) => {
    expect(matchesPattern(pattern, envelope(record))).toBe(true);
  });

  it.each([
    ['a failed change (errorCode)', { ...iamChange, errorCode: 'AccessDenied', errorMessage: 'User: x is not authorized to perform: iam:PutRolePolicy' }],
    ['another IAM call', { ...iamChange, eventName: 'CreateRole' }],
    ['a change from another service', { ...iamChange, eventSource: 's3.amazonaws.com', eventName: 'PutBucketPolicy' }],
  ])('does not match %s', (_label, record) => {
    expect(matchesPattern(pattern, envelope(record as Record<string, unknown>))).toBe(false);
  });

  it('matches no denial: the denial rule and this one never both fire', () => {
    for (const record of denialRecords) expect(matchesPattern(pattern, envelope(record))).toBe(false);
  });

  it('does not match an event from a non-AWS source that imitates one', () => {
    expect(matchesPattern(pattern, { ...envelope(iamChange), source: 'custom.iam' })).toBe(false);
  });
});

describe('the member template forwards policy changes', () => {
  const template = loadTemplateFile(join(root, 'deploy', 'member-account.yml'));
  const central = {
    CentralAccountId: '999988887777',
    CentralRegion: 'eu-west-1',
    CentralIngestRoleArn: 'arn:aws:iam::999988887777:role/access-auditor-prod-ingest-eu-west-1',
  };
  const props = (t: MaterializedTemplate, name: string): Record<string, Loose> | undefined => t.Resources[name]?.Properties;

  it('from us-east-1 (IAM, Organizations) of a member account, with the same pattern, to the central bus', () => {
    const usEast1 = materialize(template, central, { 'AWS::AccountId': '111122223333', 'AWS::Region': 'us-east-1' });
    const rule = props(usEast1, 'ForwardPolicyChangesRule');
    expect(rule).toMatchObject({ State: 'ENABLED', EventBusName: 'default', EventPattern: pattern });
    expect(rule?.Targets).toEqual([expect.objectContaining({ Arn: 'arn:aws:events:eu-west-1:999988887777:event-bus/default', RoleArn: '${ForwardRole.Arn}' })]);
  });

  it("from the central account's us-east-1 when the central stack is elsewhere, and not from the central Region to itself", () => {
    const centralUsEast1 = materialize(template, central, { 'AWS::AccountId': '999988887777', 'AWS::Region': 'us-east-1' });
    const centralItself = materialize(template, central, { 'AWS::AccountId': '999988887777', 'AWS::Region': 'eu-west-1' });
    expect(props(centralUsEast1, 'ForwardPolicyChangesRule')).toBeDefined();
    expect(props(centralItself, 'ForwardPolicyChangesRule')).toBeUndefined();
  });
});

describe('the central policy-change rule', () => {
  let packaged: PackagedService | undefined;
  let template: Template;
  let defaults: MaterializedTemplate;

  beforeAll(async () => {
    packaged = await packagedCentralService('test');
    template = packaged.template;
    defaults = materialize(template);
  }, 180_000);
  afterAll(() => packaged?.release());

  const props = (name: string): Record<string, Loose> => {
    const resource = defaults.Resources[name];
    if (!resource) throw new Error(`no resource ${name}`);
    return resource.Properties;
  };

  it('is on the default bus with the shared pattern, and targets the ingest function with retries and the dead-letter queue', () => {
    const rule = props('PolicyChangesRule');
    expect(rule).toMatchObject({ EventBusName: 'default', State: 'ENABLED', EventPattern: pattern });
    expect(rule.Targets).toEqual([
      {
        Id: 'ingest',
        Arn: '${IngestLambdaFunction.Arn}',
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 21600 },
        DeadLetterConfig: { Arn: '${DeliveryDeadLetterQueue.Arn}' },
      },
    ]);
    expect(props('IngestInvokedByPolicyChangesRule')).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: '${PolicyChangesRule.Arn}',
    });
  });

  it('adds no write action: IAM reads only, and Identity Center only DescribePermissionSet', () => {
    const actions = [...new Set(roleActions(defaults, 'IngestRole'))];
    const iam = actions.filter((a) => a.startsWith('iam:'));
    expect(iam.every((a) => /^iam:(Get|List|SimulatePrincipalPolicy)/.test(a))).toBe(true);
    expect(actions.filter((a) => a.startsWith('sso:'))).toEqual(['sso:DescribePermissionSet']);
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
  });

  it('documents in its outputs where the rule matches', () => {
    expect(String(template.Outputs?.PolicyChangesRuleArn?.Description)).toMatch(/us-east-1.*Identity Center/);
  });
});
