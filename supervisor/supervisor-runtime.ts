/**
 * A supervisor wired to its surroundings: options from the configuration, an
 * admin-command listener on Redis, and escalation turned into a non-zero exit
 * so pm2 restarts the process. Shared by `npm start` and the pm2 entry.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AdminCommandListener } from '../src/cluster/admin-channel.ts';
import type { Config } from '../src/config/load-config.ts';
import { runAdminCommand } from './admin-commands.ts';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { ActorPlatform } from '../src/runtime-contracts/actor-contract.ts';
import type { Keyring } from '../src/crypto/keyring.ts';
import { LinkRenewal, renewerOf } from './link-renewal.ts';
import { CursorStore } from '../src/forwarding/store/cursor-store.ts';
import { MessageLinks } from '../src/forwarding/store/message-links.ts';
import { MessageQuota } from '../src/forwarding/store/message-quota.ts';
import { PairDirectory } from '../src/forwarding/store/pair-directory.ts';
import { PairNotices } from '../src/forwarding/store/pair-notices.ts';
import { sqlOn } from '../src/db/raw-sql.ts';
import { ForwardingEngine } from './forwarding-engine.ts';
import { ForwardingQueue, type ForwardingQueueOptions } from './forwarding-queue.ts';
import { RuntimeSync, type RuntimeSyncOptions } from './runtime-sync.ts';
import { startMetricsServer } from './metrics-server.ts';
import { FileRelay, type FileRelayOptions } from './file-relay.ts';
import { SentParts } from './sent-parts.ts';
import { NoticeOutbox } from '../src/commands/notices/notice-outbox.ts';
import { sendRevocationNotice } from './revocation-notice.ts';
import { createMailer, type Mailer } from '../src/api/mail/mailer.ts';
import { Supervisor } from './supervisor.ts';
import { Membership } from './membership.ts';
import { ownershipReport } from './ownership-report.ts';
import type { RedisPersistenceReport } from '../src/infra/redis-persistence-check.ts';
import { OutageLog } from '../src/infra/outage-log.ts';
import { DatabaseWatch } from './database-watch.ts';
import type { SupervisorOptions } from './supervisor-options.ts';
import { telegramOptionsFromConfig } from './telegram-options.ts';
import { TopicPlacement, titleReaderOf } from './topic-placement.ts';
import { TopicLinks } from '../src/forwarding/store/topic-links.ts';

export function supervisorOptionsFromConfig(config: Config): SupervisorOptions {
  const telegram = telegramOptionsFromConfig(config);
  return {
    ...(config.SUPERVISOR_ID !== undefined ? { supervisorId: config.SUPERVISOR_ID } : {}),
    ...(config.SUPERVISOR_WORKERS !== undefined ? { workers: config.SUPERVISOR_WORKERS } : {}),
    ...(config.SUPERVISOR_MAX_WORKERS !== undefined ? { maxWorkers: config.SUPERVISOR_MAX_WORKERS } : {}),
    threadsPerWorker: config.SUPERVISOR_THREADS_PER_WORKER,
    ...(config.SUPERVISOR_CAPACITY !== undefined ? { capacity: config.SUPERVISOR_CAPACITY } : {}),
    sessionsPerWorker: config.SUPERVISOR_SESSIONS_PER_WORKER,
    threadMaxOldGenerationMb: config.SUPERVISOR_THREAD_HEAP_MB,
    leaseTtlMs: config.LEASE_TTL_MS,
    healthIntervalMs: config.HEALTH_INTERVAL_MS,
    workerShutdownTimeoutMs: Math.max(1_000, config.SHUTDOWN_TIMEOUT_MS - 2_000),
    pressure: {
      highWatermark: config.PRESSURE_HIGH_WATERMARK,
      lowWatermark: config.PRESSURE_LOW_WATERMARK,
      pauseElite: config.PRESSURE_PAUSE_ELITE === 'true',
    },
    ...(config.SCALE_OUT_WEBHOOK_URL !== undefined ? { scaleOutWebhookUrl: config.SCALE_OUT_WEBHOOK_URL } : {}),
    discordApiUrl: config.DISCORD_API_URL,
    discordInvalidRequestLimit: config.DISCORD_INVALID_REQUEST_LIMIT,
    ...(telegram === undefined ? {} : { telegram }),
  };
}

/** The platforms whose accounts run: Discord always, Telegram once its api id and hash are configured. */
export function platformsFromConfig(config: Config): ActorPlatform[] {
  return config.TELEGRAM_API_ID !== undefined && config.TELEGRAM_API_HASH !== undefined ? ['discord', 'telegram'] : ['discord'];
}

