#!/usr/bin/env node
// `node scripts/bench/explain-golden.mjs [ROOT] > out.jsonl`: the `explain --json` output of the build in
// ROOT/dist (default: this checkout) over fixed inputs: examples/records with and without the example
// policies, a generated mix with and without a 1,000-role snapshot, distinct denials, a storm, and the
// shared corpus when ../shared/corpus exists. Run it on two builds and compare the files byte for byte:
// a speed-up must not change a single output byte.
//   node scripts/bench/explain-golden.mjs /path/to/old-checkout > before.jsonl
//   node scripts/bench/explain-golden.mjs > after.jsonl && cmp before.jsonl after.jsonl
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { distinct, realisticMix, snapshot, storm } from './records.mjs';

const here = join(dirname(fileURLToPath(import.meta.url)), '../..');
const root = resolve(process.argv[2] ?? here);
const { main } = createRequire(import.meta.url)(join(root, 'dist/cli/main.js'));
const dir = mkdtempSync(join(tmpdir(), 'explain-golden-'));
const write = (name, records) => {
  const file = join(dir, name);
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
};

const chunks = [];
const io = {
  stdout: { write: (c) => chunks.push(c) },
  stderr: { write: () => true },
  readStdin: async () => '',
  env: {},
  cwd: here,
  now: () => new Date('2026-11-22T08:00:00Z'),
};
const snapshotFile = join(dir, 'snapshot.json');
writeFileSync(snapshotFile, JSON.stringify(snapshot(here, 1_000)));
// The same snapshot with conditions the evaluator and the memo must read from each record's context.
const conditioned = snapshot(here, 1_000);
conditioned.RoleDetailList.forEach((role, i) => {
  const statements = role.RolePolicyList?.[0]?.PolicyDocument.Statement;
  if (!statements || i % 2) return;
  statements.push(
    { Effect: 'Deny', Action: '*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/26', '198.51.100.0/24'] } } },
    { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::data-bucket-1/${aws:userid}/*' },
    { Effect: 'Allow', Action: ['kms:Decrypt', 'sqs:*'], Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } },
  );
});
const conditionedFile = join(dir, 'conditioned.json');
writeFileSync(conditionedFile, JSON.stringify(conditioned));
const mix = write('mix.jsonl', realisticMix(here, 3_000, { fingerprints: 300, seed: 7 }));
const fresh = write('fresh.jsonl', realisticMix(here, 1_000, { seed: 3 }));
const runs = [
  ['examples/records'],
  ['--policies', 'examples/policies/111122223333.json', 'examples/records'],
  [mix],
  ['--policies', snapshotFile, mix],
  ['--policies', snapshotFile, fresh],
  ['--policies', conditionedFile, mix],
  [write('distinct.jsonl', distinct(here, 500))],
  ['--policies', snapshotFile, write('storm.jsonl', storm(here, 200))],
];
const corpus = join(here, '../shared/corpus');
if (existsSync(corpus)) {
  const files = readdirSync(corpus)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => join(corpus, f));
  runs.push(files, ['--policies', 'examples/policies/111122223333.json', ...files]);
}
for (const args of runs) {
  chunks.push(`# explain --json ${args.map((a) => a.replace(dir, '<tmp>')).join(' ')}\n`);
  const status = await main(['explain', '--json', ...args], io);
  chunks.push(`# exit ${status}\n`);
}
process.stdout.write(chunks.join(''));
