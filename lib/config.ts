import { alertPolicyConfig, MAX_WINDOW_MINUTES, type AlertPolicyConfig } from './alerts/policy';
import { ConfigError } from './errors';

/**
 * How long a claimed-but-unpublished alert is considered in flight by the deployed ingest function (and by
 * `replay` against its table, which must behave the same). It must exceed the function timeout
 * (serverless.yml: 30 s, checked by tests/deploy) so that a redelivery never races a publish still
 * running, and stay under Lambda's first async retry delay (about a minute) so that the retry resends.
 */
export const INGEST_ALERT_LEASE_SECONDS = 45;

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
    occurrenceTtlDays: integer(env, 'OCCURRENCE_TTL_DAYS', 90, 1, 3650),
    readRoleName: readRoleName(env),
    policyCacheTtlSeconds: integer(env, 'POLICY_CACHE_TTL_SECONDS', 300, 0, 86_400),
    simulate: boolean(env, 'SIMULATE', true),
  };
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
