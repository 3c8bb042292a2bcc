import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The README is a front page that sends readers to docs/ (issue 11): a link that points nowhere is a dead
 * end for a newcomer. Every relative link and image in README.md, BENCHMARKS.md and docs/*.md must name an
 * existing file, and an anchor into a Markdown file must name one of its headings (GitHub's slugs).
 */

const root = join(__dirname, '..', '..');

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2, ... */
export function headingSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of outsideCodeFences(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = heading[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}

function outsideCodeFences(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === undefined || (marker[0] === fence[0] && marker.length >= fence.length))) {
      fence = fence === undefined ? marker : undefined;
      continue;
    }
    if (fence === undefined) lines.push(line);
  }
  return lines;
}

/** Relative link targets of one Markdown text (inline code and code blocks are not links). */
export function relativeLinks(markdown: string): string[] {
  const targets: string[] = [];
  for (const line of outsideCodeFences(markdown)) {
    const prose = line.replace(/`[^`]*`/g, 'code');
    for (const match of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = match[1]!;
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) targets.push(target);
    }
  }
  return targets;
}

/** What is wrong with the relative links of `file`: one sentence per broken link. */
export function brokenLinks(file: string, markdown: string): string[] {
  const problems: string[] = [];
  for (const target of relativeLinks(markdown)) {
    const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
    const path = pathPart === '' ? file : resolve(dirname(file), decodeURI(pathPart));
    const name = relative(root, file);
    if (!existsSync(path)) {
      problems.push(`${name}: ${target} points to a missing file`);
      continue;
    }
    const headings = () => headingSlugs(pathPart === '' ? markdown : readFileSync(path, 'utf8'));
    if (anchor !== undefined && path.endsWith('.md') && !headings().has(anchor.toLowerCase())) {
      problems.push(`${name}: ${target} names no heading of ${relative(root, path)}`);
    }
  }
  return problems;
}

const docsDir = join(root, 'docs');
const checkedFiles = [
  join(root, 'README.md'),
  join(root, 'BENCHMARKS.md'),
  ...readdirSync(docsDir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(docsDir, f)),
];

describe('links in the README and docs/', () => {
  it.each(checkedFiles.map((file) => [relative(root, file), file]))('%s: every relative link and anchor resolves', (_name, file) => {
    expect(brokenLinks(file, readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('finds a missing file, a missing anchor and ignores code, URLs and good links', () => {
    const file = join(root, 'README.md');
    const markdown = [
      '# Top heading',
      '[ok](docs/cli.md) [ok anchor](docs/cli.md#command-line) [self](#top-heading) ![img](docs/report-screenshot.png)',
      '[gone](docs/no-such-page.md) [bad anchor](docs/cli.md#no-such-heading) [web](https://example.com/x.md)',
      '`[not a link](docs/nowhere.md)`',
      '```',
      '[also not](docs/nowhere.md)',
      '```',
    ].join('\n');
    expect(brokenLinks(file, markdown)).toEqual([
      'README.md: docs/no-such-page.md points to a missing file',
      'README.md: docs/cli.md#no-such-heading names no heading of docs/cli.md',
    ]);
  });

  it.each([
    ['## Try it: two commands, no AWS account', 'try-it-two-commands-no-aws-account'],
    ['### 2. Single account', '2-single-account'],
    ['## `lookup`: CloudTrail event history', 'lookup-cloudtrail-event-history'],
    ['## Proposals: what to change, where, and by whom', 'proposals-what-to-change-where-and-by-whom'],
  ])('slugs %s as GitHub does: %s', (heading, slug) => {
    expect(headingSlugs(heading)).toEqual(new Set([slug]));
  });

  it('numbers repeated headings as GitHub does', () => {
    expect(headingSlugs('## Notes\n## Notes\n## Notes')).toEqual(new Set(['notes', 'notes-1', 'notes-2']));
  });
});

describe('the README is a front page (issue 11)', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');

  it('stays under 260 lines, with a table of contents', () => {
    expect(readme.split('\n').length).toBeLessThan(260);
    expect(readme).toMatch(/^## Contents$/m);
  });

  it('says how to try it, test it and use it on an account, and shows the report screenshot', () => {
    expect(readme).toContain('```sh\nnpm install\nnpm start\n```');
    expect(readme).toContain('```sh\nnpm test\n```');
    expect(readme).toContain('aws iam get-account-authorization-details > snapshot.json');
    expect(readme).toContain('aws s3 sync s3://BUCKET/AWSLogs ./AWSLogs');
    expect(readme).toContain('](docs/report-screenshot.png)');
    expect(readme).toContain('](docs/incident-lifecycle.md');
  });
});
