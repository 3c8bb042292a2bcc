import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Template } from '../../deploy/cfn-template';
import { PACKAGE_DIR_ENV, RUN_DIR_ENV } from '../support/run-dir';

export const repoRoot = join(__dirname, '..', '..');

export interface PackagedService {
  /** Where `osls package --package` wrote the template and the zips. */
  dir: string;
  template: Template;
  /** Removes `dir` when this suite made it for itself; a package shared by the run is left to its owner. */
  release(): void;
}

/**
 * The central service as `osls package` produces it, packaged at most once per test run:
 * - `ACCESS_AUDITOR_PACKAGE_DIR` names a package made before the run (CI: `scripts/package-all.sh test`,
 *   which also verifies it): the suites read it and leave it in place;
 * - otherwise, under `npm test` / `npx jest`, the first suite that needs it packages into the run's
 *   scratch folder (tests/support/global-setup.js) while the others wait for it; globalTeardown removes it;
 * - otherwise (no globalSetup ran) the suite packages into a temporary folder that `release()` removes.
 */
export async function packagedCentralService(stage = 'test'): Promise<PackagedService> {
  const given = process.env[PACKAGE_DIR_ENV];
  if (given) return { dir: given, template: readPackage(given, stage), release: () => undefined };

  const runDir = process.env[RUN_DIR_ENV];
  if (!runDir || !existsSync(runDir)) {
    const dir = mkdtempSync(join(tmpdir(), 'access-auditor-package-'));
    try {
      runOslsPackage(stage, dir);
      return { dir, template: readPackage(dir, stage), release: () => rmSync(dir, { recursive: true, force: true }) };
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  const dir = join(runDir, `package-${stage}`);
  const failed = `${dir}.failed`;
  let mine = true;
  try {
    mkdirSync(`${dir}.lock`); // atomic: one suite of the run packages, the others wait
  } catch {
    mine = false;
  }
  if (mine) {
    const partial = `${dir}.partial`;
    try {
      runOslsPackage(stage, partial);
      renameSync(partial, dir);
    } catch (error) {
      writeFileSync(failed, String((error as Error).message));
      throw error;
    }
  } else {
    // Packaging takes seconds (a minute on a loaded 2-core machine); osls itself is bounded at 150 s.
    const deadline = Date.now() + 170_000;
    while (!existsSync(dir)) {
      if (existsSync(failed)) throw new Error(`packaging by another suite of this run failed:\n${readFileSync(failed, 'utf8')}`);
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${dir} (packaged by another suite of this run)`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return { dir, template: readPackage(dir, stage), release: () => undefined };
}

/**
 * Runs `osls package` for the central service into `dir`, offline: no AWS credentials or profile are
 * passed on, telemetry and update notices are off. Takes a few seconds.
 */
function runOslsPackage(stage: string, dir: string): void {
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
}

/** The packaged template, after checking that `dir` was packaged for `stage` (the tests assert stage-named values). */
function readPackage(dir: string, stage: string): Template {
  const state = JSON.parse(readFileSync(join(dir, 'serverless-state.json'), 'utf8')) as { service?: { provider?: { stage?: string } } };
  const packagedStage = state.service?.provider?.stage;
  if (packagedStage !== stage) {
    throw new Error(`${dir} was packaged for stage ${packagedStage ?? '(unknown)'}, the tests need stage ${stage} (scripts/package-all.sh ${stage})`);
  }
  return JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
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
