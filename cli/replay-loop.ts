/**
 * `replay`'s part of the policy-change loop (issue 13): policy-change records in the same inputs as
 * denials, applied in input order (each one waits for the records before it and holds back those after
 * it), and the stale sweep at the end, as of the latest event time replayed.
 */
import type { InputItem } from '../lib/cloudtrail/input';
import { isSuccessfulPolicyChange } from '../lib/policy/change/decode';
import { isChangeAware } from '../lib/policy/change/ports';
import type { AnalyzeDeps } from '../lib/pipeline/analyze';
import type { AlertDeps } from '../lib/pipeline/dispatch-alert';
import type { IncidentStore } from '../lib/incidents/ports';
import { processPolicyChange, type PolicyChangeDeps, type PolicyChangeResult } from '../lib/pipeline/policy-change';
import { DEFAULT_STALE_AFTER_DAYS, sweepStale } from '../lib/pipeline/stale';
import { UsageError } from '../lib/errors';
import { printableLine, type Style } from './style';

/**
 * A successful policy change is a barrier in the ordered pool: the denials before it see the old
 * policies, those after the new. A failed one is a denial record like the others.
 */
export function isChangeItem(item: InputItem): boolean {
  return !('error' in item) && isSuccessfulPolicyChange(item.record);
}

export function changeDepsFor(analyze: AnalyzeDeps, alerts: AlertDeps & { store: IncidentStore }, clock: () => Date): PolicyChangeDeps {
  return {
    store: alerts.store,
    notifier: alerts.notifier,
    policySource: isChangeAware(analyze.policySource) ? analyze.policySource : null,
    simulator: analyze.simulator ?? null,
    ...(alerts.topicArn !== undefined ? { topicArn: alerts.topicArn } : {}),
    ...(alerts.showCommand ? { showCommand: alerts.showCommand } : {}),
    ...(alerts.rules ? { rules: alerts.rules } : {}),
    ...(alerts.count ? { count: alerts.count } : {}),
    clock,
  };
}

/** The latest event time replayed: the clock of the stale sweep at the end of a replay. */
export class LatestEventTime {
  private latest = Number.NEGATIVE_INFINITY;
  see(time: string | undefined): void {
    const t = time === undefined ? Number.NaN : Date.parse(time);
    if (!Number.isNaN(t) && t > this.latest) this.latest = t;
  }
  get(): Date | null {
    return Number.isFinite(this.latest) ? new Date(this.latest) : null;
  }
}

/** `--stale-after 14d`: whole days, at least 1. */
export function parseStaleAfter(value: string | undefined): number {
  if (value === undefined) return DEFAULT_STALE_AFTER_DAYS;
  const match = /^(\d+)d?$/.exec(value);
  const days = match ? Number(match[1]) : Number.NaN;
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new UsageError(`--stale-after must be a whole number of days (e.g. 14 or 14d), got "${value}"`);
  return days;
}

/** One output line for a replayed policy change. */
export function describeChangeResult(result: PolicyChangeResult, style: Style): string {
  if (result.kind === 'skipped') return `${style.dim('skipped ')}event ${printableLine(result.eventId ?? '?')}: ${printableLine(result.reason)}`;
  if (result.kind === 'invalid') return `${style.red('invalid ')}event ${printableLine(result.eventId ?? '?')}: ${printableLine(result.message)}`;
  const parts = result.touched.map((t) => {
    const verdict = t.verdict === 'fixed' ? style.green('fixed') : t.verdict === 'still-denied' ? style.yellow('still denied') : style.yellow('unconfirmed');
    return `${t.fingerprint} ${verdict}`;
  });
  const by = result.change.by ? ` by ${printableLine(result.change.by)}` : '';
  const effect = parts.length > 0 ? parts.join(', ') : `no open incident touched (${result.checked} checked)`;
  return `${style.cyan('change  ')}${printableLine(result.change.eventName)}${by}: ${effect}`;
}

export function jsonChangeResult(result: PolicyChangeResult): Record<string, unknown> {
  if (result.kind !== 'change') return { ...result };
  return {
    kind: 'policy-change',
    eventId: result.eventId,
    eventName: result.change.eventName,
    by: result.change.by,
    checked: result.checked,
    touched: result.touched,
  };
}

export { processPolicyChange, sweepStale };
