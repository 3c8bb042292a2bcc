import { rmSync } from 'node:fs';
import { stopBackgroundPackaging } from '../deploy/package-central';
import { RUN_DIR_ENV } from './run-dir';

/** Ends the background packaging if still running, then removes the run's scratch folder (see run-dir.ts). */
export default function globalTeardown(): void {
  const runDir = process.env[RUN_DIR_ENV];
  if (runDir) {
    stopBackgroundPackaging(runDir, 'test');
    rmSync(runDir, { recursive: true, force: true });
  }
  delete process.env[RUN_DIR_ENV];
}
