/**
 * Enqueue-to-dispatch waits of one tier as a Prometheus histogram: counts per
 * fixed upper bound (cumulative, as Prometheus wants them), the sum and the
 * count, over all time. Unlike WaitStats' recent percentiles, these add up
 * across supervisors and over any window a query picks (`rate(..._bucket[5m])`).
 * Pure.
 */

/** Upper bounds, seconds: from a fast hand-out to a backlog minutes deep. */
export const WAIT_BUCKETS_SECONDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export interface HistogramSnapshot {
  /** Upper bounds, seconds, ascending; `+Inf` is implied by `count`. */
  bounds: readonly number[];
  /** Observations at or under each bound (cumulative). */
  cumulative: number[];
  sumSeconds: number;
  count: number;
}

export class WaitHistogram {
  readonly #counts = new Array<number>(WAIT_BUCKETS_SECONDS.length).fill(0);
  #sum = 0;
  #count = 0;

  record(ms: number): void {
    const seconds = ms > 0 ? ms / 1_000 : 0;
    const bucket = WAIT_BUCKETS_SECONDS.findIndex((bound) => seconds <= bound);
    if (bucket >= 0) this.#counts[bucket]! += 1;
    this.#sum += seconds;
    this.#count += 1;
  }

  snapshot(): HistogramSnapshot {
    let running = 0;
    return {
      bounds: WAIT_BUCKETS_SECONDS,
      cumulative: this.#counts.map((n) => (running += n)),
      sumSeconds: this.#sum,
      count: this.#count,
    };
  }
}
