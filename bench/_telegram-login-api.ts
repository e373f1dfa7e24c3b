/**
 * One API process for `bench/telegram-login.ts`: the real app and context
 * on the bench's PostgreSQL schema and Redis prefix (its configuration comes
 * from the environment), sampling its own event-loop delay with
 * `perf_hooks.monitorEventLoopDelay` and the CPU time of its main thread.
 * Driven over IPC: it sends `{ ready, url }` once listening, answers `reset`
 * (restart the sampling) and `report` (`{ delay, mainThreadCpuMs }`, in ms),
 * and closes on `stop`.
 * BENCH_TELEGRAM_INLINE=1 runs gramjs on this thread instead of the pool.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createApiContext } from '../src/api/api-context.ts';
import { createApp } from '../src/api/create-app.ts';
import { startHttpServer } from '../src/api/http-server.ts';
import { parseConfig } from '../src/config/load-config.ts';
import { openDatabase } from '../src/db/open-database.ts';

if (process.send === undefined) throw new Error('run me with an IPC channel (bench/telegram-login.ts does)');
const send = (message: unknown): void => void process.send?.(message);

const config = parseConfig(process.env);
const orm = await openDatabase({ databaseUrl: config.DATABASE_URL!, schema: config.DATABASE_SCHEMA, poolMax: 20 });
const redis = new Redis(config.REDIS_URL!, { keyPrefix: config.REDIS_KEY_PREFIX });
const ctx = createApiContext({
  orm, redis, config, logger: pino({ level: 'warn' }),
  telegramLogin: { inline: process.env.BENCH_TELEGRAM_INLINE === '1', threads: Number(process.env.BENCH_TELEGRAM_THREADS ?? '2') },
});
const http = await startHttpServer(createApp({ health: { database: 'external', redis: 'external' }, ctx }), '127.0.0.1', 0);

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
// CPU of this (the event loop's) thread alone: unlike the delay, not inflated by other processes on a busy host.
let cpuAtReset = process.threadCpuUsage();

process.on('message', (message: string) => {
  if (message === 'reset') {
    delay.reset();
    cpuAtReset = process.threadCpuUsage();
    send({ reset: true });
  } else if (message === 'report') {
    const cpu = process.threadCpuUsage(cpuAtReset);
    send({
      delay: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), mean: ms(delay.mean) },
      mainThreadCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    });
  } else if (message === 'stop') {
    delay.disable();
    void (async () => {
      await http.close();
      await ctx.telegramLogin.close();
      await ctx.mailer.close();
      await orm.close(true);
      redis.disconnect();
      process.exit(0);
    })();
  }
});
send({ ready: true, url: http.url.replace(/\/$/, '') });
