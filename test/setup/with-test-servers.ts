/**
 * `npm test` entry: makes sure the tests have a PostgreSQL and a Redis, then
 * runs mocha. The machines this project runs on (and CI) have both on their
 * standard ports; a fresh laptop without them gets an embedded PostgreSQL and
 * a redis-server from PATH, started here and stopped when mocha ends.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import pino from 'pino';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/infra/embedded-postgres.ts';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../src/infra/embedded-redis.ts';
import { findOnPath } from '../../src/infra/process-tools.ts';

const STANDARD_PG = 'postgres://postgres@127.0.0.1:5432/test';
const STANDARD_REDIS = 'redis://127.0.0.1:6379';
const root = resolve('var/test-servers');
const logger = pino({ level: 'warn' });

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000 });
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

const started: Array<EmbeddedPostgres | EmbeddedRedis> = [];
const env = { ...process.env };

if (env.TEST_DATABASE_URL === undefined && !(await postgresAnswers(STANDARD_PG))) {
  process.stderr.write('test: no PostgreSQL on 127.0.0.1:5432, starting an embedded one under var/test-servers\n');
  const server = await startEmbeddedPostgres({ root: resolve(root, 'postgres'), port: 54339, logger, database: 'test' });
  started.push(server);
  env.TEST_DATABASE_URL = server.url;
}

if (env.TEST_REDIS_URL === undefined && !(await redisAnswers(STANDARD_REDIS))) {
  const executable = await findOnPath('redis-server');
  if (executable === null) {
    process.stderr.write('test: no Redis on 127.0.0.1:6379 and no redis-server on PATH: install Redis or set TEST_REDIS_URL\n');
    for (const s of started) await s.stop();
    process.exit(2);
  }
  process.stderr.write('test: no Redis on 127.0.0.1:6379, starting redis-server under var/test-servers\n');
  const server = await startEmbeddedRedis({ executable, root: resolve(root, 'redis'), port: 63789, logger });
  started.push(server);
  env.TEST_REDIS_URL = server.url;
}

const mocha = spawn(process.execPath, [resolve('node_modules/mocha/bin/mocha.js'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env,
});
const code: number = await new Promise((done) => {
  mocha.on('exit', (exitCode, signal) => done(exitCode ?? (signal ? 1 : 0)));
});
for (const s of started) await s.stop();
process.exit(code);
