/**
 * The local model's waypoint CPU envelope as the result records it (pure): the contract's types and the
 * one sentence every report and the live display print for it.
 */

/** One waypoint's reading during the calibration load. */
export interface CalibrationReading {
  waypoint: string;
  /** CPU seconds the waypoint used in the window. */
  cpuSeconds: number;
  /** Requests the waypoint proxied in the window (every hop: productpage, details, reviews, ratings). */
  hops: number;
  /** Requests of the tenant's target service in the window (one per load request). */
  requests: number;
  windowSeconds: number;
}

export interface LocalCalibration {
  /**
   * 'modelled': Envoy's cost charged per request against a modelled quota (the figures below are the
   * model's); 'measured': the stand-in's cost measured at `up` sets a cgroup quota; 'scaled': neither,
   * quota = cpuLimit × scale.
   */
  method: 'modelled' | 'measured' | 'scaled';
  utilization: number;
  /** Where the utilization came from. */
  utilizationSource: 'suite' | 'article';
  /** The waypoint CPU limit of the modelled system (the suite's cpuLimit), cores. */
  modelledCpuLimit: number;
  /** Local cores each waypoint gets as its quota. */
  quotaCores: number;
  /** Per-tenant load of the calibration (scaled rate), req/s. */
  rate?: number;
  /** Dedicated waypoint demand at that rate, cores (mean over the tenants' waypoints). */
  demandCores?: number;
  /** Stand-in CPU per load request (all its hops), ms. */
  cpuMsPerRequest?: number;
  /** Stand-in CPU per proxied hop, ms. */
  cpuMsPerHop?: number;
  hopsPerRequest?: number;
  /** Modelled: the share of a hop's cost paid once per wakeup (shared by requests released together). */
  wakeShare?: number;
  readings?: CalibrationReading[];
  /**
   * Set when a dedicated variant's own measurement (its whole run, under the run's conditions) refined
   * the quota for the variants after it; the figures above it are then the refined ones.
   */
  refinedFrom?: {
    variant: 'dedicated';
    requests: number;
    cpuMsPerRequest: number;
    /** The quota and cost per request the calibration load had measured. */
    calibratedQuotaCores: number;
    calibratedCpuMsPerRequest?: number;
  };
}

/** One line for humans: "limit 2 cores at utilization 0.6 → 0.45 local cores (…)". */
export function describeCalibration(c: LocalCalibration): string {
  const head = `waypoint CPU limit ${c.modelledCpuLimit} cores at utilization ${c.utilization} (${c.utilizationSource === 'article' ? 'derived from the article' : 'set by the suite'})`;
  if (c.method === 'scaled') return `${head} → ${c.quotaCores} local cores (scaled, not calibrated)`;
  if (c.method === 'modelled') {
    const load = c.rate === undefined ? '' : `, ${c.demandCores} cores at ${c.rate} req/s per tenant`;
    return `${head} → modelled quota ${c.quotaCores} cores per 100 ms period, charged ${c.cpuMsPerRequest} ms of Envoy CPU per request (${c.cpuMsPerHop} ms per hop, ${Math.round((c.wakeShare ?? 0) * 100)}% of it once per wakeup${load}); the stand-in's own CPU is measured, not limited`;
  }
  const refined = c.refinedFrom
    ? `; refined by the dedicated variant's ${c.refinedFrom.requests} requests from ${c.refinedFrom.calibratedQuotaCores} local cores (${c.refinedFrom.calibratedCpuMsPerRequest} ms per request at calibration)`
    : '';
  return `${head} → ${c.quotaCores} local cores (dedicated load measured at ${c.demandCores} cores on this host: ${c.cpuMsPerRequest} ms CPU per request, ${c.cpuMsPerHop} ms per proxied hop, ${c.hopsPerRequest} hops per request at ${c.rate} req/s${refined})`;
}
