import fc from 'fast-check';
import type { PolicyDocument, PolicyStatement } from '../../lib/denial/types';
import { evaluate, evaluateDocuments, matchStatement, type EvaluationRequest } from '../../lib/policy/iam/evaluator';

const FM = 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0';

function req(action: string, resource: string | null, context: Record<string, string | string[]> = {}): EvaluationRequest {
  return { action, resource, context };
}

function doc(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

describe('evaluate: table', () => {
  const cases: Array<{ name: string; statements: PolicyStatement[]; request: EvaluationRequest; expected: string }> = [
    {
      name: 'exact allow',
      statements: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: FM }],
      request: req('bedrock:InvokeModel', FM),
      expected: 'allowed',
    },
    {
      name: 'action is case-insensitive',
      statements: [{ Effect: 'Allow', Action: 'BEDROCK:invokemodel', Resource: FM }],
      request: req('bedrock:InvokeModel', FM),
      expected: 'allowed',
    },
    {
      name: 'action wildcard *',
      statements: [{ Effect: 'Allow', Action: 'bedrock:Invoke*', Resource: FM }],
      request: req('bedrock:InvokeModelWithResponseStream', FM),
      expected: 'allowed',
    },
    {
      name: 'action wildcard ?',
      statements: [{ Effect: 'Allow', Action: 's3:?etObject', Resource: '*' }],
      request: req('s3:GetObject', 'arn:aws:s3:::b/k'),
      expected: 'allowed',
    },
    {
      name: 'other action',
      statements: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: FM }],
      request: req('bedrock:InvokeModelWithResponseStream', FM),
      expected: 'implicitDeny',
    },
    {
      name: 'NotAction allows others',
      statements: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }],
      request: req('bedrock:InvokeModel', FM),
      expected: 'allowed',
    },
    {
      name: 'NotAction excludes',
      statements: [{ Effect: 'Allow', NotAction: ['iam:*', 'bedrock:*'], Resource: '*' }],
      request: req('bedrock:InvokeModel', FM),
      expected: 'implicitDeny',
    },
    {
      name: 'resource is case-sensitive',
      statements: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: FM.toUpperCase() }],
      request: req('bedrock:InvokeModel', FM),
      expected: 'implicitDeny',
    },
    {
      name: 'region wildcard',
      statements: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:aws:bedrock:*::foundation-model/anthropic.*' }],
      request: req('bedrock:InvokeModel', FM),
      expected: 'allowed',
    },
    {
      name: 'account in a foundation-model ARN never matches',
      statements: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:aws:bedrock:*:111122223333:foundation-model/*' }],
      request: req('bedrock:InvokeModel', FM),
      expected: 'implicitDeny',
    },
    {
      name: 'region * does not swallow the account segment',
      statements: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:aws:bedrock:*:foundation-model/*' }],
      request: req('bedrock:InvokeModel', FM),
      expected: 'implicitDeny',
    },
    {
      name: 'NotResource',
      statements: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', NotResource: 'arn:aws:bedrock:*::foundation-model/meta.*' }],
      request: req('bedrock:InvokeModel', FM),
      expected: 'allowed',
    },
    {
      name: 'null resource needs "*"',
      statements: [{ Effect: 'Allow', Action: 'bedrock:CallWithBearerToken', Resource: 'arn:aws:bedrock:*:*:*' }],
      request: req('bedrock:CallWithBearerToken', null),
      expected: 'implicitDeny',
    },
    {
      name: 'null resource with "*"',
      statements: [{ Effect: 'Allow', Action: 'bedrock:CallWithBearerToken', Resource: '*' }],
      request: req('bedrock:CallWithBearerToken', null),
      expected: 'allowed',
    },
    {
      name: 'deny wins',
      statements: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: 'bedrock:*', Resource: '*' },
      ],
      request: req('bedrock:InvokeModel', FM),
      expected: 'explicitDeny',
    },
    {
      name: 'conditioned deny that does not apply',
      statements: [
        { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: FM },
        { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2'] } } },
      ],
      request: req('bedrock:InvokeModel', FM, { 'aws:RequestedRegion': 'us-east-1' }),
      expected: 'allowed',
    },
    {
      name: 'region guardrail denies a destination region',
      statements: [
        { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:aws:bedrock:*::foundation-model/*' },
        { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1'] } } },
      ],
      request: req('bedrock:InvokeModel', FM.replace('us-east-1', 'us-east-2'), { 'aws:RequestedRegion': 'us-east-2' }),
      expected: 'explicitDeny',
    },
    {
      name: 'policy variable in Resource',
      statements: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::home/${aws:username}/*' }],
      request: req('s3:GetObject', 'arn:aws:s3:::home/alice/notes.txt', { 'aws:username': 'alice' }),
      expected: 'allowed',
    },
    {
      name: 'unresolved policy variable matches nothing',
      statements: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::home/${aws:username}/*' }],
      request: req('s3:GetObject', 'arn:aws:s3:::home/alice/notes.txt'),
      expected: 'implicitDeny',
    },
  ];
  it.each(cases)('$name', ({ statements, request, expected }) => {
    expect(evaluateDocuments([doc(...statements)], request).decision).toBe(expected);
  });
});

describe('evaluate: structure of the result', () => {
  it('names the matching allow and deny statements', () => {
    const result = evaluate(
      {
        identity: [
          { name: 'allow-all', kind: 'inline', document: doc({ Sid: 'All', Effect: 'Allow', Action: '*', Resource: '*' }) },
          {
            name: 'guard',
            kind: 'managed',
            arn: 'arn:aws:iam::111122223333:policy/guard',
            document: doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Sid: 'NoBedrock', Effect: 'Deny', Action: 'bedrock:*', Resource: '*' }),
          },
        ],
      },
      req('bedrock:InvokeModel', FM),
    );
    expect(result.decision).toBe('explicitDeny');
    expect(result.matchedDeny).toEqual({
      policy: 'guard',
      policyArn: 'arn:aws:iam::111122223333:policy/guard',
      policyKind: 'managed',
      layer: 'identity',
      index: 1,
      sid: 'NoBedrock',
    });
    expect(result.matchedAllow).toMatchObject({ policy: 'allow-all', sid: 'All', index: 0 });
  });

  it('requires the permissions boundary to allow as well', () => {
    const identity = [{ name: 'id', document: doc({ Effect: 'Allow', Action: 'bedrock:*', Resource: '*' }) }];
    const narrow = { name: 'boundary', document: doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) };
    const wide = { name: 'boundary', document: doc({ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: FM }) };
    expect(evaluate({ identity, permissionsBoundary: narrow }, req('bedrock:InvokeModel', FM))).toMatchObject({
      decision: 'implicitDeny',
      identityAllows: true,
      boundaryAllows: false,
    });
    expect(evaluate({ identity, permissionsBoundary: wide }, req('bedrock:InvokeModel', FM)).decision).toBe('allowed');
    expect(evaluate({ identity: [], permissionsBoundary: wide }, req('bedrock:InvokeModel', FM)).decision).toBe('implicitDeny');
  });

  it('reports a deny inside the boundary as explicit', () => {
    const identity = [{ name: 'id', document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) }];
    const boundary = {
      name: 'b',
      document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }, { Sid: 'NoIam', Effect: 'Deny', Action: 'iam:*', Resource: '*' }),
    };
    expect(evaluate({ identity, permissionsBoundary: boundary }, req('iam:CreateUser', 'arn:aws:iam::1:user/x')).matchedDeny).toMatchObject({
      layer: 'permissions-boundary',
      sid: 'NoIam',
    });
  });

  it('fills aws:PrincipalArn and aws:PrincipalAccount from the request', () => {
    const s: PolicyStatement = {
      Effect: 'Allow',
      Action: 'sts:GetCallerIdentity',
      Resource: '*',
      Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/app-*' }, StringEquals: { 'aws:PrincipalAccount': '111122223333' } },
    };
    const request = { ...req('sts:GetCallerIdentity', null), principalArn: 'arn:aws:iam::111122223333:role/app-web', principalAccount: '111122223333' };
    expect(matchStatement(s, request).applies).toBe(true);
    expect(matchStatement(s, { ...request, principalAccount: '444455556666' }).conditionFailures).toEqual([
      { operator: 'StringEquals', key: 'aws:PrincipalAccount' },
    ]);
  });

  it('explains which element failed', () => {
    const m = matchStatement(
      { Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:aws:bedrock:us-west-2::foundation-model/*' },
      req('bedrock:InvokeModel', FM),
    );
    expect(m).toMatchObject({ applies: false, action: true, resource: false, condition: true });
  });
});

describe('evaluate: properties', () => {
  const actionArb = fc
    .tuple(fc.constantFrom('bedrock', 's3', 'iam', 'kms', 'sts', 'aws-marketplace'), fc.stringMatching(/^[A-Z][A-Za-z]{0,20}$/))
    .map(([s, a]) => `${s}:${a}`);
  const resourceArb = fc.oneof(
    fc.constant(null),
    fc
      .tuple(
        fc.constantFrom('bedrock', 's3', 'iam'),
        fc.constantFrom('us-east-1', 'eu-west-1', ''),
        fc.constantFrom('111122223333', ''),
        fc.stringMatching(/^[a-z0-9./:-]{1,30}$/),
      )
      .map(([s, r, a, id]) => `arn:aws:${s}:${r}:${a}:${id}`),
  );
  const contextArb = fc.dictionary(fc.constantFrom('aws:RequestedRegion', 'bedrock:InferenceProfileArn', 'aws:SourceIp'), fc.string({ maxLength: 20 }));
  const requestArb = fc.record({ action: actionArb, resource: resourceArb, context: contextArb });
  const statementArb: fc.Arbitrary<PolicyStatement> = fc.record({
    Effect: fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Deny'),
    Action: fc.oneof(actionArb, fc.constantFrom('*', 'bedrock:*', 's3:Get*')),
    Resource: fc.oneof(
      fc.constant('*'),
      resourceArb.map((r) => r ?? '*'),
    ),
  });

  it('Action "*" with Resource "*" allows any request', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        expect(evaluateDocuments([doc({ Effect: 'Allow', Action: '*', Resource: '*' })], request).decision).toBe('allowed');
      }),
    );
  });

  it('a matching Deny makes any policy set explicitDeny', () => {
    fc.assert(
      fc.property(requestArb, fc.array(statementArb, { maxLength: 6 }), (request, others) => {
        const deny: PolicyStatement = { Effect: 'Deny', Action: request.action, Resource: request.resource ?? '*' };
        const allows: PolicyStatement = { Effect: 'Allow', Action: '*', Resource: '*' };
        expect(evaluateDocuments([doc(allows, ...others), doc(deny)], request).decision).toBe('explicitDeny');
      }),
    );
  });

  it('an empty policy set is implicitDeny', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        expect(evaluateDocuments([], request).decision).toBe('implicitDeny');
        expect(evaluateDocuments([doc()], request).decision).toBe('implicitDeny');
      }),
    );
  });

  it('adding statements never turns explicitDeny into something else', () => {
    fc.assert(
      fc.property(requestArb, fc.array(statementArb, { maxLength: 5 }), fc.array(statementArb, { maxLength: 5 }), (request, a, b) => {
        const before = evaluateDocuments([doc(...a)], request).decision;
        const after = evaluateDocuments([doc(...a, ...b)], request).decision;
        if (before === 'explicitDeny') expect(after).toBe('explicitDeny');
        if (before === 'allowed') expect(after).not.toBe('implicitDeny');
      }),
    );
  });
});
