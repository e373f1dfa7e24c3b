/**
 * Storage and settings of a benchmark that runs the API as production does:
 * a schema, a Redis key prefix and a temporary folder of its own, and the
 * production environment with fresh secrets. Not a benchmark itself:
 * bench/run.ts skips files starting with `_`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { deleteByPrefix } from '../src/cluster/delete-by-prefix.ts';

export interface BenchNamespace {
  id: string;
  schema: string;
  prefix: string;
  /** Temporary folder (data, mail, logs); the benchmark removes it. */
  tmp: string;
  databaseUrl: string;
  redisUrl: string;
  /** NODE_ENV=production with its required secrets, pointing at the namespace. */
  env: Record<string, string>;
}

/** `name`: a short lower-case word naming the benchmark (`api`, `tglogin`). */
export function benchNamespace(name: string): BenchNamespace {
  const id = randomBytes(4).toString('hex');
  const schema = `bench_${name}_${id}`;
  const prefix = `bench-${name}:${id}:`;
  const tmp = mkdtempSync(join(tmpdir(), `sb-bench-${name}-`));
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  return {
    id, schema, prefix, tmp, databaseUrl, redisUrl,
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: schema,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      SECRET_KEYS: `b1:${randomBytes(32).toString('base64')}`,
      JWT_SECRET: randomBytes(32).toString('base64'),
      API_KEY_PEPPER: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
      DATA_DIR: tmp,
      MAIL_DIR: join(tmp, 'mail'),
    },
  };
}

/** Drops the schema, the Redis keys and the folder of `ns`; never throws. */
export async function dropNamespace(ns: BenchNamespace): Promise<void> {
  const admin = new pg.Client({ connectionString: ns.databaseUrl });
  await admin.connect().then(() => admin.query(`drop schema if exists "${ns.schema}" cascade`)).catch(() => {});
  await admin.end().catch(() => {});
  const raw = new Redis(ns.redisUrl);
  await deleteByPrefix(raw, ns.prefix).catch(() => {});
  raw.disconnect();
  rmSync(ns.tmp, { recursive: true, force: true });
}
