/**
 * The API over real HTTP for integration tests: `createApp` with a full
 * ApiContext on an ephemeral port, on this run's PostgreSQL (schema
 * `<TEST_SCHEMA>_api`, migrated and seeded once) and Redis (a prefix of its
 * own per harness, so rate-limit counters never leak between suites), mail
 * written to a private folder. Every answer `request` receives is checked
 * against the served OpenAPI document; an undocumented one fails the test.
 */
import { AssertionError } from 'node:assert';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createApiContext, type ApiContext } from '../../src/api/api-context.ts';
import { createApp } from '../../src/api/create-app.ts';
import type { TelegramLoginOptions } from '../../src/api/telegram-login/login-options.ts';
import { startHttpServer, type HttpServer } from '../../src/api/http-server.ts';
import type { StoredMail } from '../../src/api/mail/file-mailer.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { SubscriptionPlan, User, UserSubscription, type UserRole } from '../../src/db/entities/index.ts';
import { migrateUp } from '../../src/db/migrator.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { seedPlans } from '../../src/db/seed-plans.ts';
import { redisClientOptions } from '../../src/infra/redis-provider.ts';
import { baseOptions } from '../../src/logging/logger.ts';
import { TEST_DATABASE_URL, TEST_REDIS_PREFIX, TEST_REDIS_URL, TEST_SCHEMA } from './namespace.ts';
import { OpenApiValidator } from './openapi-validator.ts';

export interface HarnessRequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  /** Access token, sent as `Authorization: Bearer`. */
  token?: string;
  /** API key, sent as `X-Api-Key`. */
  apiKey?: string;
  headers?: Record<string, string>;
}

export interface HarnessResponse {
  status: number;
  /** Parsed JSON, or null for an empty body. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Record<string, string>;
}

export interface RegisteredUser {
  userId: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export interface RegisterOptions {
  /** Default `free_user` (admins get `role_overridden`). */
  role?: UserRole;
  /** Current subscription to create. Default: none, which is Free. */
  plan?: 'free' | 'pro' | 'elite';
  /** Default: a fresh `user-<uuid>@example.com`. */
  email?: string;
}

export interface HarnessOptions {
  /**
   * Extra environment for the configuration (e.g. a low AUTH_RATE_LIMIT_PER_MINUTE).
   * Two harnesses given the same REDIS_KEY_PREFIX, SECRET_KEYS and JWT_SECRET
   * act as two processes of one API (the schema is shared by every harness).
   */
  env?: Record<string, string>;
  /** Telegram login threads and time limits. Default: the context's. */
  telegramLogin?: TelegramLoginOptions;
  /** Clock of the context. Default `Date.now`. */
  now?: () => number;
  /** A PostgreSQL of the test's own (migrated and seeded here). Default: this run's, migrated once. */
  databaseUrl?: string;
  /** A Redis of the test's own. Default: this run's. */
  redisUrl?: string;
}

export interface ApiHarness {
  baseUrl: string;
  ctx: ApiContext;
  request(method: string, path: string, opts?: HarnessRequestOptions): Promise<HarnessResponse>;
  /** A verified, signed-in user (through the real routes), with the role and plan written directly. */
  registerUser(opts?: RegisterOptions): Promise<RegisteredUser>;
  mail: {
    /** The newest mail to `to`, with the token of its link if it has one; throws if none. */
    last(to: string): StoredMail & { token: string | null };
    all(to: string): StoredMail[];
  };
  close(): Promise<void>;
}

const API_SCHEMA = `${TEST_SCHEMA}_api`;
let migrated: Promise<void> | null = null;
let harnesses = 0;

async function migrateAndSeed(orm: MikroORM): Promise<void> {
  await migrateUp(orm);
  await seedPlans(orm.em.fork());
}

/** The run's shared schema is migrated by the first harness; the others wait for it. */
async function migrateOnce(orm: MikroORM): Promise<void> {
  migrated ??= migrateAndSeed(orm);
  await migrated;
}

