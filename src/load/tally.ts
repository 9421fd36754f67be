/**
 * The engine's measurements while it runs (TallyRecorder, hot path) and as plain serializable data
 * (EngineTally) that worker threads post back and that merges exactly.
 */
import { HdrCounts } from '../metrics/hdr-counts.ts';
import {
  type EncodedHistogram,
  encodeHistogram,
  type Histogram,
  mergeEncoded,
} from '../metrics/histogram.ts';
import { classifyError, type ErrorClass } from './classify-error.ts';
import type { OutcomeCounts } from './types.ts';

/**
 * A request is late when it was sent more than this after its intended start (or never sent). Each late request
 * is attributed to one cause: backpressure or generator lag (see TallyRecorder.sent).
 */
export const LATE_MS = 5;
/** A sent request whose generator part of the lag exceeds this is counted in `generatorLate`. */
export const GENERATOR_LATE_MS = 10;

/** One second of measurements by intended start (seconds relative to the schedule's start). */
export interface TallySecond {
  t: number;
  completed: number;
  /** Of `completed`, those in the measured window (less than completed only where the warm-up ends). */
  measured: number;
  ok: number;
  errors: number;
  histogram: EncodedHistogram;
}

export interface EngineTally {
  intended: number;
  sent: number;
  completed: number;
  warmup: number;
  outcomes: OutcomeCounts;
  intendedHist: EncodedHistogram;
  actualHist: EncodedHistogram;
  errorsHist: EncodedHistogram;
  lagHist: EncodedHistogram;
  series: TallySecond[];
  maxLagMs: number;
  /** Requests still due when the schedule ended (catch-up could not send them in time); counted as skipped. */
  unsentAtEnd: number;
  /** Generator part of each sent measured request's lag, µs (see TallyRecorder.sent). */
  generatorLagHist: EncodedHistogram;
  /** Late (or never sent) measured requests whose connection was still busy: the system under test's doing. */
  lateBackpressure: number;
  /** Late (or never sent) measured requests whose connection was free while the engine was late. */
  lateGenerator: number;
  /** Sent requests with a generator part over GENERATOR_LATE_MS, plus skipped/unsent ones blamed on the generator. */
  generatorLate: number;
  /** Of `generatorLate`, the skipped/unsent ones (so shares can count them beside the sent requests). */
  generatorUnsent: number;
  workers: number;
  notes: string[];
  /** True when this tally does not cover its whole schedule (a worker failed, or the run was stopped early). */
  incomplete?: boolean;
}

export function emptyOutcomes(): OutcomeCounts {
  return { ok: 0, status: {}, timeout: 0, reset: 0, refused: 0, skipped: 0, other: {}, okByStatus: {} };
}

interface SecondAcc {
  completed: number;
  measured: number;
  ok: number;
  errors: number;
  histogram: HdrCounts;
}

/** Progress over the last wall-clock second. */
export interface WindowSnapshot {
  completed: number;
  errors: number;
  histogram: Histogram;
}

/** Accumulates one engine's measurements. Times are epoch ms (fractional). */
export class TallyRecorder {
  readonly outcomes = emptyOutcomes();
  intended = 0;
  private sentCount = 0;
  completed = 0;
  warmup = 0;
  private unsentAtEnd = 0;
  private lateBackpressure = 0;
  private lateGenerator = 0;
  private generatorLate = 0;
  private generatorUnsent = 0;
  maxLagMs = 0;
  // Counts arrays on the hot path; converted to HdrHistograms once, at the end (or each second for the window).
  private readonly intendedHist = new HdrCounts();
  private readonly actualHist = new HdrCounts();
  private readonly errorsHist = new HdrCounts();
  private readonly lagHist = new HdrCounts();
  private readonly generatorLagHist = new HdrCounts();
  private readonly seconds: SecondAcc[] = [];
  private window = { completed: 0, errors: 0, histogram: new HdrCounts() };
  private readonly measuredFrom: number;

  constructor(
    private readonly startAt: number,
    warmupMs: number,
    /** Keep the last-second window (for a progress listener); off, the hot path skips it. */
    private readonly trackWindow = true,
  ) {
    this.measuredFrom = startAt + warmupMs;
  }

  /** A request became due at intendedAt (counted as intended, or as warm-up before the measured window). */
  due(intendedAt: number): void {
    if (intendedAt < this.measuredFrom) this.warmup++;
    else this.intended++;
  }

