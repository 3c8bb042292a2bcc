import { decodePrincipal, identityFromArn, maskAccessKeyId, permissionSetNameOf } from '../../lib/cloudtrail/principal';
import type { Principal } from '../../lib/denial/types';

const ACCOUNT = '111122223333';

interface Case {
  name: string;
  userIdentity: unknown;
  messagePrincipal?: string;
  expected: Partial<Principal>;
}

const roleIdentity = (roleArn: string, session: string, extra: Record<string, unknown> = {}) => {
  const name = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE:${session}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/${session}`,
    accountId: ACCOUNT,
    accessKeyId: 'ASIAEXAMPLEKEY123456',
    sessionContext: { sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: roleArn, accountId: ACCOUNT, userName: name }, ...extra },
  };
};

const cases: Case[] = [
  {
    name: 'assumed role: roleArn with path from sessionIssuer, session name from the STS ARN',
    userIdentity: roleIdentity(`arn:aws:iam::${ACCOUNT}:role/service-role/agent-role`, 'BedrockAgents-1'),
    expected: {
      type: 'AssumedRole',
      roleName: 'agent-role',
      roleArn: `arn:aws:iam::${ACCOUNT}:role/service-role/agent-role`,
      sessionName: 'BedrockAgents-1',
      managedBy: 'iam',
      accessKeyId: 'ASIA…3456',
    },
  },
  {
    name: 'Identity Center role (with region segment), permission set with underscores',
    userIdentity: roleIdentity(
      `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Data_Science_Admin_0123456789abcdef`,
      'bob@example.com',
    ),
    expected: {
      managedBy: 'sso',
      permissionSetName: 'Data_Science_Admin',
      roleName: 'AWSReservedSSO_Data_Science_Admin_0123456789abcdef',
      sessionName: 'bob@example.com',
    },
  },
  {
    name: 'Identity Center role from an older instance (no region segment)',
    userIdentity: roleIdentity(`arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReadOnly_fedcba9876543210`, 'carol'),
    expected: { managedBy: 'sso', permissionSetName: 'ReadOnly' },
  },
  {
    name: 'service-linked role',
    userIdentity: roleIdentity(`arn:aws:iam::${ACCOUNT}:role/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk`, 'eb'),
    expected: { managedBy: 'service-linked', roleName: 'AWSServiceRoleForElasticBeanstalk' },
  },
  {
    name: 'web identity session',
    userIdentity: roleIdentity(`arn:aws:iam::${ACCOUNT}:role/github-deploy`, 'gha-123', {
      webIdFederationData: { federatedProvider: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`, attributes: {} },
    }),
    expected: {
      managedBy: 'federated',
      identityProvider: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/github-deploy`,
    },
  },
  {
    name: 'IAM user with access key',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLE',
      arn: `arn:aws:iam::${ACCOUNT}:user/ops/data-pipeline`,
      accountId: ACCOUNT,
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      userName: 'data-pipeline',
    },
    expected: { type: 'IAMUser', userName: 'data-pipeline', managedBy: 'iam', accessKeyId: 'AKIA…MPLE' },
  },
  {
    name: 'IAM user without userName takes it from the ARN',
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/path/alice`, accountId: ACCOUNT },
    expected: { userName: 'alice', managedBy: 'iam' },
  },
  {
    name: 'root',
    userIdentity: { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT },
    expected: { type: 'Root', managedBy: 'root', accountId: ACCOUNT },
  },
  {
    name: 'federated user (GetFederationToken)',
    userIdentity: {
      type: 'FederatedUser',
      arn: `arn:aws:sts::${ACCOUNT}:federated-user/Bob`,
      accountId: ACCOUNT,
      sessionContext: { sessionIssuer: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/broker`, userName: 'broker' } },
    },
    expected: { managedBy: 'federated', sessionName: 'Bob', userName: 'broker', roleName: undefined },
  },
  {
    name: 'SAML user (AssumeRoleWithSAML)',
    userIdentity: {
      type: 'SAMLUser',
      principalId: 'SAMLPRINCIPAL',
      userName: 'dave@example.com',
      identityProvider: 'arn:aws:iam::111122223333:saml-provider/Okta',
    },
    expected: { managedBy: 'federated', userName: 'dave@example.com', identityProvider: 'arn:aws:iam::111122223333:saml-provider/Okta', arn: null },
  },
  {
    name: 'web identity user (AssumeRoleWithWebIdentity)',
    userIdentity: { type: 'WebIdentityUser', principalId: 'accounts.google.com:123', userName: '123', identityProvider: 'accounts.google.com' },
    expected: { managedBy: 'federated', identityProvider: 'accounts.google.com' },
  },
  {
    name: 'AWS service',
    userIdentity: { type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' },
    expected: { type: 'AWSService', managedBy: 'aws-service', invokedBy: 'cloudtrail.amazonaws.com', arn: null },
  },
  {
    name: 'AWS account (cross-account), principal from the message',
    userIdentity: { type: 'AWSAccount', principalId: 'AROAOTHER:sess', accountId: '444455556666' },
    messagePrincipal: 'arn:aws:sts::444455556666:assumed-role/Partner/sess',
    expected: { type: 'AWSAccount', arn: 'arn:aws:sts::444455556666:assumed-role/Partner/sess', roleName: 'Partner', sessionName: 'sess', managedBy: 'iam' },
  },
  {
    name: 'Identity Center user',
    userIdentity: {
      type: 'IdentityCenterUser',
      accountId: ACCOUNT,
      onBehalfOf: { userId: '9067-abcd', identityStoreArn: 'arn:aws:identitystore::111122223333:identitystore/d-1234567890' },
      credentialId: 'x',
    },
    expected: { managedBy: 'sso', identityCenterUserId: '9067-abcd', identityProvider: 'arn:aws:identitystore::111122223333:identitystore/d-1234567890' },
  },
  {
    name: 'unknown type',
    userIdentity: { type: 'Brand-New-Type', accountId: ACCOUNT },
    expected: { type: 'Brand-New-Type', managedBy: 'unknown', arn: null },
  },
  {
    name: 'missing userIdentity, SSO role named by the message',
    userIdentity: undefined,
    messagePrincipal: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Dev_0123456789abcdef/user@example.com`,
    expected: {
      type: 'AssumedRole',
      managedBy: 'sso',
      permissionSetName: 'Dev',
      roleName: 'AWSReservedSSO_Dev_0123456789abcdef',
      accountId: ACCOUNT,
      roleArn: undefined,
    },
  },
  {
    name: 'message naming a different principal is kept as messageArn',
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/a`, accountId: ACCOUNT, userName: 'a' },
    messagePrincipal: `arn:aws:iam::${ACCOUNT}:user/b`,
    expected: { arn: `arn:aws:iam::${ACCOUNT}:user/a`, userName: 'a', messageArn: `arn:aws:iam::${ACCOUNT}:user/b` },
  },
  {
    name: 'GovCloud role keeps its partition',
    userIdentity: roleIdentity('arn:aws-us-gov:iam::111122223333:role/gov-app', 's'),
    expected: { roleArn: 'arn:aws-us-gov:iam::111122223333:role/gov-app', managedBy: 'iam' },
  },
  { name: 'garbage userIdentity', userIdentity: 'not an object', expected: { type: 'Unknown', arn: null, accountId: null, managedBy: 'unknown' } },
  {
    name: 'wrong field types',
    userIdentity: { type: 42, arn: ['x'], sessionContext: 'nope', accessKeyId: 7 },
    expected: { type: 'Unknown', arn: null, accessKeyId: undefined },
  },
];

const SAML = { type: 'SAMLUser', principalId: 'SAMLPRINCIPAL', userName: 'dave@example.com', identityProvider: `arn:aws:iam::${ACCOUNT}:saml-provider/Okta` };
const WEB = { type: 'WebIdentityUser', principalId: 'accounts.google.com:123', userName: '123', identityProvider: 'accounts.google.com' };
const IDC = {
  type: 'IdentityCenterUser',
  accountId: ACCOUNT,
  onBehalfOf: { userId: '9067-abcd', identityStoreArn: `arn:aws:identitystore::${ACCOUNT}:identitystore/d-1234567890` },
};
const ASSUMED = (role: string) => `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/session-1`;
const SSO_ROLE = 'AWSReservedSSO_Dev_0123456789abcdef';

/** The identity type decides who manages a principal, even when an ARN names the role it assumed. */
const typeDecides: Case[] = [
  {
    name: 'SAMLUser, message names an assumed role',
    userIdentity: SAML,
    messagePrincipal: ASSUMED('SamlAdmin'),
    expected: { managedBy: 'federated', roleName: 'SamlAdmin', identityProvider: SAML.identityProvider },
  },
  {
    name: 'SAMLUser, its own arn names an assumed role',
    userIdentity: { ...SAML, arn: ASSUMED('SamlAdmin') },
    expected: { managedBy: 'federated', roleName: 'SamlAdmin' },
  },
  {
    name: 'WebIdentityUser, message names an assumed role',
    userIdentity: WEB,
    messagePrincipal: ASSUMED('github-deploy'),
    expected: { managedBy: 'federated', roleName: 'github-deploy', identityProvider: 'accounts.google.com' },
  },
  {
    name: 'WebIdentityUser, its own arn names an assumed role',
    userIdentity: { ...WEB, arn: ASSUMED('github-deploy') },
    expected: { managedBy: 'federated', roleName: 'github-deploy' },
  },
  {
    name: 'IdentityCenterUser, message names an assumed role',
    userIdentity: IDC,
    messagePrincipal: ASSUMED('app-role'),
    expected: { managedBy: 'sso', roleName: 'app-role', identityCenterUserId: '9067-abcd' },
  },
  {
    name: 'IdentityCenterUser, message names a reserved SSO role',
    userIdentity: IDC,
    messagePrincipal: ASSUMED(SSO_ROLE),
    expected: { managedBy: 'sso', permissionSetName: 'Dev' },
  },
  {
    name: 'SAMLUser into a reserved SSO role: Identity Center federates there, the permission set is the fix',
    userIdentity: SAML,
    messagePrincipal: ASSUMED(SSO_ROLE),
    expected: { managedBy: 'sso', permissionSetName: 'Dev' },
  },
  {
    name: 'AssumedRole with web identity data but no session issuer',
    userIdentity: {
      type: 'AssumedRole',
      arn: ASSUMED('github-deploy'),
      accountId: ACCOUNT,
      sessionContext: { webIdFederationData: { federatedProvider: 'token.actions.githubusercontent.com' } },
    },
    expected: { managedBy: 'federated', roleName: 'github-deploy', identityProvider: 'token.actions.githubusercontent.com' },
  },
  {
    name: 'AWSAccount caller: the role still decides',
    userIdentity: { type: 'AWSAccount', accountId: '444455556666' },
    messagePrincipal: `arn:aws:sts::444455556666:assumed-role/${SSO_ROLE}/s`,
    expected: { managedBy: 'sso', permissionSetName: 'Dev' },
  },
];

describe('decodePrincipal: the identity type decides managedBy', () => {
  it.each(typeDecides)('$name', ({ userIdentity, messagePrincipal, expected }) => {
    const p = decodePrincipal(userIdentity, messagePrincipal);
    for (const [key, value] of Object.entries(expected)) expect([key, p[key as keyof Principal]]).toEqual([key, value]);
  });
});

describe('decodePrincipal', () => {
  it.each(cases)('$name', ({ userIdentity, messagePrincipal, expected }) => {
    const p = decodePrincipal(userIdentity, messagePrincipal);
    for (const [key, value] of Object.entries(expected)) expect([key, p[key as keyof Principal]]).toEqual([key, value]);
  });

  it('never exposes the full access key', () => {
    const p = decodePrincipal({ type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/u`, accessKeyId: 'AKIAIOSFODNN7EXAMPLE' });
    expect(JSON.stringify(p)).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });
});

