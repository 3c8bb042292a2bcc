'use strict';
// Which runtime dependencies may ship: the logic shared by scripts/check-licenses.mjs (run by .ci/run)
// and tests/project/licenses.test.ts. It reads package-lock.json (lockfileVersion 2 or 3), so it needs no
// network and checks exactly what `npm ci` installs. CommonJS so Node and ts-jest both load it as is.

const fs = require('node:fs');
const path = require('node:path');

/** Permissive licenses only: no GPL/AGPL/LGPL family, no source-available or unknown licenses. */
const PERMISSIVE = new Set(['MIT', 'MIT-0', 'ISC', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD', 'BlueOak-1.0.0', 'CC0-1.0', 'Unlicense']);

/** Packages that must never ship, whatever their lock entry says (AGPL; see docs/security.md). */
const BANNED = ['@cloud-copilot/iam-simulate', '@cloud-copilot/iam-policy', '@cloud-copilot/iam-utils'];

/**
 * A license expression is acceptable when it is one permissive license, an OR of expressions of which
 * one is acceptable (the user may choose it), or an AND of acceptable ones.
 */
function isPermissive(expression) {
  if (typeof expression !== 'string' || expression.trim() === '') return false;
  const e = expression.trim().replace(/^\((.*)\)$/, '$1');
  if (/\sOR\s/.test(e)) return e.split(/\s+OR\s+/).some(isPermissive);
  if (/\sAND\s/.test(e)) return e.split(/\s+AND\s+/).every(isPermissive);
  return PERMISSIVE.has(e);
}

/** The installed path's package name (`node_modules/a/node_modules/@b/c` -> `@b/c`). */
function packageName(lockPath) {
  return lockPath.replace(/^.*node_modules\//, '');
}

/** Runtime (non-dev) packages of a parsed package-lock.json: [{ path, name, version, license }]. */
function runtimePackages(lock) {
  return Object.entries(lock.packages ?? {})
    .filter(([p, entry]) => p !== '' && !entry.dev && !entry.devOptional)
    .map(([p, entry]) => ({ path: p, name: packageName(p), version: entry.version, license: entry.license }));
}

/** Problems with the runtime dependencies of `lock`: one line each; empty when all may ship. */
function licenseProblems(lock) {
  const problems = [];
  for (const pkg of runtimePackages(lock)) {
    if (BANNED.includes(pkg.name)) problems.push(`${pkg.path}: banned package`);
    else if (!isPermissive(pkg.license)) problems.push(`${pkg.path}@${pkg.version ?? '?'}: license ${pkg.license ?? '(none declared)'} is not permissive`);
  }
  return problems;
}

function readLock(root) {
  return JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
}

module.exports = { PERMISSIVE, BANNED, isPermissive, licenseProblems, readLock, runtimePackages };
