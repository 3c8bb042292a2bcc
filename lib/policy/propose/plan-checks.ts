/**
 * The building blocks of a grant plan: the actions a call needs, and the evaluation requests (checks
 * and neighbours) the plans are made of.
 */
import { siblingActions } from '../catalog/action-catalog';
import { isInvokeAction, neighbourModelId, STREAM_EVENT_NAMES } from '../catalog/bedrock-arns';
import { sameProviderNeighbour } from '../catalog/model-ids';
import type { EvaluationRequest } from '../iam/evaluator';
import type { Denial } from '../../denial/types';
import { actionService } from '../../aws/action';
import type { Check, PlanContext } from './grant-plan';
import { actionPrefixOf } from '../../aws/action';

/** `SNS:Publish` → `sns:Publish`: IAM action prefixes are case-insensitive, lower case is the norm. */
export function normalizeAction(action: string): string {
  const i = action.indexOf(':');
  if (i < 0) return action;
  const service = action.slice(0, i).toLowerCase();
  const name = action.slice(i + 1);
  if (service === 'bedrock') {
    const known = ['InvokeModel', 'InvokeModelWithResponseStream', 'CallWithBearerToken'].find((n) => n.toLowerCase() === name.toLowerCase());
    if (known) return `bedrock:${known}`;
  }
  return `${service}:${name}`;
}

/**
 * Actions to grant. A streaming call (InvokeModelWithResponseStream, ConverseStream) gets both
 * invoke actions: applications that stream nearly always also make plain calls to the same model,
 * and AWS's own inference policy grants the pair. A plain call gets only `bedrock:InvokeModel`.
 */
export function grantedActions(denial: Denial): string[] {
  const action = normalizeAction(denial.action);
  const stream = (STREAM_EVENT_NAMES as readonly string[]).includes(denial.eventName) || action === 'bedrock:InvokeModelWithResponseStream';
  if (isInvokeAction(action) && stream) return ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];
  return [action];
}

export function serviceOf(action: string): string {
  return actionService(action);
}

/**
 * One evaluation the call needs: the plan's own context keys (the region and Bedrock keys of each
 * destination) over what the record says of the request. With a record, a key is known to be absent
 * only when the record settles it or the plan models it: the plan's keys for this check, and, for
 * Bedrock, `bedrock:InferenceProfileArn`, which every Bedrock plan sets when the evaluation goes
 * through a profile (so it is absent on the others). Any other key, `bedrock:GuardrailIdentifier`
 * included, is unknown unless the record sets it, so a condition on it cannot make the verdict an allow.
 */
/** The Bedrock keys the plans model (lower case): present in a check's context, or known absent. */
const BEDROCK_PLAN_KEYS = new Set(['bedrock:inferenceprofilearn']);

export function request(ctx: PlanContext, action: string, resource: string | null, context: Record<string, string>): EvaluationRequest {
  const base = { action, resource, principalArn: ctx.principalArn, principalAccount: ctx.principalAccount };
  const recorded = ctx.recordContext;
  if (!recorded) return { ...base, context };
  const planned = new Set(Object.keys(context).map((k) => k.toLowerCase()));
  const modelsService = actionPrefixOf(action) === 'bedrock';
  return {
    ...base,
    context: { ...recorded.values, ...context },
    knowledge: {
      isAbsenceKnown: (key) =>
        recorded.determined.has(key) ||
        planned.has(key) ||
        (modelsService && BEDROCK_PLAN_KEYS.has(key)) ||
        (recorded.principalTagsKnown === true && key.startsWith('aws:principaltag/')),
    },
  };
}

export function forEachAction(actions: string[], make: (action: string) => Check[]): Check[] {
  return actions.flatMap(make);
}

export const uniq = (values: string[]) => [...new Set(values)];

/** Another provider's model, and a real model of the call's own provider but another family (what `anthropic.claude-*` would reach). */
export function otherModels(fmId: string): string[] {
  const same = sameProviderNeighbour(fmId);
  return uniq([neighbourModelId(fmId), ...(same ? [same] : [])]);
}

/** Real sibling actions on the same resource (catalog or the fixed Bedrock list): a grant must not newly allow them. */
export function siblingNeighbours(ctx: PlanContext, actions: string[], resource: string | null, context: Record<string, string>, what: string): Check[] {
  const granted = new Set(actions.map((a) => a.toLowerCase()));
  const siblings = uniq(actions.flatMap((a) => siblingActions(ctx.catalog, a))).filter((a) => !granted.has(a.toLowerCase()));
  const service = serviceOf(actions[0] ?? '');
  const name = service === 'bedrock' ? 'Bedrock' : service;
  return siblings.map((a) => ({ label: `another ${name} action (${a}) on ${what}`, request: request(ctx, a, resource, context) }));
}
