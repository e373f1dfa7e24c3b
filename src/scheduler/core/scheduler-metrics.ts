/** Counters the scheduler keeps, and the snapshot it reports. */
import type { Tier } from '../../domain/plans/plan-types.ts';
import { TIERS_BY_PRIORITY } from '../../domain/plans/plan-types.ts';
import type { DelayReason, RejectReason } from './scheduler-events.ts';
import { DELAY_REASONS, REJECT_REASONS } from './scheduler-events.ts';
import { WaitHistogram, type HistogramSnapshot } from './wait-histogram.ts';
import type { WaitSummary } from './wait-stats.ts';
import { WaitStats } from './wait-stats.ts';

export interface SchedulerMetrics {
  /** Tasks waiting per tier (held, not in flight), by the task's own tier. */
  queued: Record<Tier, number>;
  inFlight: Record<Tier, number>;
  /** Workers that have had work, with their current in-flight count. */
  inFlightByWorker: Record<string, number>;
  /** Enqueue-to-first-dispatch wait per tier. */
  wait: Record<Tier, WaitSummary>;
  /** The same waits as histograms over all time, for Prometheus. */
  waitHistogram: Record<Tier, HistogramSnapshot>;
  /** Hand-outs per tier, retries included. */
  dispatched: Record<Tier, number>;
  acked: number;
  /** Transient failures rescheduled. */
  retried: number;
  deadLettered: Record<Tier, number>;
  /** Delay events per reason. */
  delayed: Record<DelayReason, number>;
  /** Rejected enqueues per reason. */
  rejected: Record<RejectReason, number>;
}

function perTier<T>(f: (tier: Tier) => T): Record<Tier, T> {
  const out = {} as Record<Tier, T>;
  for (const tier of TIERS_BY_PRIORITY) out[tier] = f(tier);
  return out;
}

export class MetricsRecorder {
  readonly held = perTier(() => 0);
  readonly inFlight = perTier(() => 0);
  readonly dispatched = perTier(() => 0);
  readonly deadLettered = perTier(() => 0);
  readonly delayed = Object.fromEntries(DELAY_REASONS.map((r) => [r, 0])) as Record<DelayReason, number>;
  readonly rejected = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
  readonly wait: Record<Tier, WaitStats>;
  readonly waitHistogram = perTier(() => new WaitHistogram());
  acked = 0;
  retried = 0;

  constructor(waitSampleSize: number) {
    this.wait = perTier(() => new WaitStats(waitSampleSize));
  }

  /** One task's enqueue-to-first-dispatch wait. */
  recordWait(tier: Tier, ms: number): void {
    this.wait[tier].record(ms);
    this.waitHistogram[tier].record(ms);
  }

  snapshot(workers: Iterable<{ id: string; inFlight: number }>): SchedulerMetrics {
    const inFlightByWorker: Record<string, number> = {};
    for (const w of workers) inFlightByWorker[w.id] = w.inFlight;
    return {
      queued: perTier((t) => this.held[t] - this.inFlight[t]),
      inFlight: { ...this.inFlight },
      inFlightByWorker,
      wait: perTier((t) => this.wait[t].summary()),
      waitHistogram: perTier((t) => this.waitHistogram[t].snapshot()),
      dispatched: { ...this.dispatched },
      acked: this.acked,
      retried: this.retried,
      deadLettered: { ...this.deadLettered },
      delayed: { ...this.delayed },
      rejected: { ...this.rejected },
    };
  }
}

