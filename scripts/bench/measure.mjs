// Paired measurement: A and B alternate (A B, B A, A B, ...) so that both see the same machine state,
// and the figure is the median of the per-pair ratios B/A, robust to a noisy shared machine.
import { spawnSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// A full collection before every timing, so that neither side pays for the garbage the other left
// (the explain side leaves megabytes, which otherwise land in the next JSON.parse timing).
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc');
/** A full collection, then a pause for the collector's helper threads to finish sweeping, so that neither timing competes with them. */
async function settle() {
  collect();
  await new Promise((resolve) => setTimeout(resolve, 50));
}

export function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function timeMs(fn) {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function timeMsAsync(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** `reps` pairs of (A, B) timings in alternating order; returns the per-pair ratios B/A and both medians. */
export async function paired(a, b, reps) {
  const ratios = [];
  const as = [];
  const bs = [];
  for (let r = 0; r < reps; r++) {
    let ta;
    let tb;
    const timeA = async () => (await settle(), a());
    const timeB = async () => (await settle(), b());
    if (r % 2 === 0) {
      ta = await timeA();
      tb = await timeB();
    } else {
      tb = await timeB();
      ta = await timeA();
    }
    as.push(ta);
    bs.push(tb);
    ratios.push(tb / ta);
  }
  return { ratio: median(ratios), aMs: median(as), bMs: median(bs), ratios };
}

/** Runs `node args` and returns its wall time and what it printed. */
export function child(args, options = {}) {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26, ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}: ${run.stderr?.slice(-2000)}`);
  return { ms, stdout: run.stdout, stderr: run.stderr };
}
