import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const CHECK = join(ROOT, 'scripts', 'check-architecture.mjs');

function check(root: string): { code: number; output: string } {
  try {
    const out = execFileSync(process.execPath, [CHECK, root], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, output: out };
  } catch (err) {
    const e = err as { status: number; stderr: string };
    return { code: e.status, output: e.stderr };
  }
}

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'aa-arch-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('layout rules (scripts/check-architecture.mjs)', () => {
  const made: string[] = [];
  afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const fixture = (files: Record<string, string>) => {
    const root = tree(files);
    made.push(root);
    return root;
  };

  it('holds for this repository: no folder import cycle, no ARN split outside lib/aws', () => {
    expect(check(ROOT)).toEqual({ code: 0, output: expect.stringContaining('no folder import cycle') });
  });

  it('reports a cycle between two folders, naming the importing files', () => {
    const root = fixture({
      'lib/a/one.ts': "import { two } from '../b/two';\nexport const one = two;\n",
      'lib/b/two.ts': "import type { one } from '../a/one';\nexport const two = 2;\nexport type T = typeof one;\n",
    });
    const result = check(root);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/import cycle between folders lib\/a, lib\/b: .*lib\/a\/one\.ts.*lib\/b\/two\.ts/);
  });

  it('reads a directory import (`../errors`) as that folder, so a root file and a folder do not form a false cycle', () => {
    const root = fixture({
      'lib/config.ts': "import { E } from './errors';\nexport const c = E;\n",
      'lib/errors/index.ts': 'export const E = 1;\n',
      'lib/x/use.ts': "import { c } from '../config';\nimport { E } from '../errors';\nexport const u = c + E;\n",
    });
    expect(check(root).code).toBe(0);
  });

  it.each([
    ["arn.split(':')[4]", true],
    ['arn.split(":::")[1]', true],
    ["cidr.split('/')", false],
    ['parseArn(arn)?.account', false],
    ["arn.split(':'); // not an ARN: IPv6 hextets", false],
  ])('flags an ARN split outside lib/aws: %s → %s', (code, flagged) => {
    const root = fixture({
      'cli/x.ts': `export const f = (arn: string, cidr: string) => ${code};\n`,
      'lib/aws/arn.ts': "export const s = (t: string) => t.split(':');\n",
    });
    const result = check(root);
    expect(result.code).toBe(flagged ? 1 : 0);
    if (flagged) expect(result.output).toContain('cli/x.ts:1');
  });
});
