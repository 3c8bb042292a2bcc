import { join } from 'node:path';
import { loadTemplateFile, materialize, type Loose, type Template } from '../../deploy/cfn-template';
import { checkValue, loadCfnSpec, templateViolations, type CfnSpec, type SpecType, type TemplateLike, type Violations } from './cfn-spec';
import { ALL_FEATURES, packagedCentralService, repoRoot, type PackagedService } from './package-central';

const CENTRAL = {
  CentralAccountId: '999988887777',
  CentralRegion: 'us-east-1',
  CentralIngestRoleArn: 'arn:aws:iam::999988887777:role/access-auditor-prod-ingest-us-east-1',
};

const member = loadTemplateFile(join(repoRoot, 'deploy', 'member-account.yml'));
let spec: CfnSpec;
let packaged: PackagedService | undefined;
let central: Template;

beforeAll(async () => {
  spec = loadCfnSpec();
  packaged = await packagedCentralService('test');
  central = packaged.template;
}, 180_000);

afterAll(() => packaged?.release());

describe('CloudFormation resource specification', () => {
  // Raw templates check both branches of every Fn::If and every Fn::GetAtt; materialized ones
  // check what CloudFormation receives for a parameter set (conditional resources dropped,
  // AWS::NoValue removed, parameter strings in typed fields).
  const variants: [string, () => TemplateLike][] = [
    ['central template as packaged', () => central as TemplateLike],
    ['central stack with default parameters', () => materialize(central)],
    ['central stack with every optional feature on', () => materialize(central, ALL_FEATURES)],
    ['member template as written', () => member as TemplateLike],
    ['member stack in the central Region', () => materialize(member, CENTRAL, { 'AWS::AccountId': '111122223333', 'AWS::Region': 'us-east-1' })],
    ['member stack in another Region', () => materialize(member, CENTRAL, { 'AWS::AccountId': '111122223333', 'AWS::Region': 'eu-west-1' })],
    ['member stack in the central account itself', () => materialize(member, CENTRAL, { 'AWS::AccountId': '999988887777', 'AWS::Region': 'us-east-1' })],
  ];

  it.each(variants)('accepts the %s', (_name, load) => {
    const template = load();
    expect(Object.keys(template.Resources ?? {}).length).toBeGreaterThan(0);
    expect(templateViolations(spec, template)).toEqual([]);
  });

  it('lists ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS among the states of AWS::Events::Rule', () => {
    expect(spec.resource('AWS::Events::Rule')?.properties.State?.type).toEqual({
      type: 'string',
      allowedValues: expect.arrayContaining(['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS']),
    });
  });
});

