import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { captureIo, tempDir } from '../support/cli-io';

const examples = join(__dirname, '..', '..', 'examples', 'records');
const record = JSON.parse(readFileSync(join(examples, readdirSync(examples).sort()[0] ?? ''), 'utf8')) as Record<string, unknown>;

describe("the incident store's warnings on stderr go through the sanitiser", () => {
  it('an old record with a hostile eventID warns without raw C1, bidi or line separators, and with the key masked', async () => {
    const dir = tempDir();
    const hostile = { ...record, eventID: 'ev\u009b2J\u202eAKIAIOSFODNN7EXAMPLE\u2028x', eventTime: '2020-01-01T00:00:00Z' };
    writeFileSync(join(dir, 'old.jsonl'), JSON.stringify(hostile) + '\n');
    const io = captureIo({ cwd: dir });
    expect(await main(['replay', '--data-dir', join(dir, 'data'), 'old.jsonl'], io)).toBe(0);
    const warning = io
      .err()
      .split('\n')
      .find((l) => l.startsWith('warning: record older than the event marker horizon'));
    expect(warning).toBeDefined();
    expect(warning).not.toMatch(/[\u0080-\u009f\u2028\u2029\u202e]/);
    expect(warning).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(warning).toContain('2020-01-01T00:00:00');
  });
});
