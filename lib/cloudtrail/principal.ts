/**
 * Decodes CloudTrail `userIdentity` into the {@link Principal} of the denial contract.
 *
 * Roles are identified by `sessionContext.sessionIssuer.arn` (the IAM role ARN with its path): the STS
 * assumed-role ARN has no path and its session name changes per call. Who can fix a principal's
 * permissions (`managedBy`) follows from the role path: `/aws-reserved/sso.amazonaws.com/` roles belong
 * to IAM Identity Center, `/aws-service-role/` roles to an AWS service.
 */
import type { ManagedBy, Principal } from '../denial/types';
import { parseArn } from '../aws/arn';
import { obj, own, str } from '../aws/json';
import { looksRedacted } from './message-scan';

const SSO_PATH = '/aws-reserved/sso.amazonaws.com/';
const SERVICE_ROLE_PATH = '/aws-service-role/';
const SSO_ROLE_RE = /^AWSReservedSSO_(.+)_([^_]+)$/;

/** Masks an access key ID to its first and last four characters (`AKIA…MPLE`); short values are fully masked. */
export function maskAccessKeyId(id: string): string {
  if (id.length < 12) return '…';
  return `${id.slice(0, 4)}…${id.slice(-4)}`;
}

/** The permission set name of an Identity Center role `AWSReservedSSO_<name>_<suffix>` (the name may contain `_`). */
export function permissionSetNameOf(roleName: string): string | undefined {
  const m = SSO_ROLE_RE.exec(roleName);
  return m ? (m[1] as string) : undefined;
}

/** What an IAM ARN names, from its resource part (`role/path/Name`, `assumed-role/Name/session`, `user/Name`, `root`). */
export interface ArnIdentity {
  kind: 'role' | 'assumed-role' | 'user' | 'root' | 'federated-user' | 'other';
  accountId: string | null;
  /** Role or user name (last path segment). */
  name?: string;
  /** The path including leading and trailing slashes (`/` when none), for roles and users. */
  path?: string;
  sessionName?: string;
}

/** Reads an IAM or STS principal ARN; null when the text is not an ARN. */
export function identityFromArn(arnText: string | null | undefined): ArnIdentity | null {
  const arn = parseArn(arnText);
  if (!arn) return null;
  const accountId = arn.account || null;
  const res = arn.resource;
  if (arn.service === 'sts' && res.startsWith('assumed-role/')) {
    const slash = res.indexOf('/', 13);
    const name = slash < 0 ? res.slice(13) : res.slice(13, slash);
    const sessionName = slash < 0 ? '' : res.slice(slash + 1);
    return { kind: 'assumed-role', accountId, name: name || undefined, sessionName: sessionName || undefined };
  }
  if (arn.service === 'sts' && res.startsWith('federated-user/')) {
    return { kind: 'federated-user', accountId, sessionName: res.slice('federated-user/'.length) || undefined };
  }
  if (arn.service === 'iam' && res === 'root') return { kind: 'root', accountId };
  if (arn.service === 'iam' && (res.startsWith('role/') || res.startsWith('user/'))) {
    const kind = res.startsWith('role/') ? 'role' : 'user';
    const rest = res.slice(5);
    const slash = rest.lastIndexOf('/');
    const name = slash >= 0 ? rest.slice(slash + 1) : rest;
    const path = slash >= 0 ? `/${rest.slice(0, slash + 1)}` : '/';
    return { kind, accountId, name: name || undefined, path };
  }
  return { kind: 'other', accountId };
}

function managedByForRole(roleArn: string | undefined, roleName: string | undefined): ManagedBy {
  if (roleArn?.includes(SSO_PATH)) return 'sso';
  if (roleArn?.includes(SERVICE_ROLE_PATH)) return 'service-linked';
  // Without a path (message-only decoding), the reserved name prefixes still identify these roles.
  if (!roleArn && roleName?.startsWith('AWSReservedSSO_')) return 'sso';
  if (!roleArn && roleName?.startsWith('AWSServiceRoleFor')) return 'service-linked';
  return 'iam';
}

/**
 * Who manages a principal that has a role, given what its identity type already decided: the type
 * wins (a SAML or web-identity session stays `federated` and an Identity Center user `sso` whatever
 * role it names), except that an Identity Center reserved role makes a federated session `sso`, since
 * Identity Center federates into those roles and only their permission set can change them.
 */
function managedByWithRole(byType: ManagedBy, byRole: ManagedBy): ManagedBy {
  if (byType === 'unknown') return byRole;
  if (byType === 'federated' && byRole === 'sso') return 'sso';
  return byType;
}

function withRole(p: Principal, roleName: string | undefined, roleArn: string | undefined): void {
  if (roleName) p.roleName = roleName;
  if (roleArn) p.roleArn = roleArn;
  p.managedBy = managedByWithRole(p.managedBy, managedByForRole(roleArn, roleName));
  const set = roleName ? permissionSetNameOf(roleName) : undefined;
  if (p.managedBy === 'sso' && set) p.permissionSetName = set;
}

/** Fills role/user fields from an STS or IAM ARN when `userIdentity` lacks them. */
function fillFromArn(p: Principal, arnText: string): void {
  const id = identityFromArn(arnText);
  if (!id) return;
  p.accountId ??= id.accountId;
  switch (id.kind) {
    case 'assumed-role':
      if (id.sessionName && !p.sessionName) p.sessionName = id.sessionName;
      if (!p.roleName) withRole(p, id.name, p.roleArn);
      break;
    case 'role':
      if (!p.roleName) withRole(p, id.name, arnText);
      break;
    case 'user':
      if (id.name && !p.userName) p.userName = id.name;
      if (p.managedBy === 'unknown') p.managedBy = 'iam';
      break;
    case 'root':
      p.managedBy = 'root';
      break;
    case 'federated-user':
      if (id.sessionName && !p.sessionName) p.sessionName = id.sessionName;
      p.managedBy = 'federated';
      break;
    default:
      break;
  }
}

