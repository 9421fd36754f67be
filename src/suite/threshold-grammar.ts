/**
 * k6-style threshold grammar, parsed at validation time so a bad expression never fails mid-run.
 *
 *   key        := metric [ '{' selector '}' ]              e.g. latency{variant:shared,tenant:ns-2}
 *   expression := lhs op number
 *   lhs        := term | term '/' term | 'ratio(' term ',' term ')'
 *   term       := agg [ '{' selector '}' ]                 the term's selector overrides the key's
 *   agg        := avg | min | max | med | stddev | p(N) | rate | count | value
 *   op         := < | <= | > | >= | == | !=
 *
 * `a / b` compares against another variant or tenant (e.g. shared/dedicated latency);
 * `ratio(a, b)` is symmetric, max(a/b, b/a), for "within a ratio of each other".
 */

export const METRICS = {
  latency: {
    unit: 'ms',
    aggs: ['avg', 'min', 'max', 'med', 'stddev', 'p', 'count'],
    doc: 'latency of successful requests from the intended start',
  },
  latency_actual: {
    unit: 'ms',
    aggs: ['avg', 'min', 'max', 'med', 'stddev', 'p', 'count'],
    doc: 'latency from the actual send (not CO-corrected)',
  },
  errors: {
    unit: '',
    aggs: ['rate', 'count'],
    doc: 'non-2xx responses and socket errors; rate is a fraction of requests',
  },
  unsent: {
    unit: '',
    aggs: ['count', 'rate'],
    doc: 'requests not sent on schedule (dropped because a connection was behind); rate is a fraction of the intended requests',
  },
  rps: { unit: 'req/s', aggs: ['value'], doc: 'achieved request rate' },
  waypoint_cpu: {
    unit: 'cores',
    aggs: ['avg', 'max', 'p'],
    doc: 'CPU of the waypoint serving the tenant, per second',
  },
  throttled: { unit: '', aggs: ['rate'], doc: 'fraction of CFS periods the waypoint was throttled' },
  overflow: {
    unit: '',
    aggs: ['count'],
    doc: 'waypoint circuit-breaker overflows (upstream_cx_overflow + upstream_rq_pending_overflow)',
  },
  isolation: {
    unit: '',
    aggs: ['value', 'lo', 'hi'],
    doc: "the earlier tenant's p99 after the later one starts ÷ before (a variant's isolation score); lo and hi bound its 95% interval; judged on the earlier tenant",
  },
  capacity: {
    unit: '',
    aggs: ['value'],
    doc: "a variant's breaking point (`search`): the highest offered req/s per tenant at which every tenant met the SLO, averaged over repeats; 0 when none did; judged once per variant",
  },
} as const;
export type MetricName = keyof typeof METRICS;
export type AggName =
  | 'avg'
  | 'min'
  | 'max'
  | 'med'
  | 'stddev'
  | 'p'
  | 'rate'
  | 'count'
  | 'value'
  | 'lo'
  | 'hi';
export const SELECTOR_KEYS = ['variant', 'tenant'] as const;
export type SelectorKey = (typeof SELECTOR_KEYS)[number];
export type Selector = Partial<Record<SelectorKey, string>>;
export type Op = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface Agg {
  name: AggName;
  /** Percentile for p(N). */
  p?: number;
}
export interface Term {
  agg: Agg;
  /** Overrides of the key's selector. */
  selector: Selector;
}
export type Lhs =
  | { kind: 'term'; term: Term }
  | { kind: 'div'; a: Term; b: Term }
  | { kind: 'ratio'; a: Term; b: Term };

export interface ParsedThreshold {
  /** The key as written in the suite, e.g. 'latency{variant:dedicated}'. */
  key: string;
  metric: MetricName;
  selector: Selector;
  expression: string;
  lhs: Lhs;
  op: Op;
  value: number;
  abortOnFail: boolean;
}

export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; message: string };

function parseSelector(text: string): ParseOutcome<Selector> {
  const sel: Selector = {};
  if (text.trim() === '') return { ok: true, value: sel };
  for (const part of text.split(',')) {
    const m = /^\s*([a-z_]+)\s*:\s*([A-Za-z0-9._-]+)\s*$/.exec(part);
    if (!m) return { ok: false, message: `selector part "${part.trim()}" is not key:value` };
    const key = m[1] as SelectorKey;
    if (!SELECTOR_KEYS.includes(key)) {
      return { ok: false, message: `unknown selector "${m[1]}" (known: ${SELECTOR_KEYS.join(', ')})` };
    }
    sel[key] = m[2];
  }
  return { ok: true, value: sel };
}

