/** Reading a waypoint stand-in's Envoy-named counters from its admin endpoint (effects: HTTP on loopback). */
import { request } from 'undici';
import { parsePrometheusText } from '../../metrics/prometheus-text.ts';
import { summarizeWaypointScrape } from './waypoint-stats.ts';

const SCRAPE_TIMEOUT_MS = 2000;

/** The waypoint's counters, or null when it does not answer in time. */
export async function scrape(w: {
  proc: { ready: { adminPort: number } };
}): Promise<Record<string, number> | null> {
  try {
    const res = await request(`http://127.0.0.1:${w.proc.ready.adminPort}/stats/prometheus`, {
      signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS),
    });
    const text = await res.body.text();
    return summarizeWaypointScrape(parsePrometheusText(text));
  } catch {
    // A throttled waypoint may answer late; a missing point is better than a stalled sampler.
    return null;
  }
}
