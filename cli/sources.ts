import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { BedrockProfileResolver } from '../lib/bedrock/sources/bedrock-profile-resolver';
import { IamPolicySimulator } from '../lib/policy/sources/iam-simulator';
import { IamPolicySource } from '../lib/policy/sources/iam-policy-source';
import { assumeRoleClientFactory } from '../lib/policy/sources/assume-role';
import { accountRoutedSimulator } from '../lib/policy/sources/account-routed-simulator';
import { SnapshotPolicySource } from '../lib/policy/sources/snapshot';
import { loadActionCatalog } from '../lib/policy/catalog/iam-data-catalog';
import { UsageError } from '../lib/errors';
import type { AnalyzeDeps } from '../lib/pipeline/analyze';
import type { CliIo } from './io';
import { awsClientConfig, awsRegion, describeAwsFailure, type AwsFailure } from './aws';
import { ProposalMemo } from '../lib/policy/propose/proposal-memo';

/** Failures of the online checks that come from the environment (credentials, network, permissions), the first kept. */
export interface OnlineHealth {
  failures: number;
  first?: AwsFailure;
}

/** Wraps an async method so that an environment failure is counted in `health` (and still thrown: analyze notes it). */
function watched<A extends unknown[], R>(call: (...args: A) => Promise<R>, health: OnlineHealth, io: CliIo): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await call(...args);
    } catch (err) {
      const failure = describeAwsFailure(err, io);
      if (failure) {
        health.failures++;
        health.first ??= failure;
      }
      throw err;
    }
  };
}

/** The same enrichers, with every AWS-facing call watched for environment failures. */
export function watchOnline(deps: AnalyzeDeps, health: OnlineHealth, io: CliIo): AnalyzeDeps {
  const source = deps.policySource;
  const resolver = deps.profileResolver;
  const simulator = deps.simulator;
  return {
    ...deps,
    policySource: source
      ? {
          getPrincipalPolicies: watched((p) => source.getPrincipalPolicies(p), health, io),
          ...(source.getRoleTrustPolicy ? { getRoleTrustPolicy: watched((arn: string) => source.getRoleTrustPolicy!(arn), health, io) } : {}),
        }
      : source,
    profileResolver: resolver ? { resolve: watched((id: string, region: string) => resolver.resolve(id, region), health, io) } : resolver,
    simulator: simulator ? { simulate: watched((r) => simulator.simulate(r), health, io) } : simulator,
  };
}

export interface SourceOptions {
  policyFiles: string[];
  online: boolean;
  region?: string;
  /** With --online: the read-only role to assume in accounts other than the caller's (the member-account role). */
  readRole?: string;
  io: CliIo;
}

/** Reads `--policies` snapshot files; a file that is not JSON is a usage error naming it. */
export function loadSnapshots(paths: string[], cwd: string): unknown[] {
  return paths.map((p) => {
    const full = resolve(cwd, p);
    let text: string;
    try {
      text = readFileSync(full, 'utf8');
    } catch {
      throw new UsageError(`cannot read policy snapshot ${p}`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new UsageError(`policy snapshot ${p} is not JSON: ${(err as Error).message}`);
    }
  });
}

/**
 * The analysis enrichers for the CLI: a snapshot when `--policies` is given, live IAM and Bedrock
 * reads when `--online` (the snapshot then wins for the principals it holds: it is what the user asked to check).
 */
export function buildAnalyzeDeps(options: SourceOptions): AnalyzeDeps {
  const snapshot = options.policyFiles.length > 0 ? SnapshotPolicySource.fromSnapshots(loadSnapshots(options.policyFiles, options.io.cwd)) : null;
  // One memo per command run: a storm of one denial is proposed once.
  const proposals = new ProposalMemo();
  if (!options.online) return { policySource: snapshot, loadCatalog: loadActionCatalog, proposals };
  const region = awsRegion(options.io, options.region, 'us-east-1') as string;
  const iam = new IAMClient({ ...awsClientConfig(options.io, region), maxAttempts: 5, retryMode: 'adaptive' });
  const bedrockClients = new Map<string, BedrockClient>();
  const clientForAccount = options.readRole
    ? assumeRoleClientFactory({ readRoleName: options.readRole, region, homeClient: iam, sts: new STSClient(awsClientConfig(options.io, region)) })
    : undefined;
  const live = new IamPolicySource({ client: iam, ...(clientForAccount ? { clientForAccount } : {}) });
  return {
    policySource: snapshot
      ? {
          getPrincipalPolicies: async (p) => (await snapshot.getPrincipalPolicies(p)) ?? live.getPrincipalPolicies(p),
          getRoleTrustPolicy: async (arn) => (await snapshot.getRoleTrustPolicy(arn)) ?? live.getRoleTrustPolicy(arn),
        }
      : live,
    profileResolver: new BedrockProfileResolver({
      clientForRegion: (r: string) => {
        let client = bedrockClients.get(r);
        if (!client) bedrockClients.set(r, (client = new BedrockClient(awsClientConfig(options.io, r))));
        return client;
      },
    }),
    // With a read role, a member account's principal is simulated in its own account, like its policies are read.
    simulator: clientForAccount ? accountRoutedSimulator(clientForAccount, iam) : new IamPolicySimulator({ client: iam }),
    loadCatalog: loadActionCatalog,
    proposals,
  };
}
