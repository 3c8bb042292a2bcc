import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
 * - otherwise, under `npm test` / `npx jest`, it is packaged into the run's scratch folder: started in
 *   the background by globalSetup when the run includes the deploy suites ({@link startPackagingInBackground}),
 *   so the other suites keep both cores busy meanwhile, or else by the first suite that needs it; the
 *   others wait for it, and globalTeardown removes it;
 * - otherwise (no globalSetup ran) the suite packages into a temporary folder that `release()` removes.
 */
export async function packagedCentralService(stage = 'test'): Promise<PackagedService> {
  const given = process.env[PACKAGE_DIR_ENV];
  if (given) return { dir: given, template: readPackage(given, stage), release: () => undefined };

  const runDir = process.env[RUN_DIR_ENV];
  if (!runDir || !existsSync(runDir)) {
    const dir = mkdtempSync(join(tmpdir(), 'access-auditor-package-'));
    const scratch = mkdtempSync(join(tmpdir(), 'access-auditor-osls-'));
    try {
      runOslsPackage(stage, dir, scratch);
      return { dir, template: readPackage(dir, stage), release: () => rmSync(dir, { recursive: true, force: true }) };
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  const { dir, lock, partial, failed, scratch } = runPackagePaths(runDir, stage);
  let mine = true;
  try {
    mkdirSync(lock); // atomic: one packages (globalSetup or a suite), the others wait
  } catch {
    mine = false;
  }
  if (mine) {
    try {
      runOslsPackage(stage, partial, scratch);
      renameSync(partial, dir);
    } catch (error) {
      writeFileSync(failed, String((error as Error).message));
      throw error;
    }
  } else {
    // Packaging takes seconds (a minute on a loaded 2-core machine); osls itself is bounded at 150 s.
    const deadline = Date.now() + 170_000;
    while (!existsSync(dir)) {
      if (existsSync(failed)) throw new Error(`packaging for this run (globalSetup or another suite) failed:\n${readFileSync(failed, 'utf8')}`);
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${dir} (packaged for this run by globalSetup or another suite)`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return { dir, template: readPackage(dir, stage), release: () => undefined };
}

function runPackagePaths(runDir: string, stage: string) {
  const dir = join(runDir, `package-${stage}`);
  // `scratch` is osls's TMPDIR: serverless-esbuild leaves its work folders there, removed with the run's folder.
  return { dir, lock: `${dir}.lock`, partial: `${dir}.partial`, failed: `${dir}.failed`, log: `${dir}.log`, pid: `${dir}.pid`, scratch: `${dir}.tmp` };
}

/** The deploy suites that read the package (globalSetup packages ahead only when the run includes one). */
export const PACKAGE_READERS = ['tests/deploy/serverless-template.test.ts', 'tests/deploy/cfn-spec.test.ts'];

/**
 * Starts `osls package` into the run's scratch folder without waiting for it (globalSetup, in Jest's
 * main process): when it ends, the package is moved into place or the failure is written down for the
 * suites waiting in {@link packagedCentralService}. {@link stopBackgroundPackaging} ends it if the run
 * ends first.
 */
export function startPackagingInBackground(runDir: string, stage = 'test'): void {
  const { dir, lock, partial, failed, log, pid, scratch } = runPackagePaths(runDir, stage);
  mkdirSync(lock);
  mkdirSync(scratch, { recursive: true });
  const out = openSync(log, 'w');
  const child = spawn(process.execPath, oslsArgs(stage, partial), { cwd: repoRoot, env: oslsEnv(scratch), stdio: ['ignore', out, out] });
  closeSync(out);
  if (child.pid !== undefined) writeFileSync(pid, String(child.pid));
  const timer = setTimeout(() => child.kill(), OSLS_TIMEOUT_MS);
  timer.unref();
  const fail = (reason: string) => writeFileSync(failed, `osls package failed (${reason}):\n${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
  child.on('error', (error) => fail(error.message));
  child.on('exit', (code, signal) => {
    clearTimeout(timer);
    rmSync(pid, { force: true });
    if (code !== 0) return fail(signal ? `killed by ${signal}` : `exit ${code}`);
    try {
      renameSync(partial, dir);
    } catch (error) {
      fail((error as Error).message);
    }
  });
  child.unref();
}

/** Ends the background packaging of this run if it still runs (globalTeardown). */
export function stopBackgroundPackaging(runDir: string, stage = 'test'): void {
  const { pid } = runPackagePaths(runDir, stage);
  if (!existsSync(pid)) return;
  const id = Number.parseInt(readFileSync(pid, 'utf8'), 10);
  if (Number.isInteger(id) && id > 0) {
    try {
      process.kill(id);
    } catch {
      // already gone
    }
  }
}

const OSLS_TIMEOUT_MS = 150_000;

function oslsArgs(stage: string, dir: string): string[] {
  return [require.resolve('osls/bin/serverless.js'), 'package', '--stage', stage, '--region', 'us-east-1', '--package', dir];
}

/** No AWS credentials or profile are passed on; telemetry and update notices are off; temporary files go to `scratch`. */
function oslsEnv(scratch: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AWS_') && !key.startsWith('SLS_')) env[key] = value;
  }
  return { ...env, TMPDIR: scratch, TMP: scratch, TEMP: scratch, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', FORCE_COLOR: '0' };
}

/** Runs `osls package` for the central service into `dir`, offline. Takes a few seconds. */
function runOslsPackage(stage: string, dir: string, scratch: string): void {
  mkdirSync(scratch, { recursive: true });
  const result = spawnSync(process.execPath, oslsArgs(stage, dir), { cwd: repoRoot, encoding: 'utf8', timeout: OSLS_TIMEOUT_MS, env: oslsEnv(scratch) });
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