  /**
   * A due request was skipped (the skip policy sends only the latest due one). `busy`: its connection was still
   * busy at its intended start (intendedAt < freeAt, or a request in flight), so its lateness is backpressure;
   * otherwise the connection was free and the engine was late: generator lag.
   */
  skipped(intendedAt: number, busy: boolean): void {
    this.due(intendedAt);
    if (intendedAt < this.measuredFrom) return;
    this.outcomes.skipped++;
    if (busy) this.lateBackpressure++;
    else {
      this.lateGenerator++;
      this.generatorLate++;
      this.generatorUnsent++;
    }
  }

  /** A due request was never sent: the schedule ended first. Counted as skipped (`busy` as for skipped()). */
  unsent(intendedAt: number, busy: boolean): void {
    this.skipped(intendedAt, busy);
    if (intendedAt >= this.measuredFrom) this.unsentAtEnd++;
  }

  /** A sent request was cut off unanswered because the run stopped. */
  aborted(intendedAt: number): void {
    if (intendedAt >= this.measuredFrom) this.outcomes.aborted = (this.outcomes.aborted ?? 0) + 1;
  }

  /**
   * A due request was written at sentAt; its intended start was intendedAt, and its connection became free for it
   * at freeAt (the completion of the connection's previous request; -Infinity for its first: ready from the start).
   *
   * Its total lag is max(0, sentAt − intendedAt), split in two:
   * - backpressure part = clamp(freeAt − intendedAt, 0, total): the connection was still busy with an earlier
   *   request — the system under test's doing;
   * - generator part = total − backpressure part: the connection was free but the engine was late — the
   *   harness's doing.
   * A request late by more than LATE_MS is attributed to backpressure when that part is at least the generator
   * part, else to the generator.
   */
  sent(intendedAt: number, sentAt: number, freeAt = Number.NEGATIVE_INFINITY): void {
    this.due(intendedAt);
    if (intendedAt < this.measuredFrom) return;
    this.sentCount++;
    const lag = sentAt - intendedAt;
    const total = Math.max(lag, 0);
    let pressure = freeAt - intendedAt;
    if (!(pressure > 0)) pressure = 0;
    else if (pressure > total) pressure = total;
    const generator = total - pressure;
    this.lagHist.record(total * 1000);
    this.generatorLagHist.record(generator * 1000);
    if (total > LATE_MS) {
      if (pressure >= generator) this.lateBackpressure++;
      else this.lateGenerator++;
    }
    if (generator > GENERATOR_LATE_MS) this.generatorLate++;
    if (lag > this.maxLagMs) this.maxLagMs = lag;
  }

  private second(intendedAt: number): SecondAcc {
    const t = Math.max(0, Math.floor((intendedAt - this.startAt) / 1000));
    let s = this.seconds[t];
    if (!s) {
      s = { completed: 0, measured: 0, ok: 0, errors: 0, histogram: new HdrCounts() };
      this.seconds[t] = s;
    }
    return s;
  }

  /** A response arrived (status) or an error (err) ended the request. */
  complete(intendedAt: number, sentAt: number, endAt: number, status: number, err: unknown): void {
    // A timer that fired slightly early sent before the intended start: measure from the real send then.
    const fromIntended = (endAt - Math.min(sentAt, intendedAt)) * 1000;
    const success = err === undefined && status >= 200 && status < 300;
    const sec = this.second(intendedAt);
    sec.completed++;
    if (success) {
      sec.ok++;
      sec.histogram.record(fromIntended);
    } else sec.errors++;
    if (this.trackWindow) {
      const w = this.window;
      w.completed++;
      if (success) w.histogram.record(fromIntended);
      else w.errors++;
    }
    if (intendedAt < this.measuredFrom) return;
    sec.measured++;
    this.completed++;
    if (success) {
      this.outcomes.ok++;
      const ok = this.outcomes.okByStatus as Record<string, number>;
      ok[status] = (ok[status] ?? 0) + 1;
      this.intendedHist.record(fromIntended);
      this.actualHist.record((endAt - sentAt) * 1000);
      return;
    }
    this.errorsHist.record(fromIntended);
    if (err === undefined) {
      this.outcomes.status[status] = (this.outcomes.status[status] ?? 0) + 1;
      return;
    }
    const { cls, code } = classifyError(err);
    this.countError(cls, code);
  }

  private countError(cls: ErrorClass, code: string): void {
    if (cls === 'other') this.outcomes.other[code] = (this.outcomes.other[code] ?? 0) + 1;
    else this.outcomes[cls]++;
  }