/**
 * Decodes `userIdentity`. `messagePrincipal` is the principal named by the error message (`User: <arn>`):
 * structured fields win, the message fills what they lack, and when both name different ARNs the
 * message's is kept in `messageArn` so that nothing the message says is lost.
 */
export function decodePrincipal(userIdentity: unknown, messagePrincipal?: string): Principal {
  const type = str(userIdentity, 'type', 64) ?? 'Unknown';
  const arn = str(userIdentity, 'arn', 2048) ?? null;
  const p: Principal = { type, arn, accountId: str(userIdentity, 'accountId', 64) ?? null, managedBy: 'unknown' };

  const invokedBy = str(userIdentity, 'invokedBy', 256);
  if (invokedBy) p.invokedBy = invokedBy;
  const key = str(userIdentity, 'accessKeyId', 256);
  if (key) p.accessKeyId = maskAccessKeyId(key);
  const idcUser = str(obj(userIdentity, 'onBehalfOf'), 'userId', 256);
  if (idcUser) p.identityCenterUserId = idcUser;

  addIdentityTypeFacts(p, userIdentity);
  if (arn) fillFromArn(p, arn);
  // A redacted ARN (`arn:aws:sts::<ACCOUNT_ID>:...`) stays in the message as written; it is no ARN to merge.
  if (messagePrincipal && messagePrincipal.startsWith('arn:') && !looksRedacted(messagePrincipal)) mergeMessagePrincipal(p, messagePrincipal);
  if (p.managedBy === 'unknown' && p.roleName) p.managedBy = managedByForRole(p.roleArn, p.roleName);
  if (!p.accountId && typeof own(userIdentity, 'accountId') === 'number') p.accountId = String(own(userIdentity, 'accountId'));
  return p;
}

/** What each identity type adds: the role behind a session, the user, the identity provider, who manages it. */
function addIdentityTypeFacts(p: Principal, userIdentity: unknown): void {
  switch (p.type) {
    case 'AssumedRole':
      addAssumedRoleFacts(p, userIdentity);
      break;
    case 'IAMUser':
      p.userName = str(userIdentity, 'userName', 256) ?? identityFromArn(p.arn)?.name;
      p.managedBy = 'iam';
      break;
    case 'Root':
      p.managedBy = 'root';
      break;
    case 'FederatedUser': {
      p.managedBy = 'federated';
      // The issuing IAM user's policies bound a federated session: keep its name for the fix.
      const issuerName = str(obj(obj(userIdentity, 'sessionContext'), 'sessionIssuer'), 'userName', 256);
      if (issuerName) p.userName = issuerName;
      break;
    }
    case 'WebIdentityUser':
    case 'SAMLUser': {
      p.managedBy = 'federated';
      const provider = str(userIdentity, 'identityProvider', 2048);
      if (provider) p.identityProvider = provider;
      const userName = str(userIdentity, 'userName', 1024);
      if (userName) p.userName = userName;
      break;
    }
    case 'AWSService':
      p.managedBy = 'aws-service';
      break;
    case 'IdentityCenterUser': {
      p.managedBy = 'sso';
      const store = str(obj(userIdentity, 'onBehalfOf'), 'identityStoreArn', 2048);
      if (store) p.identityProvider = store;
      break;
    }
    default:
      break;
  }
}

/** An assumed-role session: the role from the session issuer, and the web identity provider when federated. */
function addAssumedRoleFacts(p: Principal, userIdentity: unknown): void {
  const session = obj(userIdentity, 'sessionContext');
  const issuer = obj(session, 'sessionIssuer');
  const issuerType = str(issuer, 'type', 64);
  const issuerArn = str(issuer, 'arn', 2048);
  if (issuerType === 'Role' || issuerArn?.includes(':role/')) {
    const id = identityFromArn(issuerArn);
    withRole(p, str(issuer, 'userName', 256) ?? id?.name, issuerArn);
  }
  const webIdProvider = str(obj(session, 'webIdFederationData'), 'federatedProvider', 2048);
  if (webIdProvider) {
    p.identityProvider = webIdProvider;
    // Before or without the issuer, a web-identity session is federated (an issuer-less record gets its role from the ARN later).
    if (p.managedBy === 'iam' || p.managedBy === 'unknown') p.managedBy = 'federated';
  }
}

/** The message's principal ARN fills a record without one; a different one is kept as `messageArn`. */
function mergeMessagePrincipal(p: Principal, messageArn: string): void {
  if (!p.arn) {
    p.arn = messageArn;
    if (p.type === 'Unknown') p.type = typeFromArn(messageArn);
    fillFromArn(p, messageArn);
  } else if (p.arn !== messageArn) {
    p.messageArn = messageArn;
  }
}

function typeFromArn(arnText: string): string {
  switch (identityFromArn(arnText)?.kind) {
    case 'assumed-role':
      return 'AssumedRole';
    case 'user':
      return 'IAMUser';
    case 'root':
      return 'Root';
    case 'federated-user':
      return 'FederatedUser';
    default:
      return 'Unknown';
  }
}
