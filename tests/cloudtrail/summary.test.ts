import { decodeRecord } from '../../lib/cloudtrail/decode';
import { describePrincipal, describeResource } from '../../lib/cloudtrail/summary';
import type { Principal } from '../../lib/denial/types';

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:sts::${ACCOUNT}:assumed-role/app/s`;

function summaryOf(fields: Record<string, unknown>): string {
  const out = decodeRecord({
    eventID: 'e',
    eventSource: 'ec2.amazonaws.com',
    eventName: 'RunInstances',
    awsRegion: 'us-east-1',
    errorCode: 'Client.UnauthorizedOperation',
    userIdentity: {
      type: 'AssumedRole',
      arn: ROLE,
      accountId: ACCOUNT,
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/app`, userName: 'app' } },
    },
    ...fields,
  });
  if (out.kind !== 'denial') throw new Error(`expected a denial: ${JSON.stringify(out)}`);
  return out.denial.reason.summary;
}

describe('reason.summary', () => {
  it.each([
    [
      'encoded only',
      { errorMessage: 'You are not authorized to perform this operation. Encoded authorization failure message: abc' },
      /^Role app was denied ec2:RunInstances; the reason is in an encoded authorization failure message, which `aws sts decode-authorization-message --encoded-message <message>` \(sts:DecodeAuthorizationMessage\) decodes\.$/,
    ],
    [
      'encoded blob cut by CloudTrail',
      { errorMessage: 'You are not authorized to perform this operation. Encoded authorization failure message: abc...' },
      /CloudTrail cut, so decode the full one from the caller's error .*sts:DecodeAuthorizationMessage/,
    ],
    [
      'enhanced EC2 message with an encoded suffix names the layer first',
      {
        errorMessage: `You are not authorized to perform this operation. User: ${ROLE} is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1:${ACCOUNT}:instance/* because no identity-based policy allows the ec2:RunInstances action. Encoded authorization failure message: abc`,
      },
      /^No identity-based policy attached to role app allows ec2:RunInstances on arn:aws:ec2:us-east-1:111122223333:instance\/\*; .*sts:DecodeAuthorizationMessage.*\.$/,
    ],
    [
      'explicit deny with policy ARN',
      {
        errorMessage: `User: ${ROLE} is not authorized to perform: ec2:RunInstances with an explicit deny in a service control policy: arn:aws:organizations::1:policy/o-1/service_control_policy/p-1`,
      },
      /^An explicit deny in a service control policy \(arn:aws:organizations::1:policy\/o-1\/service_control_policy\/p-1\) blocks ec2:RunInstances for role app\.$/,
    ],
    [
      'explicit deny without a type',
      { errorMessage: `User: ${ROLE} is not authorized to perform: ec2:RunInstances on resource: * with an explicit deny` },
      /^An explicit deny blocks ec2:RunInstances for role app on any resource \(\*\); the message does not say which policy\.$/,
    ],
    [
      'implicit SCP',
      { errorMessage: `User: ${ROLE} is not authorized to perform: ec2:RunInstances because no service control policy allows the ec2:RunInstances action` },
      /^No service control policy allows ec2:RunInstances for role app\.$/,
    ],
    [
      'truncated before the reason',
      { errorMessage: `User: ${ROLE} is not authorized to perform: ec2:RunInstances because no serv...` },
      /CloudTrail cut the message before it said which policy denied the call\.$/,
    ],
    [
      'AssumeRole without because clause points at both policies',
      {
        eventSource: 'sts.amazonaws.com',
        eventName: 'AssumeRole',
        errorCode: 'AccessDenied',
        errorMessage: `User: ${ROLE} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCOUNT}:role/t`,
      },
      /trust policy/,
    ],
    [
      'S3 generic message mentions why S3 is terse',
      {
        eventSource: 's3.amazonaws.com',
        eventName: 'GetObject',
        errorCode: 'AccessDenied',
        errorMessage: 'Access Denied',
        requestParameters: { bucketName: 'b', key: 'k' },
      },
      /^Role app was denied s3:GetObject on arn:aws:s3:::b\/k; .*cross-account/,
    ],
    [
      'S3 Block Public Access',
      {
        eventSource: 's3.amazonaws.com',
        eventName: 'PutObjectAcl',
        errorCode: 'AccessDenied',
        errorMessage: `User: ${ROLE} is not authorized to perform: s3:PutObjectAcl on resource: "arn:aws:s3:::b/k" because public ACLs are prevented by the BlockPublicAcls setting in S3 Block Public Access.`,
      },
      /^The S3 Block Public Access \(BlockPublicAcls\) blocks s3:PutObjectAcl for role app on arn:aws:s3:::b\/k\.$/,
    ],
    [
      'Cost Explorer access not activated',
      { eventSource: 'ce.amazonaws.com', eventName: 'GetCostAndUsage', errorCode: 'AccessDenied', errorMessage: 'IAM user access not activated' },
      /billing data is not activated/,
    ],
  ])('%s', (_name, fields, expected) => expect(summaryOf(fields)).toMatch(expected));

  it('a marketplace message outside Bedrock is an ordinary identity-policy denial', () => {
    const out = decodeRecord({
      eventSource: 'aws-marketplace.amazonaws.com',
      eventName: 'Subscribe',
      errorCode: 'AccessDenied',
      errorMessage: `User: ${ROLE} is not authorized to perform: aws-marketplace:Subscribe on resource: * because no identity-based policy allows the aws-marketplace:Subscribe action`,
      userIdentity: { type: 'AssumedRole', arn: ROLE },
    });
    expect(out.kind === 'denial' && out.denial.reason.layer).toBe('identity');
  });
});

