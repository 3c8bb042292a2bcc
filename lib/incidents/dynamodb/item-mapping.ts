import type { Denial, Principal, Proposal, Reason } from '../../denial/types';
import { fromItem, type Item } from './attribute-values';
import { ALERT_TRIGGERS, FIX_SCOPES, FOLLOW_UP_KINDS, INCIDENT_STATUSES, RESOLUTION_KINDS } from '../types';
import type {
  AlertState,
  AlertTrigger,
  FixScope,
  FollowUpKind,
  Incident,
  IncidentStatus,
  Occurrence,
  PendingAlert,
  Resolution,
  StatusLogEntry,
  ResolutionKind,
} from '../types';

/** Turns stored items back into the contract types. Items are written only by this module's store. */

const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const asNumber = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const asStrings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').sort() : []);

function isStatus(v: unknown): v is IncidentStatus {
  return typeof v === 'string' && (INCIDENT_STATUSES as readonly string[]).includes(v);
}
function isTrigger(v: unknown): v is AlertTrigger {
  return typeof v === 'string' && (ALERT_TRIGGERS as readonly string[]).includes(v);
}

function parseJson<T>(v: unknown): T | undefined {
  return typeof v === 'string' ? (JSON.parse(v) as T) : undefined;
}

function alertFrom(v: unknown): AlertState {
  const a = asRecord(v) ?? {};
  const state: AlertState = { alertsSent: asNumber(a.alertsSent) ?? 0 };
  const pending = asRecord(a.pending);
  if (pending && isTrigger(pending.trigger)) {
    const p: PendingAlert = {
      trigger: pending.trigger,
      eventId: asString(pending.eventId) ?? '',
      claimedAt: asString(pending.claimedAt) ?? '',
    };
    const owner = asString(pending.owner);
    if (owner !== undefined) p.owner = owner;
    const claimId = asString(pending.claimId);
    if (claimId !== undefined) p.claimId = claimId;
    state.pending = p;
  }
  if (isTrigger(a.deferred)) state.deferred = a.deferred;
  const lastAlertAt = asString(a.lastAlertAt);
  if (lastAlertAt !== undefined) state.lastAlertAt = lastAlertAt;
  const lastAlertCount = asNumber(a.lastAlertCount);
  if (lastAlertCount !== undefined) state.lastAlertCount = lastAlertCount;
  return state;
}

/** Whether an incident can be read: its latest explanation is stored (in its own item, or inline in items written before issue 10). */
export function hasLatest(item: Item, latestItem: Item | undefined): boolean {
  return latestItem?.latest?.S !== undefined || item.latest?.S !== undefined;
}

/**
 * The incident stored in an incident item (`SK = INCIDENT`) and its latest-explanation item
 * (`SK = INCIDENT#LATEST`). Items written before issue 10 hold `latest` and `proposal` inline and have no
 * latest item: both layouts read the same. The explanation is stamped with the newest event's ID and time.
 */
