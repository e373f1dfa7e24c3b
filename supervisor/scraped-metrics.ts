/**
 * prom-client metrics whose values live elsewhere (the supervisor, the
 * scheduler) and are read when Prometheus scrapes: gauges, counters and the
 * queue-wait histogram.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { HistogramSnapshot } from '../src/scheduler/core/wait-histogram.ts';

/**
 * A counter whose values the scheduler already keeps: read when scraped. The
 * scheduler's figures only grow while this process lives, as a counter's must.
 */
export function counter(
  registry: Registry, name: string, help: string, labelNames: string[],
  read: () => Record<string, number>, label?: string,
): void {
  new Counter({
    name, help, labelNames, registers: [registry],
    collect() {
      this.reset();
      for (const [key, value] of Object.entries(read())) {
        if (label === undefined) this.inc(value);
        else this.inc({ [label]: key }, value);
      }
    },
  });
}

/**
 * `switchboard_queue_wait_seconds`, the enqueue-to-dispatch wait per tier as a
 * Prometheus histogram. The scheduler counts the buckets itself (it sees each
 * dispatch; this endpoint only reads), so the metric is exposed through
 * prom-client's custom-metric interface rather than its Histogram class.
 */
export function waitHistogramMetric(read: () => Record<string, HistogramSnapshot>) {
  const name = 'switchboard_queue_wait_seconds';
  const help = 'Enqueue-to-first-dispatch wait of forwarding tasks, per tier';
  return {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    reset: () => {},
    get: () => {
      const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
      for (const [tier, h] of Object.entries(read())) {
        h.bounds.forEach((le, i) => values.push({ metricName: `${name}_bucket`, labels: { tier, le }, value: h.cumulative[i]! }));
        values.push({ metricName: `${name}_bucket`, labels: { tier, le: '+Inf' }, value: h.count });
        values.push({ metricName: `${name}_sum`, labels: { tier }, value: h.sumSeconds });
        values.push({ metricName: `${name}_count`, labels: { tier }, value: h.count });
      }
      return { name, help, type: 'histogram', aggregator: 'sum', values };
    },
  };
}

/** A gauge set from the supervisor's own state when scraped, so it costs nothing between scrapes. */
export function gauge(registry: Registry, name: string, help: string, labelNames: string[], collect: (g: Gauge) => void): void {
  new Gauge({
    name, help, labelNames, registers: [registry],
    collect() {
      this.reset();
      collect(this);
    },
  });
}
