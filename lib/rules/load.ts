import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors';
import { parseRules } from './parse';
import type { RuleSet } from './types';

/**
 * Reads and validates a rules file. A missing or unreadable file is a ConfigError naming it: a rules
 * file someone pointed at is never silently replaced by no rules.
 * @throws RulesFileError when invalid, ConfigError when unreadable.
 */
export function loadRulesFile(path: string): RuleSet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the rules file ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseRules(text, path);
}
