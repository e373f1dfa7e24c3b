/**
 * Prometheus `/metrics` for one supervisor (prom-client): sessions by state
 * and tier, workers, memory per worker and thread, host memory, and, once a
 * scheduler is attached, the queue figures per tier. Values are read from the
 * supervisor when scraped, so the endpoint costs nothing between scrapes.
 * Beside it, `/health` for a load balancer or pm2 health check.
 */
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { counter, gauge, waitHistogramMetric } from './scraped-metrics.ts';
import type { SchedulerMetrics } from '../src/scheduler/core/scheduler-metrics.ts';
import type { RedisHealth } from '../src/cluster/status-snapshot.ts';
import { startMetricsEndpoint, type MetricsEndpoint } from '../src/infra/metrics-endpoint.ts';
import type { RedisPersistenceReport } from '../src/infra/redis-persistence-check.ts';
import { redisPersistenceGauge } from '../src/infra/redis-persistence-metric.ts';
import type { DatabaseHealth } from './database-watch.ts';
import type { Supervisor } from './supervisor.ts';

export interface MetricsServerOptions {
  /** Address to bind. Default `127.0.0.1`: metrics are for the operator's scraper, not the world. */
  host?: string;
  /** Port; 0 picks a free one. */
  port: number;
  /** Queue figures of the attached scheduler, if any. */
  schedulerMetrics?: () => SchedulerMetrics;
  /** Sends told to wait, by platform and source (see Dispatcher.waits), if a queue runs. */
  sendWaits?: () => Array<{ platform: string; source: string; count: number }>;
  /** The Redis persistence check's last outcome, for `/metrics` and `/health`. Default: not reported. */
  redisPersistence?: () => RedisPersistenceReport;
  /** Whether PostgreSQL answers (see DatabaseWatch), for `/metrics` and `/health`. Default: not reported. */
  database?: () => DatabaseHealth;
  /** Tasks handed to other supervisors (`out`, `failed`) and taken in from them (`in`), if a queue runs. Default: not reported. */
  handOvers?: () => { out: number; failed: number; in: number };
}

