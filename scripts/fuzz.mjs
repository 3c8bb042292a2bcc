#!/usr/bin/env node
// `npm run fuzz [-- --seed N] [-- --cases N] [-- --offset N]`: seeded, reproducible property fuzzing of the
// pipeline's pure stages and every renderer, on mutated real records (scripts/fuzz/cases.mjs). Reads dist/
// (run `npm run build` first; `npm test` and CI build it). Properties, per case:
// - no exception escapes the input reader, the decoder, the evaluator, the proposer or a renderer;
// - the input reader gives one item per record, and `--json` output is one valid JSON line per record;
// - an alert fits SNS (subject < 100 printable ASCII, publish <= 256 KiB) and the chat limits
//   (title <= 150, description <= 3,000 characters); the weekly report's chat form too;
// - no raw control character (C0 but line feed, C1, DEL, ESC), bidi control or U+2028/U+2029 in any
//   rendering a person reads, and no planted credential in full anywhere, --json included.
// Prints the seed and the figures; exits 1 on the first failing case, with the seed and offset to replay it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { PLANTED, hostileString, inputText, mutateRecord, prng, seedRecords } from './fuzz/cases.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => require(join(root, 'dist', p));
const { readInputs } = dist('lib/cloudtrail/input.js');
const { decodeRecord } = dist('lib/cloudtrail/decode.js');
const { evaluateDocuments } = dist('lib/policy/iam/evaluator.js');
const { proposeFix } = dist('lib/policy/propose/propose.js');
const { forDisplay, jsonLine } = dist('lib/display/sanitise.js');
const { renderDenial } = dist('cli/render-denial.js');
const { renderIncidentTable, renderIncidentDetail } = dist('cli/render-incidents.js');
const { makeStyle } = dist('cli/style.js');
const { renderAlert } = dist('lib/notify/alert/render.js');
const { publishSize, MAX_PUBLISH_BYTES, SUBJECT_MAX_CHARS, CHAT_DESCRIPTION_MAX_CHARS, CHAT_TITLE_MAX_CHARS } = dist('lib/notify/sns-text.js');
const { buildWeeklyReport } = dist('lib/report/aggregate.js');
const { renderReport, REPORT_FORMATS } = dist('lib/report/render.js');

const { values } = parseArgs({
  options: { seed: { type: 'string' }, cases: { type: 'string' }, offset: { type: 'string' }, workers: { type: 'string' }, worker: { type: 'boolean' } },
});
const seed = values.seed !== undefined ? Number(values.seed) : 20261203;
const cases = values.cases !== undefined ? Number(values.cases) : 100_000;
const offset = values.offset !== undefined ? Number(values.offset) : 0;
const REPORT_EVERY = 250;

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2064\u2066-\u2069\ufeff]/;
// Key IDs are credentials by their shape, not followed by one more key character; a secret key as a token (glued to more base64
// characters it cannot be told from a longer identifier: docs/security.md); a password only with its label
// (a renderer that turns `password=...` into a Terraform identifier has made it a name, not a credential).
const KEY_ID_TOKEN = new RegExp(`${PLANTED.accessKeyId}(?![A-Z0-9])`);
const SECRET_TOKEN = new RegExp(`(?<![A-Za-z0-9/+])${PLANTED.secretKey}(?![A-Za-z0-9/+=])`);
const LABELLED_PASSWORD = new RegExp(`password["']?\\s*[:=]\\s*["']?${PLANTED.password}`, 'i');

class PropertyFailure extends Error {}
const fail = (what) => {
  throw new PropertyFailure(what);
};

/** A rendering a person reads: no raw control character, no planted credential. */
function checkReadable(where, text) {
  const bad = RAW_CONTROL.exec(text);
  if (bad)
    fail(
      `${where}: raw U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${bad.index}: ${JSON.stringify(text.slice(Math.max(0, bad.index - 30), bad.index + 30))}`,
    );
  checkMasked(where, text);
}

function checkMasked(where, text) {
  const keyId = KEY_ID_TOKEN.exec(text);
  if (keyId) fail(`${where}: access key ID in full: ${JSON.stringify(text.slice(Math.max(0, keyId.index - 40), keyId.index + 40))}`);
  const secret = SECRET_TOKEN.exec(text);
  if (secret) fail(`${where}: secret key in full: ${JSON.stringify(text.slice(Math.max(0, secret.index - 40), secret.index + 60))}`);
  const labelled = LABELLED_PASSWORD.exec(text);
  if (labelled) fail(`${where}: labelled password in full: ${JSON.stringify(text.slice(Math.max(0, labelled.index - 40), labelled.index + 40))}`);
}

