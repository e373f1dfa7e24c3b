/**
 * End-to-end forwarding for the tests: a migrated schema of its own with
 * users, plans, linked Discord bots (tokens sealed), Telegram sessions
 * (sealed) and pairs written as the API would, the Discord fake, with
 * `{ telegram: true }` the MTProto fake, and a real supervisor runtime
 * (worker processes, real discord.js and gramjs clients) forwarding between
 * them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Redis } from 'ioredis';
import { quoteIdent } from '../../../src/crypto/sql-store.ts';
import { deleteByPrefix } from '../../../src/cluster/delete-by-prefix.ts';
import { parseConfig } from '../../../src/config/load-config.ts';
import { parseKeyring, type Keyring } from '../../../src/crypto/keyring.ts';
import { columnContext, sealSecret } from '../../../src/crypto/secret-box.ts';
import { seedPlans } from '../../../src/db/seed-plans.ts';
import type { Tier } from '../../../src/domain/plans/plan-types.ts';
import type { StoredFilter } from '../../../src/db/entities/forwarding-pair.ts';
import { sqlOn, type Sql } from '../../../src/db/raw-sql.ts';
import { startSupervisorRuntime, type SupervisorRuntime } from '../../../supervisor/supervisor-runtime.ts';
import type { ForwardingQueueOptions } from '../../../supervisor/forwarding-queue.ts';
import type { SupervisorOptions } from '../../../supervisor/supervisor-options.ts';
import type { RuntimeSyncOptions } from '../../../supervisor/runtime-sync.ts';
import { DiscordFake, type DiscordFakeOptions } from '../../fakes/discord/discord-fake.ts';
import type { TelegramRuntimeOptions } from '../../../src/runtime-contracts/platform-options.ts';
import { TelegramFake, type FakeUser } from '../../fakes/telegram/telegram-fake.ts';
import { TEST_DATABASE_URL, TEST_REDIS_URL, testEnv } from '../../helpers/namespace.ts';
import { UNPACED_TELEGRAM } from '../../helpers/telegram-pacing.ts';
import { openSuiteDatabase, suiteSchema } from '../db/fixture.ts';
import { logger, redisFor, suitePrefix, waitFor } from '../supervisor/fixture.ts';

export { waitFor };

/** One end of a pair; `platform` defaults to `discord`. */
export interface PairEnd { accountId: string; chatId: string; platform?: 'discord' | 'telegram'; topicId?: string }

/** What botPair made. */
export interface BotPair {
  owner: string;
  reader: { accountId: string; botId: string; token: string };
  writer: { accountId: string; botId: string; token: string };
  src: string;
  dst: string;
  pairId: string;
}

export interface PairInput {
  userId: string;
  source: PairEnd;
  destination: PairEnd;
  delayMs?: number;
  silent?: boolean;
  copyMode?: boolean;
  chain?: boolean;
  mapTopics?: boolean;
  filters?: StoredFilter[];
  status?: 'active' | 'paused';
}

/** The application id and hash the world's Telegram clients present (the fake takes any). */
const TELEGRAM_APP = { apiId: 12345, apiHash: '0123456789abcdef0123456789abcdef' };

export interface WorldOptions {
  /** Also start the MTProto fake and run Telegram sessions. Default false. */
  telegram?: boolean;
  /** Options of the Discord fake (e.g. a short nonce window). */
  discord?: DiscordFakeOptions;
  /**
   * Telegram's send pacing off, in the fake and in the sessions (also a
   * supervisor child's, through `telegramEnv`), and the Discord fake's rate
   * limits off: for streams into one chat faster than either allows.
   * Default false.
   */
  unpaced?: boolean;
  /** More options of the Telegram sessions' runtime (e.g. a small upload limit). */
  telegramRuntime?: Omit<TelegramRuntimeOptions, 'endpoint'>;
  /** PostgreSQL the world lives in (a private server a test may stop). Default: the tests' server. */
  databaseUrl?: string;
}

/** Whether a supervisor shares the accounts with the others (README "Several hosts"; default yes), and more runtime sync options. */
interface Sharing {
  shareAccounts?: boolean;
  sync?: RuntimeSyncOptions;
}

