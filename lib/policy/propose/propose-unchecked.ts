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
import { note, noteFields, type ProposalNote } from './notes';

export function streamNote(plan: GrantPlan): ProposalNote[] {
  return plan.actions.length === 2 && plan.actions.includes('bedrock:InvokeModelWithResponseStream') ? [note('stream-pair')] : [];
}

/** Proposal when the principal's policies are unknown: the statements as a new policy, unchecked. */
export function proposeBlind(ctx: ProposeContext, plan: GrantPlan, mode: EditMode, extraNotes: ProposalNote[]): Proposal {
  if (plan.statements.length === 0) {
    const tName = targetName(mode, ctx, null);
    return {
      target: { kind: targetKind(mode), ...(tName ? { name: tName } : {}) },
      statements: [],
      validated: 'not-validated',
      ...noteFields([...extraNotes, ...plan.notes, note('nothing-proposed-unchecked')]),
    };
  }
  const name = newPolicyName(plan, ctx.denial.action);
  const document: PolicyDocument = { Version: VERSION, Statement: plan.statements };
  const notes = [...extraNotes, ...plan.notes, ...streamNote(plan)];
  const policyArn = ctx.denial.reason.policyArn;
  let policy: NamedPolicy = { kind: 'inline', name, document };
  if (mode === 'boundary') {
    policy = { kind: 'managed', name: policyArn ? lastPathSegment(policyArn) : name, ...(policyArn ? { arn: policyArn } : {}), document };
    notes.push(note('boundary-merge-first'));
  }
  if (mode === 'sso') {
    notes.push(note('permission-set-merge-first'));
  }
  notes.push(note('policies-unavailable-new-policy'));
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
    ...noteFields(notes),
  };
}

/** Proposal when a Deny statement blocks a needed evaluation: no Allow can win, so nothing is added. */
export function proposeForDeny(
  ctx: ProposeContext,
  deny: StatementRef,
  check: Check,
  policies: PrincipalPolicies,
  extraNotes: ProposalNote[],
  undetermined: string[] = [],
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
    // A Deny that applies only for some values of keys the record does not show: not a known deny.
    validated: undetermined.length > 0 ? 'unknown-context' : 'simulated-deny',
    ...noteFields([
      ...extraNotes,
      ...(undetermined.length > 0 ? [note('check-undetermined', { stage: 'current', check: check.label, keys: undetermined.join(', ') })] : []),
      note('explicit-deny-statement', { statement: deny.sid ?? `#${deny.index}`, policy: where, check: check.label }),
      note('explicit-deny-how-to-change', {
        action: check.request.action,
        resource: check.request.resource ?? undefined,
        principalArn: principalArn || undefined,
      }),
    ]),
  };
}
