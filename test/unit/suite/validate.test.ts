import { describe, expect, it } from 'vitest';
import { ExitCode, type MeshbenchError } from '../../../src/errors.ts';
import { validateSuite } from '../../../src/suite/validate.ts';

/** A valid suite, shaped like the reference one; each test breaks one thing. */
// biome-ignore lint/suspicious/noExplicitAny: each test reaches into the suite to break one field.
function baseSuite(): Record<string, any> {
  return {
    name: 'ref',
    tenants: [
      { name: 'ns-1', startOffset: '0s' },
      { name: 'ns-2', startOffset: '3s' },
    ],
    load: { model: 'open', rate: 6500, connections: 650, duration: '60s', warmup: '5s' },
    topology: {
      variants: [
        { name: 'dedicated', waypoints: 'dedicated' },
        { name: 'shared', waypoints: 'shared', host: 'ns-1' },
      ],
    },
    thresholds: { 'errors{variant:dedicated}': ['rate<0.01'] },
  };
}

function errorOf(raw: unknown): MeshbenchError {
  const r = validateSuite(raw, 'test.suite.ts');
  if (r.ok) throw new Error('expected the suite to be invalid');
  return r.error;
}

function expectInvalid(raw: unknown, ...fragments: RegExp[]) {
  const e = errorOf(raw);
  expect(e.code).toBe('SUITE_INVALID');
  expect(e.exitCode).toBe(ExitCode.invalidSuite);
  const text = e.format();
  expect(text).toContain('test.suite.ts');
  for (const f of fragments) expect(text).toMatch(f);
  return text;
}