export function metricsRegistry(
  supervisor: Supervisor,
  options: Pick<MetricsServerOptions, 'schedulerMetrics' | 'sendWaits' | 'redisPersistence' | 'database' | 'handOvers'> = {},
): Registry {
  const { schedulerMetrics, sendWaits, redisPersistence, database, handOvers } = options;
  const registry = new Registry();
  registry.setDefaultLabels({ supervisor: supervisor.id });
  // The supervisor process' own CPU, memory, event-loop lag, GC and handles (process_*, nodejs_*).
  collectDefaultMetrics({ register: registry });
  gauge(registry, 'switchboard_sessions', 'Sessions by state and tier', ['state', 'tier'], (g) => {
    const counts = new Map<string, number>();
    for (const s of supervisor.sessions.snapshot()) counts.set(`${s.state}|${s.tier}`, (counts.get(`${s.state}|${s.tier}`) ?? 0) + 1);
    for (const [key, n] of counts) {
      const [state, tier] = key.split('|') as [string, string];
      g.set({ state, tier }, n);
    }
  });
  gauge(registry, 'switchboard_workers', 'Worker processes by state', ['state'], (g) => {
    for (const w of supervisor.workers()) g.inc({ state: w.state });
  });
  gauge(registry, 'switchboard_worker_rss_bytes', 'Resident memory of each worker process', ['worker'], (g) => {
    for (const w of supervisor.workers()) g.set({ worker: w.workerId }, w.lastStatus?.rssBytes ?? 0);
  });
  gauge(registry, 'switchboard_thread_heap_bytes', 'V8 heap plus external memory of each thread', ['worker', 'thread'], (g) => {
    for (const w of supervisor.workers()) {
      for (const t of w.lastStatus?.threads ?? []) g.set({ worker: w.workerId, thread: String(t.threadIndex) }, t.heapUsedBytes + t.externalBytes);
    }
  });
  gauge(registry, 'switchboard_host_memory_used_ratio', 'Fraction of host memory in use', [], (g) => {
    const host = supervisor.hostMemory();
    g.set((host.totalBytes - host.availableBytes) / host.totalBytes);
  });
  gauge(registry, 'switchboard_redis_stalled', '1 while Redis has not answered for a second or more, else 0', [], (g) => {
    g.set(supervisor.redisStalledForMs() === null ? 0 : 1);
  });
  gauge(registry, 'switchboard_redis_stall_seconds', 'How long the current Redis stall has lasted (0 when none)', [], (g) => {
    g.set((supervisor.redisStalledForMs() ?? 0) / 1_000);
  });
  if (redisPersistence) redisPersistenceGauge(registry, redisPersistence);
  if (database) {
    gauge(registry, 'switchboard_database_unreachable', '1 while PostgreSQL has not answered for a second or more, else 0', [], (g) => {
      g.set(database().unreachableForMs === null ? 0 : 1);
    });
    gauge(registry, 'switchboard_database_unreachable_seconds', 'How long the current PostgreSQL outage has lasted (0 when none)', [], (g) => {
      g.set((database().unreachableForMs ?? 0) / 1_000);
    });
  }
  if (schedulerMetrics) {
    const perTier = (name: string, help: string, read: (m: SchedulerMetrics) => Record<string, number>) =>
      gauge(registry, name, help, ['tier'], (g) => {
        for (const [tier, value] of Object.entries(read(schedulerMetrics()))) g.set({ tier }, value);
      });
    perTier('switchboard_queue_length', 'Forwarding tasks waiting, per tier', (m) => m.queued);
    perTier('switchboard_queue_in_flight', 'Forwarding tasks handed to actors and not yet done, per tier', (m) => m.inFlight);
    counter(registry, 'switchboard_queue_dispatched_total', 'Forwarding tasks handed out, retries included, per tier', ['tier'], () => schedulerMetrics().dispatched, 'tier');
    counter(registry, 'switchboard_queue_dead_lettered_total', 'Forwarding tasks dead-lettered, per tier', ['tier'], () => schedulerMetrics().deadLettered, 'tier');
    counter(registry, 'switchboard_queue_delivered_total', 'Forwarding tasks done (the platform took the message)', [], () => ({ '': schedulerMetrics().acked }));
    counter(registry, 'switchboard_queue_retried_total', 'Forwarding tasks that failed for now and were rescheduled', [], () => ({ '': schedulerMetrics().retried }));
    counter(registry, 'switchboard_queue_delayed_total', 'Times runnable work was held back, per reason', ['reason'], () => schedulerMetrics().delayed, 'reason');
    counter(registry, 'switchboard_queue_rejected_total', 'Enqueues refused, per reason', ['reason'], () => schedulerMetrics().rejected, 'reason');
    registry.registerMetric(waitHistogramMetric(() => schedulerMetrics().waitHistogram) as never);
  }
  if (sendWaits) {
    new Counter({
      name: 'switchboard_send_waits_total',
      help: 'Sends told to wait, per platform; source "platform" when the platform answered (Telegram FLOOD_WAIT, Discord 429), "pacer" when our own pacing held it back first',
      labelNames: ['platform', 'source'],
      registers: [registry],
      collect() {
        this.reset();
        for (const w of sendWaits()) this.inc({ platform: w.platform, source: w.source }, w.count);
      },
    });
  }
  if (handOvers) {
    counter(registry, 'switchboard_tasks_handed_over_total', 'Forwarding tasks moved between supervisors\' shards because their sending account runs on the other: "out" handed over, "failed" whose move Redis refused (kept here), "in" taken in from another', ['direction'], () => handOvers(), 'direction');
  }
  return registry;
}

/**
 * The supervisor's own answer on whether it can forward: 503 while Redis
 * stalls (nothing new is accepted then) or PostgreSQL does not answer
 * (sends wait for their links), 200 otherwise. It lives here, not in the
 * published snapshot, because a snapshot travels through Redis and cannot
 * say that Redis is gone. Unsafe Redis persistence is shown but answers 200:
 * forwarding works, at a risk the operator must fix.
 */
export function healthBody(supervisor: Supervisor, options: Pick<MetricsServerOptions, 'redisPersistence' | 'database'> = {}): {
  status: number;
  body: {
    status: 'ok' | 'degraded'; supervisorId: string;
    redis: RedisHealth & { persistence?: RedisPersistenceReport };
    database?: DatabaseHealth;
  };
} {
  const redis = supervisor.redisHealth();
  const database = options.database?.();
  const ok = redis.stalledForMs === null && (database?.unreachableForMs ?? null) === null;
  const persistence = options.redisPersistence?.();
  return {
    status: ok ? 200 : 503,
    body: {
      status: ok ? 'ok' : 'degraded', supervisorId: supervisor.id,
      redis: persistence === undefined ? redis : { ...redis, persistence },
      ...(database === undefined ? {} : { database }),
    },
  };
}

/** Serves `GET /metrics` and `GET /health` (see {@link healthBody}); everything else is 404. */
export function startMetricsServer(supervisor: Supervisor, options: MetricsServerOptions): Promise<MetricsEndpoint> {
  return startMetricsEndpoint(metricsRegistry(supervisor, options), {
    host: options.host ?? '127.0.0.1', port: options.port, health: () => healthBody(supervisor, options),
  });
}