export class ForwardingWorld {
  readonly fake: DiscordFake;
  /** The MTProto fake; null unless the world was made `{ telegram: true }`. */
  tg: TelegramFake | null = null;
  readonly orm: MikroORM;
  readonly sql: Sql;
  readonly schema: string;
  /** The server `schema` is on, for a supervisor in a child process. */
  readonly databaseUrl: string;
  readonly keyring: Keyring;
  /** SECRET_KEYS of the world, for a supervisor in a child process. */
  readonly secretKeys: string;
  readonly redis: Redis;
  readonly prefix: string;
  runtime: SupervisorRuntime | null = null;
  readonly guildId: string;
  /** Where the runtime's mail goes (MAIL_TRANSPORT file). */
  readonly mailDir = mkdtempSync(join(tmpdir(), 'sb-fwd-mail-'));
  readonly #plans = new Map<Tier, string>();
  #unpaced = false;
  /** Supervisors started with `startAnother`. */
  readonly #others: SupervisorRuntime[] = [];
  #telegramRuntime: Omit<TelegramRuntimeOptions, 'endpoint'> = {};

  private constructor(fake: DiscordFake, orm: MikroORM, schema: string, databaseUrl: string, redis: Redis, prefix: string) {
    this.fake = fake;
    this.orm = orm;
    this.schema = schema;
    this.databaseUrl = databaseUrl;
    this.sql = sqlOn(orm, schema);
    this.secretKeys = `k1:${randomBytes(32).toString('base64')}`;
    this.keyring = parseKeyring(this.secretKeys);
    this.redis = redis;
    this.prefix = prefix;
    this.guildId = fake.createGuild({ name: 'world' }).id;
  }

