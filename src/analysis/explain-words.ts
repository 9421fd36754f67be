/** Numbers and names as the findings write them (pure, locale-free, deterministic). */

/** A whole count with thousands separators: 10935 → '10,935'. */
export function fmtCount(n: number): string {
  const s = String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${s}` : s;
}

/** A fraction as a percentage with one decimal: 0.3211 → '32.1%'; never rounds a non-zero share to 0 or 100. */
export function fmtShare(fraction: number): string {
  const p = fraction * 100;
  if (p === 0 || p === 100) return `${p}%`;
  if (p > 0 && p < 0.05) return '<0.1%';
  if (p > 99.95 && p < 100) return '>99.9%';
  return `${p.toFixed(1)}%`;
}

/** Milliseconds with a precision that suits their size: '1,234 ms', '31 ms', '4.2 ms', '0.45 ms'. */
export function fmtMsWords(ms: number): string {
  if (ms >= 10) return `${fmtCount(ms)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** Cores without trailing zeros: 2 → '2', 0.45 → '0.45', 0.11484 → '0.115'. */
export function fmtCoresWords(cores: number): string {
  return String(Number(cores.toFixed(cores >= 10 ? 1 : 3)));
}

/** Seconds since the tenants' common start: 4.1 → '4.1'. */
export function fmtT(seconds: number): string {
  return seconds.toFixed(1);
}

/** 'a', 'a and b', 'a, b and c'. */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The waypoint as people name it: the local platform's 'waypoint ns-1/waypoint' is 'ns-1/waypoint'. */
export function waypointName(component: string): string {
  return component.replace(/^waypoint\s+/, '');
}

/** 'shared waypoint', 'dedicated waypoints', 'waypoint' (no topology kind to name). */
export function waypointWords(kind: string, count = 1): string {
  const noun = count === 1 ? 'waypoint' : 'waypoints';
  return kind === 'none' ? noun : `${kind} ${noun}`;
}

const CLASS_NOUNS: Record<string, [string, string]> = {
  timeout: ['timeout', 'timeouts'],
  reset: ['connection reset', 'connection resets'],
  refused: ['refused connection', 'refused connections'],
};

/** An error class of ErrorSummary.byClass in words, counted: '1,204 timeouts', '1 HTTP 502 response'. */
export function errorClassWords(cls: string, n: number): string {
  const http = /^http_(\d+)$/.exec(cls);
  const [one, many] = http
    ? [`HTTP ${http[1]} response`, `HTTP ${http[1]} responses`]
    : (CLASS_NOUNS[cls] ?? [`${cls.replace(/^other_/, '')} error`, `${cls.replace(/^other_/, '')} errors`]);
  return `${fmtCount(n)} ${n === 1 ? one : many}`;
}
