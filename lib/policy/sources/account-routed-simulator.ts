import type { IAMClient } from '@aws-sdk/client-iam';
import { IamPolicySimulator } from './iam-simulator';
import type { PolicySimulator } from '../ports';
import { accountOfArn } from '../../aws/arn';

/**
 * Simulates in the principal's own account: SimulatePrincipalPolicy only reads principals of the
 * caller's account, so a member account's principal is simulated through its read role.
 */
export function accountRoutedSimulator(clientForAccount: (accountId: string) => Promise<IAMClient | null>, home: IAMClient): PolicySimulator {
  return {
    simulate: async (request) => {
      const account = accountOfArn(request.policySourceArn) ?? '';
      const client = (/^\d{12}$/.test(account) ? await clientForAccount(account) : null) ?? home;
      return new IamPolicySimulator({ client }).simulate(request);
    },
  };
}
