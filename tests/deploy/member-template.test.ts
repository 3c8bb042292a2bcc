import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCfnEventPattern, lintTemplate, loadTemplateFile, materialize, type Loose, type MaterializedTemplate } from '../../deploy/cfn-template';
import { asList, identityStatementProblems, identityStatements, resourceStatementProblems, resourceStatements, roleActions } from './iam-rules';

const root = join(__dirname, '..', '..');
const template = loadTemplateFile(join(root, 'deploy', 'member-account.yml'));
const basePattern = JSON.parse(readFileSync(join(root, 'deploy', 'event-pattern.json'), 'utf8'));

const CENTRAL = {
  CentralAccountId: '999988887777',
  CentralRegion: 'us-east-1',
  CentralIngestRoleArn: 'arn:aws:iam::999988887777:role/access-auditor-prod-ingest-us-east-1',
};
/** A member account in the central Region (gets the rule and the read role). */
const memberHome = materialize(template, CENTRAL, { 'AWS::AccountId': '111122223333', 'AWS::Region': 'us-east-1' });
/** The same member account in another Region (rule only). */
const memberElsewhere = materialize(template, CENTRAL, { 'AWS::AccountId': '111122223333', 'AWS::Region': 'eu-west-1' });
/** The central account and Region itself. */
const centralItself = materialize(template, CENTRAL, { 'AWS::AccountId': '999988887777', 'AWS::Region': 'us-east-1' });

const props = (t: MaterializedTemplate, name: string): Record<string, Loose> => {
  const resource = t.Resources[name];
  if (!resource) throw new Error(`no resource ${name}`);
  return resource.Properties;
};

describe('member-account template', () => {
  it('is structurally sound', () => {
    expect(lintTemplate(template)).toEqual([]);
  });

  it('declares the parameters StackSets pass', () => {
    expect(Object.keys(template.Parameters ?? {})).toEqual(
      expect.arrayContaining(['CentralAccountId', 'CentralRegion', 'CentralIngestRoleArn', 'ReadRoleName', 'EventSources']),
    );
    expect(template.Parameters!.ReadRoleName!.Default).toBe('access-auditor-read');
  });

  it('forwards with the same state and pattern as the central rule', () => {
    const rule = props(memberHome, 'ForwardDenialsRule');
    expect(rule.State).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
    expect(rule.EventBusName).toBe('default');
    expect(template.Resources!.ForwardDenialsRule!.Properties!.EventPattern).toEqual(buildCfnEventPattern(basePattern));
    expect(rule.EventPattern).toEqual(basePattern);
  });

  it("targets the central account's default bus through a role, with retries and a dead-letter queue", () => {
    expect(props(memberElsewhere, 'ForwardDenialsRule').Targets).toEqual([
      {
        Id: 'central-bus',
        Arn: 'arn:aws:events:us-east-1:999988887777:event-bus/default',
        RoleArn: '${ForwardRole.Arn}',
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 21600 },
        DeadLetterConfig: { Arn: '${ForwardDeadLetterQueue.Arn}' },
      },
    ]);
    expect(props(memberElsewhere, 'ForwardDeadLetterQueue')).toMatchObject({ SqsManagedSseEnabled: true });
    const allows = props(memberElsewhere, 'ForwardDeadLetterQueuePolicy').PolicyDocument.Statement.filter((s: { Effect: string }) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Condition: { ArnEquals: { 'aws:SourceArn': '${ForwardDenialsRule.Arn}' } },
      }),
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Condition: { ArnEquals: { 'aws:SourceArn': '${ForwardPolicyChangesRule.Arn}' } },
      }),
    ]);
  });

  it('lets the forwarding role put events on the central bus only, assumed only by its two rules', () => {
    const role = props(memberElsewhere, 'ForwardRole');
    expect(role.Policies[0].PolicyDocument.Statement).toEqual([
      { Sid: 'CentralBusOnly', Effect: 'Allow', Action: 'events:PutEvents', Resource: 'arn:aws:events:us-east-1:999988887777:event-bus/default' },
    ]);
    const ruleName = props(memberElsewhere, 'ForwardDenialsRule').Name;
    const changesRuleName = props(memberElsewhere, 'ForwardPolicyChangesRule').Name;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': '111122223333' },
          ArnEquals: {
            'aws:SourceArn': [`arn:aws:events:eu-west-1:111122223333:rule/${ruleName}`, `arn:aws:events:eu-west-1:111122223333:rule/${changesRuleName}`],
          },
        },
      },
    ]);
  });

  it('creates the read role in one Region only (IAM is global)', () => {
    expect(memberHome.Resources.ReadRole).toBeDefined();
    expect(memberElsewhere.Resources.ReadRole).toBeUndefined();
    const chosen = materialize(template, { ...CENTRAL, ReadRoleRegion: 'eu-west-1' }, { 'AWS::Region': 'eu-west-1' });
    expect(chosen.Resources.ReadRole).toBeDefined();
    expect(materialize(template, { ...CENTRAL, ReadRoleRegion: 'eu-west-1' }, { 'AWS::Region': 'us-east-1' }).Resources.ReadRole).toBeUndefined();
  });

  it('trusts only the central ingest role', () => {
    const role = props(memberHome, 'ReadRole');
    expect(role.RoleName).toBe('access-auditor-read');
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Sid: 'CentralAuditorOnly',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::999988887777:root' },
        Action: 'sts:AssumeRole',
        Condition: { ArnEquals: { 'aws:PrincipalArn': CENTRAL.CentralIngestRoleArn } },
      },
    ]);
  });

  it('lets the read role read IAM policies of this account and nothing else', () => {
    expect([...new Set(roleActions(memberHome, 'ReadRole'))]).toEqual(
      [
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
      ].sort(),
    );
    const resources = identityStatements(memberHome)
      .filter((s) => s.where.startsWith('ReadRole/'))
      .flatMap((s) => asList(s.statement.Resource));
    for (const arn of resources) expect(arn).toMatch(/^arn:aws:iam::(111122223333|aws):(role|user|group|policy)\/\*$/);
  });

  it.each([
    ['member home Region', memberHome],
    ['member other Region', memberElsewhere],
  ])('every statement passes the least-privilege rules (%s)', (_label, t) => {
    const problems = [
      ...identityStatements(t).flatMap(({ where, statement }) => identityStatementProblems(statement).map((p) => `${where}: ${p}`)),
      ...resourceStatements(t).flatMap(({ where, statement }) => resourceStatementProblems(statement).map((p) => `${where}: ${p}`)),
    ];
    expect(problems).toEqual([]);
  });

  it('does not forward from the central account and Region to itself', () => {
    for (const name of ['ForwardDenialsRule', 'ForwardRole', 'ForwardDeadLetterQueue', 'ForwardDeadLetterQueuePolicy']) {
      expect(centralItself.Resources[name]).toBeUndefined();
    }
    expect(Object.keys(centralItself.Outputs)).toEqual(['ReadRoleArn']);
  });

  it('narrows forwarding to the EventSources parameter', () => {
    const filtered = materialize(template, { ...CENTRAL, EventSources: 'bedrock.amazonaws.com' }, { 'AWS::Region': 'eu-west-1' });
    expect(props(filtered, 'ForwardDenialsRule').EventPattern.detail.eventSource).toEqual(['bedrock.amazonaws.com']);
  });
});
