/**
 * `switchboard_redis_persistence{status}`: 1 on the label of the Redis
 * persistence check's last outcome (`safe`, `unsafe`, `unknown`, `off`), 0 on
 * the others, so an alert on `switchboard_redis_persistence{status!="safe"} == 1`
 * fires for a server that would lose accepted work or would not say.
 * Shared by the supervisor's and the API's metrics.
 */
import { Gauge, type Registry } from 'prom-client';
import type { RedisPersistenceReport } from './redis-persistence-check.ts';

const STATUSES: ReadonlyArray<RedisPersistenceReport['status']> = ['safe', 'unsafe', 'unknown', 'off'];

export function redisPersistenceGauge(registry: Registry, read: () => RedisPersistenceReport): void {
  new Gauge({
    name: 'switchboard_redis_persistence',
    help: 'Outcome of the Redis persistence check (appendonly, appendfsync, maxmemory-policy): 1 on the current status',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      const current = read().status;
      for (const status of STATUSES) this.set({ status }, status === current ? 1 : 0);
    },
  });
}
