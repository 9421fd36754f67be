/**
 * Prometheus text exposition format (version 0.0.4): parse and format (pure). Used for the local
 * waypoint's /stats/prometheus and for real Envoy stats scraped from Kubernetes waypoints.
 */

/** One sample line: metric name, labels, value. */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  return Number(text);
}

/** Reads `{a="x",b="y\"z"}` starting at `i` (the `{`); returns the labels and the index after `}`. */
function parseLabels(line: string, start: number): { labels: Record<string, string>; end: number } | null {
  const labels: Record<string, string> = {};
  let i = start + 1;
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return { labels, end: i + 1 };
    const eq = line.indexOf('=', i);
    if (eq < 0) return null;
    const key = line.slice(i, eq).trim();
    i = eq + 1;
    if (line[i] !== '"') return null;
    i++;
    let value = '';
    while (i < line.length && line[i] !== '"') {
      if (line[i] === '\\' && i + 1 < line.length) {
        const next = line[i + 1];
        value += next === 'n' ? '\n' : next;
        i += 2;
      } else {
        value += line[i];
        i++;
      }
    }
    if (line[i] !== '"') return null;
    labels[key] = value;
    i++;
  }
  return null;
}

/**
 * Parses Prometheus text exposition into samples. Comments (# HELP/# TYPE) and blank lines are
 * skipped; malformed lines are skipped rather than failing the whole scrape (stats are best effort).
 */
export function parsePrometheusText(text: string): PrometheusSample[] {
  const out: PrometheusSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
    if (!m) continue;
    const name = m[0];
    let rest = m[0].length;
    let labels: Record<string, string> = {};
    if (line[rest] === '{') {
      const parsed = parseLabels(line, rest);
      if (!parsed) continue;
      labels = parsed.labels;
      rest = parsed.end;
    }
    // Value, then an optional timestamp we ignore.
    const fields = line.slice(rest).trim().split(/\s+/);
    if (fields.length === 0 || fields[0] === '') continue;
    const value = parseValue(fields[0]);
    if (Number.isNaN(value) && fields[0] !== 'NaN') continue;
    out.push({ name, labels, value });
  }
  return out;
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  return String(v);
}

/**
 * Formats samples as Prometheus text; `types` adds a `# TYPE name counter|gauge` line before the
 * first sample of each named metric.
 */
export function formatPrometheusText(
  samples: PrometheusSample[],
  types: Record<string, 'counter' | 'gauge' | 'untyped'> = {},
): string {
  const lines: string[] = [];
  const typed = new Set<string>();
  for (const s of samples) {
    const type = types[s.name];
    if (type && !typed.has(s.name)) {
      lines.push(`# TYPE ${s.name} ${type}`);
      typed.add(s.name);
    }
    const entries = Object.entries(s.labels);
    const labels = entries.length
      ? `{${entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`
      : '';
    lines.push(`${s.name}${labels} ${formatValue(s.value)}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** Sums the samples of one metric name, optionally only those whose labels match `where`. */
export function sumPrometheus(
  samples: PrometheusSample[],
  name: string,
  where: Record<string, string> = {},
): number {
  let total = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(where).every(([k, v]) => s.labels[k] === v)) total += s.value;
  }
  return total;
}
