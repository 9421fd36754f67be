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

/** Responses with a 2xx status, from a status → count map. */
function okCount(codes: Record<string, number> | undefined): number {
  return Object.entries(codes ?? {})
    .filter(([c]) => Number(c) >= 200 && Number(c) < 300)
    .reduce((a, [, n]) => a + n, 0);
}

/**
 * `fortio load -json`: latency of each call from its actual start (Fortio waits for a connection's previous
 * call before the next, so time behind the schedule is not in it), in seconds; percentiles as asked with -p.
 */
export function parseFortioJson(text: string): PeerFigures {
  const j = JSON.parse(text) as {
    ActualQPS?: number;
    DurationHistogram?: { Count?: number; Percentiles?: Array<{ Percentile: number; Value: number }> };
    RetCodes?: Record<string, number>;
    ErrorsDurationHistogram?: { Count?: number };
  };
  const at = (p: number) => {
    const v = j.DurationHistogram?.Percentiles?.find((x) => x.Percentile === p)?.Value;
    return v === undefined ? null : v * 1000;
  };
  const ok = okCount(j.RetCodes);
  const requests = j.DurationHistogram?.Count ?? 0;
  return {
    requests,
    achievedRps: j.ActualQPS ?? 0,
    p50Ms: at(50) ?? 0,
    p90Ms: at(90) ?? 0,
    p99Ms: at(99) ?? 0,
    p999Ms: at(99.9),
    errors: Math.max(0, requests - ok),
  };
}

/**
 * `vegeta report -type json`: latency in ns from when each request was sent (vegeta paces sends on its own
 * schedule and opens workers to keep it, but a request that waited for one is timed from its send).
 */
export function parseVegetaJson(text: string): PeerFigures {
  const j = JSON.parse(text) as {
    latencies?: Record<string, number>;
    requests?: number;
    rate?: number;
    status_codes?: Record<string, number>;
  };
  const ms = (k: string) => (j.latencies?.[k] ?? 0) / 1e6;
  const requests = j.requests ?? 0;
  const ok = okCount(j.status_codes);
  return {
    requests,
    achievedRps: j.rate ?? 0,
    p50Ms: ms('50th'),
    p90Ms: ms('90th'),
    p99Ms: ms('99th'),
    p999Ms: null,
    errors: Math.max(0, requests - ok),
  };
}
