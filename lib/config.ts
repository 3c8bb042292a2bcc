import { alertPolicyConfig, MAX_WINDOW_MINUTES, type AlertPolicyConfig } from './alerts/policy';
import { ConfigError } from './errors';

/** The ingest function's timeout: serverless.yml `functions.ingest.timeout` (tests/deploy checks that they agree). */
export const INGEST_TIMEOUT_SECONDS = 30;

/**
 * Lambda's waits before it retries a failed asynchronous invocation (EventBridge invokes ingest that way):
 * one minute before the first retry, two more minutes before the second (serverless.yml allows two), then
 * the event goes to the on-failure destination. See "How Lambda handles errors and retries with
 * asynchronous invocation" in the Lambda developer guide.
 */
export const LAMBDA_ASYNC_RETRY_DELAYS_SECONDS = [60, 120] as const;

/**
 * How long one delivery owns an eventID while counting it (the store's `leaseSeconds`), in the Lambda and
 * in `replay --table` against the deployed table, which shares its event markers.
 * - It must outlast the function timeout: an owner runs at most {@link INGEST_TIMEOUT_SECONDS} after its
 *   claim, so a live owner is never taken over (it would then fail with EventInFlightError, not double count).
 * - It ends when Lambda's first retry of a competing delivery can come back: that delivery failed with
 *   EventInFlightError after the claim was made, and is retried one minute after failing. If the owner
 *   died, that retry takes its claim over and finishes the count; the second retry, two minutes later, is
 *   the margin before the event would go to the on-failure queue.
 * A retry of the owner's own invocation keeps its request ID (the owner token) and resumes at once,
 * whatever the lease.
 */
export const INGEST_COUNTING_LEASE_SECONDS = LAMBDA_ASYNC_RETRY_DELAYS_SECONDS[0];

/**
 * How long a claimed-but-unpublished alert is considered in flight by the deployed ingest function (and by
 * `replay` against its table, which must behave the same). It must exceed the function timeout so that a
 * redelivery never races a publish still running, and stay under Lambda's first async retry delay so that
 * the retry resends: the timeout plus a quarter minute of margin (45 s).
 */
export const INGEST_ALERT_LEASE_SECONDS = INGEST_TIMEOUT_SECONDS + 15;

/**
 * The alert policy of the deployed ingest function (and of `replay` against its table): the alert window
 * and {@link INGEST_ALERT_LEASE_SECONDS}. Validated here, once at start, by {@link alertPolicyConfig}, so
 * that a bad setting fails the cold start (or the command) with an AlertPolicyConfigError naming it. The
 * settings are returned as given; the policy's defaults apply to the others where they are read.
 */
export function deployedAlertPolicy(windowMinutes: number): AlertPolicyConfig {
  const settings: AlertPolicyConfig = { windowMinutes, pendingLeaseSeconds: INGEST_ALERT_LEASE_SECONDS };
  alertPolicyConfig(settings);
  return settings;
}

/** Configuration of the ingest Lambda, read once per container from its environment. */
export interface IngestConfig {
  tableName: string;
  topicArn: string;
  alertWindowMinutes: number;
  occurrenceTtlDays: number;
  /** Name of the read-only role assumed in member accounts to read their policies. */
  readRoleName: string;
  policyCacheTtlSeconds: number;
  /** Confirm proposals with iam:SimulatePrincipalPolicy. */
  simulate: boolean;
  /** Days without an occurrence after which the scheduled sweep marks an incident stale. */
  staleAfterDays: number;
  /** Which other accounts' read roles may be assumed (see {@link ReadAccounts}). */
  readAccounts: ReadAccounts;
}

/**
 * The accounts whose policies the auditor may read through the read role, besides its own. An event names
 * the principal's account, and a principal of any account can call into a watched one: without this bound,
 * anyone could make the auditor assume a role of their choosing in an account they own (and feed it the
 * policies it evaluates). `listed`: only `READ_ACCOUNTS`. `organization`: any account, because the ingest
 * role may assume the read role only inside the organization (`aws:ResourceOrgID` in serverless.yml), plus
 * the listed ones (which IAM refuses when they are outside it). Neither set: the home account only.
 */
