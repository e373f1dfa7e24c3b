/**
 * Prometheus `/metrics` for one supervisor (prom-client): sessions by state
 * and tier, workers, memory per worker and thread, host memory, and, once a
 * scheduler is attached, the queue figures per tier. Values are read from the
 * supervisor when scraped, so the endpoint costs nothing between scrapes.
 * Beside it, `/health` for a load balancer or pm2 health check.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge, Registry } from 'prom-client';
import type { SchedulerMetrics } from '../src/scheduler/core/scheduler-metrics.ts';
import type { RedisHealth } from '../src/cluster/status-snapshot.ts';
import type { Supervisor } from './supervisor.ts';

export interface MetricsServerOptions {
  /** Address to bind. Default `127.0.0.1`: metrics are for the operator's scraper, not the world. */
  host?: string;
  /** Port; 0 picks a free one. */
  port: number;
  /** Queue figures of the attached scheduler, if any. */
  schedulerMetrics?: () => SchedulerMetrics;
}

function gauge(registry: Registry, name: string, help: string, labelNames: string[], collect: (g: Gauge) => void): void {
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      collect(this);
    },
  });
}

export function metricsRegistry(supervisor: Supervisor, schedulerMetrics?: () => SchedulerMetrics): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ supervisor: supervisor.id });
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
  if (schedulerMetrics) {
    const perTier = (name: string, help: string, read: (m: SchedulerMetrics) => Record<string, number>) =>
      gauge(registry, name, help, ['tier'], (g) => {
        for (const [tier, value] of Object.entries(read(schedulerMetrics()))) g.set({ tier }, value);
      });
    perTier('switchboard_queue_length', 'Forwarding tasks waiting, per tier', (m) => m.queued);
    perTier('switchboard_queue_in_flight', 'Forwarding tasks handed to actors and not yet done, per tier', (m) => m.inFlight);
    perTier('switchboard_queue_dispatched', 'Forwarding tasks handed out since start, per tier', (m) => m.dispatched);
    perTier('switchboard_queue_dead_lettered', 'Forwarding tasks dead-lettered since start, per tier', (m) => m.deadLettered);
    gauge(registry, 'switchboard_queue_wait_ms', 'Enqueue-to-dispatch wait, per tier', ['tier', 'quantile'], (g) => {
      for (const [tier, w] of Object.entries(schedulerMetrics().wait)) {
        g.set({ tier, quantile: '0.5' }, w.p50Ms);
        g.set({ tier, quantile: '0.99' }, w.p99Ms);
      }
    });
    gauge(registry, 'switchboard_queue_delayed', 'Delay events since start, per reason', ['reason'], (g) => {
      for (const [reason, n] of Object.entries(schedulerMetrics().delayed)) g.set({ reason }, n);
    });
    gauge(registry, 'switchboard_queue_rejected', 'Rejected enqueues since start, per reason', ['reason'], (g) => {
      for (const [reason, n] of Object.entries(schedulerMetrics().rejected)) g.set({ reason }, n);
    });
  }
  return registry;
}

/**
 * The supervisor's own answer on whether it can forward: 503 while Redis
 * stalls (nothing new is accepted then), 200 otherwise. It lives here, not
 * in the published snapshot, because a snapshot travels through Redis and
 * cannot say that Redis is gone.
 */
export function healthBody(supervisor: Supervisor): { status: number; body: { status: 'ok' | 'degraded'; supervisorId: string; redis: RedisHealth } } {
  const redis = supervisor.redisHealth();
  const ok = redis.stalledForMs === null;
  return { status: ok ? 200 : 503, body: { status: ok ? 'ok' : 'degraded', supervisorId: supervisor.id, redis } };
}

/** Serves `GET /metrics` and `GET /health`; everything else is 404. */
export async function startMetricsServer(supervisor: Supervisor, options: MetricsServerOptions): Promise<{ server: Server; url: string; healthUrl: string; close(): Promise<void> }> {
  const registry = metricsRegistry(supervisor, options.schedulerMetrics);
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      const { status, body } = healthBody(supervisor);
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
      return;
    }
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: 'Only GET /metrics and GET /health are served here' } }));
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${address}:${port}/metrics`,
    healthUrl: `http://${address}:${port}/health`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