export interface SupervisorRuntime {
  supervisor: Supervisor;
  /** Where the forwarding engine enqueues work for this supervisor's actors. */
  queue: ForwardingQueue;
  /** The forwarding engine; null when the runtime was started without a database. */
  engine: ForwardingEngine | null;
  /** Sessions and watch lists kept in step with PostgreSQL; null without a database. */
  sync: RuntimeSync | null;
  /** The pairs the engine runs; null without a database. */
  pairs: PairDirectory | null;
  /** This supervisor's membership of the cluster (which accounts it owns); null without a database or with sharing off. */
  membership: Membership | null;
  /** Whether PostgreSQL answers; null without a database. */
  database: DatabaseWatch | null;
  /** Where Prometheus scrapes this supervisor; null when METRICS_PORT is 0. */
  metricsUrl: string | null;
  /** The supervisor's `/health` (503 while Redis stalls or PostgreSQL does not answer); null when METRICS_PORT is 0. */
  healthUrl: string | null;
  /** Stops answering commands, then stops the supervisor gracefully. */
  stop(): Promise<void>;
}

export async function startSupervisorRuntime(input: {
  config: Config;
  redis: Redis;
  redisUrl: string;
  /** The Redis persistence check's last outcome (RedisHandle.persistence), shown on `/metrics` and `/health`. Default: not shown. */
  redisPersistence?: () => RedisPersistenceReport;
  logger: Logger;
  /** Called when restart intensity is exceeded; the caller exits non-zero. */
  onEscalate: (reason: string) => void;
  options?: SupervisorOptions;
  /** Forwarding queue settings (scheduler pacing, caps, the send resolver). */
  queue?: ForwardingQueueOptions;
  /**
   * Where users' accounts and pairs live. With it, the runtime runs every
   * linked account and forwards through every pair; without it, sessions
   * come only from whoever calls `supervisor.addSession` (tests, benches).
   */
  forwarding?: {
    orm: MikroORM; schema: string; keyring: Keyring;
    /** Platforms whose accounts run. Default: `platformsFromConfig(config)`. */
    platforms?: readonly ActorPlatform[];
    sync?: RuntimeSyncOptions;
    /**
     * Share the accounts with the other live supervisors (each runs only
     * those it owns, see README "Several hosts"). False: this one wants every
     * account, and leases alone keep one copy running. Default true.
     */
    shareAccounts?: boolean;
  };
  /** Where other platforms download Telegram files from (see supervisor/file-relay.ts). Default: loopback, a free port. */
  fileRelay?: FileRelayOptions;
}): Promise<SupervisorRuntime> {
  const supervisor = new Supervisor({
    redis: input.redis,
    redisUrl: input.redisUrl,
    redisKeyPrefix: input.config.REDIS_KEY_PREFIX,
    logger: input.logger,
    options: { ...supervisorOptionsFromConfig(input.config), ...input.options },
  });
  supervisor.on('escalate', input.onEscalate);
  await supervisor.start();
  let engine: ForwardingEngine | null = null;
  let sync: RuntimeSync | null = null;
  let membership: Membership | null = null;
  let mailer: Mailer | null = null;
  let queueOptions = input.queue;
  const fwd = input.forwarding;
  const sql = fwd ? sqlOn(fwd.orm, fwd.schema) : null;
  const pairs = sql ? new PairDirectory(sql, input.logger) : null;
  const database = sql ? new DatabaseWatch({ sql, redis: input.redis, supervisorId: supervisor.id, logger: input.logger }) : null;
  database?.start();
  const cursors = new CursorStore(input.redis);
  let relay: FileRelay | null = null;
  if (sql && pairs) {
    const pairNotices = new PairNotices(sql, input.logger);
    relay = await FileRelay.start(supervisor, input.logger, input.fileRelay);
    engine = new ForwardingEngine({
      supervisor, pairs, links: new MessageLinks(sql), cursors, quota: new MessageQuota(input.redis), logger: input.logger,
      onPairNotice: (pairId, notice) => void pairNotices.record(pairId, notice),
      fileLinks: relay,
      linkRenewal: new LinkRenewal(renewerOf(supervisor), input.logger),
      sentParts: new SentParts(input.redis),
      topics: new TopicPlacement({
        links: new TopicLinks(sql), titleOf: titleReaderOf(supervisor), logger: input.logger,
        sourceAccountOf: (pairId) => pairs.pair(pairId)?.source.accountId ?? null,
      }),
    });
    queueOptions = {
      resolve: engine.resolve, onDelivered: engine.onDelivered, onPartial: engine.onPartial, onNeedsTopic: engine.onNeedsTopic, onNotice: (task, notice) => void pairNotices.record(task.pairId, notice), ...input.queue,
    };
  }
  const queue = await ForwardingQueue.start(supervisor, input.redis, input.logger, queueOptions);
  supervisor.beforeStart = () => queue.lookForHandovers();
  if (fwd && sql && pairs && engine) {
    engine.attach(queue);
    const notices = { sql, mailer: createMailer(input.config), outbox: new NoticeOutbox(input.redis), publicUrl: input.config.PUBLIC_URL, logger: input.logger };
    mailer = notices.mailer;
    if (fwd.shareAccounts ?? true) {
      // An entry outlives the leases its supervisor renewed before its last
      // heartbeat (at most one interval earlier): when a killed supervisor
      // leaves, its leases have lapsed, and the others start its accounts at
      // once, in plan order, instead of queueing them behind its leases.
      const leaseTtlMs = Math.ceil(supervisor.options.leaseTtlMs);
      const intervalMs = Math.max(1, Math.min(1_000, Math.floor(leaseTtlMs / 3)));
      membership = new Membership(input.redis, { id: supervisor.id, weight: supervisor.options.capacity }, input.logger, {
        ttlMs: leaseTtlMs + intervalMs, intervalMs,
      });
      await membership.start();
    }
    sync = new RuntimeSync(
      {
        supervisor, pairs, cursors, sql, keyring: fwd.keyring, redis: input.redis, keyPrefix: input.config.REDIS_KEY_PREFIX, logger: input.logger,
        onOwnAuthors: (ids) => engine?.setOwnAuthors(ids),
        onRevoked: (account) => sendRevocationNotice(notices, account),
        ...(membership ? { ownership: membership } : {}),
      },
      { platforms: fwd.platforms ?? platformsFromConfig(input.config), startConcurrency: input.config.SESSION_START_CONCURRENCY, ...fwd.sync },
    );
    await sync.start();
    queue.accountsKnown();
    const reconcile = sync;
    if (membership) {
      const members = membership;
      members.on('change', () => reconcile.requestReconcile());
      supervisor.ownership = () => ownershipReport(members.self, members.members(), reconcile.owned(), supervisor.sessions);
    }
  }
  supervisor.queueMetrics = () => queue.metrics();
  supervisor.durableCursor = (actorId) => cursors.load(actorId);
  const adminOutages = new OutageLog({ logger: input.logger, what: 'Redis (admin command channel)' });
  const listener = new AdminCommandListener(input.redis, supervisor.id, { onError: (err) => adminOutages.failed(err) });
  await listener.start(async (request) => {
    input.logger.info({ command: request }, 'admin command');
    return runAdminCommand(supervisor, request, queue);
  });
  const metrics = input.config.METRICS_PORT === 0
    ? null
    : await startMetricsServer(supervisor, {
      host: input.config.METRICS_HOST, port: input.config.METRICS_PORT, schedulerMetrics: () => queue.metrics(), sendWaits: () => queue.dispatcher.waits(),
      handOvers: () => ({ out: queue.dispatcher.handedOver.tasks, failed: queue.dispatcher.handedOver.failed, in: queue.inbox.adopted }),
      ...(input.redisPersistence ? { redisPersistence: input.redisPersistence } : {}),
      ...(database ? { database: () => database.health() } : {}),
    });
  if (metrics) input.logger.info({ url: metrics.url }, 'metrics served');
  return {
    supervisor,
    queue,
    engine,
    sync,
    pairs,
    membership,
    database,
    metricsUrl: metrics?.url ?? null,
    healthUrl: metrics?.healthUrl ?? null,
    async stop() {
      database?.stop();
      await metrics?.close();
      await listener.stop();
      // Leaving first: the others start this one's accounts as soon as its leases are released below.
      await membership?.stop();
      await sync?.stop();
      engine?.detach();
      // Dispatch stops before the actors do: sends in flight finish, the rest stays pending in Redis.
      await queue.stop();
      await engine?.flush();
      await supervisor.stop();
      await relay?.close();
      await mailer?.close();
    },
  };
}