export type ReadAccounts = { kind: 'listed'; accounts: readonly string[] } | { kind: 'organization'; orgId: string; accounts: readonly string[] };

/** Whether the read role of `accountId` may be assumed under `readAccounts`. */
export function mayReadAccount(readAccounts: ReadAccounts, accountId: string): boolean {
  return readAccounts.kind === 'organization' || readAccounts.accounts.includes(accountId);
}

/** Configuration of the weekly report Lambda. */
export interface ReportConfig {
  tableName: string;
  topicArn: string;
  reportDays: number;
}

type Env = Readonly<Record<string, string | undefined>>;

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

function required(env: Env, name: string, pattern: RegExp, what: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`${name} is required (${what}) but is not set`);
  if (!pattern.test(value)) throw new ConfigError(`${name}="${value.slice(0, 80)}" is not a valid ${what}`);
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name}="${raw.slice(0, 40)}" must be a whole number`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name}=${value} must be between ${min} and ${max}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1' || raw === 'yes') return true;
  if (raw === 'false' || raw === '0' || raw === 'no') return false;
  throw new ConfigError(`${name}="${raw.slice(0, 40)}" must be true or false`);
}

/** Reads and validates the ingest configuration; throws ConfigError naming the first bad variable. */
export function loadIngestConfig(env: Env): IngestConfig {
  return {
    tableName: required(env, 'TABLE_NAME', TABLE_NAME, 'DynamoDB table name'),
    topicArn: required(env, 'TOPIC_ARN', TOPIC_ARN, 'SNS topic ARN'),
    alertWindowMinutes: integer(env, 'ALERT_WINDOW_MINUTES', 60, 1, MAX_WINDOW_MINUTES),
    // At least the event marker horizon's minimum (lib/incidents/dynamodb/table-design.ts: MIN_MARKER_HORIZON_DAYS).
    occurrenceTtlDays: integer(env, 'OCCURRENCE_TTL_DAYS', 90, 15, 3650),
    readRoleName: readRoleName(env),
    policyCacheTtlSeconds: integer(env, 'POLICY_CACHE_TTL_SECONDS', 300, 0, 86_400),
    simulate: boolean(env, 'SIMULATE', true),
    staleAfterDays: integer(env, 'STALE_AFTER_DAYS', 14, 1, 3650),
    readAccounts: readAccounts(env),
  };
}

const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT_ID = /^\d{12}$/;

function readAccounts(env: Env): ReadAccounts {
  const accounts = (env.READ_ACCOUNTS ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  const bad = accounts.find((a) => !ACCOUNT_ID.test(a));
  if (bad !== undefined) throw new ConfigError(`READ_ACCOUNTS: "${bad.slice(0, 40)}" is not a 12-digit account ID (comma-separated list expected)`);
  const orgId = env.ORG_ID?.trim();
  if (!orgId) return { kind: 'listed', accounts };
  if (!ORG_ID.test(orgId)) throw new ConfigError(`ORG_ID="${orgId.slice(0, 40)}" is not an organization ID (o-...)`);
  return { kind: 'organization', orgId, accounts };
}

function readRoleName(env: Env): string {
  const value = env.READ_ROLE_NAME?.trim() || 'access-auditor-read';
  if (!ROLE_NAME.test(value)) throw new ConfigError(`READ_ROLE_NAME="${value.slice(0, 80)}" is not a valid IAM role name`);
  return value;
}

/** Reads and validates the weekly report configuration. */
export function loadReportConfig(env: Env): ReportConfig {
  return {
    tableName: required(env, 'TABLE_NAME', TABLE_NAME, 'DynamoDB table name'),
    topicArn: required(env, 'TOPIC_ARN', TOPIC_ARN, 'SNS topic ARN'),
    reportDays: integer(env, 'REPORT_DAYS', 7, 1, 90),
  };
}
