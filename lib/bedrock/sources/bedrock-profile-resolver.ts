/**
 * {@link ProfileResolver} backed by `bedrock:GetInferenceProfile`, the authoritative source of an
 * inference profile's destination regions (one foundation-model ARN per destination in `models[]`).
 * Profiles are regional: the call goes to the control plane of the region the profile was called in.
 */
import { BedrockClient, GetInferenceProfileCommand } from '@aws-sdk/client-bedrock';
import type { ProfileResolver, ResolvedProfile } from '../ports';
import { regionsOfModelArns } from '../resolve';
import { AuditorError } from '../../errors';

/** Raised for failures other than "profile not found / not readable" (throttling, network, ...). */
export class ProfileResolverError extends AuditorError {
  override readonly name = 'ProfileResolverError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface BedrockProfileResolverOptions {
  /** Builds the client for a region; by default one `BedrockClient` per region, created on first use. */
  clientForRegion?: (region: string) => BedrockClient;
  /** How long answers (including "not found") are reused. Default 15 minutes. */
  ttlMs?: number;
  /** The clock, injected for tests. */
  clock?: () => Date;
  /** Most entries kept; the oldest is dropped beyond it. Default 500. */
  maxEntries?: number;
}

/** Error names that mean "this caller cannot see this profile": answered with null, not thrown. */
const NOT_READABLE = new Set(['ResourceNotFoundException', 'AccessDeniedException', 'ValidationException']);

interface CacheEntry {
  value: ResolvedProfile | null;
  expiresAt: number;
}

export class BedrockProfileResolver implements ProfileResolver {
  private readonly clientFor: (region: string) => BedrockClient;
  private readonly ttlMs: number;
  private readonly clock: () => Date;
  private readonly maxEntries: number;
  private readonly cache = new Map<string, CacheEntry>();

  constructor(options: BedrockProfileResolverOptions = {}) {
    const clients = new Map<string, BedrockClient>();
    this.clientFor =
      options.clientForRegion ??
      ((region) => {
        let client = clients.get(region);
        if (!client) {
          client = new BedrockClient({ region });
          clients.set(region, client);
        }
        return client;
      });
    this.ttlMs = options.ttlMs ?? 15 * 60 * 1000;
    this.clock = options.clock ?? (() => new Date());
    this.maxEntries = options.maxEntries ?? 500;
  }

  async resolve(profileIdOrArn: string, region: string): Promise<ResolvedProfile | null> {
    const key = `${region}\n${profileIdOrArn}`;
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > this.clock().getTime()) return cached.value;
    const value = await this.fetch(profileIdOrArn, region);
    this.remember(key, value);
    return value;
  }

  private async fetch(profileIdOrArn: string, region: string): Promise<ResolvedProfile | null> {
    try {
      const out = await this.clientFor(region).send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: profileIdOrArn }));
      if (!out.inferenceProfileArn) return null;
      const modelArns = (out.models ?? []).map((m) => m.modelArn).filter((a): a is string => typeof a === 'string');
      return {
        arn: out.inferenceProfileArn,
        id: out.inferenceProfileId ?? profileIdOrArn,
        kind: out.type === 'APPLICATION' ? 'application' : 'system',
        modelArns,
        destinationRegions: regionsOfModelArns(modelArns),
      };
    } catch (e) {
      const name = e instanceof Error ? e.name : '';
      if (NOT_READABLE.has(name)) return null;
      throw new ProfileResolverError(`GetInferenceProfile ${profileIdOrArn} in ${region} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }

  private remember(key: string, value: ResolvedProfile | null): void {
    this.cache.delete(key);
    this.cache.set(key, { value, expiresAt: this.clock().getTime() + this.ttlMs });
    while (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }
}
