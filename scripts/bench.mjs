#!/usr/bin/env node
// Benchmark: records per second for `explain --json` on a large generated input, next to the time
// JSON.parse alone takes on the same input in the same run. Target: decoding costs at most 5x parsing.
// Runs the same code path as the CLI (readInputs → analyzeRecord → JSON.stringify) in-process, so the
// numbers measure the decoder and not process start-up.
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { readInputs } = require(join(root, 'dist/lib/cloudtrail/input.js'));
const { explainRecord } = require(join(root, 'dist/lib/cloudtrail/explain.js'));

const count = Number(process.argv[2] ?? 50_000);
const examples = readdirSync(join(root, 'examples/records')).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(root, 'examples/records', f), 'utf8')));
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

// Warm up both paths so the JIT has compiled them before timing.
for (const l of lines.slice(0, 2000)) explainRecord(JSON.parse(l));

const runs = 3;
let parseMs = Infinity;
let explainMs = Infinity;
for (let r = 0; r < runs; r++) {
  parseMs = Math.min(parseMs, time(() => { for (const l of lines) JSON.parse(l); }).ms);
  explainMs = Math.min(explainMs, time(() => {
    let out = 0;
    for (const item of readInputs(text)) {
      if ('record' in item) {
        const o = explainRecord(item.record);
        out += JSON.stringify(o.kind === 'denial' ? o.denial : o).length;
      }
    }
    return out;
  }).ms);
}
const memory = (process.memoryUsage().rss / 1e6).toFixed(0);
const ratio = explainMs / parseMs;
console.log(`input: ${count} records, ${mb} MB`);
console.log(`JSON.parse alone:  ${parseMs.toFixed(0)} ms  (${Math.round(count / (parseMs / 1000))} records/s)`);
console.log(`explain --json:    ${explainMs.toFixed(0)} ms  (${Math.round(count / (explainMs / 1000))} records/s, parse + decode + serialise)`);
console.log(`ratio: ${ratio.toFixed(2)}x parsing (target <= 5x)  rss ${memory} MB`);
process.exitCode = ratio <= 5 ? 0 : 1;
