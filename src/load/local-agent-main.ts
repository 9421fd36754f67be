/**
 * A local load agent (child process of the local driver): opens and warms its share of a tenant's
 * connections, reports ready, waits for the common start its coordinator sends (the start barrier), runs,
 * and sends its LoadResult back over IPC. Stops (with what it measured) on `abort` or when the coordinator
 * goes away.
 */
import { encodeHistogram } from '../metrics/histogram.ts';
import { runSchedule } from './driver.ts';
import type { FromAgent, LocalAgentInit, ToAgent } from './local-agent-protocol.ts';

const send = (m: FromAgent) =>
  new Promise<void>((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(m, undefined, {}, () => resolve());
  });

async function main(init: LocalAgentInit) {
  const ac = new AbortController();
  let release!: (startAt: number) => void;
  const started = new Promise<number>((r) => {
    release = r;
  });
  process.on('message', (m: ToAgent) => {
    if (m.type === 'start') release(m.startAt);
    else if (m.type === 'abort') ac.abort(new Error('stopped'));
  });
  // The coordinator is gone (crashed or killed): stop, nobody will read the result.
  process.on('disconnect', () => {
    ac.abort(new Error('coordinator gone'));
    setTimeout(() => process.exit(1), 2000).unref();
  });
  try {
    // An agent process has no other work (no sampling, no display) for a worker thread to keep off the
    // engine's loop, so the local platform's `thread` would only add threads beside its siblings' on the
    // same cores: with three agents p99 was 2-4 ms higher with it. Workers past one core still apply.
    const result = await runSchedule(
      { ...init.schedule, thread: false },
      {
        tenant: init.tenant,
        signal: ac.signal,
        onPrepared: async () => {
          await send({ type: 'prepared' });
          return started;
        },
        ...(init.progress
          ? {
              onWindow: (t, w) =>
                void send({
                  type: 'second',
                  t,
                  completed: w.completed,
                  errors: w.errors,
                  histogram: encodeHistogram(w.histogram),
                }),
            }
          : {}),
      },
    );
    await send({ type: 'result', result });
  } catch (e) {
    await send({ type: 'failed', message: (e as Error)?.message ?? String(e) });
    process.exitCode = 1;
  }
  process.disconnect?.();
}

void main(JSON.parse(process.argv[2] ?? '{}') as LocalAgentInit);
