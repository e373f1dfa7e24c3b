/** {@link SqlStore} over a node-postgres pool. */
import type pg from 'pg';
import type { SqlStore } from './sql-store.ts';

/** Wraps `pool`; the caller keeps ownership and ends the pool itself. */
export function pgSecretStore(pool: pg.Pool): SqlStore {
  return {
    query: (sql, params) => runOn(pool, sql, params),
    async transaction(work) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work({ query: (sql, params) => runOn(client, sql, params) });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          // A connection that cannot roll back must not return to the pool.
          broken = rollbackError as Error;
        }
        throw err;
      } finally {
        client.release(broken);
      }
    },
  };
}

async function runOn<R extends Record<string, unknown>>(
  target: pg.Pool | pg.PoolClient,
  sql: string,
  params?: readonly unknown[],
): Promise<{ rows: R[] }> {
  const result = await target.query<R>(sql, params as unknown[] | undefined);
  return { rows: result.rows };
}