describe('the spec check itself', () => {
  /** A deep copy of the member template, edited freely by each mutation. */
  type Mutable = { Resources: Record<string, Loose>; Outputs: Record<string, Loose> };
  const rule = 'Resources.ForwardDenialsRule';
  const queue = 'Resources.ForwardDeadLetterQueue';

  const mutations: [string, (t: Mutable) => void, RegExp[]][] = [
    [
      'a misspelt property',
      (t) => {
        const p = t.Resources.ForwardDenialsRule!.Properties;
        p.EventPatern = p.EventPattern;
        delete p.EventPattern;
      },
      [/^Resources\.ForwardDenialsRule\.Properties\.EventPatern → unknown property/],
    ],
    [
      'a misspelt nested property',
      (t) => {
        const retry = t.Resources.ForwardDenialsRule!.Properties.Targets[0].RetryPolicy;
        retry.MaximumRetryAttempt = retry.MaximumRetryAttempts;
        delete retry.MaximumRetryAttempts;
      },
      [new RegExp(`^${rule}\\.Properties\\.Targets\\[0\\]\\.RetryPolicy\\.MaximumRetryAttempt → unknown property`)],
    ],
    [
      'a missing required nested property',
      (t) => delete t.Resources.ForwardDenialsRule!.Properties.Targets[0].Id,
      [new RegExp(`^${rule}\\.Properties\\.Targets\\[0\\]\\.Id → required property is missing`)],
    ],
    [
      'a missing required property',
      (t) => delete t.Resources.ReadRole!.Properties.AssumeRolePolicyDocument,
      [/^Resources\.ReadRole\.Properties\.AssumeRolePolicyDocument → required property is missing/],
    ],
    [
      'a GetAtt of an attribute the type lacks',
      (t) => (t.Resources.ForwardDenialsRule!.Properties.Targets[0].RoleArn = { 'Fn::GetAtt': ['ForwardRole', 'Arnn'] }),
      [new RegExp(`^${rule}\\.Properties\\.Targets\\[0\\]\\.RoleArn → Fn::GetAtt ForwardRole\\.Arnn: AWS::IAM::Role has no attribute Arnn`)],
    ],
    [
      'a GetAtt in dotted form inside an output',
      (t) => (t.Outputs.ForwardRuleArn!.Value = { 'Fn::GetAtt': 'ForwardDenialsRule.Name' }),
      [/^Outputs\.ForwardRuleArn\.Value → Fn::GetAtt ForwardDenialsRule\.Name: AWS::Events::Rule has no attribute Name/],
    ],
    [
      'a Fn::Sub reading an attribute the type lacks',
      (t) => (t.Outputs.ForwardDeadLetterQueueUrl!.Value = { 'Fn::Sub': '${ForwardDeadLetterQueue.Url}' }),
      [/^Outputs\.ForwardDeadLetterQueueUrl\.Value → Fn::Sub ForwardDeadLetterQueue\.Url: AWS::SQS::Queue has no attribute Url/],
    ],
    [
      'an unknown resource type',
      (t) => (t.Resources.ForwardDenialsRule!.Type = 'AWS::Events::Rules'),
      [new RegExp(`^${rule}\\.Type → AWS::Events::Rules is not a CloudFormation resource type`)],
    ],
    [
      'a value outside an enum',
      (t) => (t.Resources.ForwardDenialsRule!.Properties.State = 'ON'),
      [new RegExp(`^${rule}\\.Properties\\.State → "ON" is not one of DISABLED, ENABLED`)],
    ],
    [
      'text where an integer goes',
      (t) => (t.Resources.ForwardDeadLetterQueue!.Properties.MessageRetentionPeriod = '14 days'),
      [new RegExp(`^${queue}\\.Properties\\.MessageRetentionPeriod → expected an integer`)],
    ],
    [
      'text where a boolean goes',
      (t) => (t.Resources.ForwardDeadLetterQueue!.Properties.SqsManagedSseEnabled = 'yes'),
      [new RegExp(`^${queue}\\.Properties\\.SqsManagedSseEnabled → expected a boolean`)],
    ],
    [
      'a scalar where a list goes',
      (t) => (t.Resources.ForwardDeadLetterQueuePolicy!.Properties.Queues = 'my-queue'),
      [/^Resources\.ForwardDeadLetterQueuePolicy\.Properties\.Queues → expected a list/],
    ],
    [
      'a number where an object goes',
      (t) => (t.Resources.ForwardDenialsRule!.Properties.Targets[0].RetryPolicy = 5),
      [new RegExp(`^${rule}\\.Properties\\.Targets\\[0\\]\\.RetryPolicy → expected an object`)],
    ],
    [
      'a bad value in one Fn::If branch only',
      (t) => (t.Resources.ReadRole!.Properties.MaxSessionDuration = { 'Fn::If': ['HasEventSourceFilter', 3600, 'an hour'] }),
      [/^Resources\.ReadRole\.Properties\.MaxSessionDuration\.Fn::If\(!HasEventSourceFilter\) → expected an integer/],
    ],
    [
      'a malformed tag',
      (t) => (t.Resources.ForwardDeadLetterQueue!.Properties.Tags = [{ Key: 'team', Vaule: 'security' }]),
      [
        new RegExp(`^${queue}\\.Properties\\.Tags\\[0\\]\\.Vaule → unknown property`),
        new RegExp(`^${queue}\\.Properties\\.Tags\\[0\\]\\.Value → required property is missing`),
      ],
    ],
    [
      'a misspelt resource attribute',
      (t) => {
        const q = t.Resources.ForwardDeadLetterQueue!;
        q.Properites = q.Properties;
        delete q.Properties;
      },
      [new RegExp(`^${queue}\\.Properites → unknown resource attribute`)],
    ],
    ['an unknown DeletionPolicy', (t) => (t.Resources.ReadRole!.DeletionPolicy = 'Keep'), [/^Resources\.ReadRole\.DeletionPolicy → "Keep" is not one of/]],
  ];

  it.each(mutations)('reports %s', (_name, mutate, expected) => {
    const copy = structuredClone(member) as Mutable;
    mutate(copy);
    const found: Violations = templateViolations(spec, copy as TemplateLike);
    expect(found).toEqual(expected.map((re) => expect.stringMatching(re)));
  });

  it('reports a misspelt property and a bad GetAtt in the packaged central template', () => {
    const copy = structuredClone(central) as Mutable;
    const rule = copy.Resources.DenialsRule.Properties;
    rule.EventPatern = rule.EventPattern;
    delete rule.EventPattern;
    copy.Resources.IngestInvokedByDenialsRule.Properties.SourceArn = { 'Fn::GetAtt': ['DenialsRule', 'RuleArn'] };
    expect(templateViolations(spec, copy as TemplateLike)).toEqual([
      expect.stringMatching(/^Resources\.DenialsRule\.Properties\.EventPatern → unknown property/),
      expect.stringMatching(
        /^Resources\.IngestInvokedByDenialsRule\.Properties\.SourceArn → Fn::GetAtt DenialsRule\.RuleArn: AWS::Events::Rule has no attribute RuleArn/,
      ),
    ]);
  });

  it('reports a materialized deploy-time value where a list goes, and accepts it where a string goes', () => {
    const copy = materialize(member, CENTRAL, { 'AWS::Region': 'eu-west-1' });
    expect(templateViolations(spec, copy)).toEqual([]);
    copy.Resources.ForwardDeadLetterQueuePolicy!.Properties.Queues = '${ForwardDeadLetterQueue}';
    expect(templateViolations(spec, copy)).toEqual([
      expect.stringMatching(/Queues → "\$\{ForwardDeadLetterQueue\}" is a scalar at deploy time, expected array/),
    ]);
  });

  // Coercions CloudFormation applies to scalars: parameter values and quoted YAML arrive as text.
  it.each<[SpecType, unknown, boolean]>([
    [{ type: 'integer' }, 30, true],
    [{ type: 'integer' }, '30', true],
    [{ type: 'integer' }, '3.5', false],
    [{ type: 'integer' }, 3.5, false],
    [{ type: 'integer' }, true, false],
    [{ type: 'integer', allowedValues: [1, 30] }, '30', true],
    [{ type: 'integer', allowedValues: [1, 30] }, 31, false],
    [{ type: 'number' }, '0.5', true],
    [{ type: 'number' }, '', false],
    [{ type: 'boolean' }, 'true', true],
    [{ type: 'boolean' }, false, true],
    [{ type: 'boolean' }, 'yes', false],
    [{ type: 'boolean' }, 1, false],
    [{ type: 'string' }, 42, true],
    [{ type: 'string' }, { a: 1 }, false],
    [{ type: 'string' }, ['a'], false],
    [{ type: 'string' }, { 'Fn::Join': ['', ['a', 'b']] }, true],
    [{ type: 'integer' }, { Ref: 'SomeParameter' }, true],
    [{ type: 'json' }, { Version: '2012-10-17' }, true],
    [{ type: 'json' }, '{}', false],
    [{ type: 'union', types: [{ type: 'string' }, { type: 'json' }] }, '{}', true],
    [{ type: 'array', element: { type: 'string' } }, ['a', { Ref: 'AWS::NoValue' }], true],
    [{ type: 'array', element: { type: 'string' } }, { 'Fn::Split': [',', 'a,b'] }, true],
    [{ type: 'map', element: { type: 'string' } }, { a: 'x', b: 2 }, true],
    [{ type: 'map', element: { type: 'string' } }, { a: { b: 'x' } }, false],
    [{ type: 'integer' }, '${Db.Endpoint.Port}', true],
    [{ type: 'integer' }, '${NotAResource.Port}', false],
    [{ type: 'array', element: { type: 'string' } }, '${Db}', false],
    [{ type: 'array', element: { type: 'string' } }, '${Vpc.CidrBlockAssociations}', true],
    [{ type: 'string' }, '${Vpc.CidrBlockAssociations}', false],
  ])('type %j, value %j: accepted %s', (type, value, accepted) => {
    const out: Violations = [];
    const resourceTypes = new Map([
      ['Db', 'AWS::RDS::DBInstance'],
      ['Vpc', 'AWS::EC2::VPC'],
    ]);
    checkValue(type, value, 'v', { spec, resourceTypes }, out);
    expect(out.length === 0).toBe(accepted);
  });
});
