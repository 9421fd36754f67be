/**
 * Import cycles of src/, between folders and between files: `node --import tsx scripts/import-cycles.ts`
 * prints each cycle and exits 1 when there is one (.ci/run runs it). A folder is a folder of src/ (and each
 * platform, so kube/ and kind/ count apart); a file straight in src/ or src/platform/ is its own node, so
 * errors.ts, imported by everything, ties nothing together. Type-only imports count: they are
 * dependencies a reader follows just the same.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export type Graph = Map<string, Set<string>>;

const SPECIFIER =
  /(?:^|\n)\s*(?:import|export)\b[^'";]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|(?:^|\n)\s*import\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** Relative import specifiers of a source text (static, side-effect, re-exports, literal dynamic imports). */
export function importsOf(text: string): string[] {
  return [...text.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** The node a file belongs to in the folder graph (paths relative to src/). */
export function folderOf(file: string): string {
  const parts = file.split('/');
  if (parts.length === 1) return file;
  if (parts[0] === 'platform') return parts.length === 2 ? 'platform' : `platform/${parts[1]}`;
  return parts[0];
}

/** Strongly connected components with more than one node, or a node that imports itself (Tarjan). */
export function cycles(graph: Graph): string[][] {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v) ?? 0, idx.get(w) ?? 0));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
        on.delete(w);
        scc.push(w);
        if (w === v) break;
      }
      if (scc.length > 1 || graph.get(v)?.has(v)) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.(ts|mts|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The file graph and the folder graph of a source tree. */
export function readGraphs(srcRoot: string): { files: Graph; folders: Graph } {
  const files: Graph = new Map();
  const folders: Graph = new Map();
  const add = (g: Graph, a: string, b: string) => {
    if (!g.has(a)) g.set(a, new Set());
    if (!g.has(b)) g.set(b, new Set());
    g.get(a)?.add(b);
  };
  for (const path of sourceFiles(srcRoot)) {
    const from = relative(srcRoot, path);
    if (!files.has(from)) files.set(from, new Set());
    if (!folders.has(folderOf(from))) folders.set(folderOf(from), new Set());
    for (const spec of importsOf(readFileSync(path, 'utf8'))) {
      const to = relative(srcRoot, resolve(dirname(path), spec));
      if (to.startsWith('..')) continue; // outside src/ (package.json and the like)
      add(files, from, to);
      if (folderOf(from) !== folderOf(to)) add(folders, folderOf(from), folderOf(to));
    }
  }
  return { files, folders };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = resolve(process.argv[2] ?? 'src');
  const { files, folders } = readGraphs(root);
  const found = [
    ...cycles(folders).map((c) => `folder cycle: ${c.join(' ↔ ')}`),
    ...cycles(files).map((c) => `file cycle: ${c.join(' ↔ ')}`),
  ];
  for (const line of found) process.stderr.write(`${line}\n`);
  process.stderr.write(
    `import cycles in ${relative(process.cwd(), root) || '.'}: ${found.length} (${folders.size} folders, ${files.size} files)\n`,
  );
  process.exitCode = found.length > 0 ? 1 : 0;
}
