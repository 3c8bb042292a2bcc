/** What `bedrock:GetInferenceProfile` says about a profile, reduced to what the proposals need. */
export interface ResolvedProfile {
  arn: string;
  id: string;
  kind: 'system' | 'application';
  /** One foundation-model ARN per destination region. */
  modelArns: string[];
  destinationRegions: string[];
}

export interface ProfileResolver {
  /** Null when the profile is unknown or cannot be read (never throws for a missing profile). */
  resolve(profileIdOrArn: string, region: string): Promise<ResolvedProfile | null>;
}