export async function startApiHarness(options: HarnessOptions = {}): Promise<ApiHarness> {
  const mailDir = mkdtempSync(join(tmpdir(), 'sb-mail-'));
  const prefix = `${TEST_REDIS_PREFIX}api${harnesses++}:`;
  const config = parseConfig({
    NODE_ENV: 'test',
    DATABASE_URL: options.databaseUrl ?? TEST_DATABASE_URL,
    DATABASE_SCHEMA: API_SCHEMA,
    REDIS_URL: options.redisUrl ?? TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    SECRET_KEYS: `t1:${randomBytes(32).toString('base64')}`,
    JWT_SECRET: randomBytes(32).toString('base64'),
    API_KEY_PEPPER: randomBytes(32).toString('base64'),
    MAIL_TRANSPORT: 'file',
    MAIL_DIR: mailDir,
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    REFRESH_RATE_LIMIT_PER_MINUTE: '10000',
    ...options.env,
  });
  const logger = pino(baseOptions(process.env.LOG_LEVEL ?? 'error'));
  const databaseUrl = options.databaseUrl ?? TEST_DATABASE_URL;
  const orm = await openDatabase({ databaseUrl, schema: API_SCHEMA, poolMax: 6 });
  await (options.databaseUrl === undefined ? migrateOnce(orm) : migrateAndSeed(orm));
  // As an API process opens it: a command Redis leaves unanswered fails after REDIS_COMMAND_TIMEOUT_MS.
  const redis = new Redis(options.redisUrl ?? TEST_REDIS_URL, redisClientOptions(config.REDIS_KEY_PREFIX, config.REDIS_COMMAND_TIMEOUT_MS));
  // Reconnects are ioredis' own; a test that stops its Redis sees the failures in the answers.
  redis.on('error', () => {});
  await redis.connect();
  const ctx = createApiContext({
    orm, redis, config, logger,
    ...(options.now ? { now: options.now } : {}),
    ...(options.telegramLogin ? { telegramLogin: options.telegramLogin } : {}),
  });
  let http: HttpServer;
  try {
    http = await startHttpServer(createApp({ health: { database: 'external', redis: 'external' }, ctx }), '127.0.0.1', 0);
  } catch (err) {
    await ctx.telegramLogin.close();
    await orm.close(true);
    redis.disconnect();
    throw err;
  }
  const baseUrl = http.url.replace(/\/$/, '');
  const served = await fetch(`${baseUrl}/v1/openapi.json`);
  const validator = new OpenApiValidator((await served.json()) as Record<string, unknown>);

  async function request(method: string, path: string, opts: HarnessRequestOptions = {}): Promise<HarnessResponse> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined) headers['content-type'] ??= 'application/json';
    if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
    if (opts.apiKey !== undefined) headers['x-api-key'] = opts.apiKey;
    const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    const res = await fetch(`${baseUrl}${path}`, { method: method.toUpperCase(), headers, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    let parsed: unknown = null;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    const problem = validator.check(method, path, res.status, res.headers.get('content-type'), parsed);
    if (problem !== null) throw new AssertionError({ message: `OpenAPI contract violated: ${problem}` });
    return { status: res.status, body: parsed, headers: Object.fromEntries(res.headers.entries()) };
  }

  function all(to: string): StoredMail[] {
    return readdirSync(mailDir).filter((name) => name.endsWith('.json')).sort()
      .map((name) => JSON.parse(readFileSync(join(mailDir, name), 'utf8')) as StoredMail)
      .filter((m) => m.to === to.toLowerCase());
  }

  const mail = {
    all,
    last(to: string) {
      const message = all(to).at(-1);
      if (message === undefined) throw new AssertionError({ message: `no mail was sent to ${to}` });
      return { ...message, token: /[?&]token=([A-Za-z0-9_-]+)/.exec(message.text)?.[1] ?? null };
    },
  };

  async function registerUser(opts: RegisterOptions = {}): Promise<RegisteredUser> {
    const email = (opts.email ?? `user-${randomUUID()}@example.com`).toLowerCase();
    const password = `pw-${randomBytes(12).toString('base64url')}`;
    const registered = await request('post', '/v1/auth/register', { body: { email, password } });
    if (registered.status !== 202) throw new AssertionError({ message: `register answered ${registered.status}` });
    const verified = await request('post', '/v1/auth/verify-email', { body: { token: mail.last(email).token } });
    if (verified.status !== 204) throw new AssertionError({ message: `verify-email answered ${verified.status}` });
    const em = orm.em.fork();
    const user = await em.findOneOrFail(User, { email });
    if (opts.role !== undefined) {
      user.role = opts.role;
      user.roleOverridden = opts.role === 'admin';
    }
    if (opts.plan !== undefined) {
      const plan = await em.findOneOrFail(SubscriptionPlan, { name: opts.plan });
      em.create(UserSubscription, { user, plan, status: 'active', startedAt: new Date() });
      if (opts.role === undefined && opts.plan !== 'free') user.role = 'premium_user';
    }
    await em.flush();
    const login = await request('post', '/v1/auth/login', { body: { email, password } });
    if (login.status !== 200) throw new AssertionError({ message: `login answered ${login.status}: ${JSON.stringify(login.body)}` });
    return { userId: user.id, email, password, accessToken: login.body.accessToken, refreshToken: login.body.refreshToken };
  }

  return {
    baseUrl,
    ctx,
    request,
    registerUser,
    mail,
    async close() {
      await http.close();
      await ctx.mailer.close();
      await ctx.telegramLogin.close();
      await orm.close(true);
      await redis.quit().catch(() => redis.disconnect());
      rmSync(mailDir, { recursive: true, force: true });
    },
  };
}
