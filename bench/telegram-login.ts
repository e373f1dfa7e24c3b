/**
 * `npm run bench -- telegram-login [--logins N] [--two-factor-every K] [--threads T]`
 *
 * N Telegram logins at once (default 50; every K-th with a 2FA password,
 * default 4) through the real HTTP API against the MTProto fake: each is
 * `POST /v1/telegram-accounts`, the code the fake "sent", then the password
 * if asked. The API runs in a process of its own (bench/_telegram-login-api.ts)
 * that samples its event-loop delay, so the figure is the API's alone: the
 * fake and this driver run here. Two runs: gramjs on the login thread pool
 * (T threads, default 2), then on the API's main thread, for comparison.
 * Each run starts with one login not counted (threads and gramjs loaded).
 *
 * Reports logins per second, p50/p99 of one login's wall time, the API's
 * event-loop delay p99 and max, and the CPU its main thread spent per login
 * (which, unlike the delay, other processes on a busy host do not inflate).
 * On a small host the fake's own crypto competes for the same cores, so
 * throughput and latency are the fake's as much as the API's. Needs DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test) and REDIS_URL (default
 * redis://127.0.0.1:6379); the schema and keys are removed at the end.
 * Progress on stderr; last line on stdout: one JSON object.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createApiContext } from '../src/api/api-context.ts';
import { parseConfig } from '../src/config/load-config.ts';
import { migrateUp } from '../src/db/migrator.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { seedPlans } from '../src/db/seed-plans.ts';
import { TelegramFake } from '../test/fakes/telegram/telegram-fake.ts';
import { benchNamespace, dropNamespace } from './_bench-namespace.ts';

const { values } = parseArgs({
  options: {
    logins: { type: 'string', default: '50' },
    'two-factor-every': { type: 'string', default: '4' },
    threads: { type: 'string', default: '2' },
  },
});
const LOGINS = Number(values.logins);
const TWO_FACTOR_EVERY = Number(values['two-factor-every']);
const THREADS = Number(values.threads);

function progress(message: string): void {
  process.stderr.write(`bench telegram-login: ${message}\n`);
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

const ns = benchNamespace('tglogin');
const { id, schema, prefix, tmp, databaseUrl, redisUrl, env: base } = ns;

const fake = await TelegramFake.start();
writeFileSync(join(tmp, 'server.pem'), fake.publicKeyPem);
const env: Record<string, string> = {
  ...base,
  TELEGRAM_API_ID: '12345',
  TELEGRAM_API_HASH: '0123456789abcdef0123456789abcdef',
  TELEGRAM_SERVER: `${fake.host}:${fake.port}`,
  TELEGRAM_SERVER_KEY_FILE: join(tmp, 'server.pem'),
};
const config = parseConfig(env);
const orm = await openDatabase({ databaseUrl, schema });
const redis = new Redis(redisUrl, { keyPrefix: prefix });
const ctx = createApiContext({ orm, redis, config, logger: pino({ level: 'silent' }) });

interface Login { token: string; phone: string; password: string | null }

let nextPhone = 0;
/** `count` Free users, each with a Telegram account on the fake to link (every K-th with 2FA). */
async function makeLogins(count: number): Promise<Login[]> {
  const users = Array.from({ length: count }, (_, i) => ({ userId: randomUUID(), email: `tg-${id}-${nextPhone + i}@example.com` }));
  await orm.em.getConnection().execute(`insert into "${schema}"."users" (id, email, password_hash, role, email_verified_at)
    select v."userId", v.email, 'none', 'free_user', now() from jsonb_to_recordset(?::jsonb) as v("userId" uuid, email text)`, [JSON.stringify(users)]);
  return users.map((u) => {
    nextPhone += 1;
    const phone = `+1555${String(nextPhone).padStart(7, '0')}`;
    const password = nextPhone % TWO_FACTOR_EVERY === 0 ? `pw-${nextPhone}` : null;
    fake.createUser({ phone, firstName: `User ${nextPhone}`, ...(password === null ? {} : { password }) });
    return { token: ctx.accessTokens.issue({ userId: u.userId, role: 'free_user' }), phone, password };
  });
}