/** A --json output: exactly one line, valid JSON, no raw control character, no credential. */
function checkJsonLine(where, line) {
  if (process.env.FUZZ_DEBUG) console.error(line);
  if (!line.endsWith('\n') || line.slice(0, -1).includes('\n')) fail(`${where}: not exactly one line`);
  JSON.parse(line);
  checkReadable(where, line);
}

const style = makeStyle(false);
const counters = { records: 0, denials: 0, proposals: 0, evaluations: 0, alerts: 0, reports: 0, items: 0, renderings: 0 };

function incidentOf(denial, n) {
  return {
    fingerprint: denial.fingerprint,
    status: 'open',
    count: n,
    firstSeen: '2026-11-18T10:00:00.000Z',
    lastSeen: '2026-11-19T10:00:00.000Z',
    accounts: denial.accountId ? [denial.accountId] : [],
    regions: [denial.callRegion],
    sessions: denial.principal.sessionName ? [denial.principal.sessionName] : [],
    principal: denial.principal,
    action: denial.action,
    reason: denial.reason,
    eventSource: denial.eventSource,
    callRegion: denial.callRegion,
    deniedRegion: denial.deniedRegion,
    resource: denial.resource,
    latest: denial,
    ...(denial.proposal ? { proposal: denial.proposal } : {}),
    alert: { alertsSent: 0 },
  };
}

function checkAlert(incident, rand) {
  const trigger = ['opened', 'comeback', 'threshold'][Math.floor(rand() * 3)];
  const message = renderAlert({
    incident,
    trigger,
    topicArn: 'arn:aws:sns:us-east-1:111122223333:alerts',
    consoleRegion: rand() < 0.5 ? 'us-east-1' : undefined,
  });
  counters.alerts++;
  if (message.Subject.length > SUBJECT_MAX_CHARS || /[^\x20-\x7e]/.test(message.Subject)) fail(`alert subject: ${JSON.stringify(message.Subject)}`);
  if (publishSize(message) > MAX_PUBLISH_BYTES) fail(`alert: ${publishSize(message)} bytes`);
  const body = JSON.parse(message.Message);
  for (const [protocol, text] of Object.entries(body)) {
    if (protocol === 'https') continue;
    checkReadable(`alert ${protocol}`, text);
  }
  const chat = JSON.parse(body.https);
  if (chat.content.title.length > CHAT_TITLE_MAX_CHARS) fail(`chat title: ${chat.content.title.length} characters`);
  if (chat.content.description.length > CHAT_DESCRIPTION_MAX_CHARS) fail(`chat description: ${chat.content.description.length} characters`);
  // The one invisible character we add ourselves: a zero-width space after `@` breaks `@here` mentions.
  checkReadable(
    'alert chat',
    JSON.stringify(chat)
      .replace(/\\n/g, ' ')
      .replace(/@\u200b/g, '@'),
  );
  for (const v of Object.values(message.MessageAttributes)) checkReadable('alert attribute', v.StringValue);
  checkReadable('alert subject', message.Subject);
}

function checkReport(incidents) {
  const from = new Date('2026-11-16T00:00:00Z');
  const to = new Date('2026-11-23T00:00:00Z');
  const daily = incidents.map((i, n) => ({ fingerprint: i.fingerprint, day: `2026-11-${String(16 + (n % 7)).padStart(2, '0')}`, count: i.count }));
  const report = buildWeeklyReport({ incidents, daily, open: incidents, from, to });
  for (const format of REPORT_FORMATS) {
    const text = renderReport(report, format);
    counters.renderings++;
    if (format === 'json') checkMasked('report json', text);
    else checkReadable(`report ${format}`, (format === 'chat' ? text.replace(/\\n/g, ' ') : text.replace(/\n/g, ' ')).replace(/@\u200b/g, '@'));
    if (format === 'chat') {
      const chat = JSON.parse(text);
      if (chat.content.description.length > CHAT_DESCRIPTION_MAX_CHARS) fail(`report chat description: ${chat.content.description.length}`);
    }
  }
  counters.reports++;
}

function randomPolicy(rand, denial) {
  const action = rand() < 0.5 ? denial.action : `${hostileString(rand).slice(0, 10)}:*`;
  const resource = rand() < 0.5 ? (denial.resource ?? '*') : hostileString(rand);
  const statement = { Effect: rand() < 0.8 ? 'Allow' : 'Deny', Action: action, Resource: resource };
  if (rand() < 0.3) statement.Condition = { StringLike: { [hostileString(rand).slice(0, 20)]: hostileString(rand) } };
  return { Version: '2012-10-17', Statement: [statement] };
}

