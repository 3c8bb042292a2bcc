#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --json]`: what the product costs, measured on a generated realistic mix
// (15 service calls × many roles × 8 policy-layer wordings × 6 regions, plus the six Bedrock examples;
// scripts/bench/records.mjs), in one run. Ratios come from paired repetitions (A and B alternate; the
// figure is the median of the per-pair ratios), so a busy shared machine moves both sides alike.
// Absolute rates (replay) are single runs and move with the machine's load: read them with their inputs.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { createWriteStream, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { realisticMix, snapshot, storm, distinct } from './bench/records.mjs';
import { child, paired, timeMs, timeMsAsync } from './bench/measure.mjs';
import { measureColdStart } from './bench/cold-start.mjs';
import { measureWrites } from './bench/write-meter.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => require(join(root, 'dist', p));
const { decodeRecord } = dist('lib/cloudtrail/decode.js');
const { writeExplanations } = dist('cli/explain.js');
const { readAllInputs } = dist('cli/inputs.js');
const { buildAnalyzeDeps } = dist('cli/sources.js');

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const asJson = args.has('--json');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt === -1 ? undefined : process.argv[onlyAt + 1];
if (only !== undefined && only !== 'replay') {
  console.error(`--only takes one value: replay (got ${only ?? 'nothing'})`);
  process.exit(2);
}
const size = quick
  ? { mix: 5_000, explain: 1_000, reps: 5, coldReps: 5, writes: 20, replay: 300, rssSmallMb: 20, rssLargeMb: 60 }
  : { mix: 20_000, explain: 3_000, reps: 9, coldReps: 9, writes: 50, replay: 1_000, rssSmallMb: 50, rssLargeMb: 250 };
const dir = mkdtempSync(join(tmpdir(), 'access-auditor-bench-'));
// With --json the figures' lines go to standard error and the one JSON object to standard output.
const log = (line) => (asJson ? console.error(line) : console.log(line));
const fmt = (n, digits = 2) => (n === null ? 'n/a' : n.toFixed(digits));
const rate = (records, ms) => Math.round(records / (ms / 1000));

function writeLines(file, records) {
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return file;
}

const nullIo = {
  stdout: { write: () => true },
  stderr: { write: () => true },
  readStdin: async () => '',
  env: {},
  cwd: root,
  now: () => new Date('2026-11-22T08:00:00Z'),
};

// 5. Replay on the embedded default, as a user runs it: `access-auditor replay --json` as a child process,
// a fresh data dir per run, start-up included.
function measureReplay() {
  const replayRate = (name, records) => {
    const file = writeLines(join(dir, `${name}.jsonl`), records);
    const { ms } = child([join(root, 'bin/access-auditor'), 'replay', '--json', '--data-dir', join(dir, `data-${name}`), file]);
    return rate(records.length, ms);
  };
  const stormRate = replayRate('storm', storm(root, size.replay));
  const distinctRate = replayRate('distinct', distinct(root, size.replay));
  log(`replay_storm_records_per_s     ${stormRate}  ${size.replay} copies of one denial (distinct event IDs), embedded default, one run`);
  log(`replay_distinct_records_per_s  ${distinctRate}  ${size.replay} distinct denials, embedded default, one run`);
  return { stormRate, distinctRate };
}