describe('helpers', () => {
  it.each([
    ['AKIAIOSFODNN7EXAMPLE', 'AKIA…MPLE'],
    ['short', '…'],
  ])('maskAccessKeyId(%s) = %s', (id, masked) => expect(maskAccessKeyId(id)).toBe(masked));

  it.each([
    ['AWSReservedSSO_ClaudeAccess_0a1b2c3d4e5f6789', 'ClaudeAccess'],
    ['AWSReservedSSO_My_Set_Name_0a1b2c3d4e5f6789', 'My_Set_Name'],
    ['AWSReservedSSO_NoSuffix', undefined],
    ['SomeRole', undefined],
  ])('permissionSetNameOf(%s) = %s', (name, set) => expect(permissionSetNameOf(name)).toBe(set));

  it.each([
    ['arn:aws:iam::1:role/a/b/Name', { kind: 'role', name: 'Name', path: '/a/b/' }],
    ['arn:aws:iam::1:role/Name', { kind: 'role', name: 'Name', path: '/' }],
    ['arn:aws:sts::1:assumed-role/R/s', { kind: 'assumed-role', name: 'R', sessionName: 's' }],
    ['arn:aws:iam::1:root', { kind: 'root' }],
    ['arn:aws:s3:::bucket', { kind: 'other' }],
  ])('identityFromArn(%s)', (arn, expected) => expect(identityFromArn(arn)).toMatchObject(expected));

  it('identityFromArn rejects non-ARNs', () => expect(identityFromArn('nope')).toBeNull());
});
