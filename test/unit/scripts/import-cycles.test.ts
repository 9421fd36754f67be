import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cycles, folderOf, importsOf, readGraphs } from '../../../scripts/import-cycles.ts';
import { ROOT } from '../../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshbench-cycles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('scripts/import-cycles.ts (issue 12: no folder-level import cycles, kept that way by CI)', () => {
  it('reads every kind of relative import, type-only ones too', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '../b/b.ts';",
      "export * from './c.ts';",
      "import './d.ts';",
      "const e = await import('./e.ts');",
      "import { z } from 'zod';",
    ].join('\n');
    expect(importsOf(text)).toEqual(['./a.ts', '../b/b.ts', './c.ts', './d.ts', './e.ts']);
  });

  it('groups files by folder, each platform apart, root files on their own', () => {
    expect(
      ['errors.ts', 'run/run-suite.ts', 'platform/types.ts', 'platform/kube/plan.ts'].map(folderOf),
    ).toEqual(['errors.ts', 'run', 'platform', 'platform/kube']);
  });

  it('finds folder cycles of any length, and file cycles', () => {
    const root = tree('cyclic', {
      'a/x.ts': "import { y } from '../b/y.ts';",
      'b/y.ts': "import { z } from '../c/z.ts';",
      'c/z.ts': "import type { X } from '../a/x.ts';\nimport { w } from './w.ts';",
      'c/w.ts': "import { z } from './z.ts';",
      'errors.ts': '',
    });
    const { files, folders } = readGraphs(root);
    expect(cycles(folders)).toEqual([['a', 'b', 'c']]);
    expect(cycles(files)).toEqual([['a/x.ts', 'b/y.ts', 'c/w.ts', 'c/z.ts']]);
  });

  it('passes src/ as it is, and fails a tree with a cycle (exit 1, naming it)', async () => {
    const ok = await execa(process.execPath, ['--import', 'tsx', 'scripts/import-cycles.ts'], {
      cwd: ROOT,
      reject: false,
    });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/import cycles in src: 0/);
    const bad = tree('bad', { 'kube/a.ts': "import '../kind/b.ts';", 'kind/b.ts': "import '../kube/a.ts';" });
    const r = await execa(process.execPath, ['--import', 'tsx', 'scripts/import-cycles.ts', bad], {
      cwd: ROOT,
      reject: false,
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('folder cycle: kind ↔ kube');
  });

  it('keeps every command behind the Platform seam: nothing in cli/ imports a platform (issue 12)', () => {
    const { files } = readGraphs(join(ROOT, 'src'));
    const reaching = [...files]
      .filter(([from]) => from.startsWith('cli/'))
      .flatMap(([from, tos]) =>
        [...tos].filter((to) => to.startsWith('platform/')).map((to) => `${from} -> ${to}`),
      );
    expect(reaching).toEqual([]);
  });
});
