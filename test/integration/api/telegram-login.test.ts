import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TelegramClient } from 'telegram';
import { Logger, LogLevel } from 'telegram/extensions/Logger.js';
import type { RuntimeChange } from '../../../src/api/api-context.ts';
import { expireTelegramLogins } from '../../../src/api/jobs/expire-telegram-logins.ts';
import { loginLockKey, loginStateKey } from '../../../src/api/telegram-login/login-state.ts';
import { columnContext, openSecret } from '../../../src/crypto/secret-box.ts';
import { ForwardingPair, TelegramAccount, UserSubscription } from '../../../src/db/entities/index.ts';
import { connectionClass, openSession, trustServerKeys } from '../../../src/telegram/gramjs-connection.ts';
import { createTelegramEndpoint, type TelegramEndpoint } from '../../../src/telegram/telegram-endpoint.ts';
import type { LoginStepRequest } from '../../../src/telegram/telegram-login-protocol.ts';
import { runLoginStep } from '../../../src/telegram/telegram-login-step.ts';
import { TelegramFake } from '../../fakes/telegram/telegram-fake.ts';
import { DiscordFake } from '../../fakes/discord/discord-fake.ts';
import { startApiHarness, type ApiHarness, type HarnessOptions, type RegisteredUser } from '../../helpers/api-harness.ts';
import { TEST_DATABASE_URL, TEST_REDIS_PREFIX, TEST_REDIS_URL } from '../../helpers/namespace.ts';

const API_HASH = '0123456789abcdef0123456789abcdef';

