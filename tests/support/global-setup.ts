import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_READERS, repoRoot, startPackagingInBackground } from '../deploy/package-central';
import { PACKAGE_DIR_ENV, RUN_DIR_ENV } from './run-dir';

interface RunConfig {
  testPathPattern?: string;
  onlyChanged?: boolean;
  findRelatedTests?: boolean;
  watch?: boolean;
  watchAll?: boolean;
}

/**
 * Makes the run's scratch folder (see run-dir.ts) before any worker starts and, when the run includes
 * the deploy suites and no package was given, starts packaging the central service in the background.
 */
export default function globalSetup(config: RunConfig): void {
  const runDir = mkdtempSync(join(tmpdir(), 'access-auditor-run-'));
  process.env[RUN_DIR_ENV] = runDir;
  if (!process.env[PACKAGE_DIR_ENV] && runsPackageReaders(config)) startPackagingInBackground(runDir, 'test');
}

/** Whether the selected tests include a suite that reads the package (when unsure, the suites package themselves). */
function runsPackageReaders(config: RunConfig): boolean {
  if (config.onlyChanged || config.findRelatedTests || config.watch || config.watchAll) return false;
  const pattern = config.testPathPattern ?? '';
  if (pattern === '') return true;
  try {
    const selects = new RegExp(pattern, 'i');
    return PACKAGE_READERS.some((suite) => selects.test(join(repoRoot, suite)));
  } catch {
    return false;
  }
}