async function post(url: string, token: string, body?: unknown): Promise<{ status: number; body: { id?: string; login?: { next: string } } }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as { id?: string; login?: { next: string } } };
}

/** One whole login; its wall time in ms. */
async function login(base: string, l: Login): Promise<number> {
  const started = performance.now();
  const created = await post(`${base}/v1/telegram-accounts`, l.token, { phone: l.phone });
  if (created.status !== 201) throw new Error(`start answered ${created.status}: ${JSON.stringify(created.body)}`);
  const coded = await post(`${base}/v1/telegram-accounts/${created.body.id}/code`, l.token, { code: fake.lastCode(l.phone) });
  if (coded.status !== 200) throw new Error(`code answered ${coded.status}: ${JSON.stringify(coded.body)}`);
  if (coded.body.login?.next === 'password') {
    const done = await post(`${base}/v1/telegram-accounts/${created.body.id}/password`, l.token, { password: l.password });
    if (done.status !== 200 || done.body.login?.next !== 'done') throw new Error(`password answered ${done.status}: ${JSON.stringify(done.body)}`);
  } else if (coded.body.login?.next !== 'done') {
    throw new Error(`code left the login at ${coded.body.login?.next}`);
  }
  return performance.now() - started;
}

function ask<T>(child: ChildProcess, message: string | null, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (!(key in m)) return;
      child.off('message', onMessage);
      resolve(m as T);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`the API process exited (${code})`)));
    if (message !== null) child.send(message);
  });
}

async function run(mode: 'pool' | 'main_thread'): Promise<Record<string, number>> {
  const child = fork(fileURLToPath(new URL('./_telegram-login-api.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env, BENCH_TELEGRAM_INLINE: mode === 'main_thread' ? '1' : '0', BENCH_TELEGRAM_THREADS: String(THREADS) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { url } = await ask<{ url: string }>(child, null, 'ready');
    const [warm] = await makeLogins(1);
    await login(url, warm!);
    const logins = await makeLogins(LOGINS);
    await ask(child, 'reset', 'reset');
    const started = performance.now();
    const times = (await Promise.all(logins.map((l) => login(url, l)))).sort((x, y) => x - y);
    const wallS = (performance.now() - started) / 1000;
    const { delay, mainThreadCpuMs } = await ask<{ delay: { p99: number; max: number }; mainThreadCpuMs: number }>(child, 'report', 'delay');
    progress(`${mode}: ${LOGINS} logins in ${wallS.toFixed(2)} s, event-loop delay p99 ${delay.p99} ms, main thread CPU ${mainThreadCpuMs} ms`);
    return {
      logins_per_s: round(LOGINS / wallS),
      login_ms_p50: Math.round(percentile(times, 50)),
      login_ms_p99: Math.round(percentile(times, 99)),
      event_loop_delay_ms_p99: delay.p99,
      event_loop_delay_ms_max: delay.max,
      main_thread_cpu_ms_per_login: round(mainThreadCpuMs / LOGINS),
    };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('stop');
      await exited;
    }
  }
}

const figures: Record<string, unknown> = {};
try {
  await migrateUp(orm);
  await seedPlans(orm.em.fork());
  progress(`schema ${schema}; ${LOGINS} parallel logins, every ${TWO_FACTOR_EVERY}th with 2FA, ${THREADS} login threads`);
  figures.pool = await run('pool');
  figures.main_thread = await run('main_thread');
  const active = await orm.em.getConnection().execute(`select count(*)::int as n from "${schema}"."telegram_accounts" where status = 'active'`) as Array<{ n: number }>;
  figures.accounts_active = active[0]?.n ?? 0;
  figures.handshakes = fake.stats().handshakes;
} finally {
  await ctx.telegramLogin.close();
  await orm.close(true);
  redis.disconnect();
  await fake.close();
  await dropNamespace(ns);
}

console.log(JSON.stringify({
  bench: 'telegram-login',
  ...figures,
  logins: LOGINS,
  with_2fa: Math.floor(LOGINS / TWO_FACTOR_EVERY),
  threads: THREADS,
  cores: availableParallelism(),
}));