export function incidentFromItem(item: Item, latestItem?: Item): Incident {
  const o = fromItem(item);
  const l = latestItem ? fromItem(latestItem) : {};
  const source = latestItem?.latest?.S !== undefined ? l : o;
  // The first-seen description: on the latest item since issue 10, on the incident item before.
  const first = (name: string): unknown => o[name] ?? l[name];
  const proposal = parseJson<Proposal>(source.proposal);
  const latestStored = parseJson<Denial>(source.latest);
  if (latestStored === undefined) throw new TypeError(`incident item ${String(o.PK)} has no latest denial`);
  const stamp: Partial<Denial> = {};
  const latestEventId = asString(o.latestEventId);
  const latestEventTime = asString(o.latestEventTime);
  if (latestEventId !== undefined) stamp.eventId = latestEventId;
  if (latestEventTime !== undefined) stamp.eventTime = latestEventTime;
  // The proposal is stored once, in its own attribute; `latest` carries it again for readers.
  const latest: Denial = proposal === undefined ? { ...latestStored, ...stamp } : { ...latestStored, ...stamp, proposal };
  const incident: Incident = {
    fingerprint: asString(o.fingerprint) ?? String(o.PK ?? '').replace(/^INC#/, ''),
    status: isStatus(o.status) ? o.status : 'open',
    count: asNumber(o.count) ?? 0,
    firstSeen: asString(o.firstSeen) ?? '',
    lastSeen: asString(o.lastSeen) ?? '',
    accounts: asStrings(o.accounts),
    regions: asStrings(o.regions),
    sessions: asStrings(o.sessions),
    principal: (asRecord(first('principal')) ?? latest.principal) as unknown as Principal,
    action: asString(first('action')) ?? latest.action,
    reason: (asRecord(first('reason')) ?? latest.reason) as unknown as Reason,
    eventSource: asString(first('eventSource')) ?? latest.eventSource,
    callRegion: asString(first('callRegion')) ?? latest.callRegion,
    deniedRegion: asString(first('deniedRegion')) ?? latest.deniedRegion,
    resource: asString(first('resource')) ?? null,
    latest,
    alert: alertFrom(o.alert),
  };
  if (proposal !== undefined) incident.proposal = proposal;
  const statusChangedAt = asString(o.statusChangedAt);
  if (statusChangedAt !== undefined) incident.statusChangedAt = statusChangedAt;
  const suppressedUntil = asString(o.suppressedUntil);
  if (suppressedUntil !== undefined) incident.suppressedUntil = suppressedUntil;
  const statusLog = statusLogFrom(o.statusLog);
  if (statusLog.length > 0) incident.statusLog = statusLog;
  return withLoopState(incident, o);
}

function resolutionFrom(v: unknown): Resolution | undefined {
  const r = asRecord(v);
  const kind = r?.kind;
  const at = asString(r?.at);
  if (!r || typeof kind !== 'string' || !(RESOLUTION_KINDS as readonly string[]).includes(kind) || at === undefined) return undefined;
  const resolution: Resolution = { kind: kind as ResolutionKind, at };
  for (const key of ['eventId', 'by', 'reason', 'change'] as const) {
    const value = asString(r[key]);
    if (value !== undefined) resolution[key] = value;
  }
  if (typeof r.scope === 'string' && (FIX_SCOPES as readonly string[]).includes(r.scope)) resolution.scope = r.scope as FixScope;
  if (Array.isArray(r.beyondProposal)) resolution.beyondProposal = r.beyondProposal.filter((x): x is string => typeof x === 'string');
  if (Array.isArray(r.checkedBy)) {
    resolution.checkedBy = r.checkedBy.filter((x): x is 'offline-evaluator' | 'iam-simulator' => x === 'offline-evaluator' || x === 'iam-simulator');
  }
  return resolution;
}

/** The lifecycle fields of issue 13 (resolution, regressions, follow-up), absent on older items. */
function withLoopState(incident: Incident, o: Record<string, unknown>): Incident {
  const resolution = resolutionFrom(o.resolution);
  if (resolution) incident.resolution = resolution;
  const previous = resolutionFrom(o.previousResolution);
  if (previous) incident.previousResolution = previous;
  const openedAt = asString(o.openedAt);
  if (openedAt !== undefined) incident.openedAt = openedAt;
  const regressions = asRecord(o.regressions);
  const count = asNumber(regressions?.count);
  const lastRegressionAt = asString(regressions?.lastRegressionAt);
  if (count !== undefined && lastRegressionAt !== undefined) incident.regressions = { count, lastRegressionAt };
  const followUp = asRecord(o.followUp);
  const kind = followUp?.kind;
  if (followUp && typeof kind === 'string' && (FOLLOW_UP_KINDS as readonly string[]).includes(kind)) {
    incident.followUp = { eventId: asString(followUp.eventId) ?? '', kind: kind as FollowUpKind, claimedAt: asString(followUp.claimedAt) ?? '' };
    const sentAt = asString(followUp.sentAt);
    if (sentAt !== undefined) incident.followUp.sentAt = sentAt;
  }
  return incident;
}

/** The status log as stored; entries of any other shape are left out. */
function statusLogFrom(value: unknown): StatusLogEntry[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((v) => {
    const r = asRecord(v);
    const at = asString(r?.at);
    const to = r?.to;
    const by = asString(r?.by);
    if (!r || at === undefined || by === undefined || !isStatus(to)) return [];
    const note = asString(r.note);
    return [{ at, to, by, ...(note !== undefined ? { note } : {}) }];
  });
}

/** The occurrence stored in an occurrence item (`SK = OCC#...`). */
export function occurrenceFromItem(item: Item): Occurrence {
  const o = fromItem(item);
  const occurrence: Occurrence = {
    fingerprint: asString(o.fingerprint) ?? String(o.PK ?? '').replace(/^INC#/, ''),
    eventId: asString(o.eventId) ?? '',
    eventTime: asString(o.eventTime) ?? '',
    accountId: asString(o.accountId) ?? null,
    callRegion: asString(o.callRegion) ?? '',
    deniedRegion: asString(o.deniedRegion) ?? '',
    principalArn: asString(o.principalArn) ?? null,
    expiresAt: asNumber(o.expiresAt) ?? 0,
  };
  const sessionName = asString(o.sessionName);
  if (sessionName !== undefined) occurrence.sessionName = sessionName;
  return occurrence;
}
