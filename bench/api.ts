/**
 * `npm run bench -- api [--duration-s S] [--connections C] [--users N] [--instances I]`
 *
 * The HTTP API under load, as production runs it: the real entry point
 * (src/api/api-main.ts) in a cluster of I processes sharing one port, I
 * being the pm2 `switchboard-api` instances of config/ecosystem.config.cjs
 * (`max`: one per core), on real PostgreSQL and Redis in a fresh schema and
 * key prefix. autocannon runs from a second process (bench/_api-load.ts):
 * an authenticated read (GET /v1/pairs) then pair creation (POST /v1/pairs,
 * a new pair every request), spread over N Elite users so neither the pair
 * quota nor the per-user rate limit (1 200 a minute) caps the figures.
 *
 * Needs DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and
 * REDIS_URL (default redis://127.0.0.1:6379); the schema and keys are
 * removed at the end. Progress on stderr; last line on stdout: one JSON object.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createApiContext } from '../src/api/api-context.ts';
import { parseConfig } from '../src/config/load-config.ts';
import { migrateUp } from '../src/db/migrator.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { seedPlans } from '../src/db/seed-plans.ts';
import { benchNamespace, dropNamespace } from './_bench-namespace.ts';
import { stopChild } from './_supervisor-child.ts';

const { values } = parseArgs({
  options: {
    'duration-s': { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    users: { type: 'string', default: '200' },
    instances: { type: 'string' },
  },
});

function progress(message: string): void {
  process.stderr.write(`bench api: ${message}\n`);
}

/** `instances` of the pm2 API app: a number, or `max` (one per core). */
function pm2Instances(): number {
  const ecosystem = createRequire(import.meta.url)('../config/ecosystem.config.cjs') as { apps: Array<{ name: string; instances: number | string }> };
  const api = ecosystem.apps.find((a) => a.name === 'switchboard-api');
  return api?.instances === 'max' || api === undefined ? availableParallelism() : Number(api.instances);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function waitForLine(child: ChildProcess, predicate: (line: string) => boolean, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      const found = lines.find(predicate);
      if (found !== undefined) {
        child.stdout?.off('data', onData);
        resolve(found);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before it was ready`)));
  });
}

const INSTANCES = Number(values.instances ?? pm2Instances());
const DURATION_S = Number(values['duration-s']);
const CONNECTIONS = Number(values.connections);
const USERS = Number(values.users);
const ns = benchNamespace('api');
const { id, schema, prefix, tmp, databaseUrl, redisUrl, env: base } = ns;
const env: Record<string, string> = {
  ...base,
  API_HOST: '127.0.0.1',
  API_PORT: String(await freePort()),
  LOG_DIR: join(tmp, 'log'),
  METRICS_PORT: '0',
  API_METRICS_PORT: '0',
};
const config = parseConfig(env);

progress(`schema ${schema}, ${INSTANCES} API processes, ${USERS} Elite users`);
const orm = await openDatabase({ databaseUrl, schema });
const redis = new Redis(redisUrl, { keyPrefix: prefix });
let server: ChildProcess | null = null;
const figures: Record<string, unknown> = {};
try {
  await migrateUp(orm);
  await seedPlans(orm.em.fork());
  const ctx = createApiContext({ orm, redis, config, logger: pino({ level: 'silent' }) });
  const users = Array.from({ length: USERS }, () => ({ userId: randomUUID(), accountId: randomUUID() }));
  const conn = orm.em.getConnection();
  const q = (t: string) => `"${schema}"."${t}"`;
  const rows = JSON.stringify(users.map((u, i) => ({ ...u, email: `bench-${id}-${i}@example.com`, bot: String(300_000_000_000_000_000n + BigInt(i)) })));
  await conn.execute(`insert into ${q('users')} (id, email, password_hash, role, email_verified_at)
    select v."userId", v.email, 'none', 'premium_user', now() from jsonb_to_recordset(?::jsonb) as v("userId" uuid, email text)`, [rows]);
  await conn.execute(`insert into ${q('user_subscriptions')} (user_id, plan_id, status, started_at)
    select v."userId", (select id from ${q('subscription_plans')} where name = 'elite'), 'active', now() from jsonb_to_recordset(?::jsonb) as v("userId" uuid)`, [rows]);
  await conn.execute(`insert into ${q('discord_accounts')} (id, user_id, bot_user_id, bot_username, token_ciphertext, status)
    select v."accountId", v."userId", v.bot, 'bench', 'v1.none', 'paused' from jsonb_to_recordset(?::jsonb) as v("accountId" uuid, "userId" uuid, bot text)`, [rows]);
  const tokens = users.map((u) => ({ token: ctx.accessTokens.issue({ userId: u.userId, role: 'premium_user' }), accountId: u.accountId }));

  const here = fileURLToPath(new URL('.', import.meta.url));
  server = spawn(process.execPath, ['--import', 'tsx', join(here, '_api-cluster.ts'), String(INSTANCES)], {
    env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  await waitForLine(server, (l) => l === 'ready', 'the API cluster');
  progress(`API listening on ${env.API_PORT}`);

  const load = spawn(process.execPath, ['--import', 'tsx', join(here, '_api-load.ts')], {
    env: { ...process.env, BENCH_API_LOAD: JSON.stringify({ url: `http://127.0.0.1:${env.API_PORT}`, users: tokens, durationS: DURATION_S, connections: CONNECTIONS }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await waitForLine(load, (l) => l.startsWith('{'), 'the load generator');
  Object.assign(figures, JSON.parse(line) as Record<string, unknown>);
  const pairs = await conn.execute(`select count(*)::int as n from ${q('forwarding_pairs')}`) as Array<{ n: number }>;
  figures.pairs_created = pairs[0]?.n ?? 0;
} finally {
  await stopChild(server);
  await orm.close(true);
  redis.disconnect();
  await dropNamespace(ns);
}

console.log(JSON.stringify({
  bench: 'api',
  ...figures,
  instances: INSTANCES,
  connections: CONNECTIONS,
  duration_s: DURATION_S,
  users: USERS,
  cores: availableParallelism(),
}));
