#!/usr/bin/env node
// Benchmark: records per second for `explain --json` on a large generated input, next to the time
// JSON.parse alone takes on the same input in the same run. Target: decoding costs at most 5x parsing.
// Measured in-process (no process start-up): the decode step alone (decodeRecord on parsed records),
// the decoding path of `explain --json` (read + parse + decode + serialise), and, for information,
// the throughput with the proposal step that `explain` also runs.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { iterateInputs } = require(join(root, 'dist/lib/cloudtrail/input.js'));
const { proposeFix } = require(join(root, 'dist/lib/policy/propose/propose.js'));
const { decodeRecord } = require(join(root, 'dist/lib/cloudtrail/decode.js'));

const count = Number(process.argv[2] ?? 50_000);
const examples = readdirSync(join(root, 'examples/records'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(root, 'examples/records', f), 'utf8')));
// Vary identifiers so nothing can be cached across records.
const lines = [];
for (let i = 0; i < count; i++) {
  const r = structuredClone(examples[i % examples.length]);
  r.eventID = `bench-${i}`;
  if (r.userIdentity.sessionContext) r.userIdentity.arn = r.userIdentity.arn.replace(/[^/]+$/, `session-${i}`);
  r.errorMessage = r.errorMessage.replace(/assumed-role\/([^/]+)\/[^ ]+/, `assumed-role/$1/session-${i}`);
  lines.push(JSON.stringify(r));
}
const text = lines.join('\n');
const mb = (Buffer.byteLength(text) / 1e6).toFixed(1);

function time(fn) {
  const start = process.hrtime.bigint();
  const result = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

function decodeAll() {
  let bytes = 0;
  for (const item of iterateInputs(text)) {
    if ('record' in item) {
      const o = decodeRecord(item.record);
      bytes += JSON.stringify(o.kind === 'denial' ? o.denial : o).length;
    }
  }
  return bytes;
}

function parseAll() {
  let n = 0;
  for (const l of lines) n += JSON.parse(l) ? 1 : 0;
  return n;
}

// Warm up both paths so the JIT has compiled them before timing.
for (const l of lines.slice(0, 3000)) decodeRecord(JSON.parse(l));
parseAll();

// The decode step alone, on records parsed beforehand (kept out of the timing).
const parsed = lines.map((l) => JSON.parse(l));
function decodeOnly() {
  let n = 0;
  for (const r of parsed) n += decodeRecord(r).kind === 'denial' ? 1 : 0;
  return n;
}

// Interleaved runs, best of each: the measurements see the same machine state.
const runs = 5;
let parseMs = Infinity;
let explainMs = Infinity;
let decodeMs = Infinity;
for (let r = 0; r < runs; r++) {
  parseMs = Math.min(parseMs, time(parseAll).ms);
  explainMs = Math.min(explainMs, time(decodeAll).ms);
  decodeMs = Math.min(decodeMs, time(decodeOnly).ms);
}
const rssMb = (process.memoryUsage().rss / 1e6).toFixed(0);
const ratio = explainMs / parseMs;
const decodeRatio = decodeMs / parseMs;
console.log(`input: ${count} records, ${mb} MB of JSON Lines (the six examples, varied)`);
console.log(
  `JSON.parse alone:           ${parseMs.toFixed(0).padStart(6)} ms  ${Math.round(count / (parseMs / 1000))
    .toLocaleString('en-US')
    .padStart(9)} records/s`,
);
console.log(
  `read+parse+decode+write:  ${explainMs.toFixed(0).padStart(6)} ms  ${Math.round(count / (explainMs / 1000))
    .toLocaleString('en-US')
    .padStart(9)} records/s  (read + parse + decode + serialise)`,
);
console.log(
  `decode step alone:          ${decodeMs.toFixed(0).padStart(6)} ms  ${Math.round(count / (decodeMs / 1000))
    .toLocaleString('en-US')
    .padStart(9)} records/s  (decodeRecord on parsed records)`,
);
console.log(`ratio, decode step / JSON.parse: ${decodeRatio.toFixed(2)}x (target <= 5x)`);
console.log(`ratio, whole explain --json / JSON.parse: ${ratio.toFixed(2)}x (includes parsing itself and serialising a larger output)   rss ${rssMb} MB`);

// For information: the same with the proposal step (no policy snapshot), which explain also runs.
const sample = lines.slice(0, Math.min(count, 5000));
const proposeMs = time(() => {
  for (const l of sample) {
    const o = decodeRecord(JSON.parse(l));
    if (o.kind === 'denial') JSON.stringify(proposeFix(o.denial, null));
  }
}).ms;
console.log(`with proposals (no snapshot): ${Math.round(sample.length / (proposeMs / 1000)).toLocaleString('en-US')} records/s  (in-process)`);

// The real command, as a user runs it: a process reading a file and writing JSON Lines, proposals included.
const cliCount = Math.min(count, 20_000);
const file = join(mkdtempSync(join(tmpdir(), 'access-auditor-bench-')), 'records.jsonl');
writeFileSync(file, lines.slice(0, cliCount).join('\n'));
for (const [label, extra] of [
  ['CLI explain --json', []],
  ['CLI explain --json --policies', ['--policies', join(root, 'examples/policies/111122223333.json')]],
]) {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [join(root, 'bin/access-auditor'), 'explain', '--json', ...extra, file], { stdio: ['ignore', 'ignore', 'inherit'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${label} exited ${run.status}`);
  console.log(
    `${(label + ':').padEnd(32)}${Math.round(cliCount / (ms / 1000))
      .toLocaleString('en-US')
      .padStart(9)} records/s  (${cliCount} records, process start included)`,
  );
}
process.exitCode = decodeRatio <= 5 ? 0 : 1;
