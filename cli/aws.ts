import type { CliIo } from './io';

/**
 * The one place where the CLI decides how it reaches AWS: the profile and region every client gets,
 * and what a failure to reach AWS means for the person at the terminal (one sentence and what to do,
 * exit code 3), whichever command hit it.
 */

/** Exit codes: 1 an input could not be read, 2 a usage mistake, 3 the environment (AWS, network, credentials, data dir). */
export const EXIT_UNREADABLE = 1;
export const EXIT_USAGE = 2;
export const EXIT_ENVIRONMENT = 3;

/**
 * The region for AWS calls: the --region flag (main puts it in AWS_REGION), the environment, or the
 * fallback the command chooses. Undefined lets the SDK read it from the profile's config file.
 */
export function awsRegion(io: CliIo, explicit?: string, fallback?: string): string | undefined {
  return explicit ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? fallback;
}

/** Client settings every SDK client of the CLI is built with: the region and the --profile (AWS_PROFILE). */
export function awsClientConfig(io: CliIo, region?: string): { region?: string; profile?: string } {
  const profile = io.env.AWS_PROFILE;
  return { ...(region ? { region } : {}), ...(profile ? { profile } : {}) };
}

/** A failure to reach or use AWS, said plainly: what happened and what to do. */
export interface AwsFailure {
  message: string;
}

const CREDENTIAL_ERRORS = new Set(['CredentialsProviderError', 'TokenProviderError', 'CredentialsError']);
const EXPIRED = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'TokenRefreshRequired',
  'RequestExpired',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
]);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedException', 'AuthorizationError']);
const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'CERT_HAS_EXPIRED']);

/** The error and its causes, outermost first (the SDK's error is usually wrapped: StoreError, PolicySourceError). */
function chain(err: unknown): Array<{ name?: string; code?: string; message?: string; $metadata?: unknown }> {
  const out: Array<{ name?: string; code?: string; message?: string }> = [];
  let current: unknown = err;
  for (let depth = 0; current && typeof current === 'object' && depth < 8; depth++) {
    out.push(current as { name?: string; code?: string; message?: string });
    current = (current as { cause?: unknown }).cause;
  }
  return out;
}

function profileHint(io: CliIo): string {
  const profile = io.env.AWS_PROFILE;
  return profile ? ` --profile ${profile}` : '';
}

/** What to say for an error that comes from AWS or from reaching it; null for any other error. */
export function describeAwsFailure(err: unknown, io: CliIo): AwsFailure | null {
  const profile = io.env.AWS_PROFILE;
  // Innermost first: the SDK's own error names the failure; wrappers only repeat its message.
  for (const e of chain(err).reverse()) {
    const name = e.name ?? '';
    const message = String(e.message ?? '');
    if (/region is missing/i.test(message) || name === 'RegionMissing')
      return { message: 'no AWS region is set: set AWS_REGION or pass --region (e.g. --region us-east-1)' };
    if (/sso session .*expired|token .*expired|refresh.*token/i.test(message) && (CREDENTIAL_ERRORS.has(name) || /sso/i.test(message)))
      return { message: `the AWS sign-in${profile ? ` of profile ${profile}` : ''} has expired: run \`aws sso login${profileHint(io)}\`, then try again` };
    if (CREDENTIAL_ERRORS.has(name) || /could not load credentials/i.test(message))
      return {
        message: profile
          ? `no usable AWS credentials for profile ${profile} (${oneLine(message)}): run \`aws sso login --profile ${profile}\` or check ~/.aws/config`
          : 'no AWS credentials found: run `aws sso login --profile NAME` and pass --profile NAME, or set AWS_PROFILE or AWS_ACCESS_KEY_ID',
      };
    if (EXPIRED.has(name))
      return {
        message: `AWS rejected the credentials (${name}): they have expired or are not valid; run \`aws sso login${profileHint(io) || ' --profile NAME'}\` or refresh them`,
      };
    if (DENIED.has(name))
      return {
        message: `AWS denied a call the auditor needs (${oneLine(message)}): the credentials in use${profile ? ` (profile ${profile})` : ''} lack that permission; see the permissions under "Online mode" in README.md (backfill: docs/backfill.md) or use another --profile`,
      };
    if (name === 'ResourceNotFoundException')
      return { message: `AWS could not find a resource (${oneLine(message)}): check --table / --topic-arn and --region` };
    if (NETWORK_CODES.has(e.code ?? '') || NETWORK_CODES.has(name) || name === 'TimeoutError' || name === 'NetworkingError')
      return {
        message: `cannot reach AWS (${e.code ?? name}${/[a-z0-9-]+\.amazonaws\.com/i.test(message) ? `: ${message.match(/[a-z0-9.-]+\.amazonaws\.com/i)?.[0]}` : ''}): check the network, proxy and --region`,
      };
  }
  return null;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
