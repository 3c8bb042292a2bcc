import type { Logger } from '@aws-lambda-powertools/logger';
import { applyPolicyChange, type PolicyChangeDeps } from '../pipeline/policy-change';
import { decodePolicyChange } from '../policy/change/decode';
import type { PipelineMetric } from '../pipeline/metrics';

export interface PolicyChangeHandled {
  outcome: 'policy-change' | 'skipped' | 'invalid';
  touched?: number;
}

/**
 * The policy-change path of the ingest function (the second EventBridge rule targets the same function:
 * same role, same adapters). Decodes the change, re-validates the open incidents it touches, logs what
 * it did. Store, IAM and SNS errors propagate: Lambda retries, and the follow-up ledger keeps a retry
 * from sending a follow-up twice.
 */
export async function handlePolicyChange(
  record: Record<string, unknown>,
  deps: Omit<PolicyChangeDeps, 'count'>,
  logger: Logger,
  count: (metric: PipelineMetric, value?: number) => void,
): Promise<PolicyChangeHandled> {
  const decoded = decodePolicyChange(record);
  if (decoded.kind === 'skipped') {
    logger.debug('Not a successful policy change', { reason: decoded.reason });
    return { outcome: 'skipped' };
  }
  if (decoded.kind === 'invalid') {
    logger.warn('Bad policy-change record', { reason: decoded.message });
    count('BadRecords');
    return { outcome: 'invalid' };
  }
  const result = await applyPolicyChange(decoded.change, { ...deps, count });
  const touched = result.kind === 'change' ? result.touched : [];
  logger.info('Policy change re-checked open incidents', {
    change: decoded.change.eventName,
    by: decoded.change.by,
    checked: result.kind === 'change' ? result.checked : 0,
    touched: touched.map((t) => ({ fingerprint: t.fingerprint, verdict: t.verdict, followUp: t.followUp })),
  });
  return { outcome: 'policy-change', touched: touched.length };
}
