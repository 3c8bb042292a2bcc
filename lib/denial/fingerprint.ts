import { hash } from 'node:crypto';
import type { Denial } from './types';
import { parseArn } from '../aws/arn';
import { StringCache } from '../aws/string-cache';

/** What a fingerprint is computed from: the parts of a denial that identify the problem. */
export type FingerprintParts = Pick<Denial, 'accountId' | 'principal' | 'action' | 'resource' | 'reason'>;

/**
 * The principal as a stable key. Roles: account + role name (role names are unique in an account
 * whatever their path, and this works when only the STS ARN is known); session names, which change on
 * every assumption, are left out. Users: account + user name. Root: the account. Others: their type,
 * account and the stable identifier the record gives.
 */
export function principalKey(parts: FingerprintParts): string {
  const p = parts.principal;
  const account = p.accountId ?? parts.accountId ?? '';
  if (p.roleName) return `role:${account}:${p.roleName}`;
  if (p.type === 'IAMUser' && p.userName) return `user:${account}:${p.userName}`;
  if (p.managedBy === 'root') return `root:${account}`;
  if (p.type === 'AWSService') return `service:${p.invokedBy ?? ''}`;
  if (p.identityCenterUserId) return `idc:${p.identityCenterUserId}`;
  return `${p.type}:${account}:${p.arn ?? ''}`;
}

/**
 * The resource class: what stays the same when the same problem repeats.
 * - Bedrock model resources lose their region (cross-Region inference sends one call to us-east-2 once
 *   and us-west-2 the next time: the same missing grant) and the account of profile ARNs; the resource
 *   type stays, since a denied profile and a denied foundation model need different fixes.
 * - S3 object ARNs collapse to `bucket/*` (every key is the same problem).
 * - Anything else is the ARN itself; no resource is `*`.
 */
export function resourceClass(resource: string | null): string {
  if (!resource) return '*';
  const arn = parseArn(resource);
  if (!arn) return resource;
  if (arn.service === 'bedrock' && /^(?:foundation-model|inference-profile|application-inference-profile)\//.test(arn.resource)) {
    return `bedrock:${arn.resource}`;
  }
  if (arn.service === 's3' && !arn.region && !arn.account) {
    const slash = arn.resource.indexOf('/');
    return slash >= 0 ? `arn:${arn.partition}:s3:::${arn.resource.slice(0, slash)}/*` : resource;
  }
  return resource;
}

/**
 * A 16-hex-character fingerprint, stable across repeats of the same problem and different otherwise:
 * sha256 over the principal key ({@link principalKey}), the action (case-insensitive, as IAM compares
 * actions), the resource class ({@link resourceClass}), and the reason's layer, explicitness, denying
 * policy ARN and model-access issue. Call region, time, session, authorization ID and message wording
 * are deliberately left out.
 */
export function fingerprintOf(parts: FingerprintParts): string {
  const key = [
    principalKey(parts),
    parts.action.toLowerCase(),
    resourceClass(parts.resource),
    parts.reason.layer,
    parts.reason.explicit ? 'explicit' : 'implicit',
    parts.reason.policyArn ?? '',
    parts.reason.modelAccessIssue ?? '',
  ].join('\n');
  return fingerprints.get(key);
}

/** The same problem repeats (a storm is one fingerprint): each key is hashed once (bounded). */
const fingerprints = new StringCache<string>(4096, (key) => hash('sha256', key, 'hex').slice(0, 16));
