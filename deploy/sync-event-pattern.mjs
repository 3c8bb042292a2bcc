// One source for the denial event pattern: deploy/event-pattern.json (the plain EventBridge
// pattern). This writes its CloudFormation form (with the optional event-source filter) to
// deploy/event-pattern.cfn.json, which serverless.yml includes with ${file(...)}, and into the
// generated block of deploy/member-account.yml, which must stay a self-contained template for
// StackSets. `--check` changes nothing and exits 1 when either copy is stale (used by CI).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { buildCfnEventPattern, replacePatternBlock } = require('./cfn-template.js');

const here = dirname(fileURLToPath(import.meta.url));
const check = process.argv.includes('--check');

const base = JSON.parse(readFileSync(join(here, 'event-pattern.json'), 'utf8'));
const cfn = buildCfnEventPattern(base);

const targets = [
  { file: join(here, 'event-pattern.cfn.json'), render: () => `${JSON.stringify(cfn, null, 2)}\n` },
  { file: join(here, 'member-account.yml'), render: (current) => replacePatternBlock(current, cfn) },
];

let stale = 0;
for (const { file, render } of targets) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // a missing generated file is simply stale
  }
  const next = render(current);
  if (next === current) continue;
  stale += 1;
  if (check) console.error(`stale: ${file} (run: node deploy/sync-event-pattern.mjs)`);
  else {
    writeFileSync(file, next);
    console.log(`wrote ${file}`);
  }
}
process.exit(check && stale ? 1 : 0);
