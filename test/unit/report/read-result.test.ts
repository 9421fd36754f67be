import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readResultFile } from '../../../src/report/read-result.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshbench-read-result-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('readResultFile', () => {
  it('reads the sample result', async () => {
    const r = await readResultFile('fixtures/results/sample-result.json');
    expect(r.schemaVersion).toBe(1);
    expect(r.variants).toHaveLength(2);
  });

  it.each([
    ['a missing file', () => join(dir, 'nope.json'), /it does not exist/],
    ['a directory', () => dir, /it is a directory/],
    [
      'a FIFO (whose read would block for ever)',
      () => {
        const p = join(dir, 'fifo');
        execFileSync('mkfifo', [p]);
        return p;
      },
      /is not a regular file/,
    ],
    ['non-JSON', () => file('bad.json', '{"schemaVersion": 1,'), /is not JSON/],
    [
      'a suite, not a result',
      () => file('suite.json', '{"name":"x","tenants":[]}'),
      /is not a meshbench result/,
    ],
    ['null', () => file('null.json', 'null'), /is not a meshbench result/],
    [
      'a newer schemaVersion',
      () => file('v2.json', JSON.stringify({ schemaVersion: 2, meta: {}, plan: {}, variants: [] })),
      /schemaVersion 2; this meshbench reads version 1/,
    ],
  ])('rejects %s with RESULT_FILE (exit 2)', async (_name, path, message) => {
    await expect(readResultFile(path())).rejects.toMatchObject({
      code: 'RESULT_FILE',
      exitCode: 2,
      message: expect.stringMatching(message),
    });
  });
});
