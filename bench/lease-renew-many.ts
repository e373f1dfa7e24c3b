/**
 * Throughput of `SessionLeases.renewMany`: LEASES (default 5 000) leases held
 * by one owner, renewed in one call, ROUNDS (default 20) times. Run:
 *
 *   npm run bench -- lease-renew-many
 *
 * Environment: LEASES, ROUNDS, REDIS_URL (default redis://127.0.0.1:6379),
 * Prints a table, then one JSON line of the figures. Keys go under a fresh `sbbench:<pid>:`
 * prefix, deleted afterwards.
 */
import { Redis } from 'ioredis';
import { deleteByPrefix } from '../src/cluster/delete-by-prefix.ts';
import { SessionLeases } from '../src/cluster/session-lease.ts';
import type { LeaseGrant } from '../src/cluster/session-lease.ts';

const count = Number(process.env.LEASES ?? 5_000);
const rounds = Number(process.env.ROUNDS ?? 20);
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `sbbench:${process.pid}:`;
const redis = new Redis(url, { keyPrefix: prefix, enableAutoPipelining: true });
const leases = new SessionLeases(redis, { ttlMs: 60_000 });

let t = performance.now();
const grants = (await Promise.all(Array.from({ length: count }, (_, i) => leases.acquire(`bench-${i}`, 'bench-owner'))))
  .filter((g): g is LeaseGrant => g !== null);
const acquireMs = performance.now() - t;
if (grants.length !== count) throw new Error(`acquired ${grants.length} of ${count}`);

await leases.renewMany(grants);
const times: number[] = [];
for (let r = 0; r < rounds; r++) {
  t = performance.now();
  const renewed = await leases.renewMany(grants);
  times.push(performance.now() - t);
  for (const v of renewed.values()) if (v === null) throw new Error('a lease was lost');
}
times.sort((a, b) => a - b);
const total = times.reduce((a, b) => a + b, 0);
const result = {
  leases: count,
  rounds,
  acquirePerSec: Math.round(count / (acquireMs / 1000)),
  renewManyMedianMs: Math.round(times[Math.floor(rounds / 2)]! * 10) / 10,
  renewManyMaxMs: Math.round(times.at(-1)! * 10) / 10,
  leasesRenewedPerSec: Math.round((count * rounds) / (total / 1000)),
};
await redis.quit();
const cleaner = new Redis(url);
await deleteByPrefix(cleaner, prefix);
cleaner.disconnect();
console.table(result);
console.log(JSON.stringify({ bench: 'lease-renew-many', ...result }));
