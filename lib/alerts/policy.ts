/**
 * The alert policy: which occurrence of an incident deserves an alert. Pure: the caller passes the
 * incident as the store returned it after counting the occurrence, and the current time.
 *
 * The storm guarantees come from combining these decisions with the store's atomic operations:
 * - the count is an atomic counter, so exactly one occurrence sees each count, hence each threshold;
 * - `setStatus(..., { from })` is conditional, so exactly one occurrence wins a reopening;
 * - `claimAlert` refuses while an alert is pending or one was sent since {@link windowStart}, so at
 *   most one alert per fingerprint per window goes out; a refused trigger is deferred
 *   ({@link triggerToDefer}) and sent by the first occurrence after the window (trigger `deferred`).
 */
import type { AlertTrigger, Incident, IncidentStatus } from '../incidents/types';
import { AlertPolicyConfigError } from './errors';

export interface AlertPolicyConfig {
  /** At most one alert per fingerprint per window. */
  windowMinutes: number;
  /** Re-alert when the count reaches base^1, base^2, ... (10, 100, 1000 with the default). */
  thresholdBase: number;
}

export const DEFAULT_ALERT_POLICY: Readonly<AlertPolicyConfig> = Object.freeze({ windowMinutes: 60, thresholdBase: 10 });

const MAX_WINDOW_MINUTES = 7 * 24 * 60;

/**
 * Builds a validated configuration from partial settings (read once at start).
 * @throws AlertPolicyConfigError naming the bad setting.
 */
export function alertPolicyConfig(overrides: Partial<AlertPolicyConfig> = {}): AlertPolicyConfig {
  const config: AlertPolicyConfig = {
    windowMinutes: overrides.windowMinutes ?? DEFAULT_ALERT_POLICY.windowMinutes,
    thresholdBase: overrides.thresholdBase ?? DEFAULT_ALERT_POLICY.thresholdBase,
  };
  if (!Number.isFinite(config.windowMinutes) || config.windowMinutes < 0 || config.windowMinutes > MAX_WINDOW_MINUTES) {
    throw new AlertPolicyConfigError(
      `alert windowMinutes must be a number between 0 and ${MAX_WINDOW_MINUTES}, got ${String(overrides.windowMinutes)}`,
    );
  }
  if (!Number.isInteger(config.thresholdBase) || config.thresholdBase < 2) {
    throw new AlertPolicyConfigError(`alert thresholdBase must be an integer >= 2, got ${String(overrides.thresholdBase)}`);
  }
  return config;
}

/** The earliest time an earlier alert still blocks a new one: `now - windowMinutes`. */
export function windowStart(now: Date, config: AlertPolicyConfig = DEFAULT_ALERT_POLICY): Date {
  return new Date(now.getTime() - config.windowMinutes * 60_000);
}

/** True when no alert was sent yet, or the last one is at least one window old. */
export function windowPassed(lastAlertAt: string | undefined, now: Date, config: AlertPolicyConfig = DEFAULT_ALERT_POLICY): boolean {
  if (lastAlertAt === undefined) return true;
  const last = Date.parse(lastAlertAt);
  // An unreadable timestamp must not silence the incident forever.
  if (Number.isNaN(last)) return true;
  return last <= windowStart(now, config).getTime();
}

/** True when `count` is base^k for some k >= 1 (10, 100, 1000, ... by default). */
export function isThresholdCount(count: number, base: number = DEFAULT_ALERT_POLICY.thresholdBase): boolean {
  if (!Number.isSafeInteger(count) || count < base) return false;
  let rest = count;
  while (rest % base === 0) rest /= base;
  return rest === 1;
}

/**
 * True while a suppressed incident must stay silent: its `suppressedUntil` is in the future, or it has
 * none (suppressed without an end). An unreadable end counts as ended, so bad data cannot hide alerts.
 */
