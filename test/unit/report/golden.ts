/** Golden-file comparison: MESHBENCH_UPDATE_GOLDEN=1 rewrites the files under fixtures/golden/. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const GOLDEN_DIR = fileURLToPath(new URL('../../../fixtures/golden/', import.meta.url));

export function expectGolden(name: string, actual: string): void {
  const path = GOLDEN_DIR + name;
  if (process.env.MESHBENCH_UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  }
  let expected: string;
  try {
    expected = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`golden file ${path} is missing: run with MESHBENCH_UPDATE_GOLDEN=1 to create it`);
  }
  expect(actual, `differs from fixtures/golden/${name} (MESHBENCH_UPDATE_GOLDEN=1 to accept)`).toBe(expected);
}