  /** Returns and resets the last-second window. */
  takeWindow(): WindowSnapshot {
    const w = this.window;
    this.window = { completed: 0, errors: 0, histogram: new HdrCounts() };
    return { completed: w.completed, errors: w.errors, histogram: w.histogram.toHistogram() };
  }

  toTally(workers: number, notes: string[]): EngineTally {
    const series: TallySecond[] = [];
    this.seconds.forEach((s, t) => {
      if (s)
        series.push({
          t,
          completed: s.completed,
          measured: s.measured,
          ok: s.ok,
          errors: s.errors,
          histogram: encodeHistogram(s.histogram.toHistogram()),
        });
    });
    return {
      intended: this.intended,
      sent: this.sentCount,
      completed: this.completed,
      warmup: this.warmup,
      outcomes: this.outcomes,
      intendedHist: encodeHistogram(this.intendedHist.toHistogram()),
      actualHist: encodeHistogram(this.actualHist.toHistogram()),
      errorsHist: encodeHistogram(this.errorsHist.toHistogram()),
      lagHist: encodeHistogram(this.lagHist.toHistogram()),
      series,
      maxLagMs: this.maxLagMs,
      unsentAtEnd: this.unsentAtEnd,
      generatorLagHist: encodeHistogram(this.generatorLagHist.toHistogram()),
      lateBackpressure: this.lateBackpressure,
      lateGenerator: this.lateGenerator,
      generatorLate: this.generatorLate,
      generatorUnsent: this.generatorUnsent,
      workers,
      notes,
    };
  }
}

function addCounts(into: Record<string, number>, from: Record<string, number> | undefined): void {
  for (const [k, v] of Object.entries(from ?? {})) into[k] = (into[k] ?? 0) + v;
}

/** Exact merge of worker tallies (counts add, histograms merge, series merge by second). Pure. */
export function mergeTallies(tallies: readonly EngineTally[]): EngineTally {
  if (tallies.length === 1) return tallies[0];
  const outcomes = emptyOutcomes();
  const bySecond = new Map<number, TallySecond[]>();
  for (const t of tallies) {
    outcomes.ok += t.outcomes.ok;
    outcomes.timeout += t.outcomes.timeout;
    outcomes.reset += t.outcomes.reset;
    outcomes.refused += t.outcomes.refused;
    outcomes.skipped += t.outcomes.skipped;
    if (t.outcomes.aborted) outcomes.aborted = (outcomes.aborted ?? 0) + t.outcomes.aborted;
    addCounts(outcomes.status, t.outcomes.status);
    addCounts(outcomes.other, t.outcomes.other);
    addCounts(outcomes.okByStatus as Record<string, number>, t.outcomes.okByStatus);
    for (const s of t.series) bySecond.set(s.t, [...(bySecond.get(s.t) ?? []), s]);
  }
  const sum = (f: (t: EngineTally) => number) => tallies.reduce((a, t) => a + f(t), 0);
  const merge = (f: (t: EngineTally) => EncodedHistogram) => encodeHistogram(mergeEncoded(tallies.map(f)));
  const series = [...bySecond.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, ss]) => ({
      t,
      completed: ss.reduce((a, s) => a + s.completed, 0),
      measured: ss.reduce((a, s) => a + s.measured, 0),
      ok: ss.reduce((a, s) => a + s.ok, 0),
      errors: ss.reduce((a, s) => a + s.errors, 0),
      histogram: encodeHistogram(mergeEncoded(ss.map((s) => s.histogram))),
    }));
  return {
    intended: sum((t) => t.intended),
    sent: sum((t) => t.sent),
    completed: sum((t) => t.completed),
    warmup: sum((t) => t.warmup),
    outcomes,
    intendedHist: merge((t) => t.intendedHist),
    actualHist: merge((t) => t.actualHist),
    errorsHist: merge((t) => t.errorsHist),
    lagHist: merge((t) => t.lagHist),
    series,
    maxLagMs: Math.max(...tallies.map((t) => t.maxLagMs)),
    unsentAtEnd: sum((t) => t.unsentAtEnd),
    generatorLagHist: merge((t) => t.generatorLagHist),
    lateBackpressure: sum((t) => t.lateBackpressure),
    lateGenerator: sum((t) => t.lateGenerator),
    generatorLate: sum((t) => t.generatorLate),
    generatorUnsent: sum((t) => t.generatorUnsent),
    workers: sum((t) => t.workers),
    notes: [...new Set(tallies.flatMap((t) => t.notes))],
    incomplete: tallies.some((t) => t.incomplete),
  };
}
