/**
 * The little database access secret rotation needs, so it runs on a plain
 * `pg.Pool` (see pg-secret-store.ts), a MikroORM connection or a test double
 * alike, without depending on either.
 */

/** Runs one SQL statement with `$1`-style parameters. */
export interface SqlRunner {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<{ rows: R[] }>;
}

/** A {@link SqlRunner} that can also run work in one transaction. */
export interface SqlStore extends SqlRunner {
  /**
   * Runs `work` inside BEGIN ... COMMIT on one connection, rolling back when
   * it throws; the statements `work` runs through `tx` see its row locks.
   */
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
}

/** Quotes an SQL identifier (schema, table, column) so any name is safe in a statement. */
export function quoteIdent(name: string): string {
  if (name === '' || name.includes('\0')) throw new TypeError('SQL identifier must be non-empty and contain no NUL');
  return `"${name.replaceAll('"', '""')}"`;
}