/** Parses a threshold key 'metric{sel}'. */
export function parseThresholdKey(key: string): ParseOutcome<{ metric: MetricName; selector: Selector }> {
  const m = /^\s*([a-z_]+)\s*(?:\{([^}]*)\})?\s*$/.exec(key);
  if (!m) return { ok: false, message: 'expected metric or metric{variant:NAME,tenant:NAME}' };
  if (!(m[1] in METRICS)) {
    return { ok: false, message: `unknown metric "${m[1]}" (known: ${Object.keys(METRICS).join(', ')})` };
  }
  const sel = parseSelector(m[2] ?? '');
  if (!sel.ok) return sel;
  return { ok: true, value: { metric: m[1] as MetricName, selector: sel.value } };
}

const TERM =
  /^\s*(avg|min|max|med|stddev|rate|count|value|lo|hi|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(?:\{([^}]*)\})?\s*$/;

function parseTerm(text: string, metric: MetricName): ParseOutcome<Term> {
  const m = TERM.exec(text);
  if (!m)
    return {
      ok: false,
      message: `"${text.trim()}" is not an aggregation (avg, min, max, med, stddev, p(N), rate, count, value, lo, hi)`,
    };
  const name = (m[1].startsWith('p(') ? 'p' : m[1]) as AggName;
  const allowed = METRICS[metric].aggs as readonly string[];
  if (!allowed.includes(name)) {
    return {
      ok: false,
      message: `"${m[1]}" does not apply to ${metric} (use ${allowed.map((a) => (a === 'p' ? 'p(N)' : a)).join(', ')})`,
    };
  }
  const agg: Agg = { name };
  if (name === 'p') {
    const p = Number(m[2]);
    if (!(p > 0 && p <= 100)) return { ok: false, message: `percentile ${m[2]} is not in (0, 100]` };
    agg.p = p;
  }
  const sel = parseSelector(m[3] ?? '');
  if (!sel.ok) return sel;
  return { ok: true, value: { agg, selector: sel.value } };
}

/** Parses one threshold expression for a metric. */
/** Splits at commas that are not inside braces. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

export function parseThresholdExpression(
  expression: string,
  metric: MetricName,
): ParseOutcome<{ lhs: Lhs; op: Op; value: number }> {
  const m = /^(.*?)(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/.exec(expression);
  if (!m)
    return { ok: false, message: 'expected "<aggregation> <op> <number>", e.g. "p(99)<250" or "rate<0.01"' };
  const lhsText = m[1].trim();
  const op = m[2] as Op;
  const value = Number(m[3]);
  let lhs: Lhs;
  const ratio = /^ratio\((.*)\)$/.exec(lhsText);
  if (ratio) {
    // Split at the comma outside braces: a selector may hold commas of its own ({variant:x,tenant:y}).
    const args = splitTopLevel(ratio[1]);
    if (args.length !== 2)
      return { ok: false, message: 'ratio() takes two terms, e.g. ratio(avg{tenant:a}, avg{tenant:b})' };
    const a = parseTerm(args[0], metric);
    if (!a.ok) return a;
    const b = parseTerm(args[1], metric);
    if (!b.ok) return b;
    lhs = { kind: 'ratio', a: a.value, b: b.value };
  } else if (lhsText.includes('/')) {
    const [left, right, ...rest] = lhsText.split('/');
    if (rest.length > 0) return { ok: false, message: 'only one "/" is allowed' };
    const a = parseTerm(left, metric);
    if (!a.ok) return a;
    const b = parseTerm(right, metric);
    if (!b.ok) return b;
    lhs = { kind: 'div', a: a.value, b: b.value };
  } else {
    const t = parseTerm(lhsText, metric);
    if (!t.ok) return t;
    lhs = { kind: 'term', term: t.value };
  }
  return { ok: true, value: { lhs, op, value } };
}

/** Every selector a parsed threshold mentions (key and terms), for name checks. */
export function selectorsOf(t: Pick<ParsedThreshold, 'selector' | 'lhs'>): Selector[] {
  const terms = t.lhs.kind === 'term' ? [t.lhs.term] : [t.lhs.a, t.lhs.b];
  return [t.selector, ...terms.map((x) => x.selector)];
}

export function compare(a: number, op: Op, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
}
