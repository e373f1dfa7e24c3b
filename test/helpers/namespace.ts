/**
 * One namespace per test run: a PostgreSQL schema and a Redis key prefix that
 * no other run uses, so two runs on one machine never see each other's data.
 *
 * A run is one `npm test`: its base id is made by the first process that
 * loads this file (mocha's main process) and inherited by everything it
 * starts. In parallel mode each mocha worker adds its worker number, so
 * files running side by side never share a schema either; a test's child
 * processes inherit the id of the worker that started them. The global
 * teardown (test/setup/root-hooks.ts) drops everything under the base.
 */
import { randomBytes } from 'node:crypto';

/** The run's id, shared by every process of one `npm test`. */
export const TEST_RUN_BASE = process.env.SB_TEST_RUN_BASE ?? `${process.pid}_${randomBytes(3).toString('hex')}`;
process.env.SB_TEST_RUN_BASE = TEST_RUN_BASE;
const worker = process.env.MOCHA_WORKER_ID;
const runId = worker === undefined ? TEST_RUN_BASE : `${TEST_RUN_BASE}w${worker}`;

/** Server URLs: CI and developers' machines run PostgreSQL and Redis on their standard ports. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Schema of this process' tests; suites that need an untouched database add a suffix. */
export const TEST_SCHEMA = `sbt_${runId}`;
/** Redis key prefix of this process' tests. */
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
