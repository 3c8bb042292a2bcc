import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { captureIo, tempDir } from '../support/cli-io';

// A file name is chosen by whoever wrote the directory (an `aws s3 sync` of a bucket others can write to).
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202e]/;
const HOSTILE_NAMES = ['x\nforged: 0 record(s), 0 unreadable.jsonl', 'x\r\u001b[2Jy.jsonl', 'x\u202eAKIAIOSFODNN7EXAMPLE.jsonl', 'x\u2028y\u0085z.jsonl'];

describe('explain error lines on standard error stay one line each, whatever the file name', () => {
  it.each(HOSTILE_NAMES)('a file named %j that is not CloudTrail gives one clean line', async (name) => {
    const dir = tempDir();
    writeFileSync(join(dir, name), '{"eventVersion": 5}\n');
    const io = captureIo({ cwd: dir });
    expect(await main(['explain', name], io)).toBe(1);
    const lines = io.err().split('\n').filter(Boolean);
    expect(lines).toHaveLength(2); // the error, then the summary
    expect(lines[0]).toMatch(/not a CloudTrail record/);
    expect(io.err()).not.toMatch(UNSAFE);
    expect(io.err()).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });

  it.each(HOSTILE_NAMES)('a missing path named %j gives one clean line', async (name) => {
    const io = captureIo({ cwd: tempDir() });
    expect(await main(['explain', name], io)).toBe(1);
    const lines = io.err().split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(io.err()).not.toMatch(UNSAFE);
    expect(io.err()).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });
});
