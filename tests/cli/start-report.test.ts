import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { writeWithoutClobbering } from '../../cli/report-file';
import { captureIo, tempDir } from '../support/cli-io';

const root = join(__dirname, '..', '..');
// The run happens well after the samples (dated 2026-11-20 and 21): the default window would be empty.
const LATER = new Date('2026-12-03T09:40:00Z');
const REPORT_NAME = 'report-2026-11-15_2026-11-21.html';

describe('start writes the HTML report of the sample week', () => {
  it('writes it under the data dir, prints its path last, and replaces only its own earlier report', async () => {
    const dataDir = tempDir();
    const io = captureIo({ cwd: root, now: LATER });
    expect(await main(['start', '--data-dir', dataDir], io)).toBe(0);
    const path = join(dataDir, 'reports', REPORT_NAME);
    expect(io.out().trimEnd().split('\n').slice(-2)).toEqual(['Weekly report of 2026-11-15..2026-11-21, open it in a browser:', `  ${path}`]);
    expect(io.err()).toContain('report window: 2026-11-15..2026-11-21, the 7 days up to the latest denial');
    const html = readFileSync(path, 'utf8');
    expect(html).toContain('<meta name="generator" content="access-auditor">');
    expect(html).toContain('<div class="bar" data-key="2026-11-20" data-value="4"');

    const again = captureIo({ cwd: root, now: LATER });
    expect(await main(['start', '--data-dir', dataDir], again)).toBe(0);
    expect(again.out()).toContain(`Weekly report of 2026-11-15..2026-11-21 (replacing the earlier report of that week), open it in a browser:\n  ${path}\n`);

    // A file of the user's at that name is never overwritten: the report goes next to it.
    writeFileSync(path, 'my notes');
    const third = captureIo({ cwd: root, now: LATER });
    expect(await main(['start', '--data-dir', dataDir], third)).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe('my notes');
    const next = join(dataDir, 'reports', 'report-2026-11-15_2026-11-21-2.html');
    expect(third.out()).toContain(`  ${next}\n`);
    expect(readFileSync(next, 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('prints the path as a JSON line with --json', async () => {
    const dataDir = tempDir();
    const io = captureIo({ cwd: root, now: LATER });
    expect(await main(['start', '--json', '--data-dir', dataDir], io)).toBe(0);
    const last = JSON.parse(io.out().trimEnd().split('\n').pop() ?? '') as Record<string, unknown>;
    expect(last).toEqual({ kind: 'report', path: join(dataDir, 'reports', REPORT_NAME), period: '2026-11-15..2026-11-21', replaced: false });
  });
});

describe('writeWithoutClobbering', () => {
  const page = '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="generator" content="access-auditor">\n</head></html>\n';

  it.each([
    ['nothing there', [], 'r.html', false],
    ['its own earlier report', [['r.html', page]], 'r.html', true],
    ['a file of someone else', [['r.html', 'mine']], 'r-2.html', false],
    [
      'someone else at both names, its own at the third',
      [
        ['r.html', 'mine'],
        ['r-2.html', 'also mine'],
        ['r-3.html', page],
      ],
      'r-3.html',
      true,
    ],
  ])('with %s', (_name, files, expected, replaced) => {
    const dir = tempDir();
    for (const [name, content] of files as Array<[string, string]>) writeFileSync(join(dir, name), content);
    const result = writeWithoutClobbering(dir, 'r', `${page}<p>new</p>`);
    expect(result).toEqual({ path: join(dir, expected), replaced });
    for (const [name, content] of files as Array<[string, string]>) if (name !== expected) expect(readFileSync(join(dir, name), 'utf8')).toBe(content);
    expect(readFileSync(join(dir, expected), 'utf8')).toContain('<p>new</p>');
    expect(existsSync(join(dir, `${expected}.${process.pid}.tmp`))).toBe(false);
  });
});
