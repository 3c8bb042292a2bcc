import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDeployedRules } from '../../lib/lambda/rules';
import { RulesFileError } from '../../lib/rules/parse';
import { tempDir } from '../support/cli-io';

describe('the rules file at cold start', () => {
  const log = { info: jest.fn() };

  it('reads the packaged file relative to the task root', () => {
    const root = tempDir();
    writeFileSync(join(root, 'access-auditor.rules.yml'), "version: 1\nrules:\n  - {id: a, reason: r, owner: o, match: {action: 's3:*'}, expect: true}\n");
    expect(loadDeployedRules({ RULES_FILE: 'access-auditor.rules.yml', LAMBDA_TASK_ROOT: root }, log)?.rules.map((r) => r.id)).toEqual(['a']);
  });

  it('no file packaged: no rules, said in the log', () => {
    expect(loadDeployedRules({ RULES_FILE: 'access-auditor.rules.yml', LAMBDA_TASK_ROOT: tempDir() }, log)).toBeUndefined();
    expect(log.info).toHaveBeenCalledWith(expect.stringContaining('no rules file'));
    expect(loadDeployedRules({}, log)).toBeUndefined();
  });

  it('an invalid file fails the cold start loudly, naming the rule and field', () => {
    const root = tempDir();
    writeFileSync(join(root, 'r.yml'), 'version: 1\nrules:\n  - {id: a, reason: r, owner: o, match: {action: x}, severity: critical}\n');
    expect(() => loadDeployedRules({ RULES_FILE: 'r.yml', LAMBDA_TASK_ROOT: root }, log)).toThrow(RulesFileError);
    expect(() => loadDeployedRules({ RULES_FILE: 'r.yml', LAMBDA_TASK_ROOT: root }, log)).toThrow(/rule 1 \(id "a"\) severity/);
  });
});
