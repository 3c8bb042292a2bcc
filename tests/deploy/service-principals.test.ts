import { join } from 'node:path';
import { loadTemplateFile, materialize, type MaterializedTemplate } from '../../deploy/cfn-template';
import { lambdaPermissionProblems, resourceStatements, servicePrincipalProblems, type Statement } from './iam-rules';
import { ALL_FEATURES, packagedCentralService, repoRoot, type PackagedService } from './package-central';

/**
 * Every service principal in a key, topic, queue, bus or trust policy of either template acts only on
 * behalf of this account or a named source (the confused-deputy guard), in every feature combination.
 */
let packaged: PackagedService | undefined;
const variants: [string, MaterializedTemplate][] = [];

beforeAll(async () => {
  packaged = await packagedCentralService('test');
  variants.push(['central, defaults', materialize(packaged.template)], ['central, every feature', materialize(packaged.template, ALL_FEATURES)]);
  const member = loadTemplateFile(join(repoRoot, 'deploy', 'member-account.yml'));
  const central = { CentralAccountId: '999988887777', CentralRegion: 'us-east-1', CentralIngestRoleArn: 'arn:aws:iam::999988887777:role/x' };
  variants.push(
    ['member, central Region', materialize(member, central, { 'AWS::AccountId': '111122223333', 'AWS::Region': 'us-east-1' })],
    [
      'member, another Region',
      materialize(member, { ...central, ReadRoleRegion: 'eu-west-1' }, { 'AWS::AccountId': '111122223333', 'AWS::Region': 'eu-west-1' }),
    ],
  );
}, 180_000);

afterAll(() => packaged?.release());

describe('service principals', () => {
  it('are each bound by aws:SourceAccount or aws:SourceArn (or the organization for "*")', () => {
    expect(variants).toHaveLength(4);
    for (const [name, template] of variants) {
      const problems = resourceStatements(template).flatMap(({ where, statement }) => servicePrincipalProblems(statement).map((p) => `${where}: ${p}`));
      expect({ name, problems: [...problems, ...lambdaPermissionProblems(template)] }).toEqual({ name, problems: [] });
    }
  });

  it('include the ones this rule is about (so that it cannot pass by finding nothing)', () => {
    const everything = variants.find(([n]) => n === 'central, every feature')![1];
    const defaults = variants.find(([n]) => n === 'central, defaults')![1];
    const services = (t: MaterializedTemplate) =>
      resourceStatements(t).flatMap(({ where, statement }) => {
        const principal = statement.Principal as { Service?: string } | undefined;
        return principal?.Service ? [`${where.split('[')[0]}:${principal.Service}`] : [];
      });
    expect(services(defaults)).toEqual(
      expect.arrayContaining([
        'AlertsKey/key-policy:cloudwatch.amazonaws.com',
        'AlertsTopicPolicy:cloudwatch.amazonaws.com',
        'IngestRole/trust:lambda.amazonaws.com',
      ]),
    );
    expect(services(everything)).toEqual(expect.arrayContaining(['ChatbotChannelRole/trust:chatbot.amazonaws.com']));
  });

  it.each<[string, Statement, RegExp | null]>([
    [
      'a bare service principal',
      { Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'kms:Decrypt' },
      /cloudwatch.amazonaws.com without/,
    ],
    [
      'a service principal bound by an unrelated key',
      { Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
      /chatbot/,
    ],
    [
      'everyone with no organization',
      { Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
      /Principal "\*"/,
    ],
    [
      'a bound service principal',
      { Effect: 'Allow', Principal: { Service: 'x.amazonaws.com' }, Action: 'a:b', Condition: { StringEquals: { 'AWS:SourceAccount': '1' } } },
      null,
    ],
    [
      'everyone in the organization',
      { Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } } },
      null,
    ],
    ['a deny', { Effect: 'Deny', Principal: '*', Action: 'sqs:*' }, null],
  ])('the rule itself: %s', (_name, statement, problem) => {
    const problems = servicePrincipalProblems(statement);
    if (problem) expect(problems.join('; ')).toMatch(problem);
    else expect(problems).toEqual([]);
  });
});
