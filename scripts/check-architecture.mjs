// Checks the two layout rules that ESLint cannot express (run by `npm run lint`):
//  1. no import cycle between folders of lib/, cli/ and functions/ (a folder is a concept: if two
//     concepts need each other, one of them is in the wrong place);
//  2. no ARN or action split outside lib/aws (`.split(':')`): one parser, one set of rules. A line that
//     splits something else on colons (an IPv6 address) says so with a `not an ARN` comment.
// Usage: node scripts/check-architecture.mjs [root=.]; exit 1 and one line per finding when broken.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SOURCE_FOLDERS = ['lib', 'cli', 'functions'];
const ARN_MODULE_FOLDER = 'lib/aws';

function walk(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The folder an import lands in: a directory import (`../errors`) is that directory itself. */
function targetFolder(root, fromFile, specifier) {
  const target = resolve(dirname(fromFile), specifier);
  if (existsSync(target) && statSync(target).isDirectory()) return relative(root, target);
  return relative(root, dirname(target));
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s+['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)|\brequire\(\s*['"](\.[^'"]+)['"]\s*\)/g;

export function folderGraph(root) {
  const edges = new Map();
  for (const file of SOURCE_FOLDERS.flatMap((f) => walk(join(root, f)))) {
    const from = relative(root, dirname(file));
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const to = targetFolder(root, file, m[1] ?? m[2] ?? m[3]);
      if (to === from) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      const byTarget = edges.get(from);
      if (!byTarget.has(to)) byTarget.set(to, relative(root, file));
    }
  }
  return edges;
}

/** Strongly connected components with more than one folder (Tarjan). */
export function folderCycles(edges) {
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

const ARN_SPLIT = /\.split\(\s*(['"`]):+\1\s*\)/;
const NOT_AN_ARN = /\/\/.*\bnot an ARN\b/;

export function arnSplits(root) {
  const found = [];
  for (const file of SOURCE_FOLDERS.flatMap((f) => walk(join(root, f)))) {
    const rel = relative(root, file);
    if (rel.startsWith(`${ARN_MODULE_FOLDER}/`)) continue;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (ARN_SPLIT.test(line) && !NOT_AN_ARN.test(line)) found.push(`${rel}:${i + 1}: splits on ':' (use lib/aws/arn or lib/aws/action)`);
      });
  }
  return found;
}

export function checkArchitecture(root) {
  const edges = folderGraph(root);
  const problems = folderCycles(edges).map((cycle) => {
    const via = cycle.map((a) => cycle.filter((b) => edges.get(a)?.has(b)).map((b) => `${a} → ${b} (${edges.get(a).get(b)})`)).flat();
    return `import cycle between folders ${cycle.join(', ')}: ${via.join('; ')}`;
  });
  return [...problems, ...arnSplits(root)];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = checkArchitecture(resolve(process.argv[2] ?? '.'));
  for (const p of problems) console.error(`architecture: ${p}`);
  if (problems.length > 0) process.exit(1);
  console.log('architecture: no folder import cycle, no ARN split outside lib/aws');
}
