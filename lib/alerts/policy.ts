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
import type { AlertTrigger, Incident, IncidentStatus, PendingAlert } from '../incidents/types';
import { AlertPolicyConfigError } from './errors';

export interface AlertPolicyConfig {
  /** At most one alert per fingerprint per window. */
  windowMinutes: number;
  /** Re-alert when the count reaches base^1, base^2, ... (10, 100, 1000 with the default 10). */
  thresholdBase?: number;
  /**
   * A redelivery of the claiming event younger than this may race the claimer's own publish: it must
   * retry later instead of re-sending (see {@link pendingDecisionFor}). Keep it below Lambda's first
   * async retry delay (about one minute).
   */
  pendingLeaseSeconds?: number;
  /** A claim older than this was abandoned (its event went to the dead-letter queue): any occurrence may send it. */
  stalePendingMinutes?: number;
}

export const DEFAULT_ALERT_POLICY: Readonly<Required<AlertPolicyConfig>> = Object.freeze({
  windowMinutes: 60,
  thresholdBase: 10,
  pendingLeaseSeconds: 20,
  stalePendingMinutes: 30,
});

/** The longest alert window anyone may configure (the Lambda's ALERT_WINDOW_MINUTES, the CLI's --alert-window): one week. */
export const MAX_WINDOW_MINUTES = 7 * 24 * 60;

/**
 * Builds a validated configuration from partial settings (read once at start).
 * @throws AlertPolicyConfigError naming the bad setting.
 */
export function alertPolicyConfig(overrides: Partial<AlertPolicyConfig> = {}): Required<AlertPolicyConfig> {
  const config: Required<AlertPolicyConfig> = {
    windowMinutes: overrides.windowMinutes ?? DEFAULT_ALERT_POLICY.windowMinutes,
    thresholdBase: overrides.thresholdBase ?? DEFAULT_ALERT_POLICY.thresholdBase,
    pendingLeaseSeconds: overrides.pendingLeaseSeconds ?? DEFAULT_ALERT_POLICY.pendingLeaseSeconds,
    stalePendingMinutes: overrides.stalePendingMinutes ?? DEFAULT_ALERT_POLICY.stalePendingMinutes,
  };
  if (!Number.isFinite(config.windowMinutes) || config.windowMinutes < 0 || config.windowMinutes > MAX_WINDOW_MINUTES) {
    throw new AlertPolicyConfigError(`alert windowMinutes must be a number between 0 and ${MAX_WINDOW_MINUTES}, got ${String(overrides.windowMinutes)}`);
  }
  if (!Number.isInteger(config.thresholdBase) || config.thresholdBase < 2) {
    throw new AlertPolicyConfigError(`alert thresholdBase must be an integer >= 2, got ${String(overrides.thresholdBase)}`);
  }
  if (!Number.isFinite(config.pendingLeaseSeconds) || config.pendingLeaseSeconds < 0) {
    throw new AlertPolicyConfigError(`alert pendingLeaseSeconds must be a number >= 0, got ${String(overrides.pendingLeaseSeconds)}`);
  }
  if (!Number.isFinite(config.stalePendingMinutes) || config.stalePendingMinutes * 60 <= config.pendingLeaseSeconds) {
    throw new AlertPolicyConfigError(
      `alert stalePendingMinutes must be a number longer than pendingLeaseSeconds, got ${String(overrides.stalePendingMinutes)}`,
    );
  }
  return config;
}

/** The earliest time an earlier alert still blocks a new one: `now - windowMinutes`. */
export function windowStart(now: Date, config: AlertPolicyConfig = DEFAULT_ALERT_POLICY): Date {
  return new Date(now.getTime() - config.windowMinutes * 60_000);
}

/**
 * True when no alert was sent yet, or the last one is older than the window start: the same strict
 * comparison `claimAlert` makes (`lastAlertAt < windowStart`), so a `deferred` trigger is only
 * proposed when the claim can succeed.
 */