// `--only replay`: the replay rates alone (to iterate on the store), the same measure as in the full run.
if (only === 'replay') {
  log(
    `machine: ${availableParallelism()} CPU(s), Node ${process.version}, ${new Date().toISOString()}${quick ? ' (--quick)' : ''}, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const { stormRate, distinctRate } = measureReplay();
  if (asJson)
    console.log(
      JSON.stringify({ replay_storm_records_per_s: stormRate, replay_distinct_records_per_s: distinctRate, inputs: { replay_records: size.replay, quick } }),
    );
  process.exit(0);
}

// 1. Decoding next to JSON.parse, on the mix.
const mix = realisticMix(root, size.mix, { fingerprints: Math.ceil(size.mix / 10) });
const lines = mix.map((r) => JSON.stringify(r));
const mb = (Buffer.byteLength(lines.join('\n')) / 1e6).toFixed(1);
const parsed = lines.map((l) => JSON.parse(l));
const parseAll = (ls) => () => timeMs(() => ls.forEach((l) => JSON.parse(l)));
const decodeAll = () => timeMs(() => parsed.forEach((r) => decodeRecord(r)));
parseAll(lines)();
decodeAll();
const decode = await paired(parseAll(lines), decodeAll, size.reps);
log(`machine: ${availableParallelism()} CPU(s), Node ${process.version}, ${new Date().toISOString()}${quick ? ' (--quick)' : ''}`);
log(`input: ${size.mix} records of the generated mix (${mb} MB of JSON Lines, about ${Math.ceil(size.mix / 10)} fingerprints)`);
log(
  `decode_vs_parse            ${fmt(decode.ratio)}x  decodeRecord on parsed records (${rate(size.mix, decode.bMs)}/s) / JSON.parse (${rate(size.mix, decode.aMs)}/s); median of ${size.reps} pairs`,
);

// 2. The whole in-process explain --json path (read, parse, decode, propose, serialise) next to JSON.parse.
const explainFile = writeLines(join(dir, 'explain.jsonl'), mix.slice(0, size.explain));
const explainLines = lines.slice(0, size.explain);
const snapshotFile = join(dir, 'snapshot.json');
writeFileSync(snapshotFile, JSON.stringify(snapshot(root, 1_000)));
const explainWith = (policyFiles) => {
  const deps = buildAnalyzeDeps({ policyFiles, online: false, io: nullIo });
  return () => timeMsAsync(() => writeExplanations(readAllInputs([explainFile], nullIo), deps, { json: true }, nullIo));
};
await explainWith([])();
const explain = await paired(parseAll(explainLines), explainWith([]), size.reps);
const explainSnap = await paired(parseAll(explainLines), explainWith([snapshotFile]), size.reps);
log(
  `explain_vs_parse           ${fmt(explain.ratio, 0)}x  explain --json in-process with proposals, no snapshot (${rate(size.explain, explain.bMs)}/s); ${size.explain} records of the mix`,
);
log(
  `explain_snapshot_vs_parse  ${fmt(explainSnap.ratio, 0)}x  the same with --policies: a 1,000-role snapshot holding the principals (${rate(size.explain, explainSnap.bMs)}/s)`,
);

// 3. Cold start: the ingest bundle next to a bare bundle of its SDK clients, middy and Powertools.
const cold = await measureColdStart(root, size.coldReps);
log(
  `cold_start_vs_bare         ${fmt(cold.ratio)}x  require() of the ingest bundle (${fmt(cold.ingestMs, 0)} ms) / a bare bundle of the same clients, middy, Powertools (${fmt(cold.bareMs, 0)} ms); child processes, median of ${size.coldReps} pairs`,
);

// 4. DynamoDB writes per record on the embedded store.
const writes = await measureWrites(root, distinct(root, size.writes), size.writes);
log(
  `writes_per_new             ${fmt(writes.new.writes)}  writes_per_repeat ${fmt(writes.repeat.writes)}  writes_per_duplicate ${fmt(writes.duplicate.writes)}  wru_per_repeat ${fmt(writes.repeat.wru)}`,
);
log(`                           ${writes.n} records of each kind through processRecord; meter: ${writes.meter}`);

// 5. Replay on the embedded default, as a user runs it (a process, start-up included).
const { stormRate, distinctRate } = measureReplay();

// 6. Peak memory of explain --json over two inputs past the heap's warm-up: how much it grows per GB of
// input (0 when memory is flat in the input's size; it was about the input's size when inputs were read whole).
async function largeInput(name, megabytes) {
  const file = join(dir, `${name}.jsonl`);
  const out = createWriteStream(file);
  let written = 0;
  for (let batch = 0; written < megabytes * 1e6; batch++) {
    for (const r of realisticMix(root, 2_000, { seed: batch + 1 })) {
      const line = JSON.stringify({ ...r, eventID: `${r.eventID}-${batch}` }) + '\n';
      written += line.length;
      if (!out.write(line)) await new Promise((resolve) => out.once('drain', resolve));
    }
  }
  await new Promise((resolve) => out.end(resolve));
  return file;
}
const RSS_CHILD = `require(process.argv[1]).main(['explain', '--json', process.argv[2]]).then(() => process.stderr.write('maxrss=' + process.resourceUsage().maxRSS + '\\n'));`;
const peakRssMb = (file) => {
  const { stderr } = child(['-e', RSS_CHILD, join(root, 'dist/cli/main.js'), file], { stdio: ['ignore', 'ignore', 'pipe'] });
  return Number(/maxrss=(\d+)/.exec(stderr)[1]) / 1024;
};
const small = await largeInput('small', size.rssSmallMb);
const large = await largeInput('large', size.rssLargeMb);
const [smallRss, largeRss] = [peakRssMb(small), peakRssMb(large)];
const [smallGb, largeGb] = [statSync(small).size / 1e9, statSync(large).size / 1e9];
const rssPerGb = (largeRss - smallRss) / (largeGb - smallGb);
log(
  `peak_rss_mb_per_gb_input   ${fmt(rssPerGb, 0)}  growth of explain --json peak RSS per GB of input: ${fmt(smallRss, 0)} MB for ${fmt(smallGb * 1e3, 0)} MB, ${fmt(largeRss, 0)} MB for ${fmt(largeGb * 1e3, 0)} MB`,
);

if (asJson) {
  console.log(
    JSON.stringify({
      decode_vs_parse: decode.ratio,
      explain_vs_parse: explain.ratio,
      explain_snapshot_vs_parse: explainSnap.ratio,
      cold_start_vs_bare: cold.ratio,
      writes_per_new: writes.new.writes,
      writes_per_repeat: writes.repeat.writes,
      writes_per_duplicate: writes.duplicate.writes,
      wru_per_repeat: writes.repeat.wru,
      replay_storm_records_per_s: stormRate,
      replay_distinct_records_per_s: distinctRate,
      peak_rss_mb_per_gb_input: rssPerGb,
      inputs: {
        machine: { cpus: availableParallelism(), node: process.version, date: new Date().toISOString(), quick },
        mix_records: size.mix,
        mix_mb: Number(mb),
        explain_records: size.explain,
        snapshot_roles: 1_000,
        pairs: size.reps,
        cold_start_pairs: size.coldReps,
        cold_start_ms: { ingest: cold.ingestMs, bare: cold.bareMs },
        writes_records_per_kind: writes.n,
        write_meter: writes.meter,
        replay_records: size.replay,
        peak_rss_mb: { small: smallRss, large: largeRss, small_mb_input: smallGb * 1e3, large_mb_input: largeGb * 1e3 },
      },
    }),
  );
}
process.exitCode = decode.ratio <= 5 ? 0 : 1;
