import { ACCESS_ERROR_CODE_WILDCARDS, classifyAccessProblem, isAccessProblem, matchesWildcard } from '../../lib/cloudtrail/classify';

describe('classifyAccessProblem', () => {
  it.each([
    ['AccessDenied', 'Access Denied', 'access-denied'],
    ['AccessDeniedException', 'User: x is not authorized to perform: a:b', 'access-denied'],
    ['Client.UnauthorizedOperation', 'You are not authorized to perform this operation.', 'access-denied'],
    ['UnauthorizedOperation', undefined, 'access-denied'],
    ['UnauthorizedException', undefined, 'access-denied'],
    ['UnauthorizedAccess', undefined, 'access-denied'],
    ['AuthorizationError', undefined, 'access-denied'],
    ['ForbiddenException', undefined, 'access-denied'],
    ['KMS.AccessDeniedException', undefined, 'access-denied'],
    ['InvalidParameterException', 'User: arn:aws:iam::1:user/u is not authorized to perform: x:Y', 'access-denied'],
    [
      'ValidationException',
      'Invocation of model ID anthropic.claude-3-5-sonnet-20241022-v2:0 with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.',
      'model-access',
    ],
    [
      'ValidationException',
      "Invocation of model ID anthropic.claude-3-5-sonnet-20241022-v2:0 with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.",
      'model-access',
    ],
    [
      'ResourceNotFoundException',
      'Access denied. This Model is marked by provider as Legacy and you have not been actively using the model in the last 30 days. Please upgrade to an active model on Amazon Bedrock',
      'model-access',
    ],
    [
      'AccessDeniedException',
      'Model access is denied due to IAM user or service role is not authorized to perform the required AWS Marketplace actions (aws-marketplace:ViewSubscriptions, aws-marketplace:Subscribe) to enable access to this model.',
      'model-access',
    ],
    ['ThrottlingException', 'Rate exceeded', null],
    ['ValidationException', 'The provided model identifier is invalid.', null],
    ['NoSuchKey', 'The specified key does not exist.', null],
    ['InvalidClientTokenId', 'The security token included in the request is invalid.', null],
    [undefined, undefined, null],
    // The decoder reads "access denied" in any case (EventBridge cannot; see ACCESS_ERROR_MESSAGE_WILDCARDS).
    [undefined, 'Access Denied', 'access-denied'],
    [undefined, 'ACCESS DENIED', 'access-denied'],
    [undefined, 'access denied', 'access-denied'],
    ['403', 'Access Denied', 'access-denied'],
    ['403', 'Forbidden by the request signature', null],
    [undefined, 'Request denied: access denied to bucket', null],
  ])('%s / %s → %s', (code, message, kind) => {
    expect(classifyAccessProblem(code, message)?.kind ?? null).toBe(kind);
    expect(isAccessProblem(code, message)).toBe(kind !== null);
  });

  it('names the model-access issue', () => {
    expect(classifyAccessProblem('ValidationException', 'The provided model doesn’t support on-demand throughput.')).toEqual({
      kind: 'model-access',
      issue: 'on-demand-unsupported',
    });
    expect(classifyAccessProblem('ResourceNotFoundException', 'Access denied. This Model is marked by provider as Legacy ...')).toEqual({
      kind: 'model-access',
      issue: 'legacy',
    });
    expect(classifyAccessProblem('AccessDeniedException', "You don't have access to the model with the specified model ID.")).toEqual({
      kind: 'model-access',
      issue: 'not-enabled',
    });
  });
});

describe('matchesWildcard (EventBridge semantics, mirrored by the deployment)', () => {
  it.each([
    ['*AccessDenied*', 'AccessDenied', true],
    ['*AccessDenied*', 'Client.AccessDeniedException', true],
    ['*Unauthorized*', 'Client.UnauthorizedOperation', true],
    ['*Unauthorized*', 'unauthorizedoperation', false],
    ['Access denied*', 'Access denied. This Model', true],
    ['Access denied*', 'No: Access denied', false],
    ['Access denied*', 'Access Denied', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXcYYb', false],
  ])('%s ~ %s = %s', (pattern, value, match) => expect(matchesWildcard(pattern, value)).toBe(match));

  it('the exported code patterns contain only literal text and stars', () => {
    for (const w of ACCESS_ERROR_CODE_WILDCARDS) expect(w).toMatch(/^[*A-Za-z.]+$/);
  });

  it('matches quickly on a long hostile value', () => {
    expect(matchesWildcard('*a*b*c*d*', 'a'.repeat(20_000))).toBe(false);
  });
});
