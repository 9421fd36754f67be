/**
 * In-process CFS emulation for hosts without writable cgroups: when this process has used more CPU
 * in the current period than its quota, it blocks (without spinning) until the period ends.
 */

export interface EmulatedQuotaStats {
  periods: number;
  throttledPeriods: number;
  throttledSeconds: number;
}

export class EmulatedQuota {
  private readonly quotaUs: number;
  private readonly periodMs: number;
  private periodStart = performance.now();
  private cpuAtStart = cpuMicros();
  private throttledThisPeriod = false;
  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4));
  private readonly createdAt = performance.now();
  private throttled = { periods: 0, seconds: 0 };

  constructor(cores: number, periodMs = 100) {
    this.periodMs = periodMs;
    this.quotaUs = cores * periodMs * 1000;
  }

  /** Cumulative periods elapsed (busy or idle, as the kernel counts only active ones, close enough) and throttling. */
  get stats(): EmulatedQuotaStats {
    return {
      periods: Math.floor((performance.now() - this.createdAt) / this.periodMs),
      throttledPeriods: this.throttled.periods,
      throttledSeconds: this.throttled.seconds,
    };
  }

  /** Call between units of work (each request): blocks when over quota. */
  check(): void {
    const now = performance.now();
    if (now - this.periodStart >= this.periodMs) {
      const elapsed = Math.floor((now - this.periodStart) / this.periodMs);
      this.periodStart += elapsed * this.periodMs;
      this.cpuAtStart = cpuMicros();
      this.throttledThisPeriod = false;
    }
    if (cpuMicros() - this.cpuAtStart < this.quotaUs) return;
    const waitMs = this.periodStart + this.periodMs - now;
    if (waitMs <= 0) return;
    if (!this.throttledThisPeriod) this.throttled.periods++;
    this.throttledThisPeriod = true;
    // Atomics.wait sleeps the thread like a throttled cgroup: no CPU, nothing served.
    Atomics.wait(this.sleeper, 0, 0, waitMs);
    this.throttled.seconds += waitMs / 1000;
  }
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}
