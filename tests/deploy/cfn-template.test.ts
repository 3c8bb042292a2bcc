import { buildCfnEventPattern, lintTemplate, materialize, parseTemplate, renderPatternBlock, replacePatternBlock } from '../../deploy/cfn-template';
import { identityStatementProblems, resourceStatementProblems, type Statement } from './iam-rules';

describe('parseTemplate', () => {
  it('reads short-form intrinsics as their long forms', () => {
    const t = parseTemplate(
      [
        'Resources:',
        '  A:',
        '    Type: AWS::SQS::Queue',
        '    Properties:',
        '      QueueName: !Sub "${AWS::StackName}-q"',
        '      Tags: [{ Key: k, Value: !GetAtt B.Outputs.Url }]',
        '      Other: !If [C, !Ref B, !Ref AWS::NoValue]',
        '      Joined: !Join [",", [a, b]]',
        '      Listed: !Sub ["${x}", { x: !Ref B }]',
        'Conditions:',
        '  C: !Not [!Equals [!Ref P, ""]]',
      ].join('\n'),
    );
    const p = t.Resources!.A!.Properties!;
    expect(p.QueueName).toEqual({ 'Fn::Sub': '${AWS::StackName}-q' });
    expect(p.Tags).toEqual([{ Key: 'k', Value: { 'Fn::GetAtt': ['B', 'Outputs.Url'] } }]);
    expect(p.Other).toEqual({ 'Fn::If': ['C', { Ref: 'B' }, { Ref: 'AWS::NoValue' }] });
    expect(p.Joined).toEqual({ 'Fn::Join': [',', ['a', 'b']] });
    expect(p.Listed).toEqual({ 'Fn::Sub': ['${x}', { x: { Ref: 'B' } }] });
    expect(t.Conditions!.C).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'P' }, ''] }] });
  });
});

describe('lintTemplate', () => {
  const base = {
    Parameters: { P: { Type: 'String', Default: '', AllowedPattern: '^$|^x$' } },
    Conditions: { C: { 'Fn::Equals': [{ Ref: 'P' }, 'x'] } },
  };

  it.each([
    ['a Ref to nothing', { Q: { Type: 'AWS::SQS::Queue', Properties: { Name: { Ref: 'Missing' } } } }, /unknown Missing/],
    ['a GetAtt to nothing', { Q: { Type: 'AWS::SQS::Queue', Properties: { Name: { 'Fn::GetAtt': ['Missing', 'Arn'] } } } }, /unknown resource Missing/],
    ['a Sub naming nothing', { Q: { Type: 'AWS::SQS::Queue', Properties: { Name: { 'Fn::Sub': '${Missing}-x' } } } }, /unknown Missing/],
    ['an unknown condition in Fn::If', { Q: { Type: 'AWS::SQS::Queue', Properties: { Name: { 'Fn::If': ['Nope', 'a', 'b'] } } } }, /unknown condition Nope/],
    [
      'a conditional resource used unconditionally',
      { K: { Type: 'AWS::KMS::Key', Condition: 'C' }, T: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: { 'Fn::GetAtt': ['K', 'Arn'] } } } },
      /uses K \(Condition C\) outside/,
    ],
    [
      'a conditional resource used in the wrong branch',
      {
        K: { Type: 'AWS::KMS::Key', Condition: 'C' },
        T: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: { 'Fn::If': ['C', 'alias/x', { Ref: 'K' }] } } },
      },
      /uses K \(Condition C\) outside/,
    ],
    ['a resource without a type', { Q: { Properties: {} } }, /no valid Type/],
  ])('reports %s', (_name, resources, expected) => {
    const problems = lintTemplate({ ...base, Resources: resources } as never);
    expect(problems.join('\n')).toMatch(expected);
  });

  it('accepts a conditional resource used inside its Fn::If branch or by a resource with the same condition', () => {
    const problems = lintTemplate({
      ...base,
      Resources: {
        K: { Type: 'AWS::KMS::Key', Condition: 'C' },
        A: { Type: 'AWS::KMS::Alias', Condition: 'C', Properties: { TargetKeyId: { Ref: 'K' } } },
        T: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: { 'Fn::If': ['C', { 'Fn::GetAtt': ['K', 'Arn'] }, 'alias/x'] } } },
      },
    });
    expect(problems).toEqual([]);
  });

  it('reports a parameter default that breaks its own AllowedPattern', () => {
    const problems = lintTemplate({
      Parameters: { P: { Type: 'String', Default: 'y', AllowedPattern: '^x$' } },
      Resources: { Q: { Type: 'AWS::SQS::Queue' } },
    });
    expect(problems).toEqual(['Parameter P default "y" violates AllowedPattern']);
  });

  it('reports a parameter default outside its AllowedValues', () => {
    const problems = lintTemplate({
      Parameters: { N: { Type: 'Number', Default: '45', AllowedValues: [30, 60] } },
      Resources: { Q: { Type: 'AWS::SQS::Queue' } },
    });
    expect(problems).toEqual(['Parameter N default "45" is not among AllowedValues']);
  });
});