describe('describePrincipal', () => {
  const p = (fields: Partial<Principal>): Principal => ({ type: 'AssumedRole', arn: null, accountId: ACCOUNT, managedBy: 'iam', ...fields });
  it.each([
    [p({ managedBy: 'sso', permissionSetName: 'Dev', roleName: 'AWSReservedSSO_Dev_1' }), 'permission set Dev (role AWSReservedSSO_Dev_1)'],
    [p({ managedBy: 'service-linked', roleName: 'AWSServiceRoleForX' }), 'service-linked role AWSServiceRoleForX'],
    [p({ roleName: 'app' }), 'role app'],
    [p({ type: 'Root', managedBy: 'root' }), 'the root user of account 111122223333'],
    [p({ type: 'FederatedUser', managedBy: 'federated', sessionName: 'Bob' }), 'federated user Bob'],
    [p({ type: 'IAMUser', userName: 'u' }), 'user u'],
    [p({ type: 'AWSService', managedBy: 'aws-service', invokedBy: 'config.amazonaws.com' }), 'AWS service config.amazonaws.com'],
    [p({ type: 'AWSAccount', managedBy: 'unknown' }), 'a principal of account 111122223333'],
    [p({ type: 'Unknown', managedBy: 'unknown', accountId: null }), 'an unidentified principal'],
  ])('%#', (principal, words) => expect(describePrincipal(principal)).toBe(words));
});

describe('describeResource', () => {
  it.each([
    ['arn:aws:bedrock:us-east-2::foundation-model/m.x', 'the foundation model m.x in us-east-2'],
    ['arn:aws:bedrock:::foundation-model/m.x', 'the global foundation model m.x (region "unspecified")'],
    ['arn:aws:bedrock:us-east-1:1:inference-profile/us.m.x', 'the inference profile us.m.x in us-east-1'],
    ['arn:aws:bedrock:us-east-1:1:application-inference-profile/abc', 'the application inference profile abc in us-east-1'],
    ['arn:aws:s3:::b', 'arn:aws:s3:::b'],
    [null, null],
  ])('%s', (resource, words) => expect(describeResource(resource, 'us-east-1')).toBe(words));
});
