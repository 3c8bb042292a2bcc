import { IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { PolicySourceError } from '../errors';

export interface AssumeRoleFactoryOptions {
  sts?: STSClient;
  /** Name (optionally with path) of the read-only role to assume in other accounts. */
  readRoleName: string;
  /** Region of the STS and IAM clients: a string or the SDK's region provider (`client.config.region`). */
  region?: IAMClientConfig['region'];
  /** Partition used to build the role ARN (default `aws`). */
  partition?: string;
  /** The account the auditor runs in; asked from STS GetCallerIdentity when absent. */
  homeAccountId?: string;
  /** Client for the home account; when absent the factory answers null there (use your default client). */
  homeClient?: IAMClient;
  sessionName?: string;
  durationSeconds?: number;
  clock?: () => Date;
  /**
   * Which other accounts may be read (default: all). A refused account fails with PolicySourceError before
   * any STS call: its principal's policies are then reported unreadable rather than read from a role chosen
   * by whoever made the call.
   */
  mayRead?: (accountId: string) => boolean;
}

/** The credential shape the SDK accepts from a provider function. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Credentials are renewed this long before they expire. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * A credential provider for one role: calls `sts:AssumeRole` and reuses the credentials until
 * five minutes before they expire.
 */
export function assumeRoleCredentials(
  sts: STSClient,
  roleArn: string,
  options: { sessionName: string; durationSeconds?: number; clock: () => Date },
): () => Promise<Credentials> {
  let cached: Credentials | undefined;
  return async () => {
    if (cached?.expiration && cached.expiration.getTime() - REFRESH_MARGIN_MS > options.clock().getTime()) return cached;
    let response;
    try {
      response = await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: options.sessionName,
          ...(options.durationSeconds ? { DurationSeconds: options.durationSeconds } : {}),
        }),
      );
    } catch (cause) {
      throw new PolicySourceError(`cannot assume ${roleArn} to read policies`, { cause });
    }
    const c = response.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new PolicySourceError(`sts:AssumeRole on ${roleArn} returned no credentials`);
    cached = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
    return cached;
  };
}

/**
 * A `clientForAccount` factory for {@link IamPolicySource}: in another account it returns an IAM
 * client whose credentials come from `sts:AssumeRole` on `arn:<partition>:iam::<account>:role/<readRoleName>`
 * (cached, renewed before expiry); in the home account it returns `homeClient`, or null.
 */
export function assumeRoleClientFactory(options: AssumeRoleFactoryOptions): (accountId: string) => Promise<IAMClient | null> {
  const sts = options.sts ?? new STSClient(options.region ? { region: options.region } : {});
  const clock = options.clock ?? (() => new Date());
  const partition = options.partition ?? 'aws';
  const roleName = options.readRoleName.replace(/^\/+/, '');
  let home: Promise<string | undefined> | undefined;
  const clients = new Map<string, IAMClient>();

  // A failed lookup is not cached: one STS blip must not disable cross-account reads for the container's life.
  const homeAccount = () =>
    (home ??= options.homeAccountId
      ? Promise.resolve(options.homeAccountId)
      : sts.send(new GetCallerIdentityCommand({})).then(
          (r) => r.Account,
          (err: unknown) => {
            home = undefined;
            throw err;
          },
        ));

  return async (accountId: string) => {
    if (accountId === (await homeAccount())) return options.homeClient ?? null;
    if (options.mayRead && !options.mayRead(accountId))
      throw new PolicySourceError(
        `account ${accountId} is neither named in READ_ACCOUNTS nor in the organization: its read role is not assumed (docs/security.md)`,
      );
    let client = clients.get(accountId);
    if (!client) {
      client = new IAMClient({
        ...(options.region ? { region: options.region } : {}),
        credentials: assumeRoleCredentials(sts, `arn:${partition}:iam::${accountId}:role/${roleName}`, {
          sessionName: options.sessionName ?? 'access-auditor-read',
          ...(options.durationSeconds ? { durationSeconds: options.durationSeconds } : {}),
          clock,
        }),
        maxAttempts: 5,
        retryMode: 'adaptive',
      });
      clients.set(accountId, client);
    }
    return client;
  };
}