export function isSilenced(incident: Pick<Incident, 'status' | 'suppressedUntil'>, now: Date): boolean {
  if (incident.status !== 'suppressed') return false;
  if (incident.suppressedUntil === undefined) return true;
  const until = Date.parse(incident.suppressedUntil);
  return !Number.isNaN(until) && until > now.getTime();
}

export const REOPENABLE_STATUSES = ['resolved', 'acknowledged', 'suppressed'] as const;
export type ReopenableStatus = (typeof REOPENABLE_STATUSES)[number];

/** The status change an occurrence implies; the pipeline applies it with `setStatus(fp, to, now, { from })`. */
export type StatusTransition = { kind: 'none' } | { kind: 'reopen'; from: ReopenableStatus; to: 'open' };

/**
 * Which status change this occurrence implies: a resolved or acknowledged incident comes back, and so
 * does a suppressed one whose suppression has ended. Applying it conditionally makes exactly one
 * concurrent occurrence the winner; only the winner passes `reopened: true` to {@link triggerFor}.
 */
export function statusTransitionFor(incident: Pick<Incident, 'status' | 'suppressedUntil'>, now: Date): StatusTransition {
  const status: IncidentStatus = incident.status;
  switch (status) {
    case 'resolved':
    case 'acknowledged':
      return { kind: 'reopen', from: status, to: 'open' };
    case 'suppressed':
      return isSilenced(incident, now) ? { kind: 'none' } : { kind: 'reopen', from: 'suppressed', to: 'open' };
    case 'open':
      return { kind: 'none' };
  }
}

export interface TriggerInput {
  /** The incident as recorded AFTER this occurrence was counted. */
  incident: Incident;
  /** This occurrence created the incident. */
  created: boolean;
  /** This occurrence won the conditional reopening (see {@link statusTransitionFor}). */
  reopened: boolean;
  now: Date;
}

/**
 * Why this occurrence should alert, or null. In order: a silenced incident never alerts; then
 * `opened`, `reopened`, `threshold` (the count just reached base^k), and `deferred` (a trigger held
 * back earlier, once the window has passed since the last alert). The window itself is enforced by
 * `claimAlert`, not here, so that concurrent occurrences cannot both pass it.
 */
export function triggerFor(input: TriggerInput, config: AlertPolicyConfig = DEFAULT_ALERT_POLICY): AlertTrigger | null {
  const { incident, now } = input;
  if (isSilenced(incident, now)) return null;
  if (input.created) return 'opened';
  if (input.reopened) return 'reopened';
  if (isThresholdCount(incident.count, config.thresholdBase)) return 'threshold';
  if (incident.alert.deferred !== undefined && windowPassed(incident.alert.lastAlertAt, now, config)) return 'deferred';
  return null;
}

/** Higher wins when two triggers compete for the single deferred slot. */
export const TRIGGER_RANK: Readonly<Record<AlertTrigger, number>> = { opened: 3, reopened: 2, threshold: 1, deferred: 0 };

/**
 * What to store with `deferAlert` after `claimAlert` refused `trigger`, or null when nothing needs
 * writing: a `deferred` trigger is already stored, and a weaker trigger must not replace a stronger one.
 */
export function triggerToDefer(trigger: AlertTrigger, alreadyDeferred: AlertTrigger | undefined): AlertTrigger | null {
  if (trigger === 'deferred') return null;
  if (alreadyDeferred !== undefined && TRIGGER_RANK[alreadyDeferred] >= TRIGGER_RANK[trigger]) return null;
  return trigger;
}

/**
 * On a redelivered (duplicate) event: the trigger to send again when this same event claimed an alert
 * whose publish failed; null otherwise. `claimAlert` accepts the same eventId again, so the retry
 * re-claims and re-publishes exactly that alert.
 */
export function retryTriggerFor(incident: Pick<Incident, 'alert'> | null, eventId: string): AlertTrigger | null {
  const pending = incident?.alert.pending;
  return pending !== undefined && pending.eventId === eventId ? pending.trigger : null;
}