export function windowPassed(lastAlertAt: string | undefined, now: Date, config: AlertPolicyConfig = DEFAULT_ALERT_POLICY): boolean {
  if (lastAlertAt === undefined) return true;
  const last = Date.parse(lastAlertAt);
  // An unreadable timestamp must not silence the incident forever.
  if (Number.isNaN(last)) return true;
  return last < windowStart(now, config).getTime();
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

export const REOPENABLE_STATUSES = ['resolved', 'acknowledged', 'suppressed', 'fixed', 'stale'] as const;
export type ReopenableStatus = (typeof REOPENABLE_STATUSES)[number];

/** A status change an occurrence implies; the pipeline applies it with `setStatus(fp, to, now, { from })`. */
export interface StatusTransition {
  from: ReopenableStatus;
  to: 'open';
  /** A `fixed` incident seen again after its fix: the fix did not hold (or was undone). */
  regression?: boolean;
}

/**
 * Which status change this occurrence implies: a resolved, stale or acknowledged incident comes back,
 * and so does a suppressed one whose suppression has ended. A fixed incident comes back as a regression
 * only for an occurrence later than its fix (`occurredAt` after `resolution.at`): a late-delivered or
 * replayed event from before the fix is counted and changes nothing. Applying the transition
 * conditionally makes exactly one concurrent occurrence the winner; only the winner passes
 * `reopened: true` to {@link triggerFor}. Null when the occurrence changes no status.
 */
export function statusTransitionFor(
  incident: Pick<Incident, 'status' | 'suppressedUntil' | 'resolution'>,
  now: Date,
  occurredAt?: string,
): StatusTransition | null {
  const status: IncidentStatus = incident.status;
  switch (status) {
    case 'resolved':
    case 'acknowledged':
    case 'stale':
      return { from: status, to: 'open' };
    case 'fixed':
      return occurredAfterFix(incident.resolution?.at, occurredAt) ? { from: 'fixed', to: 'open', regression: true } : null;
    case 'suppressed':
      return isSilenced(incident, now) ? null : { from: 'suppressed', to: 'open' };
    case 'open':
      return null;
  }
}

/** Unreadable times count as "after": bad data must not hide a regression. */
function occurredAfterFix(fixedAt: string | undefined, occurredAt: string | undefined): boolean {
  if (fixedAt === undefined || occurredAt === undefined) return true;
  const fixed = Date.parse(fixedAt);
  const occurred = Date.parse(occurredAt);
  if (Number.isNaN(fixed) || Number.isNaN(occurred)) return true;
  return occurred > fixed;
}

export interface TriggerInput {
  /** The incident as recorded AFTER this occurrence was counted. */
  incident: Incident;
  /** This occurrence created the incident. */
  created: boolean;
  /** This occurrence won the conditional reopening (see {@link statusTransitionFor}). */
  reopened: boolean;
  /** The reopening it won was a regression of a fixed incident. */
  regression?: boolean;
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
  // A late occurrence from before the fix counts, but a fixed incident does not page anyone.
  if (incident.status === 'fixed') return null;
  if (input.created) return 'opened';
  if (input.reopened) return input.regression ? 'regression' : 'reopened';
  if (isThresholdCount(incident.count, config.thresholdBase ?? DEFAULT_ALERT_POLICY.thresholdBase)) return 'threshold';
  if (incident.alert.deferred !== undefined && windowPassed(incident.alert.lastAlertAt, now, config)) return 'deferred';
  return null;
}

/**
 * What to store with `deferAlert` after `claimAlert` refused `trigger`, or null when nothing needs
 * writing: a `deferred` trigger means one is stored already, and the first held-back trigger is kept
 * (as the store does), since the deferred alert shows the incident's state at sending time anyway.
 * An `opened` trigger is never deferred: an incident is created once, so a refused opening claim means its
 * opening alert is already claimed (a concurrent delivery of the same event recovering it): deferring it
 * would send the opening alert a second time after the window.
 */
export function triggerToDefer(trigger: AlertTrigger, alreadyDeferred: AlertTrigger | undefined): AlertTrigger | null {
  if (trigger === 'deferred' || trigger === 'opened' || alreadyDeferred !== undefined) return null;
  return trigger;
}

/** What a delivery does about an alert already claimed (`alert.pending`). */
export type PendingDecision =
  /** Nothing pending, or a recent claim by another event: proceed normally (a new claim would be refused and deferred). */
  | { kind: 'none' }
  /** Re-claim with exactly this claim (`claimAlert` accepts its eventId again), publish, then `completeAlert`. */
  | { kind: 'resend'; claim: PendingAlert }
  /** The claimer may still be publishing: fail this delivery so that it is retried later, rather than risk a duplicate alert. */
  | { kind: 'wait'; claim: PendingAlert };

/**
 * Decides what to do about a pending alert, so that a claimed alert is sent once and never lost:
 * - a redelivery of the claiming event (a Lambda retry after a failed publish) re-sends it, unless the
 *   claim is younger than `pendingLeaseSeconds`, when the claimer may still be publishing: then `wait`;
 * - an occurrence of another event takes over a claim older than `stalePendingMinutes` (its event was
 *   abandoned), using the claim's eventId, which `claimAlert` and `completeAlert` accept;
 * - anything else: `none`. An unreadable `claimedAt` counts as old, so bad data cannot block alerts.
 */
export function pendingDecisionFor(
  incident: Pick<Incident, 'alert'> | null,
  eventId: string,
  now: Date,
  config: AlertPolicyConfig = DEFAULT_ALERT_POLICY,
  /** The claimer is known to have ended (the embedded store's lock proves it): re-send at once, whoever asks. */
  claimerEnded: (claim: PendingAlert) => boolean = () => false,
): PendingDecision {
  const claim = incident?.alert.pending;
  if (claim === undefined) return { kind: 'none' };
  if (claimerEnded(claim)) return { kind: 'resend', claim };
  const claimedAt = Date.parse(claim.claimedAt);
  const age = Number.isNaN(claimedAt) ? Number.POSITIVE_INFINITY : now.getTime() - claimedAt;
  if (claim.eventId === eventId) {
    const lease = (config.pendingLeaseSeconds ?? DEFAULT_ALERT_POLICY.pendingLeaseSeconds) * 1000;
    return age < lease ? { kind: 'wait', claim } : { kind: 'resend', claim };
  }
  const stale = (config.stalePendingMinutes ?? DEFAULT_ALERT_POLICY.stalePendingMinutes) * 60_000;
  return age >= stale ? { kind: 'resend', claim } : { kind: 'none' };
}
