import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_DIR_ENV } from './run-dir';

/** Makes the run's scratch folder (see run-dir.ts) before any worker starts. */
export default function globalSetup(): void {
  process.env[RUN_DIR_ENV] = mkdtempSync(join(tmpdir(), 'access-auditor-run-'));
}
