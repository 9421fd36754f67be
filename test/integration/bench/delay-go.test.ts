/**
 * The Go truth server of bench:engine keeps the Node one's contract: `{"port":N}` on stdout, answers after
 * its delay (mixed: 85/13/2 % at 1×/3×/10×), `/__stats` returns and resets its own answer times,
 * `/__stall?ms=N` holds answers that long. Built with the machine's Go; skipped with one line without it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = join(tmpdir(), `mb-delay-go-test-${process.pid}`);
let built = false;
try {
  execFileSync('go', ['build', '-o', bin, '.'], { cwd: 'bench/servers/delay-go', stdio: 'ignore' });
  built = true;
} catch {
  console.log('Go truth server test skipped: no Go toolchain (install Go to enable it)');
}

describe.skipIf(!built)('the Go truth server (bench/servers/delay-go)', () => {
  let child: ChildProcess;
  let url: string;
  let pool: Pool;

  const start = async (profile: 'fixed' | 'mixed', extra: string[] = []) => {
    child = spawn(bin, ['-delay', '5', '-profile', profile, ...extra], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((resolve) =>
      child.stdout?.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()).port)),
    );
    url = `http://127.0.0.1:${port}`;
    pool = new Pool(url, { connections: 10 });
  };
  const stop = async () => {
    await pool?.close();
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  const get = async (path: string) => {
    const t0 = performance.now();
    const r = await pool.request({ path, method: path.startsWith('/__stall') ? 'POST' : 'GET' });
    const text = await r.body.text();
    return { status: r.statusCode, text, ms: performance.now() - t0 };
  };

  beforeAll(() => start('fixed'));
  afterAll(async () => {
    await stop();
    rmSync(bin, { force: true });
  });

  it('answers after its delay and reports its own answer times, then resets them', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => get('/')));
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.ms).toBeGreaterThanOrEqual(5);
    }
    const s = JSON.parse((await get('/__stats')).text);
    expect(s.count).toBe(20);
    expect(s.p50Ms).toBeGreaterThanOrEqual(5);
    expect(s.p50Ms).toBeLessThan(50);
    expect(JSON.parse((await get('/__stats')).text).count).toBe(0);
  });

  it("answers within a fraction of a millisecond of its delay, not at the Go poller's whole milliseconds", async () => {
    // time.Sleep would end 5–6 ms after a 5 ms request when the server is idle (epoll_wait's ms timeout).
    await get('/__stats');
    for (let i = 0; i < 10; i++) await Promise.all(Array.from({ length: 10 }, () => get('/')));
    const s = JSON.parse((await get('/__stats')).text);
    expect(s.count).toBe(100);
    expect(s.p50Ms).toBeGreaterThanOrEqual(5);
    expect(s.p50Ms).toBeLessThan(5.42); // timerfd: 5.15–5.31 here; time.Sleep: 5.53
  });

  it('a stall holds the answers that arrive during it', async () => {
    await get('/__stall?ms=300');
    const late = await get('/');
    expect(late.ms).toBeGreaterThanOrEqual(290);
    await get('/__stats');
  });

  it('mixed: 85% at the delay, 13% at three times it, 2% at ten times it', async () => {
    await stop();
    await start('mixed');
    await Promise.all(Array.from({ length: 100 }, () => get('/')));
    const s = JSON.parse((await get('/__stats')).text);
    expect(s.count).toBe(100);
    expect(s.p50Ms).toBeLessThan(15);
    expect(s.p90Ms).toBeGreaterThanOrEqual(15);
    expect(s.p99Ms).toBeGreaterThanOrEqual(50);
  });

  it("-skip-first leaves each connection's first request (a warm-up) out of its figures", async () => {
    await stop();
    await start('fixed', ['-skip-first']);
    // Ten connections: the first round's requests open them; /__stats resets on a connection already used.
    await Promise.all(Array.from({ length: 10 }, () => get('/')));
    await Promise.all(Array.from({ length: 10 }, () => get('/')));
    await Promise.all(Array.from({ length: 10 }, () => get('/')));
    const s = JSON.parse((await get('/__stats')).text);
    expect(s.count).toBe(20);
  });
});
