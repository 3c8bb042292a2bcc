import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { RULES_SCHEMA } from '../../lib/rules/schema';
import { parseRules, RulesFileError } from '../../lib/rules/parse';

const root = join(__dirname, '..', '..');

function problemsOf(text: string): string[] {
  try {
    parseRules(text, 'rules.yml');
  } catch (err) {
    if (err instanceof RulesFileError) return err.problems;
    throw err;
  }
  throw new Error('expected the rules file to be rejected');
}

const rule = (body: string) => `version: 1\nrules:\n  - id: ok\n    reason: r\n    owner: o\n    match: {action: 's3:*'}\n    expect: true\n${body}`;

describe('the published JSON Schema', () => {
  it('schema/rules.schema.json is the schema the code validates with', () => {
    expect(JSON.parse(readFileSync(join(root, 'schema', 'rules.schema.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(RULES_SCHEMA)));
  });

  it('accepts the example rules file, with a standard validator too', () => {
    const text = readFileSync(join(root, 'examples', 'rules', 'access-auditor.rules.yml'), 'utf8');
    expect(parseRules(text).rules.map((r) => r.id)).toEqual(['scanner-read-only', 'optional-secret-probe', 'office-network-low', 'bedrock-to-ml-team']);
    const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(join(root, 'schema', 'rules.schema.json'), 'utf8')));
    expect(validate(parseYaml(text))).toBe(true);
  });
});

describe('rules file errors name the rule (number and id) and the field', () => {
  it.each([
    ['an unknown condition', rule("  - {id: b, reason: r, owner: o, match: {acount: '1'}, expect: true}\n"), 'rule 2 (id "b") match: unknown field "acount"'],
    ['a missing owner', rule('  - {id: b, reason: r, match: {action: x}, expect: true}\n'), 'rule 2 (id "b"): missing field "owner"'],
    ['a missing reason', rule('  - {id: b, owner: o, match: {action: x}, expect: true}\n'), 'rule 2 (id "b"): missing field "reason"'],
    ['no effect', rule('  - {id: b, reason: r, owner: o, match: {action: x}}\n'), 'rule 2 (id "b"): has no effect: give expect, severity or route'],
    ['expect false', rule('  - {id: b, reason: r, owner: o, match: {action: x}, expect: false}\n'), 'rule 2 (id "b") expect: must be true'],
    ['an empty match', rule('  - {id: b, reason: r, owner: o, match: {}, expect: true}\n'), 'rule 2 (id "b") match: must name at least one condition'],
    [
      'a bad severity',
      rule('  - {id: b, reason: r, owner: o, match: {action: x}, severity: urgent}\n'),
      'rule 2 (id "b") severity: must be one of high, medium, low',
    ],
    [
      'a bad layer',
      rule('  - {id: b, reason: r, owner: o, match: {layer: iam}, expect: true}\n'),
      'rule 2 (id "b") match.layer: must be a non-empty string or',
    ],
    [
      'an account as a number',
      rule('  - {id: b, reason: r, owner: o, match: {account: 111122223333}, expect: true}\n'),
      'rule 2 (id "b") match.account: must be',
    ],
    [
      'a route overwriting severity',
      rule('  - {id: b, reason: r, owner: o, match: {action: x}, route: {severity: low}}\n'),
      'route attribute name "severity" is not allowed',
    ],
    [
      'a route named AWS.x',
      rule("  - {id: b, reason: r, owner: o, match: {action: x}, route: {'AWS.team': a}}\n"),
      'route attribute name "AWS.team" is not allowed',
    ],
    [
      'a bad date',
      rule('  - {id: b, reason: r, owner: o, expires: 2026-13-01, match: {action: x}, expect: true}\n'),
      'rule 2 (id "b") expires: "2026-13-01" is not a date',
    ],
    [
      'a date with time',
      rule("  - {id: b, reason: r, owner: o, expires: '2026-12-01T00:00', match: {action: x}, expect: true}\n"),
      'rule 2 (id "b") expires: must be a date',
    ],
    [
      'a bad CIDR',
      rule("  - {id: b, reason: r, owner: o, match: {sourceIp: ['10.0.0.0/8', '10.1.1.1/8']}, expect: true}\n"),
      'rule 2 (id "b") match.sourceIp[1]: "10.1.1.1/8" is not',
    ],
    ['a duplicate id', rule('  - {id: ok, reason: r, owner: o, match: {action: x}, expect: true}\n'), 'rule 2 (id "ok") id: duplicate of rule 1'],
    ['an unknown top-level field', 'version: 1\nrule: []\n', 'file: unknown field "rule"'],
    ['a wrong version', 'version: 2\nrules: []\n', 'version: must be 1'],
    ['not YAML', 'version: 1\nrules: [\n', 'not valid YAML'],
    ['a duplicate key', 'version: 1\nversion: 1\nrules: []\n', 'not valid YAML'],
  ])('%s', (_what, text, message) => {
    expect(problemsOf(text).join('\n')).toContain(message);
  });

  it('the error message names the file and lists every problem', () => {
    const text = rule('  - {id: b, reason: r, match: {}, expect: false}\n');
    expect(() => parseRules(text, 'team.rules.yml')).toThrow(/^team\.rules\.yml: invalid rules file:\n {2}- rule 2/);
    expect(problemsOf(text).length).toBeGreaterThanOrEqual(3);
  });

  it('an empty rules list is valid (no rules)', () => {
    expect(parseRules('version: 1\nrules: []\n').rules).toEqual([]);
  });
});
