/**
 * Proposals that change no policy the auditor could check: the principal's policies are unknown (the
 * plan's statements as a new policy, unchecked), or an explicit Deny blocks the call (nothing added).
 */
import type { PolicyDocument, Proposal } from '../../denial/types';
import type { StatementRef } from '../iam/evaluator';
import type { NamedPolicy, PrincipalPolicies } from '../ports';
import type { Check, GrantPlan } from './grant-plan';
import { isSsoPrincipal, principalArnOf, type ProposeContext } from './propose-context';
import { newPolicyName, renderings, targetKind, targetName, VERSION, type EditMode } from './edit-target';
import { lastPathSegment } from '../../aws/arn';

export function streamNote(plan: GrantPlan): string[] {
  return plan.actions.length === 2 && plan.actions.includes('bedrock:InvokeModelWithResponseStream')
    ? [
        'The call streamed, so the grant covers bedrock:InvokeModelWithResponseStream and its non-streaming twin bedrock:InvokeModel (Converse and ConverseStream are authorized by the same two actions).',
      ]
    : [];
}

/** Proposal when the principal's policies are unknown: the statements as a new policy, unchecked. */
export function proposeBlind(ctx: ProposeContext, plan: GrantPlan, mode: EditMode, extraNotes: string[]): Proposal {
  if (plan.statements.length === 0) {
    const tName = targetName(mode, ctx, null);
    return {
      target: { kind: targetKind(mode), ...(tName ? { name: tName } : {}) },
      statements: [],
      validated: 'not-validated',
      notes: [...extraNotes, ...plan.notes, 'Nothing is proposed, and the current policies were not available to check.'],
    };
  }
  const name = newPolicyName(plan, ctx.denial.action);
  const document: PolicyDocument = { Version: VERSION, Statement: plan.statements };
  const notes = [...extraNotes, ...plan.notes, ...streamNote(plan)];
  const policyArn = ctx.denial.reason.policyArn;
  let policy: NamedPolicy = { kind: 'inline', name, document };
  if (mode === 'boundary') {
    policy = { kind: 'managed', name: (policyArn ? lastPathSegment(policyArn) : name), ...(policyArn ? { arn: policyArn } : {}), document };
    notes.push('create-policy-version replaces the whole boundary document: merge these statements into its current version first.');
  }
  if (mode === 'sso') {
    notes.push('put-inline-policy-to-permission-set replaces the whole inline policy: merge these statements into the permission set\'s current inline policy first.');
  }
  notes.push('Not checked against current policies: they were not available (no snapshot entry and no IAM read), so the statements are given as a new policy.');
  const r = renderings(mode, policy, null, ctx, null, mode === 'identity');
  // A command would overwrite the current permission set or boundary with these statements alone.
  if (mode !== 'identity') delete r.cli;
  return {
    target: {
      kind: targetKind(mode),
      ...(targetName(mode, ctx, null) ? { name: targetName(mode, ctx, null) } : {}),
      ...(mode === 'boundary' && policyArn ? { policyArn } : {}),
    },
    statements: plan.statements,
    ...r,
    validated: 'not-validated',
    notes,
  };
}

/** Proposal when a Deny statement blocks a needed evaluation: no Allow can win, so nothing is added. */
export function proposeForDeny(
  ctx: ProposeContext,
  deny: StatementRef,
  check: Check,
  policies: PrincipalPolicies,
  extraNotes: string[],
): Proposal {
  const mode: EditMode = deny.layer === 'permissions-boundary' ? 'boundary' : isSsoPrincipal(ctx.denial.principal) ? 'sso' : 'identity';
  const where =
    deny.layer === 'permissions-boundary'
      ? `permissions boundary ${deny.policy}`
      : `${deny.policyKind ?? 'identity'} policy ${deny.policy}${deny.viaGroup ? ` of group ${deny.viaGroup}` : ''}`;
  const principalArn = principalArnOf(ctx.denial.principal);
  return {
    target: {
      kind: targetKind(mode),
      ...(targetName(mode, ctx, policies) ? { name: targetName(mode, ctx, policies) } : {}),
      policyName: deny.policy,
      ...(deny.policyArn ? { policyArn: deny.policyArn } : {}),
    },
    statements: [],
    validated: 'simulated-deny',
    notes: [
      ...extraNotes,
      `Statement ${deny.sid ?? `#${deny.index}`} of ${where} explicitly denies ${check.label}, and no Allow can override an explicit deny, so no Allow is proposed.`,
      `To allow the call, that Deny must change: remove ${check.request.action} from its actions, exclude ${check.request.resource ?? 'the resource'} from its resources, or add a condition that exempts this principal${principalArn ? ` (for example aws:PrincipalArn ${principalArn})` : ''}; whoever owns that policy must decide.`,
    ],
  };
}