  static async create(suite: string, options: WorldOptions = {}): Promise<ForwardingWorld> {
    const fake = await DiscordFake.start({ ...(options.unpaced === true ? { rateLimits: false } : {}), ...options.discord });
    const suffix = `${suite}_${randomUUID().slice(0, 6)}`;
    const databaseUrl = options.databaseUrl ?? TEST_DATABASE_URL;
    const orm = await openSuiteDatabase(suffix, true, databaseUrl);
    await seedPlans(orm.em.fork());
    const prefix = suitePrefix(suite);
    const world = new ForwardingWorld(fake, orm, suiteSchema(suffix), databaseUrl, redisFor(prefix), prefix);
    for (const row of await world.sql.all<{ id: string; name: Tier }>(`select id, name from ${world.sql.table('subscription_plans')}`)) {
      world.#plans.set(row.name, row.id);
    }
    world.#unpaced = options.unpaced === true;
    world.#telegramRuntime = options.telegramRuntime ?? {};
    if (options.telegram) {
      world.tg = await TelegramFake.start(world.#unpaced ? { floodLimits: false } : {});
      writeFileSync(world.#telegramKeyFile(), world.tg.publicKeyPem);
    }
    return world;
  }

  #telegramKeyFile(): string {
    return join(this.mailDir, 'telegram-server.pem');
  }

  /** What a supervisor needs to reach the MTProto fake, as configuration (for a child process). */
  telegramEnv(): Record<string, string> {
    const tg = this.tg!;
    return {
      TELEGRAM_API_ID: String(TELEGRAM_APP.apiId), TELEGRAM_API_HASH: TELEGRAM_APP.apiHash,
      TELEGRAM_SERVER: `${tg.host}:${tg.port}`, TELEGRAM_SERVER_KEY_FILE: this.#telegramKeyFile(),
      ...(this.#unpaced ? { TELEGRAM_PACING: 'off' } : {}),
    };
  }

  /**
   * A Telegram user of the fake linked to `userId`: a logged-in session
   * (issued by the fake, as a login would leave it), sealed as the API seals it.
   */
  async telegramAccount(userId: string, user: FakeUser): Promise<{ accountId: string; session: string }> {
    const session = await this.tg!.issueSession(user.id);
    const accountId = randomUUID();
    const sealed = sealSecret(this.keyring, session, columnContext('telegram_accounts', 'session_ciphertext', accountId));
    await this.sql.all(
      `insert into ${this.sql.table('telegram_accounts')} (id, user_id, telegram_user_id, phone, session_ciphertext, status, display_name)
       values (?, ?, ?, ?, ?, 'active', ?)`,
      [accountId, userId, user.id, user.phone, sealed, user.firstName],
    );
    return { accountId, session };
  }

  async user(plan: Tier = 'pro'): Promise<string> {
    const id = randomUUID();
    await this.sql.all(`insert into ${this.sql.table('users')} (id, email, password_hash) values (?, ?, 'x')`, [id, `${id}@example.test`]);
    if (plan !== 'free') {
      await this.sql.all(
        `insert into ${this.sql.table('user_subscriptions')} (id, user_id, plan_id, status, started_at) values (?, ?, ?, 'active', now())`,
        [randomUUID(), id, this.#plans.get(plan)],
      );
    }
    return id;
  }

  /** A bot in the fake, in the world's guild, linked to `userId` with its token sealed. */
  async bot(userId: string, username = `bot-${randomUUID().slice(0, 4)}`, guildId = this.guildId): Promise<{ accountId: string; botId: string; token: string }> {
    const bot = this.fake.createBot({ username });
    this.fake.addMember(guildId, bot.id);
    const accountId = randomUUID();
    const sealed = sealSecret(this.keyring, bot.token, columnContext('discord_accounts', 'token_ciphertext', accountId));
    await this.sql.all(
      `insert into ${this.sql.table('discord_accounts')} (id, user_id, bot_user_id, bot_username, token_ciphertext, status) values (?, ?, ?, ?, ?, 'active')`,
      [accountId, userId, bot.id, bot.username, sealed],
    );
    return { accountId, botId: bot.id, token: bot.token };
  }

  /** A new token for a linked account, sealed, and the account active again. */
  async relink(accountId: string, token: string): Promise<void> {
    const sealed = sealSecret(this.keyring, token, columnContext('discord_accounts', 'token_ciphertext', accountId));
    await this.sql.all(`update ${this.sql.table('discord_accounts')} set token_ciphertext = ?, status = 'active' where id = ?`, [sealed, accountId]);
  }

  channel(name = `c-${randomUUID().slice(0, 4)}`, guildId = this.guildId): string {
    return this.fake.createChannel(guildId, name).id;
  }

  guild(name: string): string {
    return this.fake.createGuild({ name }).id;
  }

  /**
   * The common Discord → Discord set-up: one owner on `plan`, a reading and a
   * writing bot, a source and a destination channel, one pair between them
   * (with `pair`'s settings).
   */
  async botPair(plan: Tier, pair: Omit<PairInput, 'userId' | 'source' | 'destination'> = {}): Promise<BotPair> {
    const owner = await this.user(plan);
    const reader = await this.bot(owner, 'reader');
    const writer = await this.bot(owner, 'writer');
    const src = this.channel('src');
    const dst = this.channel('dst');
    const pairId = await this.pair({ ...pair, userId: owner, source: { accountId: reader.accountId, chatId: src }, destination: { accountId: writer.accountId, chatId: dst } });
    return { owner, reader, writer, src, dst, pairId };
  }

  async pair(input: PairInput): Promise<string> {
    const id = randomUUID();
    await this.sql.all(
      `insert into ${this.sql.table('forwarding_pairs')}
        (id, user_id, name, source_platform, source_account_id, source_chat_id, source_topic_id,
         destination_platform, destination_account_id, destination_chat_id, destination_topic_id,
         delay_ms, silent, copy_mode, chain, map_topics, filters, status)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, input.userId, `pair ${id.slice(0, 4)}`, input.source.platform ?? 'discord', input.source.accountId, input.source.chatId, input.source.topicId ?? null,
        input.destination.platform ?? 'discord', input.destination.accountId, input.destination.chatId, input.destination.topicId ?? null,
        input.delayMs ?? 0, input.silent ?? false, input.copyMode ?? false, input.chain ?? false, input.mapTopics ?? false, JSON.stringify(input.filters ?? []), input.status ?? 'active'],
    );
    return id;
  }

  async start(options: SupervisorOptions = {}, queue: ForwardingQueueOptions = {}, sharing: Sharing = {}): Promise<SupervisorRuntime> {
    this.runtime = await this.#launch(options, queue, sharing);
    return this.runtime;
  }

  /**
   * One more supervisor on the same world (give it another `supervisorId`),
   * as a second host would run it; stopped with the world.
   */
  async startAnother(options: SupervisorOptions, queue: ForwardingQueueOptions = {}, sharing: Sharing = {}): Promise<SupervisorRuntime> {
    const runtime = await this.#launch(options, queue, sharing);
    this.#others.push(runtime);
    return runtime;
  }

  async #launch(options: SupervisorOptions, queue: ForwardingQueueOptions, sharing: Sharing): Promise<SupervisorRuntime> {
    const config = parseConfig(testEnv({ REDIS_KEY_PREFIX: this.prefix, METRICS_PORT: '0', MAIL_DIR: this.mailDir }));
    return startSupervisorRuntime({
      config, redis: this.redis, redisUrl: TEST_REDIS_URL, logger,
      onEscalate: (reason) => logger.error({ reason }, 'escalated'),
      options: {
        workers: 1, threadsPerWorker: 2, threadMaxOldGenerationMb: 256, leaseTtlMs: 3_000, statusIntervalMs: 500,
        pressureIntervalMs: 200, workerShutdownTimeoutMs: 5_000, discordApiUrl: this.fake.apiUrl,
        ...(this.tg === null ? {} : {
          telegram: {
            endpoint: { ...TELEGRAM_APP, server: `${this.tg.host}:${this.tg.port}`, serverPublicKeys: [this.tg.publicKeyPem] },
            ...(this.#unpaced ? { pacing: UNPACED_TELEGRAM } : {}),
            ...this.#telegramRuntime,
          },
        }),
        ...options,
        pressure: { minDwellMs: 0, idleAfterMs: 3_600_000, ...options.pressure },
      },
      queue: { unknownAccountGraceMs: 5_000, ...queue },
      forwarding: {
        orm: this.orm, schema: this.schema, keyring: this.keyring, sync: { reconcileIntervalMs: 60_000, debounceMs: 20, ...sharing.sync },
        platforms: this.tg === null ? ['discord'] : ['discord', 'telegram'], ...(sharing.shareAccounts === undefined ? {} : { shareAccounts: sharing.shareAccounts }),
      },
    });
  }

  /** Mail the runtime sent to `userId`'s address, oldest first. */
  mailsTo(userId: string): Array<{ to: string; subject: string; text: string }> {
    return readdirSync(this.mailDir).filter((f) => f.endsWith('.json')).sort()
      .map((f) => JSON.parse(readFileSync(join(this.mailDir, f), 'utf8')) as { to: string; subject: string; text: string })
      .filter((m) => m.to === `${userId}@example.test`);
  }

  /** Until every linked account of the world runs. */
  async running(n: number): Promise<void> {
    await waitFor(`${n} sessions running`, () => [...this.runtime!.supervisor.sessions.all()].filter((r) => r.state === 'running').length >= n, 20_000);
  }

  async stop(): Promise<void> {
    for (const other of this.#others.splice(0)) await other.stop();
    await this.runtime?.stop();
    this.runtime = null;
  }

  /** Stops everything and drops the world's schema and Redis keys (benches have no root hook to do it). */
  async close(): Promise<void> {
    await this.stop();
    await this.fake.close();
    await this.tg?.close();
    rmSync(this.mailDir, { recursive: true, force: true });
    await this.sql.all(`drop schema if exists ${quoteIdent(this.schema)} cascade`).catch(() => {});
    await this.orm.close(true);
    this.redis.disconnect();
    const plain = new Redis(TEST_REDIS_URL);
    await deleteByPrefix(plain, this.prefix).catch(() => {});
    plain.disconnect();
  }
}
