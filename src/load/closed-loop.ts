/**
 * Closed-loop (max-throughput) runs through autocannon, converted to the same LoadResult. autocannon's rate
 * limiting and its coordinated-omission correction are not used (see the load-generation reference): in a
 * closed loop the intended start is the actual start.
 */
import autocannon from 'autocannon';
import { TIMEOUT_CODE } from './classify-error.ts';
import { clock, type EngineRunInput } from './paced-engine.ts';
import { type EngineTally, TallyRecorder } from './tally.ts';
import type { LoadSchedule } from './types.ts';

export function runClosedLoop(schedule: LoadSchedule, input: EngineRunInput): Promise<EngineTally> {
  const { startAt, signal, onSecond } = input;
  const rec = new TallyRecorder(startAt, schedule.warmupMs, onSecond !== undefined);
  const notes: string[] = [];
  let stoppedEarly = false;
  return new Promise((resolve) => {
    let instance: ReturnType<typeof autocannon> | null = null;
    let progress: NodeJS.Timeout | null = null;
    let t = 0;
    const finish = () => {
      if (progress) clearInterval(progress);
      signal?.removeEventListener('abort', onAbort);
      resolve({ ...rec.toTally(1, notes), incomplete: stoppedEarly });
    };
    const onAbort = () => {
      stoppedEarly = true;
      notes.push('aborted by signal: stopped sending');
      if (instance) instance.stop();
      else {
        clearTimeout(begin);
        finish();
      }
    };
    const begin = setTimeout(
      () => {
        instance = autocannon(
          {
            url: schedule.url,
            method: schedule.method,
            headers: schedule.headers,
            body: schedule.body,
            connections: schedule.connections,
            duration: schedule.durationMs / 1000,
            timeout: Math.max(1, Math.ceil(schedule.timeoutMs / 1000)),
            skipAggregateResult: true,
          },
          () => finish(),
        );
        // One sample per request: the response's own duration, from its actual (= intended) start.
        instance.on(
          'response',
          (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
            const end = clock();
            const start = end - responseTime;
            rec.sent(start, start);
            rec.complete(start, start, end, statusCode, undefined);
          },
        );
        instance.on('reqError', (err: Error) => {
          const end = clock();
          rec.sent(end, end);
          const e = err.message === 'request timed out' ? Object.assign(err, { code: TIMEOUT_CODE }) : err;
          rec.complete(end, end, end, 0, e);
        });
        if (onSecond) progress = setInterval(() => onSecond(t++, rec.takeWindow()), 1000);
      },
      Math.max(0, startAt - clock()),
    );
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