describe('api: Telegram login', function () {
  this.timeout(60_000);
  let fake: TelegramFake;
  let discord: DiscordFake;
  let keyDir: string;
  let env: Record<string, string>;
  /** Two processes of one API: same schema, Redis prefix and keys, separate memory. */
  let a: ApiHarness;
  let b: ApiHarness;
  const extra: ApiHarness[] = [];
  const changes: RuntimeChange[] = [];

  function record(h: ApiHarness): ApiHarness {
    const real = h.ctx.runtime;
    h.ctx.runtime = { async notify(change) { changes.push(change); await real.notify(change); } };
    return h;
  }

  async function harness(options: HarnessOptions = {}): Promise<ApiHarness> {
    const h = record(await startApiHarness({ ...options, env: { ...env, ...options.env } }));
    extra.push(h);
    return h;
  }

  before(async () => {
    fake = await TelegramFake.start();
    discord = await DiscordFake.start();
    keyDir = mkdtempSync(join(tmpdir(), 'sb-tg-key-'));
    writeFileSync(join(keyDir, 'server.pem'), fake.publicKeyPem);
    env = {
      TELEGRAM_API_ID: '12345',
      TELEGRAM_API_HASH: API_HASH,
      TELEGRAM_SERVER: `${fake.host}:${fake.port}`,
      TELEGRAM_SERVER_KEY_FILE: join(keyDir, 'server.pem'),
      DISCORD_API_URL: discord.apiUrl,
      REDIS_KEY_PREFIX: `${TEST_REDIS_PREFIX}tglogin-${randomBytes(3).toString('hex')}:`,
      SECRET_KEYS: `t1:${randomBytes(32).toString('base64')}`,
      JWT_SECRET: randomBytes(32).toString('base64'),
      API_KEY_PEPPER: randomBytes(32).toString('base64'),
    };
    a = record(await startApiHarness({ env }));
    b = record(await startApiHarness({ env }));
  });
  after(async () => {
    for (const h of [a, b, ...extra]) await h?.close();
    await fake?.close();
    await discord?.close();
    if (keyDir !== undefined) rmSync(keyDir, { recursive: true, force: true });
  });

  /** A port nothing listens on, within the 16 bits gramjs sessions keep (ephemeral ports are above them). */
  async function closedPort(): Promise<number> {
    for (;;) {
      const port = randomInt(20_000, 32_768);
      const server = createServer();
      const free = await new Promise<boolean>((resolve) => {
        server.once('error', () => resolve(false));
        server.listen(port, '127.0.0.1', () => resolve(true));
      });
      if (free) {
        await new Promise((resolve) => server.close(resolve));
        return port;
      }
    }
  }

  /** Every step destroys its client: once the fake has seen the sockets close, none is left open. */
  async function noConnectionsLeft(): Promise<void> {
    const deadline = Date.now() + 3_000;
    while (fake.stats().connections > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(fake.stats().connections, 0);
  }

  const phone = (): string => `+1555${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
  const via = (h: ApiHarness, user: RegisteredUser, method: string, path: string, body?: unknown) =>
    h.request(method, path, { token: user.accessToken, ...(body === undefined ? {} : { body }) });
  const em = () => a.ctx.orm.em.fork();
  const rowOf = (id: string) => em().findOne(TelegramAccount, { id });
  const stateOf = (id: string, h: ApiHarness = a) => h.ctx.redis.get(loginStateKey(id));

  /** Every login state and lock key under the shared prefix. */
  async function loginKeys(h: ApiHarness = a): Promise<string[]> {
    const prefix = h.ctx.config.REDIS_KEY_PREFIX;
    // KEYS takes a pattern, not a key: ioredis does not prefix it.
    return (await h.ctx.redis.keys(`${prefix}tglogin:*`)).map((k) => k.slice(prefix.length));
  }

  async function start(user: RegisteredUser, number: string, h: ApiHarness = a) {
    const res = await via(h, user, 'post', '/v1/telegram-accounts', { phone: number });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; status: string; login: Record<string, unknown> };
  }

  function expectError(res: { status: number; body: { error: { code: string } } }, status: number, code: string): void {
    assert.deepEqual([res.status, res.body?.error?.code], [status, code], JSON.stringify(res.body));
  }

  it('a login begun in this process finishes on an API in another OS process (2FA included)', async function () {
    this.timeout(60_000);
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    // The API as pm2 runs it, on the same schema, Redis prefix and secrets as harness `a`.
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../../../src/api/api-main.ts', import.meta.url))], {
      env: {
        ...process.env, ...env, NODE_ENV: 'test', DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: a.ctx.config.DATABASE_SCHEMA,
        REDIS_URL: TEST_REDIS_URL, API_HOST: '127.0.0.1', API_PORT: String(port), METRICS_PORT: '0', API_METRICS_PORT: '0', LOG_LEVEL: 'error',
        LOG_DIR: keyDir, MAIL_DIR: join(keyDir, 'mail'), API_JOBS_INTERVAL_MS: '3600000',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      const other = async (path: string, token: string, body: unknown): Promise<{ status: number; body: any }> => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const res = await fetch(`http://127.0.0.1:${port}${path}`, {
          method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
        });
        return { status: res.status, body: await res.json() };
      };
      const deadline = Date.now() + 30_000;
      for (;;) {
        const up = await fetch(`http://127.0.0.1:${port}/v1/health`).then((r) => r.ok, () => false);
        if (up) break;
        if (Date.now() > deadline) throw new Error('the API process did not come up');
        await new Promise((r) => setTimeout(r, 200));
      }
      const number = phone();
      const tgUser = fake.createUser({ phone: number, firstName: 'Grace', password: 'cobol-1959' });
      const u = await a.registerUser();
      const handshakes = fake.stats().handshakes;
      const started = await start(u, number, a);
      const code = await other(`/v1/telegram-accounts/${started.id}/code`, u.accessToken, { code: fake.lastCode(number) });
      assert.equal(code.status, 200, JSON.stringify(code.body));
      assert.equal(code.body.login.next, 'password');
      const done = await other(`/v1/telegram-accounts/${started.id}/password`, u.accessToken, { password: 'cobol-1959' });
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.deepEqual([done.body.status, done.body.telegramUserId], ['active', tgUser.id]);
      assert.equal(fake.stats().handshakes - handshakes, 1, 'the other process resumed the first one\'s auth key');
      assert.equal(await stateOf(started.id), null);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('links an account with the code, the two steps served by two API instances', async () => {
    const number = phone();
    const tgUser = fake.createUser({ phone: number, firstName: 'Ada', lastName: 'Lovelace', username: 'ada' });
    const u = await a.registerUser();
    const handshakes = fake.stats().handshakes;
    const started = await start(u, number, a);
    assert.equal(started.status, 'pending_code');
    assert.deepEqual([started.login.next, started.login.codeType, started.login.codeLength], ['code', 'app', 5]);
    const expiresIn = Date.parse(started.login.expiresAt as string) - Date.now();
    assert.ok(expiresIn > 590_000 && expiresIn <= 600_000, String(expiresIn));
    const sealed = await stateOf(started.id);
    assert.ok(sealed !== null && sealed.startsWith('v1.t1.'), 'the state is sealed');
    assert.ok(!sealed.includes('"step"'));
    const ttl = await a.ctx.redis.pttl(loginStateKey(started.id));
    assert.ok(ttl > 590_000 && ttl <= 600_000, `TTL ${ttl}`);
    assert.equal((await rowOf(started.id))?.loginExpiresAt?.toISOString(), started.login.expiresAt);

    const done = await via(b, u, 'post', `/v1/telegram-accounts/${started.id}/code`, { code: fake.lastCode(number) });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.deepEqual(
      [done.body.status, done.body.telegramUserId, done.body.displayName, done.body.username, done.body.login],
      ['active', tgUser.id, 'Ada Lovelace', 'ada', { next: 'done' }],
    );
    const row = await rowOf(started.id);
    assert.ok(row !== null && row.sessionCiphertext !== null && row.sessionCiphertext !== undefined);
    assert.equal(row.loginExpiresAt, null);
    const session = openSecret(a.ctx.keyring, row.sessionCiphertext, columnContext('telegram_accounts', 'session_ciphertext', row.id));
    assert.equal(await stateOf(started.id), null, 'the login state is gone');
    assert.deepEqual(await loginKeys(), []);
    assert.deepEqual(changes.filter((c) => c.id === started.id).map((c) => [c.kind, c.action]), [['telegram_account', 'upsert']]);
    assert.equal(fake.stats().handshakes - handshakes, 1, 'the second step, on another instance, resumed the first one\'s key');
    await noConnectionsLeft();

    // The stored session is a live, signed-in one: a client resumes it without logging in again.
    const endpoint = createTelegramEndpoint({ apiId: 12345, apiHash: API_HASH, server: `${fake.host}:${fake.port}`, serverPublicKeys: [fake.publicKeyPem] });
    trustServerKeys(endpoint);
    const client = new TelegramClient(openSession(endpoint, session), endpoint.apiId, endpoint.apiHash, {
      connection: connectionClass(endpoint), connectionRetries: 1, autoReconnect: false, baseLogger: new Logger(LogLevel.NONE),
    });
    try {
      await client.connect();
      assert.equal((await client.getMe()).id.toString(), tgUser.id);
    } finally {
      await client.destroy();
    }
  });

  it('asks for the 2FA password with its hint, refuses a wrong one and finishes with the right one', async () => {
    const number = phone();
    fake.createUser({ phone: number, firstName: 'Grace', password: 'correct horse' });
    const u = await a.registerUser();
    const handshakes = fake.stats().handshakes;
    const calls = fake.stats().calls;
    const started = await start(u, number, b);
    const asked = await via(a, u, 'post', `/v1/telegram-accounts/${started.id}/code`, { code: fake.lastCode(number) });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    assert.deepEqual([asked.body.status, asked.body.login.next], ['pending_password', 'password']);
    assert.ok('passwordHint' in asked.body.login);
    assert.equal((await rowOf(started.id))?.status, 'pending_password');

    expectError(await via(b, u, 'post', `/v1/telegram-accounts/${started.id}/code`, { code: '12345' }), 409, 'telegram_login_step');
    const resend = await via(b, u, 'post', `/v1/telegram-accounts/${started.id}/resend`);
    expectError(resend, 409, 'telegram_login_step');
    assert.equal(resend.body.error.waitingFor, 'password');

    const before = await stateOf(started.id);
    const wrong = await via(b, u, 'post', `/v1/telegram-accounts/${started.id}/password`, { password: 'wrong horse' });
    expectError(wrong, 400, 'telegram_password_invalid');
    assert.equal(await stateOf(started.id), before, 'a wrong password changes nothing');
    assert.equal((await rowOf(started.id))?.status, 'pending_password');

    const right = await via(a, u, 'post', `/v1/telegram-accounts/${started.id}/password`, { password: 'correct horse' });
    assert.equal(right.status, 200, JSON.stringify(right.body));
    assert.deepEqual([right.body.status, right.body.displayName, right.body.login], ['active', 'Grace', { next: 'done' }]);
    assert.equal(fake.stats().handshakes - handshakes, 1, 'four steps on two instances, one auth key');
    const spent = (method: string) => (fake.stats().calls[method] ?? 0) - (calls[method] ?? 0);
    assert.deepEqual(['auth.sendCode', 'auth.signIn', 'account.getPassword', 'auth.checkPassword'].map(spent), [1, 1, 3, 2]);
    await noConnectionsLeft();
    // Neither the password nor anything derived from it is kept.
    const row = await rowOf(started.id);
    const session = openSecret(a.ctx.keyring, row!.sessionCiphertext!, columnContext('telegram_accounts', 'session_ciphertext', started.id));
    assert.ok(!JSON.stringify(row).includes('correct horse') && !session.includes('correct horse'));
    assert.equal(await stateOf(started.id), null);
  });

  it('refuses a wrong code without changing anything, then takes the right one', async () => {
    const number = phone();
    fake.createUser({ phone: number, firstName: 'Wrong' });
    const u = await a.registerUser();
    const started = await start(u, number);
    const before = { state: await stateOf(started.id), row: await rowOf(started.id) };
    const code = fake.lastCode(number)!;
    const wrong = code === '00000' ? '11111' : '00000';
    expectError(await via(b, u, 'post', `/v1/telegram-accounts/${started.id}/code`, { code: wrong }), 400, 'telegram_code_invalid');
    assert.equal(await stateOf(started.id), before.state);
    assert.deepEqual(await rowOf(started.id), before.row);
    assert.equal((await via(a, u, 'post', `/v1/telegram-accounts/${started.id}/code`, { code })).body.status, 'active');
  });

  it('resends the code, and a code Telegram says expired asks for a resend', async () => {
    const number = phone();
    fake.createUser({ phone: number, firstName: 'Resend' });
    const u = await a.registerUser();
    const started = await start(u, number);
    fake.failNext('auth.signIn', { error: 'PHONE_CODE_EXPIRED', code: 400 });
    const expired = await via(a, u, 'post', `/v1/telegram-accounts/${started.id}/code`, { code: fake.lastCode(number) });
    expectError(expired, 400, 'telegram_code_expired');
    assert.equal(expired.body.error.reason, 'code_expired');
    const resent = await via(b, u, 'post', `/v1/telegram-accounts/${started.id}/resend`);
    assert.equal(resent.status, 200, JSON.stringify(resent.body));
    assert.deepEqual([resent.body.status, resent.body.login.next, resent.body.login.codeType], ['pending_code', 'code', 'sms']);
    assert.ok(Date.parse(resent.body.login.expiresAt) >= Date.parse(started.login.expiresAt as string));
    const done = await via(a, u, 'post', `/v1/telegram-accounts/${started.id}/code`, { code: fake.lastCode(number) });
    assert.equal(done.body.status, 'active', JSON.stringify(done.body));
  });

  it('answers every Telegram refusal at the start with its code, leaving no row and no Redis state', async () => {
    const u = await a.registerUser({ plan: 'elite' });
    const keysBefore = await loginKeys();
    const cases: Array<[() => void, number, string]> = [
      [() => fake.failNext('auth.sendCode', { error: 'PHONE_NUMBER_INVALID', code: 400 }), 400, 'telegram_phone_invalid'],
      [() => fake.failNext('auth.sendCode', { error: 'PHONE_NUMBER_BANNED', code: 400 }), 403, 'telegram_phone_banned'],
      [() => fake.failNext('auth.sendCode', { error: 'PHONE_NUMBER_FLOOD', code: 400 }), 400, 'telegram_refused'],
      [() => fake.failNext('auth.sendCode', { error: 'INTERNAL', code: 500 }), 503, 'telegram_unreachable'],
      [() => fake.floodWait('auth.sendCode', 42), 429, 'telegram_flood_wait'],
    ];
    for (const [arrange, status, code] of cases) {
      arrange();
      const res = await via(a, u, 'post', '/v1/telegram-accounts', { phone: phone() });
      fake.clearFaults();
      expectError(res, status, code);
      if (code === 'telegram_flood_wait') {
        assert.deepEqual([res.body.error.retryAfterSeconds, res.headers['retry-after']], [42, '42']);
      }
    }
    assert.equal(await em().count(TelegramAccount, { user: u.userId }), 0);
    assert.deepEqual(await loginKeys(), keysBefore, 'other tests\' logins only');
  });

  it('answers telegram_unreachable when Telegram does not answer, leaving nothing behind', async () => {
    const down = await harness({ env: { TELEGRAM_SERVER: `127.0.0.1:${await closedPort()}` }, telegramLogin: { stepTimeoutMs: 3_000 } });
    const u = await down.registerUser();
    const keysBefore = await loginKeys();
    const res = await via(down, u, 'post', '/v1/telegram-accounts', { phone: phone() });
    expectError(res, 503, 'telegram_unreachable');
    assert.equal(await em().count(TelegramAccount, { user: u.userId }), 0);
    assert.deepEqual(await loginKeys(), keysBefore);
  });

  it('answers telegram_phone_unregistered for a number without an account, keeping the login as it was', async () => {
    const u = await a.registerUser();
    const number = phone();
    const started = await start(u, number);
    const before = await stateOf(started.id);
    expectError(await via(b, u, 'post', `/v1/telegram-accounts/${started.id}/code`, { code: fake.lastCode(number) }), 400, 'telegram_phone_unregistered');
    assert.equal((await rowOf(started.id))?.status, 'pending_code');
    assert.equal(await stateOf(started.id), before);
  });

  it('passes a flood wait on a step on with Retry-After, changing nothing', async () => {
    const number = phone();
    fake.createUser({ phone: number, firstName: 'Flood' });
    const u = await a.registerUser();
    const started = await start(u, number);
    const before = await stateOf(started.id);
    fake.floodWait('auth.signIn', 30);
    const res = await via(b, u, 'post', `/v1/telegram-accounts/${started.id}/code`, { code: fake.lastCode(number) });
    expectError(res, 429, 'telegram_flood_wait');
    assert.equal(res.headers['retry-after'], '30');
    assert.equal(await stateOf(started.id), before);
    assert.equal((await via(a, u, 'post', `/v1/telegram-accounts/${started.id}/code`, { code: fake.lastCode(number) })).body.status, 'active');
  });

  it('refuses steps that do not fit the login, and other users\' logins', async () => {
    const number = phone();
    fake.createUser({ phone: number, firstName: 'Steps' });
    const [u, other] = await Promise.all([a.registerUser(), a.registerUser()]);
    const started = await start(u, number);
    const early = await via(b, u, 'post', `/v1/telegram-accounts/${started.id}/password`, { password: 'x' });
    expectError(early, 409, 'telegram_login_step');
    assert.equal(early.body.error.waitingFor, 'code');
    for (const [path, body] of [['code', { code: '12345' }], ['password', { password: 'x' }], ['resend', undefined]] as const) {
      expectError(await via(a, other, 'post', `/v1/telegram-accounts/${started.id}/${path}`, body), 404, 'linked_account_not_found');
      expectError(await via(a, u, 'post', `/v1/telegram-accounts/${randomUUID()}/${path}`, body), 404, 'linked_account_not_found');
    }
    expectError(await via(a, u, 'post', '/v1/telegram-accounts/nope/code', { code: '1' }), 400, 'validation_failed');
    expectError(await via(a, u, 'post', `/v1/telegram-accounts/${started.id}/code`, { code: '' }), 400, 'validation_failed');
    expectError(await via(a, u, 'post', `/v1/telegram-accounts/${started.id}/password`, {}), 400, 'validation_failed');
    expectError(await via(a, u, 'patch', `/v1/telegram-accounts/${started.id}`, { status: 'active' }), 409, 'account_state_conflict');

    // A step of the same login in flight on another process holds the lock: the second answers at once.
    await a.ctx.redis.set(loginLockKey(started.id), 'other-process', 'PX', 5_000);
    const busy = await via(b, u, 'post', `/v1/telegram-accounts/${started.id}/code`, { code: fake.lastCode(number) });
    expectError(busy, 409, 'telegram_login_step');
    assert.equal(busy.body.error.waitingFor, 'busy');
    await a.ctx.redis.del(loginLockKey(started.id));

    // Two submissions racing on two instances: one logs in, the other is told the login is busy or done.
    const code = fake.lastCode(number);
    const raced = await Promise.all([a, b].map((h) => via(h, u, 'post', `/v1/telegram-accounts/${started.id}/code`, { code })));
    assert.deepEqual(raced.map((r) => r.status).sort(), [200, 409], JSON.stringify(raced.map((r) => r.body)));
    const after = await via(a, u, 'post', `/v1/telegram-accounts/${started.id}/code`, { code });
    expectError(after, 409, 'telegram_login_step');
    assert.equal(after.body.error.waitingFor, 'nothing');
  });

  it('ends a login whose state expired: telegram_code_expired, then the job removes it', async () => {
    // The step timeout must stay below the TTL; 1 s was too short for a handshake on a loaded CI machine (503).
    const short = await harness({ telegramLogin: { loginTtlSeconds: 5, stepTimeoutMs: 4_000 } });
    const number = phone();
    fake.createUser({ phone: number, firstName: 'Late' });
    const u = await short.registerUser();
    const started = await start(u, number, short);
    const expiresBy = Date.now() + 5_100;
    const pair = await via(short, u, 'post', '/v1/pairs', {
      source: { platform: 'telegram', accountId: started.id, chatId: '-1001' },
      destination: { platform: 'telegram', accountId: started.id, chatId: '-1002' },
    });
    assert.equal(pair.status, 201, JSON.stringify(pair.body));
    await new Promise((resolve) => setTimeout(resolve, expiresBy - Date.now()));
    const late = await via(short, u, 'post', `/v1/telegram-accounts/${started.id}/code`, { code: fake.lastCode(number) });
    expectError(late, 400, 'telegram_code_expired');
    assert.equal(late.body.error.reason, 'login_expired');
    assert.equal((await rowOf(started.id))?.status, 'pending_code', 'the error changed nothing');

    // Other suites' abandoned logins in this process' schema may lapse in the same sweep.
    assert.ok((await expireTelegramLogins(short.ctx, new Date())).includes(started.id));
    assert.equal(await rowOf(started.id), null);
    assert.equal(await em().count(ForwardingPair, { id: pair.body.id }), 0, 'its pairs go with it');
    assert.ok(changes.some((c) => c.kind === 'pair' && c.id === pair.body.id && c.action === 'delete'));
    assert.deepEqual(await expireTelegramLogins(short.ctx, new Date()), [], 'nothing left to do');
  });

  it('counts a login against the plan only while it is live: a stuck pending row no longer blocks a Discord bot', async () => {
    // Exactly the case from before logins expired: a Free user's abandoned pending_code row.
    const u = await a.registerUser();
    const stuck = em();
    stuck.create(TelegramAccount, { user: u.userId, phone: phone(), status: 'pending_code' });
    await stuck.flush();
    const bot = discord.createBot();
    discord.createGuild({ name: 'g', bots: [bot.id] });
    const linked = await via(a, u, 'post', '/v1/discord-accounts', { token: bot.token });
    assert.equal(linked.status, 201, JSON.stringify(linked.body));

    // A live login does hold the slot: the plan's only session goes to whoever asked first.
    const v = await a.registerUser();
    const number = phone();
    await start(v, number);
    const second = discord.createBot();
    discord.createGuild({ name: 'g2', bots: [second.id] });
    const refused = await via(b, v, 'post', '/v1/discord-accounts', { token: second.token });
    expectError(refused, 402, 'quota_exceeded');
    assert.equal(refused.body.error.resource, 'sessions');
    const another = await via(b, v, 'post', '/v1/telegram-accounts', { phone: phone() });
    expectError(another, 402, 'quota_exceeded');
    const usage = await via(a, v, 'get', '/v1/usage');
    assert.equal(usage.status, 200);

    // Once it expires it holds nothing, and starting over on the same number replaces it.
    await em().nativeUpdate(TelegramAccount, { user: v.userId }, { loginExpiresAt: new Date(Date.now() - 1_000) });
    const again = await start(v, number, b);
    assert.equal(await em().count(TelegramAccount, { user: v.userId }), 1);
    assert.equal((await em().findOneOrFail(TelegramAccount, { user: v.userId })).id, again.id);
    // Its one session is the live login now: the quota answers before the duplicate, as for bots.
    expectError(await via(a, v, 'post', '/v1/telegram-accounts', { phone: number }), 402, 'quota_exceeded');
  });

  it('judges multi-account by plan, and never lets a login take the only session from a running account', async () => {
    const pro = await a.registerUser({ plan: 'pro' });
    await start(pro, phone());
    const multi = await via(a, pro, 'post', '/v1/telegram-accounts', { phone: phone() });
    expectError(multi, 402, 'feature_not_in_plan');
    assert.equal(multi.body.error.feature, 'multi_account');
    const elite = await a.registerUser({ plan: 'elite' });
    const number1 = phone();
    await start(elite, number1);
    await start(elite, phone(), b);
    const dup = await via(a, elite, 'post', '/v1/telegram-accounts', { phone: number1 });
    expectError(dup, 409, 'account_already_linked');

    // A Pro user runs a bot and is mid-login when the plan drops to Free (one session).
    const u = await a.registerUser({ plan: 'pro' });
    const bot = discord.createBot();
    discord.createGuild({ name: 'g', bots: [bot.id] });
    assert.equal((await via(a, u, 'post', '/v1/discord-accounts', { token: bot.token })).status, 201);
    const number = phone();
    fake.createUser({ phone: number, firstName: 'Shrunk' });
    const started = await start(u, number);
    // The Pro subscription lapses: the user is on Free from now on, the bot within it.
    await em().nativeUpdate(UserSubscription, { user: u.userId }, { expiresAt: new Date(Date.now() - 1_000) });
    const before = await stateOf(started.id);
    const refused = await via(b, u, 'post', `/v1/telegram-accounts/${started.id}/code`, { code: fake.lastCode(number) });
    expectError(refused, 402, 'quota_exceeded');
    assert.deepEqual([refused.body.error.resource, refused.body.error.current, refused.body.error.limit], ['sessions', 1, 1]);
    assert.equal((await rowOf(started.id))?.status, 'pending_code');
    assert.equal(await stateOf(started.id), before, 'refused before the code was spent');
  });

  it('unlinking a login in progress ends it', async () => {
    const number = phone();
    fake.createUser({ phone: number, firstName: 'Gone' });
    const u = await a.registerUser();
    const started = await start(u, number);
    assert.equal((await via(b, u, 'delete', `/v1/telegram-accounts/${started.id}`)).status, 200);
    assert.equal(await stateOf(started.id), null);
    expectError(await via(a, u, 'post', `/v1/telegram-accounts/${started.id}/code`, { code: fake.lastCode(number) }), 404, 'linked_account_not_found');
  });
});

