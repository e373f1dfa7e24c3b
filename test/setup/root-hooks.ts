/**
 * Mocha global teardown: after the whole run, drop every schema and Redis
 * key the run made (its own and its parallel workers', all under the run's
 * base id), and every network namespace lab whose owner died, so runs leave
 * nothing behind for the next one. A global fixture,
 * not a root hook: in parallel mode root hooks run after every file, in
 * every worker, and would drop what later files of that worker still use.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { deleteByPrefix } from '../../src/cluster/delete-by-prefix.ts';
import { TEST_DATABASE_URL, TEST_REDIS_URL, TEST_RUN_BASE } from '../helpers/namespace.ts';
import { sweepDeadLabs } from '../helpers/netns-lab.ts';

export async function mochaGlobalTeardown(): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  try {
    await client.connect();
    const { rows } = await client.query<{ nspname: string }>(
      'select nspname from pg_namespace where starts_with(nspname, $1)',
      [`sbt_${TEST_RUN_BASE}`],
    );
    for (const { nspname } of rows) await client.query(`drop schema if exists "${nspname}" cascade`);
  } catch {
    // A run that never touched PostgreSQL must not fail here.
  } finally {
    await client.end().catch(() => {});
  }
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await deleteByPrefix(redis, `sbt:${TEST_RUN_BASE}`);
  } catch {
    // Same: no Redis needed, no Redis cleaned.
  } finally {
    redis.disconnect();
  }
  // Network namespaces and bridges of test processes that died before closing them (this run's workers or an earlier run's).
  sweepDeadLabs();
}
