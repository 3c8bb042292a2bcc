#!/usr/bin/env node
// Runs `explain --json` over every *.jsonl file in a folder of real CloudTrail records and fails when
// an input yields an `error` line, when the output does not have one line per record, or when a record
// whose message names a principal and an action is decoded without that principal and action.
// Usage: npm run corpus -- DIR
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = process.argv[2];
if (!dir) {
  console.error('usage: npm run corpus -- DIR');
  process.exit(2);
}
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.jsonl'))
  .sort();
if (files.length === 0) {
  console.error(`corpus: no *.jsonl files in ${dir}`);
  process.exit(2);
}

// Deliberately independent of the decoder's grammar: a plain reading of the documented sentence.
const NAMED = /^(?:You are not authorized to perform this operation\. )?User: (arn:[^\s]+) is not authorized to perform: ([A-Za-z0-9-]+:[A-Za-z0-9*]+)/;

const problems = [];
const layers = {};
let records = 0;
let denials = 0;
for (const file of files) {
  const path = join(dir, file);
  const inputs = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const run = spawnSync(process.execPath, [join(root, 'bin', 'access-auditor'), 'explain', '--json', path], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const outputs = run.stdout.split('\n').filter((l) => l.trim() !== '');
  if (outputs.length !== inputs.length)
    problems.push(`${file}: ${inputs.length} records but ${outputs.length} output lines (exit ${run.status}; ${run.stderr.slice(0, 300)})`);
  inputs.forEach((line, i) => {
    records++;
    const out = outputs[i] ? JSON.parse(outputs[i]) : null;
    const where = `${file}:${i + 1}`;
    if (!out) return;
    if (out.error) return problems.push(`${where}: error line: ${out.error}`);
    if (out.skipped) return;
    denials++;
    layers[out.reason.layer] = (layers[out.reason.layer] ?? 0) + 1;
    const record = JSON.parse(line);
    const named = NAMED.exec(String(record.errorMessage ?? ''));
    if (!named) return;
    const [, principalArn, action] = named;
    const arns = [out.principal?.arn, out.principal?.roleArn, out.principal?.messageArn].filter(Boolean);
    if (!arns.includes(principalArn)) problems.push(`${where}: message names principal ${principalArn}, output has ${arns.join(' / ') || 'none'}`);
    if (String(out.action).toLowerCase() !== action.toLowerCase()) problems.push(`${where}: message names action ${action}, output has ${out.action}`);
  });
}

console.log(`corpus: ${records} records in ${files.length} files, ${denials} denials, layers ${JSON.stringify(layers)}`);
if (problems.length > 0) {
  for (const p of problems) console.error(`corpus: ${p}`);
  console.error(`corpus: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log('corpus: every record decoded with its principal and action');
