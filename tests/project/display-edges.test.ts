import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The lint behind "one sanitiser at every human-facing edge, by construction": each renderer's entry
 * point either takes a `Displayed<...>` view (the type only `forDisplay` makes) or turns its input into one
 * before anything else, and every `--json` line goes through `jsonLine`. A new renderer or output that
 * skips the sanitiser fails here, not in a review.
 */
const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** Exported functions whose name starts with `render`, with their parameter list and first body line. */
function renderers(source: string): Array<{ name: string; params: string; firstLine: string }> {
  const found = [];
  for (const m of source.matchAll(/export function (render\w*)\(([^)]*)\)[^{]*\{\n([^\n]*)/g)) {
    found.push({ name: m[1]!, params: m[2]!, firstLine: m[3]!.trim() });
  }
  return found;
}

describe('human-facing renderers', () => {
  const cliRenderers = readdirSync(join(root, 'cli'))
    .filter((f) => f.startsWith('render-') && f.endsWith('.ts'))
    .map((f) => `cli/${f}`);
  const channelRenderers = [
    'lib/notify/alert/render.ts',
    'lib/report/render-text.ts',
    'lib/report/render-html.ts',
    'lib/report/render-markdown.ts',
    'lib/report/render-chat.ts',
  ];

  it.each(cliRenderers)('%s: every exported renderer takes a Displayed view', (file) => {
    const found = renderers(read(file));
    expect(found.length).toBeGreaterThan(0);
    for (const r of found) expect({ name: r.name, params: r.params }).toEqual({ name: r.name, params: expect.stringMatching(/Displayed</) });
  });

  it.each(channelRenderers)('%s: every exported renderer starts by making the sanitised view', (file) => {
    const found = renderers(read(file));
    expect(found.length).toBeGreaterThan(0);
    for (const r of found) {
      const sanitisesFirst = /forDisplay\(/.test(r.firstLine) || /^\/\//.test(r.firstLine);
      expect({ name: r.name, sanitisesFirst }).toEqual({ name: r.name, sanitisesFirst: true });
      expect(read(file)).toMatch(new RegExp(`function ${r.name}\\([^)]*\\)[^{]*\\{[\\s\\S]{0,300}?forDisplay\\(`));
    }
  });

  it('no CLI command writes JSON lines except through jsonLine', () => {
    for (const file of readdirSync(join(root, 'cli')).filter((f) => f.endsWith('.ts'))) {
      const source = read(`cli/${file}`);
      expect({ file, raw: source.match(/JSON\.stringify\([^\n]*\)\s*\+\s*'\\n'/g) ?? [] }).toEqual({ file, raw: [] });
      expect({ file, raw: source.match(/text: json \? JSON\.stringify/g) ?? [] }).toEqual({ file, raw: [] });
    }
  });
});
