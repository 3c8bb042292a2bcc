import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Template } from '../../deploy/cfn-template';

export const repoRoot = join(__dirname, '..', '..');

export interface PackagedService {
  /** Where `osls package --package` wrote the template and the zips. */
  dir: string;
  template: Template;
}

/**
 * Runs `osls package` for the central service into a fresh temporary directory, offline: no AWS
 * credentials or profile are passed on, telemetry and update notices are off. Takes a few seconds.
 */
export function packageCentralService(stage = 'test'): PackagedService {
  const dir = mkdtempSync(join(tmpdir(), 'access-auditor-package-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AWS_') && !key.startsWith('SLS_')) env[key] = value;
  }
  const result = spawnSync(
    process.execPath,
    [require.resolve('osls/bin/serverless.js'), 'package', '--stage', stage, '--region', 'us-east-1', '--package', dir],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 150_000,
      env: { ...env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', FORCE_COLOR: '0' },
    },
  );
  if (result.status !== 0) {
    throw new Error(`osls package failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}\n${result.stderr}`);
  }
  const template = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
  return { dir, template };
}

/** Every optional feature of the central stack on: the parameters the template tests materialize it with. */
export const ALL_FEATURES = {
  EventSources: 'bedrock.amazonaws.com,bedrock-mantle.amazonaws.com',
  TopicKmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  TableKmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/9999abcd-12ab-34cd-56ef-1234567890ab',
  AlertEmail: 'security@example.com',
  SlackWorkspaceId: 'T0123456789',
  SlackChannelId: 'C0123456789',
  OrgId: 'o-abcdefghij',
  Tracing: 'Active',
};
