/**
 * Raw SQL on MikroORM's connection for hot paths (the forwarding engine,
 * per-request authentication): one statement instead of an ORM unit of
 * work, with the configured schema quoted into every table name.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { quoteIdent } from '../crypto/sql-store.ts';

export interface Sql {
  /** `?` placeholders, as MikroORM's `execute` takes them. */
  all<R>(sql: string, params?: unknown[]): Promise<R[]>;
  /** The schema-qualified, quoted name of `table`. */
  table(table: string): string;
}

export function sqlOn(orm: MikroORM, schema: string): Sql {
  const qualified = (t: string): string => `${quoteIdent(schema)}.${quoteIdent(t)}`;
  return {
    all: async <R>(sql: string, params: unknown[] = []) => (await orm.em.getConnection().execute(sql, params)) as R[],
    table: qualified,
  };
}
