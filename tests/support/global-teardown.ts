import { rmSync } from 'node:fs';
import { RUN_DIR_ENV } from './run-dir';

/** Removes the run's scratch folder (see run-dir.ts) and what the suites shared in it. */
export default function globalTeardown(): void {
  const runDir = process.env[RUN_DIR_ENV];
  if (runDir) rmSync(runDir, { recursive: true, force: true });
  delete process.env[RUN_DIR_ENV];
}
