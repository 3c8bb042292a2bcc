// Case generation for scripts/fuzz.mjs: every case is derived from one integer seed, so a failure is
// replayed with `npm run fuzz -- --seed S --cases 1 --offset N`. Hostile strings mix what the issue found
// (escape sequences, OSC titles, bidi overrides, U+2028/U+2029/U+0085, access key IDs, secret keys,
// labelled credentials) with random text, random JSON and structural damage to real records.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Credentials planted in cases: no rendering may show them in full. */
export const PLANTED = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretKey: 'wJalrXUtnFEMI2K7MDENGxbPxRfiCYEXAMPLEKEY',
  password: 'Hunter2Hunter2',
};

const ESC = '\u001b';
const HOSTILE = [
  `${ESC}[2J`,
  `${ESC}]0;pwned\u0007`,
  `${ESC}]8;;http://evil.example${ESC}\\link${ESC}]8;;${ESC}\\`,
  '\u009b31m',
  '\u202e',
  '\u2066x\u2069',
  '\u2028',
  '\u2029',
  '\u0085',
  '\r\n',
  '\u0000',
  '\ud800',
  '\u200b',
  '<!channel>',
  '@here',
  '```',
  '<script>alert(1)</script>',
  '](javascript:x)',
  PLANTED.accessKeyId,
  ` ${PLANTED.secretKey} `,
  `password=${PLANTED.password}`,
  `aws_secret_access_key=${PLANTED.secretKey}`,
  '漢字🙂',
];

/** A small deterministic PRNG (mulberry32): fast, and the same sequence on every machine. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (rand, list) => list[Math.floor(rand() * list.length)];

function randomText(rand, max = 40) {
  const n = Math.floor(rand() * max);
  let s = '';
  for (let i = 0; i < n; i++) {
    const r = rand();
    s +=
      r < 0.6
        ? String.fromCharCode(32 + Math.floor(rand() * 95))
        : r < 0.8
          ? String.fromCharCode(Math.floor(rand() * 0x250))
          : String.fromCharCode(Math.floor(rand() * 0xffff));
  }
  return s;
}

export function hostileString(rand) {
  // Rarely, a huge value: the size limits of alerts and chat must hold (rare, because every renderer pays for it).
  if (rand() < 0.004) return pick(rand, ['x', 'é', '\u001b[2J', PLANTED.accessKeyId + ' ']).repeat(1000 + Math.floor(rand() * 8000));
  const parts = [];
  const n = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < n; i++) parts.push(rand() < 0.6 ? pick(rand, HOSTILE) : randomText(rand));
  return parts.join(rand() < 0.5 ? '' : ' ');
}

function randomJson(rand, depth = 0) {
  const r = rand();
  if (depth > 2 || r < 0.3) return hostileString(rand);
  if (r < 0.4) return Math.floor(rand() * 1e6) - 5e5;
  if (r < 0.45) return null;
  if (r < 0.5) return rand() < 0.5;
  if (r < 0.75) return Array.from({ length: Math.floor(rand() * 3) }, () => randomJson(rand, depth + 1));
  const o = {};
  for (let i = 0; i < Math.floor(rand() * 3); i++) o[hostileString(rand).slice(0, 20)] = randomJson(rand, depth + 1);
  return o;
}

/** Paths of the string leaves of a record (where an attacker's text lands). */
function stringPaths(value, prefix = [], out = []) {
  if (typeof value === 'string') out.push(prefix);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) stringPaths(v, [...prefix, k], out);
  return out;
}

function setPath(target, path, value) {
  let node = target;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]] = value;
}

/** Real records to start from: the examples and the test fixtures' corpus. */
export function seedRecords(root) {
  const dir = join(root, 'examples', 'records');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
}

/** One mutated record: hostile text in some string fields, sometimes damaged structure. */
export function mutateRecord(rand, seeds) {
  const record = structuredClone(pick(rand, seeds));
  const paths = stringPaths(record);
  const edits = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < edits && paths.length > 0; i++) {
    const path = pick(rand, paths);
    const current = path.reduce((n, k) => (n && typeof n === 'object' ? n[k] : undefined), record);
    if (typeof current !== 'string') continue; // an earlier edit replaced this field or its parent
    const r = rand();
    // Mostly keep the field's shape (so the record still decodes and reaches the renderers), with hostile text.
    const next =
      r < 0.5
        ? `${current}${hostileString(rand)}`
        : r < 0.75
          ? current.replace(/[a-z0-9-]{2,}$/i, (m) => `${m.slice(0, 1)}${hostileString(rand)}${m.slice(1)}`)
          : r < 0.9
            ? hostileString(rand)
            : randomJson(rand);
    setPath(record, path, next);
  }
  const damage = rand();
  if (damage < 0.05) delete record[pick(rand, Object.keys(record))];
  else if (damage < 0.08) record[pick(rand, Object.keys(record))] = randomJson(rand);
  else if (damage < 0.1) return randomJson(rand);
  return record;
}

/** Input text the reader must take apart: JSON Lines, a CloudTrail file, an EventBridge event, or damage. */
export function inputText(rand, records) {
  const r = rand();
  if (r < 0.4) return records.map((x) => JSON.stringify(x)).join('\n');
  if (r < 0.6) return JSON.stringify({ Records: records }, null, rand() < 0.5 ? 2 : 0);
  if (r < 0.7) return JSON.stringify({ 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iam', detail: records[0] ?? {} });
  const text = records.map((x) => JSON.stringify(x)).join('\n');
  const cut = Math.floor(rand() * text.length);
  return rand() < 0.5 ? text.slice(0, cut) : `${text.slice(0, cut)}${hostileString(rand)}${text.slice(cut)}`;
}
