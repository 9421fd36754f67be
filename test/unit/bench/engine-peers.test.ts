import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFortioJson, parseVegetaJson } from '../../../bench/engine-peers.ts';

// Recorded outputs of the real tools (scripts/go-peers.sh builds them): 2 s at 200 req/s over 4
// connections against a 2 ms server; vegeta's targets alternate a 200 and a 503 path.
const fixture = (name: string) =>
  readFileSync(new URL(`../../../fixtures/bench/${name}`, import.meta.url), 'utf8');

describe('the Go peers’ outputs', () => {
  it('fortio load -json: seconds to ms, the asked percentiles, non-2xx as errors', () => {
    const f = parseFortioJson(fixture('fortio-load.json'));
    expect(f).toMatchObject({ requests: 400, errors: 0 });
    expect(f.achievedRps).toBeCloseTo(199.638, 3);
    expect(f.p50Ms).toBeCloseTo(3.37979, 4);
    expect(f.p90Ms).toBeCloseTo(3.93728, 4);
    expect(f.p99Ms).toBeCloseTo(4.77617, 4);
    expect(f.p999Ms).toBeCloseTo(4.93141, 4);
  });

  it('vegeta report -type json: ns to ms, no p99.9 in its report, non-2xx as errors', () => {
    const v = parseVegetaJson(fixture('vegeta-report.json'));
    expect(v).toEqual({
      requests: 400,
      achievedRps: 200.4854580945411,
      p50Ms: 2.771147,
      p90Ms: 2.980594,
      p99Ms: 4.293091,
      p999Ms: null,
      errors: 200,
    });
  });
});
