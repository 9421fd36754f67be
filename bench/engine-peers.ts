/** Parsers for the peers' outputs (hey CSV, wrk --latency text). Pure. */

export interface PeerFigures {
  requests: number;
  achievedRps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number | null;
  errors: number;
}

const pct = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** hey -o csv: response-time (s),DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset */
export function parseHeyCsv(csv: string, seconds: number): PeerFigures {
  const times: number[] = [];
  let errors = 0;
  for (const line of csv.split('\n')) {
    const cols = line.split(',');
    if (cols.length < 8 || cols[0] === 'response-time') continue;
    const code = Number(cols[6]);
    if (code >= 200 && code < 300) times.push(Number(cols[0]) * 1000);
    else errors++;
  }
  times.sort((a, b) => a - b);
  return {
    requests: times.length + errors,
    achievedRps: (times.length + errors) / seconds,
    p50Ms: pct(times, 50),
    p90Ms: pct(times, 90),
    p99Ms: pct(times, 99),
    p999Ms: pct(times, 99.9),
    errors,
  };
}

function wrkMs(v: string | undefined): number {
  if (!v) return 0;
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(v.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

/** wrk --latency output: "50%  1.23ms" lines, "N requests in", "Requests/sec:", socket errors and non-2xx. */
export function parseWrk(text: string): PeerFigures {
  const at = (p: string) => wrkMs(new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(text)?.[1]);
  const requests = Number(/(\d+) requests in/.exec(text)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  const errors = non2xx + (socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return {
    requests,
    achievedRps: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? 0),
    p50Ms: at('50'),
    p90Ms: at('90'),
    p99Ms: at('99'),
    p999Ms: null,
    errors,
  };
}