describe('telegram login steps (gramjs against the fake)', function () {
  this.timeout(30_000);
  let fake: TelegramFake;
  let endpoint: TelegramEndpoint;

  before(async () => {
    fake = await TelegramFake.start();
    endpoint = createTelegramEndpoint({ apiId: 12345, apiHash: API_HASH, server: `${fake.host}:${fake.port}`, serverPublicKeys: [fake.publicKeyPem] });
  });
  after(async () => {
    await fake?.close();
  });

  const step = (session: string, request: LoginStepRequest, deadlineAt = Date.now() + 10_000) => runLoginStep({ endpoint, session, deadlineAt, request });

  it('logs a signed-in session out again, after which Telegram refuses it', async () => {
    const phone = '+15557770001';
    fake.createUser({ phone, firstName: 'Out' });
    const sent = await step('', { op: 'send_code', phone });
    assert.ok(sent.ok && sent.result.kind === 'code_sent');
    const signed = await step(sent.session, { op: 'sign_in', phone, phoneCodeHash: sent.result.phoneCodeHash, code: fake.lastCode(phone)! });
    assert.ok(signed.ok && signed.result.kind === 'signed_in', JSON.stringify(signed));
    assert.equal(signed.session, sent.session, 'the same auth key throughout');
    const out = await step(signed.session, { op: 'log_out' });
    assert.deepEqual(out.ok && out.result, { kind: 'logged_out' });
    const again = await step(signed.session, { op: 'log_out' });
    assert.ok(!again.ok && again.failure.kind === 'rpc', JSON.stringify(again));
    assert.equal(fake.stats().calls['auth.logOut'], 2);
  });

  it('gives up on a server that accepts but never answers, by the deadline, closing its socket', async () => {
    const open = new Set<Socket>();
    const silent = createServer((socket) => {
      open.add(socket);
      socket.resume(); // read and drop the handshake, so the client's close is seen
      socket.on('close', () => open.delete(socket));
    });
    let port = 0;
    for (; port === 0;) {
      const candidate = randomInt(20_000, 32_768);
      port = await new Promise<number>((resolve) => {
        silent.once('error', () => resolve(0));
        silent.listen(candidate, '127.0.0.1', () => resolve(candidate));
      });
    }
    try {
      const mute = createTelegramEndpoint({ apiId: 12345, apiHash: API_HASH, server: `127.0.0.1:${port}`, serverPublicKeys: [fake.publicKeyPem] });
      const started = Date.now();
      const outcome = await runLoginStep({ endpoint: mute, session: '', deadlineAt: started + 1_500, request: { op: 'send_code', phone: '+15557770003' } });
      assert.deepEqual(outcome, { ok: false, session: '', failure: { kind: 'network', reason: 'no answer in time' } });
      assert.ok(Date.now() - started < 3_000, `took ${Date.now() - started} ms`);
      const deadline = Date.now() + 2_000;
      while (open.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(open.size, 0, 'the step left its socket open');
    } finally {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('fails a step whose deadline has passed without touching the network', async () => {
    const calls = fake.stats().calls['auth.sendCode'] ?? 0;
    const late = await step('', { op: 'send_code', phone: '+15557770002' }, Date.now() - 1);
    assert.deepEqual(late, { ok: false, session: '', failure: { kind: 'network', reason: 'no answer in time' } });
    assert.equal(fake.stats().calls['auth.sendCode'] ?? 0, calls);
  });
});
