/**
 * Envoy's CPU under a CFS quota, modelled: every request the waypoint handles charges a fixed CPU cost
 * to a budget of `cores × period` per period. While the budget lasts, requests run at once; when it is
 * spent, they wait in arrival order for the next period, as a throttled cgroup does. Overrun is carried
 * as debt into the next period (the kernel's runtime accounting does the same). A request run on
 * arrival also pays a wakeup; the requests a period's start releases together share one, as an event
 * loop handling a burst does — the relief that lets an overloaded proxy settle at its limit instead of
 * falling further behind for ever.
 *
 * Why a model and not the stand-in's own CPU under a real quota: the stand-in's cost per request is
 * Node's, not Envoy's. It falls ~15% from one tenant's load to the shared waypoint's (event-loop
 * batching) and moves ±5% between runs, and the article's shared waypoint sits on the knee of its
 * limit, where a 5% shift in demand moves the first tenant's latency from 1.1× to 3×. A charged cost
 * makes the demand exactly rate × cost on every host.
 */

export interface ModelledCpuStats {
  /** Periods elapsed since the model started. */
  periods: number;
  /** Periods in which some request had to wait for the next one. */
  throttledPeriods: number;
  /** Time requests were held back, summed per period from the first wait to the period's end. */
  throttledSeconds: number;
  /** Modelled CPU charged so far, in seconds. */
  usageSeconds: number;
}

interface Waiter {
  costMs: number;
  resolve(): void;
}

export class ModelledCpu {
  private readonly quotaMs: number;
  private readonly startedAt: number;
  private periodStart: number;
  /** CPU charged in the current period (may exceed the quota by the last request's cost). */
  private used = 0;
  private throttledAt: number | null = null;
  private readonly waiting: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly totals = { throttledPeriods: 0, throttledMs: 0, usageMs: 0 };

  private readonly periodMs: number;
  private readonly wakeMs: number;
  private readonly now: () => number;

  constructor(options: {
    cores: number;
    /** CPU charged once per wakeup, ms (default 0). */
    wakeMs?: number;
    periodMs?: number;
    now?: () => number;
  }) {
    const { cores } = options;
    if (!(cores > 0)) throw new RangeError(`modelled CPU needs cores > 0, got ${cores}`);
    this.periodMs = options.periodMs ?? 100;
    this.wakeMs = options.wakeMs ?? 0;
    this.now = options.now ?? (() => performance.now());
    this.quotaMs = cores * this.periodMs;
    this.startedAt = this.now();
    this.periodStart = this.startedAt;
  }

  get stats(): ModelledCpuStats {
    this.roll();
    const open = this.throttledAt === null ? 0 : this.now() - this.throttledAt;
    return {
      periods: Math.floor((this.now() - this.startedAt) / this.periodMs),
      throttledPeriods: this.totals.throttledPeriods,
      throttledSeconds: (this.totals.throttledMs + open) / 1000,
      usageSeconds: this.totals.usageMs / 1000,
    };
  }

  /**
   * Charges `costMs` of CPU. Returns null when the request may run now, else a promise that resolves
   * when a later period's budget has paid for it (no CPU is spent waiting).
   */
  charge(costMs: number): Promise<void> | null {
    this.roll();
    if (this.waiting.length === 0 && this.used < this.quotaMs) {
      this.spend(costMs + this.wakeMs);
      return null;
    }
    if (this.throttledAt === null) {
      this.throttledAt = this.now();
      this.totals.throttledPeriods++;
    }
    const wait = new Promise<void>((resolve) => this.waiting.push({ costMs, resolve }));
    this.arm();
    return wait;
  }

  /** Releases every waiter (on shutdown). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const w of this.waiting.splice(0)) w.resolve();
  }

  private spend(costMs: number): void {
    this.used += costMs;
    this.totals.usageMs += costMs;
  }

  /** Moves to the current period: closes the throttled interval, refills the budget less any debt. */
  private roll(): void {
    const now = this.now();
    const elapsed = Math.floor((now - this.periodStart) / this.periodMs);
    if (elapsed <= 0) return;
    const end = this.periodStart + this.periodMs;
    if (this.throttledAt !== null) {
      this.totals.throttledMs += Math.max(0, end - this.throttledAt);
      this.throttledAt = null;
    }
    this.used = Math.max(0, this.used - this.quotaMs * elapsed);
    this.periodStart += elapsed * this.periodMs;
    this.drain();
  }

  private drain(): void {
    let first = true;
    while (this.waiting.length > 0 && this.used < this.quotaMs) {
      const w = this.waiting.shift() as Waiter;
      this.spend(w.costMs + (first ? this.wakeMs : 0));
      first = false;
      w.resolve();
    }
    if (this.waiting.length > 0 && this.throttledAt === null) {
      this.throttledAt = this.periodStart;
      this.totals.throttledPeriods++;
    }
  }

  private arm(): void {
    if (this.timer) return;
    const delay = Math.max(0, this.periodStart + this.periodMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.roll();
      if (this.waiting.length > 0) this.arm();
    }, delay + 0.5);
  }
}