describe('validateSuite', () => {
  it('accepts the reference shape and fills defaults', () => {
    const r = validateSuite(baseSuite(), 'x');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.suite.tenants[0].path).toBe('/productpage');
    expect(r.value.suite.topology.waypoint.cpuLimit).toBe(2);
    expect(r.value.durations).toMatchObject({
      durationMs: 60_000,
      warmupMs: 5000,
      startOffsetMs: { 'ns-1': 0, 'ns-2': 3000 },
    });
    expect(r.value.thresholds).toHaveLength(1);
  });

  it('names unknown fields and how to fix them', () => {
    const s = baseSuite();
    s.load.rps = 10;
    expectInvalid(s, /load: unknown field "rps"/, /remove it or check the spelling/);
  });

  it('names wrong types with the value given', () => {
    const s = baseSuite();
    s.load.connections = '650';
    expectInvalid(s, /load\.connections/, /got "650"/, /give a number/);
  });

  it.each([0, -5])('rejects rate %s', (rate) => {
    const s = baseSuite();
    s.load.rate = rate;
    expectInvalid(s, /load\.rate: must be greater than 0 \(got -?\d+\)/, /e\.g\. 6500/);
  });

  it('requires a rate for the open model', () => {
    const s = baseSuite();
    delete s.load.rate;
    expectInvalid(s, /load\.rate: is required for the open model/);
  });

  it('rejects connections ≤ 0', () => {
    const s = baseSuite();
    s.load.connections = 0;
    expectInvalid(s, /load\.connections: must be at least 1 \(got 0\)/);
  });

  it('load.agents: a whole number up to the connections, open model only; auto by default', () => {
    const r = validateSuite(baseSuite(), 'x');
    expect(r.ok && r.value.suite.load.agents).toBe('auto');
    const many = baseSuite();
    many.load.connections = 3;
    many.load.agents = 4;
    expectInvalid(many, /load\.agents: is more than load\.connections \(3\)/, /use at most 3 agents/);
    many.load.agents = 300;
    expectInvalid(many, /load\.agents/, /at most 256 per tenant/);
    const closed = baseSuite();
    closed.load = { model: 'closed', connections: 10, agents: 2 };
    expectInvalid(closed, /load\.agents/, /must be 1 for the closed model/);
    const wrong = baseSuite();
    wrong.load.agents = 'many';
    expectInvalid(wrong, /load\.agents/);
  });

  it('rejects more connections than requests', () => {
    const s = baseSuite();
    s.load.rate = 10;
    s.load.duration = '2s';
    s.load.warmup = '0s';
    s.tenants[1].startOffset = '1s';
    s.load.connections = 21;
    expectInvalid(
      s,
      /load\.connections: is more than rate × duration \(20 requests\)/,
      /use at most 20 connections/,
    );
  });

  it.each(['60', 'sixty seconds', '1x'])('rejects the unparseable duration %s', (d) => {
    const s = baseSuite();
    s.load.duration = d;
    expectInvalid(s, /load\.duration: is not a duration/, /'60s', '500ms' or '1m30s'/);
  });

  it('rejects a duration past what a timer can wait (issue 11: 1000h measured nothing and passed)', () => {
    const s = baseSuite();
    s.load.duration = '1000h';
    expectInvalid(
      s,
      /load\.duration: is longer than the 168h meshbench runs for \(got "1000h"\)/,
      /at most '168h'/,
    );
    const ok = baseSuite();
    ok.load.duration = '168h';
    expect(validateSuite(ok, 'inline').ok).toBe(true);
  });

  it('rejects header names and values that would change the request on the wire (issue 11: CR/LF)', () => {
    const crlf = baseSuite();
    crlf.tenants[0].headers = { 'x-a': 'b\r\nX-Injected: 1' };
    expectInvalid(crlf, /tenants\.0\.headers\.x-a: is not a header value: remove CR, LF/);
    const name = baseSuite();
    name.tenants[0].headers = { 'x a': 'b' };
    expectInvalid(name, /is not a header name: use letters, digits/);
    const path = baseSuite();
    path.tenants[0].path = '/product page\r\n';
    expectInvalid(path, /tenants\.0\.path: is not a request path: start it with '\/' and percent-encode/);
    const ok = baseSuite();
    ok.tenants[0].headers = { 'x-tenant': 'ns-1 "quoted"\tand tabbed' };
    ok.tenants[0].path = '/productpage?u=normal%20user';
    expect(validateSuite(ok, 'inline').ok).toBe(true);
  });

  it('bounds absurd values: connections 1e6, 500 tenants, scale 1e-9, memoryLimit "lots" (issue 11)', () => {
    const conns = baseSuite();
    conns.load.connections = 1_000_000;
    conns.load.rate = 10_000_000;
    expectInvalid(conns, /load\.connections: is more connections than one load generator can hold/);
    const many = baseSuite();
    many.tenants = Array.from({ length: 500 }, (_, i) => ({ name: `t-${i}` }));
    expectInvalid(many, /tenants: is more tenants than one run can hold \(at most 64\)/);
    const tiny = baseSuite();
    tiny.platforms = { local: { scale: 1e-9 } };
    expectInvalid(tiny, /platforms\.local\.scale: is too small: at least 0\.001/);
    const mem = baseSuite();
    mem.topology.waypoint = { memoryLimit: 'lots' };
    expectInvalid(mem, /topology\.waypoint\.memoryLimit: is not a Kubernetes quantity/);
  });

  it('rejects an unparseable stagger', () => {
    const s = baseSuite();
    s.tenants[1].startOffset = '3 sec';
    expectInvalid(s, /tenants\.1\.startOffset: is not a duration \(got "3 sec"\)/);
  });

  it('rejects a stagger not shorter than the duration', () => {
    const s = baseSuite();
    s.tenants[1].startOffset = '60s';
    expectInvalid(s, /tenants\.1\.startOffset: must be shorter than load\.duration \(60s\)/);
  });

  it('rejects a warm-up not shorter than the duration', () => {
    const s = baseSuite();
    s.load.warmup = '2m';
    expectInvalid(s, /load\.warmup: must be shorter than load\.duration/);
  });

  it('rejects a threshold that does not parse', () => {
    const s = baseSuite();
    s.thresholds = { latency: ['p99 < 250'] };
    expectInvalid(s, /thresholds\["latency"\]\.0/, /not an aggregation/);
  });

  it('rejects a threshold with no comparison', () => {
    const s = baseSuite();
    s.thresholds = { latency: ['p(99)'] };
    expectInvalid(s, /expected "<aggregation> <op> <number>"/);
  });

  it('rejects an unknown metric', () => {
    const s = baseSuite();
    s.thresholds = { http_req_duration: ['p(99)<250'] };
    expectInvalid(s, /unknown metric "http_req_duration"/, /known: latency/);
  });

  it('rejects an aggregation that does not fit the metric', () => {
    const s = baseSuite();
    s.thresholds = { errors: ['p(99)<1'] };
    expectInvalid(s, /"p\(99\)" does not apply to errors \(use rate, count\)/);
  });

  it('rejects an unknown variant in a selector', () => {
    const s = baseSuite();
    s.thresholds = { 'latency{variant:sharde}': ['avg<100'] };
    expectInvalid(s, /unknown variant "sharde"/, /use one of dedicated, shared/);
  });

  it('rejects an unknown tenant in a comparative term', () => {
    const s = baseSuite();
    s.thresholds = { 'latency{tenant:ns-2}': ['avg / avg{tenant:ns-3} < 2'] };
    expectInvalid(s, /unknown tenant "ns-3"/);
  });

  it('rejects duplicate tenant names', () => {
    const s = baseSuite();
    s.tenants[1].name = 'ns-1';
    expectInvalid(s, /tenants\.1\.name: duplicate tenant name \(got "ns-1"\)/);
  });

  it('rejects a shared variant hosted by no tenant', () => {
    const s = baseSuite();
    s.topology.variants[1].host = 'ns-9';
    expectInvalid(s, /topology\.variants\.1\.host: names no tenant \(got "ns-9"\)/, /ns-1, ns-2/);
  });

  it('reports every problem at once', () => {
    const s = baseSuite();
    s.load.rate = 0;
    s.tenants[1].name = 'ns-1';
    const text = expectInvalid(s);
    expect(text).toMatch(/\(2 problems\)/);
  });
});

