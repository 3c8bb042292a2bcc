/**
 * Denials that no policy edit of the customer's can fix, because AWS owns the other side: the answer is
 * to say so, not to propose a grant that changes nothing (or changes the wrong thing).
 */
import type { Denial, Proposal } from '../../denial/types';
import { parseArn } from '../../aws/arn';
import { normalizeAction } from './grant-plan';
import { appendNotes, note, noteFields } from './notes';

/** An AWS managed KMS key, by the alias ARN the decoder built from the call (`keyId: alias/aws/s3`) or the message. */
function awsManagedKeyAlias(denial: Denial): string | undefined {
  const arn = parseArn(denial.resource);
  return arn?.service === 'kms' && arn.resource.startsWith('alias/aws/') ? arn.resource : undefined;
}

/**
 * The proposal for a denial AWS-side rules explain, or null:
 * - `sts:GetCallerIdentity` needs no permission (an explicit Deny cannot block it), so a "denial" of it
 *   is something else (expired or invalid credentials, an SCP on STS in a disabled region);
 * - an AWS managed KMS key (`alias/aws/*`) has a key policy nobody can change: it is usable only
 *   through the AWS service that created it, in its own account; cross-account or direct use needs a
 *   customer managed key.
 */
export function awsSideAnswer(denial: Denial): Proposal | null {
  const action = normalizeAction(denial.action).toLowerCase();
  if (action === 'sts:getcalleridentity') {
    return {
      target: { kind: 'none' },
      statements: [],
      validated: 'not-validated',
      ...noteFields([note('no-permission-needed', { action: 'sts:GetCallerIdentity' })]),
    };
  }
  const alias = action.startsWith('kms:') ? awsManagedKeyAlias(denial) : undefined;
  if (alias) {
    return { target: { kind: 'none' }, statements: [], validated: 'not-validated', ...noteFields([note('aws-managed-kms-key', { alias })]) };
  }
  return null;
}

/** Identity-side targets: a change there cannot open another account's resource on its own. */
const IDENTITY_SIDE = new Set<Proposal['target']['kind']>(['identity-policy', 'sso-permission-set', 'permissions-boundary']);

/**
 * A call on a resource in another account needs that resource's own policy (a bucket, key, secret,
 * queue, topic or function policy) to allow it too, and access-auditor does not read those: an
 * identity-side fix is then never called validated, and the note names the account that must act.
 * (Role trust, the other two-sided case, is read and evaluated: see both-sides.ts.)
 */
export function withResourceSide(proposal: Proposal, denial: Denial, principalAccount: string | null): Proposal {
  const owner = parseArn(denial.resource)?.account;
  if (proposal.validated !== 'simulated-allow' || !IDENTITY_SIDE.has(proposal.target.kind)) return proposal;
  if (!owner || !/^\d{12}$/.test(owner) || !principalAccount || owner === principalAccount) return proposal;
  return appendNotes({ ...proposal, validated: 'not-validated' }, [note('resource-policy-side-unread', { resource: denial.resource ?? '', account: owner })]);
}
