import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { loadRulesFile } from '../rules/load';
import type { RuleSet } from '../rules/types';

/**
 * The rules file packaged with the function (`RULES_FILE`, relative to the task root), read once at
 * cold start. Not packaged (no rules file in the repo when deploying): no rules, said once in the log.
 * Present but invalid: throws RulesFileError, so the cold start fails loudly with the rule and field,
 * rather than alerting on denials someone declared expected or routing them to the wrong team.
 */
export function loadDeployedRules(env: Readonly<Record<string, string | undefined>>, log: { info(message: string): void }): RuleSet | undefined {
  const name = env.RULES_FILE?.trim();
  if (!name) return undefined;
  const path = isAbsolute(name) ? name : join(env.LAMBDA_TASK_ROOT ?? process.cwd(), name);
  if (!existsSync(path)) {
    log.info(`no rules file ${name} in the package: no expected denials, severity or route rules`);
    return undefined;
  }
  return loadRulesFile(path);
}
