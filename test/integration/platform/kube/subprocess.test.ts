import { describe, expect, it } from 'vitest';
import type { MeshbenchError } from '../../../../src/errors.ts';
import { probeTool, runTool, showCommand } from '../../../../src/platform/kube/subprocess.ts';

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e) => e as MeshbenchError,
  );

describe('subprocesses', () => {
  it('keeps the command, the exit code and the last stderr lines of a failure', async () => {
    const script = 'for i in 1 2 3 4 5 6 7 8 9 10; do echo "line $i" >&2; done; exit 3';
    const e = await failure(runTool('sh', ['-c', script]));
    expect(e.code).toBe('SUBPROCESS_FAILED');
    expect(e.exitCode).toBe(110);
    expect(e.message).toBe(`\`sh -c '${script}'\` exited with code 3`);
    expect(e.value).toBe(3);
    expect(e.details).toEqual([
      'line 3',
      'line 4',
      'line 5',
      'line 6',
      'line 7',
      'line 8',
      'line 9',
      'line 10',
    ]);
  });

  it('passes arguments as an array: nothing is interpreted by a shell', async () => {
    const { stdout } = await runTool('printf', ['%s|', 'a b', '$(id)', '; rm -rf /']);
    expect(stdout).toBe('a b|$(id)|; rm -rf /|');
    expect(showCommand('kubectl', ['get', 'ns', '-l', 'a=b c'])).toBe("kubectl get ns -l 'a=b c'");
  });

  it('names a missing tool and points at doctor', async () => {
    const e = await failure(runTool('meshbench-no-such-tool', ['version']));
    expect(e.code).toBe('PLATFORM_UNAVAILABLE');
    expect(e.message).toContain('meshbench-no-such-tool is not installed');
    expect(e.fix).toContain('meshbench doctor');
    expect((await probeTool('meshbench-no-such-tool', [])).missing).toBe(true);
  });

  it('stops a tool that outlives its timeout', async () => {
    const started = Date.now();
    const e = await failure(runTool('sleep', ['30'], { timeoutMs: 300 }));
    expect(e.message).toContain('timed out');
    expect(Date.now() - started).toBeLessThan(10_000);
    // Leak guard: no child of this process is still sleeping.
    const left = await probeTool('pgrep', ['-P', String(process.pid), 'sleep']);
    expect(left.stdout.trim()).toBe('');
  });
});