describe('sweep, slo and search (issue #15)', () => {
  it('accepts a sweep of factors or of rates, and an slo with a search', () => {
    const a = validateSuite({ ...baseSuite(), sweep: { factors: [0.5, 1, 2] } }, 's');
    expect(a.ok).toBe(true);
    const b = validateSuite({ ...baseSuite(), sweep: { rates: [1000, 6500, 9000] } }, 's');
    expect(b.ok).toBe(true);
    const c = validateSuite({ ...baseSuite(), slo: { p99: '100ms' }, search: true }, 's');
    expect(c.ok && c.value.suite.slo).toEqual({ p99: '100ms', errors: 0.01 });
    expect(c.ok && c.value.durations.sloP99Ms).toBe(100);
  });

  it('names each bad sweep, slo and search with the fix', () => {
    const details = (raw: unknown) => errorOf(raw).details?.join('\n') ?? '';
    expect(details({ ...baseSuite(), sweep: {} })).toMatch(
      /sweep: gives neither rates nor factors.*give one list/,
    );
    expect(details({ ...baseSuite(), sweep: { rates: [1, 2], factors: [1, 2] } })).toMatch(
      /sweep: gives both rates and factors/,
    );
    expect(details({ ...baseSuite(), sweep: { factors: [1, 0.5] } })).toMatch(
      /sweep\.factors: must rise step by step \(each step above the one before\) \(got \[1, ?0\.5\]\); list the steps in ascending order/,
    );
    expect(details({ ...baseSuite(), sweep: { factors: [1] } })).toMatch(
      /sweep\.factors: needs at least 2 steps/,
    );
    expect(details({ ...baseSuite(), sweep: { factors: [0, 1] } })).toMatch(/must be greater than 0/);
    expect(details({ ...baseSuite(), search: true })).toMatch(/search: needs an slo to search for; add slo/);
    expect(details({ ...baseSuite(), slo: { p99: 'soon' } })).toMatch(/slo\.p99/);
    expect(details({ ...baseSuite(), slo: { p99: '1s', errors: 2 } })).toMatch(/slo\.errors: is a fraction/);
    expect(details({ ...baseSuite(), slo: { p99: '1s' }, search: true, sweep: { factors: [1, 2] } })).toMatch(
      /search: cannot be combined with sweep/,
    );
    expect(
      details({
        ...baseSuite(),
        load: { model: 'closed', connections: 10 },
        slo: { p99: '1s' },
        search: true,
      }),
    ).toMatch(/search: searches over the offered rate, so it needs the open model with load.rate/);
    expect(details({ ...baseSuite(), slo: { p99: '1s' }, search: { maxProbes: 2 } })).toMatch(
      /search\.maxProbes: needs at least 3 probes/,
    );
  });
});
