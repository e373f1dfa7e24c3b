/**
 * One namespace per test run: a PostgreSQL schema and a Redis key prefix that
 * no other run uses, so two runs on one machine never see each other's data.
 */
import { randomBytes } from 'node:crypto';

const runId = process.env.SB_TEST_RUN_ID ?? `${process.pid}_${randomBytes(3).toString('hex')}`;
process.env.SB_TEST_RUN_ID = runId;

/** Server URLs: CI and developers' machines run PostgreSQL and Redis on their standard ports. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Schema of this run; suites that need an untouched database add a suffix. */
export const TEST_SCHEMA = `sbt_${runId}`;
/** Redis key prefix of this run. */
export const TEST_REDIS_PREFIX = `sbt:${runId}:`;

/** Environment a child process of a test runs with, pointing at this run's namespace. */
export function testEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: TEST_SCHEMA,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: TEST_REDIS_PREFIX,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // The test servers run without persistence on purpose; the check has tests of its own.
    REDIS_PERSISTENCE_CHECK: 'off',
    METRICS_PORT: '0',
    API_METRICS_PORT: '0',
    ...extra,
  };
}
