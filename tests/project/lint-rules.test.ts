import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * Lints each `[path, code]` as if it were that file, with the project's own configuration, in one
 * ESLint process (ESLint loads its ES-module config, which Jest's CommonJS runtime cannot).
 */
function lintAll(cases: Array<[string, string]>): string[][] {
  const script = `
    import { ESLint } from 'eslint';
    const cases = JSON.parse(process.argv[1]);
    const eslint = new ESLint({ cwd: process.cwd() });
    const out = [];
    for (const [filePath, code] of cases) {
      const [result] = await eslint.lintText(code, { filePath });
      out.push(result.messages.map((m) => m.ruleId ?? 'parse-error'));
    }
    process.stdout.write(JSON.stringify(out));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(cases)], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as string[][];
}

const SDK_IMPORT = "import { IAMClient } from '@aws-sdk/client-iam';\nexport const make = () => new IAMClient({});\n";
const longFunction = (lines: number) => `export function long(): number {\n  let n = 0;\n${'  n += 1;\n'.repeat(lines - 4)}  return n;\n}\n`;

describe('lint rules that keep the core pure and the units small', () => {
  jest.setTimeout(60_000);

  const fileCases: Array<[string, string, string[]]> = [
    ['lib/report/aggregate-x.ts', SDK_IMPORT, ['no-restricted-imports']],
    ['lib/policy/propose/x.ts', "import type { SNSClient } from '@aws-sdk/client-sns';\nexport type C = SNSClient;\n", ['no-restricted-imports']],
    ['lib/cloudtrail/x.ts', "import dynalite from 'dynalite';\nexport const d = dynalite;\n", ['no-restricted-imports']],
    ['lib/policy/sources/x.ts', SDK_IMPORT, []],
    ['lib/incidents/dynamodb/x.ts', SDK_IMPORT, []],
    ['lib/notify/sinks/x.ts', SDK_IMPORT, []],
    ['cli/x.ts', SDK_IMPORT, []],
    ['lib/report/x.ts', longFunction(81), ['max-lines-per-function']],
    ['lib/report/y.ts', longFunction(80), []],
    ['lib/report/z.ts', `${Array.from({ length: 401 }, (_, i) => `export const v${i} = ${i};`).join('\n')}\n`, ['max-lines']],
  ];
  let found: string[][] = [];
  beforeAll(() => {
    found = lintAll(fileCases.map(([path, code]) => [path, code]));
  });

  it.each(fileCases.map(([path, code, expected], i) => [path, code.split('\n').length, expected, i] as const))(
    '%s (%i lines): %j',
    (_path, _lines, expected, i) => {
      expect(found[i]).toEqual(expected);
    },
  );
});
