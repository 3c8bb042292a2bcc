import { jsonLine } from '../lib/display/sanitise';
import { parseArgs } from 'node:util';
import { decodeRecord } from '../lib/cloudtrail/decode';
import { UsageError } from '../lib/errors';
import { ruleVerdict, type RuleVerdict } from '../lib/rules/verdict';
import { NO_RULES } from '../lib/rules/types';
import { principalDisplayName } from '../lib/denial/principal-name';
import type { CliIo } from './io';
import { useColor } from './io';
import { readAllInputs } from './inputs';
import { cliRules } from './rules-file';
import { makeStyle, printableLine, type Style } from './style';

export const RULES_USAGE = `Usage: access-auditor rules test [--rules FILE] [FILE|DIR ...] [--json]
       access-auditor rules check [--rules FILE]

test   shows, for each denial in the inputs (CloudTrail files, \`aws cloudtrail lookup-events\` output,
       EventBridge events, JSON Lines; standard input when no file), which rules it matched and what would
       have been alerted: "expected" (an expect rule matched: counted apart, never alerted) or "alert" with
       its severity and route attributes. Expired rules match nothing; those that would have are named.
check  validates the rules file and lists its rules (expired ones marked).
  --rules FILE  the rules file (default ./access-auditor.rules.yml when present)
  --json        JSON Lines: one line per input record (test), or the rules (check)
Exit status: 0 ok, 1 when an input could not be read, 2 on usage errors or an invalid rules file.`;

function verdictLine(v: RuleVerdict, style: Style, principal: string): string {
  const head = v.outcome === 'expected' ? style.dim('expected') : style.red('alert   ');
  const what = `${printableLine(v.action)} by ${printableLine(principal)}  ${v.eventTime}`;
  const parts: string[] = [];
  if (v.expectedBy) parts.push(`rule ${v.expectedBy}`);
  else {
    parts.push(`severity ${v.severity}${v.severityRule ? ` (rule ${v.severityRule})` : ''}`);
    const route = Object.entries(v.route).map(([k, value]) => `${k}=${printableLine(value)}`);
    if (route.length > 0) parts.push(`route ${route.join(',')} (rule ${v.routeRule ?? ''})`);
    if (v.matched.length === 0) parts.push('no rule matched');
  }
  if (v.expiredMatches.length > 0) parts.push(style.yellow(`expired rule(s) no longer matching: ${v.expiredMatches.join(', ')}`));
  return `${head}  ${what}  ${parts.join('; ')}`;
}

async function testRules(rulesFile: string | undefined, paths: string[], json: boolean, io: CliIo): Promise<number> {
  const rules = cliRules(rulesFile, io) ?? NO_RULES;
  const style = makeStyle(useColor(io));
  const now = io.now();
  const perRule = new Map<string, number>();
  const totals = { denials: 0, expected: 0, alert: 0, skipped: 0, unreadable: 0 };
  const alertFingerprints = new Set<string>();
  let failed = false;
  for await (const item of readAllInputs(paths, io)) {
    const decoded = 'error' in item ? { kind: 'invalid' as const, message: item.error } : decodeRecord(item.record);
    if (decoded.kind === 'denial') {
      const v = ruleVerdict(rules, decoded.denial, now);
      totals.denials++;
      totals[v.outcome]++;
      if (v.outcome === 'alert') alertFingerprints.add(v.fingerprint);
      for (const id of v.matched) perRule.set(id, (perRule.get(id) ?? 0) + 1);
      io.stdout.write(json ? jsonLine({ input: item.index, ...v }) : verdictLine(v, style, principalDisplayName(decoded.denial.principal)) + '\n');
    } else if (decoded.kind === 'skipped') {
      totals.skipped++;
      if (json) io.stdout.write(jsonLine({ input: item.index, skipped: decoded.reason }));
    } else {
      totals.unreadable++;
      failed = true;
      const message = 'message' in decoded ? decoded.message : 'unreadable';
      if (json) io.stdout.write(jsonLine({ input: item.index, error: message }));
      else io.stderr.write(`input ${item.index}: ${printableLine(message)}\n`);
    }
  }
  const byRule = rules.rules.map((r) => `${r.id} ${perRule.get(r.id) ?? 0}`).join(', ');
  io.stderr.write(
    style.dim(
      `${rules.source}: ${totals.denials} denial(s): ${totals.expected} expected, ${totals.alert} would alert (${alertFingerprints.size} incident(s)); ` +
        `${totals.skipped} skipped, ${totals.unreadable} unreadable${byRule ? `\nmatches per rule: ${byRule}` : ''}\n`,
    ),
  );
  return failed ? 1 : 0;
}

function checkRules(rulesFile: string | undefined, json: boolean, io: CliIo): number {
  const rules = cliRules(rulesFile, io);
  if (!rules) throw new UsageError('no rules file: give --rules FILE or create ./access-auditor.rules.yml');
  const now = io.now();
  const expiredAt = (expires: string | undefined) => expires !== undefined && Date.parse(`${expires}T00:00:00Z`) + 86_400_000 <= now.getTime();
  for (const r of rules.rules) {
    const effects = [r.expect ? 'expect' : '', r.severity ? `severity ${r.severity}` : '', r.route ? 'route' : ''].filter(Boolean).join(', ');
    const expired = expiredAt(r.expires);
    const { ranges: _ranges, ...rule } = r;
    io.stdout.write(
      json
        ? jsonLine({ ...rule, expired })
        : `${r.index + 1}. ${r.id}: ${effects}; owner ${printableLine(r.owner)}${r.expires ? `; expires ${r.expires}${expired ? ' (EXPIRED)' : ''}` : ''}\n`,
    );
  }
  if (!json) io.stderr.write(`${rules.source}: ${rules.rules.length} valid rule(s)\n`);
  return 0;
}

/** `rules test|check`. */
export async function rulesCommand(argv: string[], io: CliIo): Promise<number> {
  const [action, ...rest] = argv;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { rules: { type: 'string' }, json: { type: 'boolean' } } });
  if (action === 'test') return testRules(values.rules, positionals, Boolean(values.json), io);
  if (action === 'check') {
    if (positionals.length > 0) throw new UsageError('rules check takes no inputs');
    return checkRules(values.rules, Boolean(values.json), io);
  }
  throw new UsageError(action ? `unknown rules action "${action}"` : 'give an action: test or check');
}
