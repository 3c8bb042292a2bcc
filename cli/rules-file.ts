import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_RULES_FILE } from '../lib/rules/parse';
import { loadRulesFile } from '../lib/rules/load';
import type { RuleSet } from '../lib/rules/types';
import type { CliIo } from './io';

/**
 * The rules the CLI applies: `--rules FILE` (which must exist and be valid), else
 * ./access-auditor.rules.yml when present, else none. An invalid file stops the command (ConfigError):
 * running without the rules someone wrote would alert on what they said is expected.
 */
export function cliRules(explicit: string | undefined, io: Pick<CliIo, 'cwd'>): RuleSet | undefined {
  if (explicit !== undefined) return loadRulesFile(resolve(io.cwd, explicit));
  const fallback = resolve(io.cwd, DEFAULT_RULES_FILE);
  return existsSync(fallback) ? loadRulesFile(fallback) : undefined;
}
