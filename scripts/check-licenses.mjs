#!/usr/bin/env node
// `node scripts/check-licenses.mjs`: fails (exit 1) when a runtime dependency in package-lock.json is not
// permissively licensed or is banned; the rule lives in scripts/licenses.js, shared with the test suite.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { licenseProblems, readLock, runtimePackages } = require('./licenses.js');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const lock = readLock(root);
const problems = licenseProblems(lock);
if (problems.length > 0) {
  for (const p of problems) console.error(`license: ${p}`);
  console.error(`licenses: ${problems.length} runtime dependenc${problems.length === 1 ? 'y' : 'ies'} may not ship`);
  process.exit(1);
}
console.log(`licenses: ${runtimePackages(lock).length} runtime packages, all permissive`);
