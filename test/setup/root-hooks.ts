/**
 * Mocha root hooks: after the whole run, drop every schema and Redis key this
 * run made, so runs leave nothing behind for the next one.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { deleteByPrefix } from '../../src/cluster/delete-by-prefix.ts';
import { TEST_DATABASE_URL, TEST_REDIS_PREFIX, TEST_REDIS_URL, TEST_SCHEMA } from '../helpers/namespace.ts';

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    try {
      await client.connect();
      const { rows } = await client.query<{ nspname: string }>(
        'select nspname from pg_namespace where nspname like $1',
        [`${TEST_SCHEMA}%`],
      );
      for (const { nspname } of rows) await client.query(`drop schema if exists "${nspname}" cascade`);
    } catch {
      // A suite that never touched PostgreSQL must not fail the run here.
    } finally {
      await client.end().catch(() => {});
    }
    const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      await deleteByPrefix(redis, TEST_REDIS_PREFIX);
    } catch {
      // Same: no Redis needed, no Redis cleaned.
    } finally {
      redis.disconnect();
    }
  },
};
