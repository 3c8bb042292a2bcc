import { IAMClient, SimulatePrincipalPolicyCommand, type ContextEntry, type ContextKeyTypeEnum } from '@aws-sdk/client-iam';
import { PolicySourceError } from '../errors';
import type { PolicySimulator, SimulationDecision, SimulationRequest } from '../ports';

export interface IamPolicySimulatorOptions {
  client?: IAMClient;
}

/** Global condition keys whose type is not string (the simulator needs the type). */
const KEY_TYPES: Record<string, 'boolean' | 'numeric' | 'date' | 'ip'> = {
  'aws:securetransport': 'boolean',
  'aws:multifactorauthpresent': 'boolean',
  'aws:viaawsservice': 'boolean',
  'aws:principalisawsservice': 'boolean',
  'aws:multifactorauthage': 'numeric',
  'aws:epochtime': 'numeric',
  'aws:currenttime': 'date',
  'aws:tokenissuetime': 'date',
  'aws:sourceip': 'ip',
};

/** Request context as typed `ContextEntries`. */
export function contextEntries(context: Record<string, string | string[]>): ContextEntry[] {
  return Object.entries(context).map(([key, value]) => {
    const base = KEY_TYPES[key.toLowerCase()] ?? 'string';
    const values = Array.isArray(value) ? value : [value];
    const type = (Array.isArray(value) ? `${base}List` : base) as ContextKeyTypeEnum;
    return { ContextKeyName: key, ContextKeyValues: values, ContextKeyType: type };
  });
}

function decision(value: string | undefined): SimulationDecision {
  if (value === 'allowed' || value === 'explicitDeny' || value === 'implicitDeny') return value;
  return 'implicitDeny';
}

/**
 * `iam:SimulatePrincipalPolicy` with the proposed document as an extra policy (or as the
 * permissions boundary, which then replaces the live one): confirms (or not) the offline verdict
 * against the principal's live policies and SCPs.
 */
export class IamPolicySimulator implements PolicySimulator {
  private readonly client: IAMClient;

  constructor(options: IamPolicySimulatorOptions = {}) {
    this.client = options.client ?? new IAMClient({ maxAttempts: 5, retryMode: 'adaptive' });
  }

  async simulate(request: SimulationRequest): Promise<SimulationDecision> {
    let response;
    try {
      response = await this.client.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: request.policySourceArn,
          ...(request.extraPolicies.length ? { PolicyInputList: request.extraPolicies.map((d) => JSON.stringify(d)) } : {}),
          ...(request.permissionsBoundaryPolicies?.length
            ? { PermissionsBoundaryPolicyInputList: request.permissionsBoundaryPolicies.map((d) => JSON.stringify(d)) }
            : {}),
          ActionNames: [request.action],
          ...(request.resource ? { ResourceArns: [request.resource] } : {}),
          ...(Object.keys(request.context).length ? { ContextEntries: contextEntries(request.context) } : {}),
        }),
      );
    } catch (cause) {
      throw new PolicySourceError(`iam:SimulatePrincipalPolicy failed for ${request.policySourceArn}`, { cause });
    }
    const results = response.EvaluationResults ?? [];
    if (results.length === 0) return 'implicitDeny';
    const decisions = results.map((r) => decision(r.EvalDecision));
    if (decisions.includes('explicitDeny')) return 'explicitDeny';
    return decisions.every((d) => d === 'allowed') ? 'allowed' : 'implicitDeny';
  }
}
