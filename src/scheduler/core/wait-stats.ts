/**
 * Enqueue-to-dispatch wait times of one tier: exact count, mean and maximum
 * over all time, and percentiles over a bounded ring of the most recent
 * samples, so memory stays fixed and the percentiles describe current load.
 */

export interface WaitSummary {
  count: number;
  avgMs: number;
  /** Over the most recent samples (see `waitSampleSize`). */
  p50Ms: number;
  /** Over the most recent samples (see `waitSampleSize`). */
  p99Ms: number;
  maxMs: number;
}

export class WaitStats {
  #samples: Float64Array;
  #next = 0;
  #filled = 0;
  #count = 0;
  #sum = 0;
  #max = 0;

  constructor(sampleSize: number) {
    this.#samples = new Float64Array(sampleSize);
  }

  record(ms: number): void {
    const wait = ms > 0 ? ms : 0;
    this.#samples[this.#next] = wait;
    this.#next = (this.#next + 1) % this.#samples.length;
    if (this.#filled < this.#samples.length) this.#filled++;
    this.#count++;
    this.#sum += wait;
    if (wait > this.#max) this.#max = wait;
  }

  summary(): WaitSummary {
    if (this.#count === 0) return { count: 0, avgMs: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 };
    const sorted = this.#samples.slice(0, this.#filled).sort();
    return {
      count: this.#count,
      avgMs: this.#sum / this.#count,
      p50Ms: nearestRank(sorted, 0.5),
      p99Ms: nearestRank(sorted, 0.99),
      maxMs: this.#max,
    };
  }
}

function nearestRank(sorted: Float64Array, q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}