function runCase(index, seeds) {
  const rand = prng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  // Mostly one record per case; one in five inputs holds two or three (the reader must keep them apart).
  const records = Array.from({ length: rand() < 0.8 ? 1 : 2 + Math.floor(rand() * 2) }, () => mutateRecord(rand, seeds));
  counters.records += records.length;
  const items = readInputs(inputText(rand, records));
  counters.items += items.length;
  const incidents = [];
  for (const item of items) {
    if ('error' in item) {
      checkJsonLine('reader error --json', jsonLine({ error: item.error, input: item.index }));
      continue;
    }
    const outcome = decodeRecord(item.record);
    if (outcome.kind !== 'denial') {
      checkJsonLine('skipped --json', jsonLine({ eventId: outcome.eventId, skipped: outcome.reason ?? outcome.message }));
      continue;
    }
    counters.denials++;
    let denial = outcome.denial;
    const document = randomPolicy(rand, denial);
    evaluateDocuments([document], { action: denial.action, resource: denial.resource, context: denial.requestContext?.values ?? {} });
    counters.evaluations++;
    const policies =
      rand() < 0.5
        ? null
        : {
            arn: denial.principal.roleArn ?? 'arn:aws:iam::111122223333:role/x',
            kind: 'role',
            name: denial.principal.roleName ?? 'x',
            path: '/',
            identityPolicies: [{ name: hostileString(rand).slice(0, 30) || 'p', kind: 'inline', document }],
          };
    denial = { ...denial, proposal: proposeFix(denial, policies) };
    counters.proposals++;
    checkJsonLine('explain --json', jsonLine(denial));
    const incident = incidentOf(denial, 1 + Math.floor(rand() * 1000));
    // One view for the terminal renderers, as `incidents show` makes it.
    const view = forDisplay(incident);
    checkReadable('explain', renderDenial(view.latest, style).replace(/\n/g, ' '));
    checkReadable('incidents show', renderIncidentDetail(view, style).replace(/\n/g, ' '));
    checkReadable('incidents list', renderIncidentTable([view], style).replace(/\n/g, ' '));
    checkJsonLine('incidents list --json', jsonLine({ ...incident, latest: undefined }));
    checkAlert(incident, rand);
    counters.renderings += 6;
    incidents.push(incident);
  }
  return incidents;
}

/** Runs cases [from, to) in this process; returns the counters, or exits 1 on the first failure. */
function runRange(from, to) {
  const seeds = seedRecords(root);
  let pool = [];
  for (let i = from; i < to; i++) {
    try {
      pool.push(...runCase(i, seeds));
      if ((i + 1) % REPORT_EVERY === 0 && pool.length > 0) {
        checkReport(pool.slice(-40));
        pool = [];
      }
    } catch (error) {
      const kind = error instanceof PropertyFailure ? 'property failed' : 'exception escaped';
      console.error(`fuzz: FAILED case ${i} (${kind}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      console.error(`fuzz: replay with: npm run fuzz -- --seed ${seed} --offset ${i} --cases 1 --workers 1`);
      process.exit(1);
    }
    if ((i - from + 1) % 10_000 === 0) console.error(`fuzz: cases ${from}..${i} passed`);
  }
  return counters;
}

/** Splits the cases over child processes (one per core, at most `workers`); every case depends only on the seed and its index. */
async function runParallel(workers) {
  const per = Math.ceil(cases / workers);
  const runs = [];
  for (let w = 0; w < workers; w++) {
    const from = offset + w * per;
    const count = Math.min(per, offset + cases - from);
    if (count <= 0) continue;
    const args = [fileURLToPath(import.meta.url), '--worker', '--seed', String(seed), '--offset', String(from), '--cases', String(count)];
    runs.push(
      new Promise((resolve) => {
        const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.on('close', (code) => resolve({ code, out }));
      }),
    );
  }
  const results = await Promise.all(runs);
  if (results.some((r) => r.code !== 0)) process.exit(1);
  const total = {};
  for (const r of results) for (const [k, v] of Object.entries(JSON.parse(r.out.trim().split('\n').pop()))) total[k] = (total[k] ?? 0) + v;
  return total;
}

if (values.worker) {
  console.log(JSON.stringify(runRange(offset, offset + cases)));
} else {
  const workers = Math.max(1, Math.min(Number(values.workers ?? availableParallelism()), 8));
  console.log(`fuzz: seed ${seed}, cases ${cases} from offset ${offset}, ${workers} worker(s)`);
  const started = process.hrtime.bigint();
  const total = workers === 1 ? runRange(offset, offset + cases) : await runParallel(workers);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `fuzz: ${cases} cases, ${total.records} records (${total.items} reader items), ${total.denials} denials decoded, ` +
      `${total.evaluations} evaluations, ${total.proposals} proposals, ${total.alerts} alerts, ${total.reports} weekly reports, ` +
      `${total.renderings} renderings checked; ${seconds.toFixed(1)} s; failures 0`,
  );
}