describe('materialize', () => {
  const template = {
    Parameters: { P: { Type: 'String', Default: '' }, L: { Type: 'String', Default: 'a,b' } },
    Conditions: { HasP: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'P' }, ''] }] } },
    Resources: {
      Q: { Type: 'AWS::SQS::Queue', Condition: 'HasP', Properties: { QueueName: { Ref: 'P' } } },
      T: {
        Type: 'AWS::SNS::Topic',
        Properties: {
          Name: { 'Fn::Sub': 'arn:${AWS::Partition}:x:${AWS::Region}:${AWS::AccountId}:${!Literal}/${Q.Arn}' },
          List: { 'Fn::Split': [',', { Ref: 'L' }] },
          Maybe: { 'Fn::If': ['HasP', { Ref: 'Q' }, { Ref: 'AWS::NoValue' }] },
          Items: ['kept', { 'Fn::If': ['HasP', 'dropped-unless-P', { Ref: 'AWS::NoValue' }] }],
        },
      },
    },
  };

  it('drops resources whose condition is false and resolves intrinsics', () => {
    const t = materialize(template);
    expect(t.Resources.Q).toBeUndefined();
    expect(t.Resources.T!.Properties).toEqual({ Name: 'arn:aws:x:us-east-1:111122223333:${Literal}/${Q.Arn}', List: ['a', 'b'], Items: ['kept'] });
  });

  it('applies parameter overrides', () => {
    const t = materialize(template, { P: 'queue' });
    expect(t.Resources.Q!.Properties).toEqual({ QueueName: 'queue' });
    expect(t.Resources.T!.Properties.Maybe).toBe('${Q}');
    expect(t.Resources.T!.Properties.Items).toEqual(['kept', 'dropped-unless-P']);
  });
});

describe('event pattern block', () => {
  const pattern = buildCfnEventPattern({ 'detail-type': ['X'], detail: { errorCode: ['A'] } });

  it('adds the eventSource filter only under HasEventSourceFilter', () => {
    expect(pattern).toEqual({
      'Fn::If': [
        'HasEventSourceFilter',
        { 'detail-type': ['X'], detail: { eventSource: { 'Fn::Split': [',', { Ref: 'EventSources' }] }, errorCode: ['A'] } },
        { 'detail-type': ['X'], detail: { errorCode: ['A'] } },
      ],
    });
  });

  it('round-trips through a YAML template', () => {
    const text = [
      'Resources:',
      '  R:',
      '    Type: AWS::Events::Rule',
      '    Properties:',
      '      EventPattern:',
      renderPatternBlock({}, 8),
      '      State: ENABLED',
      '',
    ].join('\n');
    const updated = replacePatternBlock(text, pattern);
    const parsed = parseTemplate(updated);
    expect(parsed.Resources!.R!.Properties).toEqual({ EventPattern: pattern, State: 'ENABLED' });
    expect(replacePatternBlock(updated, pattern)).toBe(updated);
  });

  it('refuses a template without the markers', () => {
    expect(() => replacePatternBlock('Resources: {}\n', pattern)).toThrow(/markers/);
  });
});

describe('least-privilege rules', () => {
  const allow = (action: string | string[], resource: string | string[] = 'arn:aws:s3:::b'): Statement => ({
    Effect: 'Allow',
    Action: action,
    Resource: resource,
  });

  it.each([
    ['"*"', allow('*'), /action "\*"/],
    ['a service-wide action', allow('dynamodb:*'), /service-wide action dynamodb:\*/],
    ['an IAM write', allow('iam:PutRolePolicy'), /IAM action iam:PutRolePolicy/],
    ['an IAM wildcard read', allow('iam:Get*'), /IAM action iam:Get\*/],
    ['iam:PassRole', allow('iam:PassRole'), /IAM action iam:PassRole/],
    ['Resource "*" for a resource-scoped action', allow('sns:Publish', '*'), /Resource "\*" for sns:Publish/],
    ['NotAction', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' } as Statement, /NotAction/],
  ])('flag %s in identity policies', (_name, statement, expected) => {
    expect(identityStatementProblems(statement).join('\n')).toMatch(expected);
  });

  it('accept explicit reads, the simulator, X-Ray on "*", and any Deny', () => {
    expect(identityStatementProblems(allow(['iam:GetRole', 'iam:ListRolePolicies', 'iam:SimulatePrincipalPolicy']))).toEqual([]);
    expect(identityStatementProblems(allow(['xray:PutTraceSegments'], '*'))).toEqual([]);
    expect(identityStatementProblems({ Effect: 'Deny', Action: '*', Resource: '*' })).toEqual([]);
  });

  it('flag an open resource policy without a condition', () => {
    expect(
      resourceStatementProblems({ Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Resource: 'arn:aws:events:us-east-1:1:event-bus/default' }),
    ).toEqual(['Principal "*" without a Condition']);
    expect(resourceStatementProblems({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sqs:*', Condition: { Bool: { x: 'y' } } })).toEqual([
      'service-wide action sqs:*',
    ]);
  });
});
