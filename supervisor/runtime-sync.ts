/**
 * Keeps the supervisor's sessions and watch lists in step with what users
 * configured in PostgreSQL: every linked account the plan allows runs as an
 * actor, watching its pairs' source chats, resuming from its stored cursor.
 * The API announces changes on Redis; a periodic reconcile catches any
 * announcement that was lost, so a change is delayed at worst, never dropped.
 *
 * With several supervisors, each runs only the accounts it owns
 * (`ownership`): when the members change, what it no longer owns is stopped
 * (cursor saved, lease released) and what it now owns is started, catching
 * up from the durable cursor; Elite accounts first, then Pro, then Free.
 */
import pLimit from 'p-limit';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ActorPlatform, ActorSpec } from '../src/runtime-contracts/actor-contract.ts';
import { runtimeChannel } from '../src/api/runtime-notifier.ts';
import type { Keyring } from '../src/crypto/keyring.ts';
import { loadAccounts } from '../src/forwarding/store/account-directory.ts';
import type { CursorStore } from '../src/forwarding/store/cursor-store.ts';
import type { PairDirectory } from '../src/forwarding/store/pair-directory.ts';
import type { Sql } from '../src/db/raw-sql.ts';
import { logOutages } from '../src/infra/outage-log.ts';
import type { SessionSnapshot } from '../src/cluster/status-snapshot.ts';
import { TIER_PRIORITY } from '../src/domain/plans/plan-types.ts';
import { markRevoked, type RevokedAccount } from '../src/forwarding/store/account-directory.ts';
import { checkNonNegative, checkOptionsObject, checkPositiveInteger, failOption } from '../src/options/option-checks.ts';
import type { Supervisor } from './supervisor.ts';

const ACTOR_PLATFORMS: readonly ActorPlatform[] = ['discord', 'telegram', 'loopback'];

export interface RuntimeSyncOptions {
  /** Platforms to start actors for. Default `['discord']`. */
  platforms?: readonly ActorPlatform[];
  /** ms between two full reconciles with PostgreSQL. Default 30,000. */
  reconcileIntervalMs?: number;
  /** ms to gather announced changes into one reconcile. Default 100. */
  debounceMs?: number;
  /**
   * Sessions started at once. Each start waits on its platform (a gateway
   * handshake, an MTProto connection), so one at a time makes taking over
   * a failed host's accounts last one start per account. Every Elite start
   * ends before a Pro one begins, every Pro before a Free. Default 8.
   */
  startConcurrency?: number;
}

/** Which accounts this supervisor runs, keyed by the account's user (a user's accounts stay together). */
export interface Ownership {
  owns(userId: string): boolean;
}

export interface RuntimeSyncDeps {
  supervisor: Supervisor;
  pairs: PairDirectory;
  cursors: CursorStore;
  sql: Sql;
  keyring: Keyring;
  redis: Redis;
  /** Told once when this runtime moved an account to `revoked` (its owner is mailed). */
  onRevoked?: (account: RevokedAccount) => Promise<void>;
  /** Told the platform ids (`platform:id`) of every linked account after each reconcile. */
  onOwnAuthors?: (ids: ReadonlySet<string>) => void;
  /** This supervisor's share of the accounts. Default: none, every account runs here. */
  ownership?: Ownership;
  /** REDIS_KEY_PREFIX, for the change channel's name. */
  keyPrefix: string;
  logger: Logger;
}

export class RuntimeSync {
  readonly #d: RuntimeSyncDeps;
  readonly #o: Required<RuntimeSyncOptions>;
  readonly #log: Logger;
  /** Sessions this sync started, with the spec they run under. */
  readonly #managed = new Map<string, ActorSpec>();
  readonly #watched = new Map<string, string>();
  /** The accounts this supervisor owned at the last reconcile. */
  #owned: readonly ActorSpec[] = [];
  #subscriber: Redis | null = null;
  #timer: NodeJS.Timeout | null = null;
  #pending: NodeJS.Timeout | null = null;
  #running: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(deps: RuntimeSyncDeps, options: RuntimeSyncOptions = {}) {
    this.#d = deps;
    const o = checkOptionsObject(options) as RuntimeSyncOptions;
    const platforms = o.platforms ?? ['discord'];
    if (!Array.isArray(platforms) || platforms.some((p) => !ACTOR_PLATFORMS.includes(p))) {
      failOption('platforms', `must be a list of ${ACTOR_PLATFORMS.join(', ')}`);
    }
    this.#o = {
      platforms,
      // Infinity is refused: setInterval would fire at once and forever.
      reconcileIntervalMs: checkPositiveInteger('reconcileIntervalMs', o.reconcileIntervalMs ?? 30_000),
      debounceMs: checkNonNegative('debounceMs', o.debounceMs ?? 100),
      startConcurrency: checkPositiveInteger('startConcurrency', o.startConcurrency ?? 8),
    };
    this.#log = deps.logger.child({ component: 'runtime-sync' });
  }

  async start(): Promise<void> {
    this.#d.supervisor.on('session', this.#onSession);
    this.#subscriber = this.#d.redis.duplicate();
    this.#subscriber.on('message', () => this.requestReconcile());
    logOutages(this.#subscriber, { logger: this.#log, what: 'Redis (runtime change channel)' });
    await this.#subscriber.subscribe(runtimeChannel(this.#d.keyPrefix));
    await this.reconcile();
    this.#timer = setInterval(() => this.requestReconcile(), this.#o.reconcileIntervalMs);
    this.#timer.unref();
  }

  /** The linked accounts this supervisor owned (and so meant to run) at its last reconcile, Elite first. */
  owned(): readonly ActorSpec[] {
    return this.#owned;
  }

  /** Schedules a reconcile soon, folding changes announced close together into one. */
  requestReconcile(): void {
    if (this.#stopped || this.#pending) return;
    this.#pending = setTimeout(() => {
      this.#pending = null;
      void this.reconcile().catch((err: unknown) => this.#log.error({ err }, 'reconcile failed'));
    }, this.#o.debounceMs);
  }

  /** Brings sessions and watch lists in line with PostgreSQL now; one at a time. */
  reconcile(): Promise<void> {
    const run = this.#running.then(() => this.#reconcile());
    this.#running = run.catch(() => {});
    return run;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#d.supervisor.off('session', this.#onSession);
    if (this.#timer) clearInterval(this.#timer);
    if (this.#pending) clearTimeout(this.#pending);
    await this.#running;
    this.#subscriber?.disconnect();
  }

  /**
   * A platform refused an account's credentials (a reset token, a terminated
   * session): the account row says so, so its owner sees it and no later
   * reconcile starts it again; the session stays visible as `revoked`.
   */
  readonly #onSession = (view: SessionSnapshot, reason: string | undefined): void => {
    if (view.state !== 'revoked') return;
    const spec = this.#managed.get(view.actorId);
    if (!spec) return;
    this.#managed.delete(view.actorId);
    this.#watched.delete(view.actorId);
    void markRevoked(this.#d.sql, spec.platform, view.actorId, reason)
      .then(async (changed) => {
        this.#log.warn({ actorId: view.actorId, userId: view.userId, reason }, 'linked account revoked by its platform');
        if (changed !== null) await this.#d.onRevoked?.(changed);
      })
      .catch((err: unknown) => this.#log.error({ err, actorId: view.actorId }, 'could not mark the account revoked'));
  };

  async #reconcile(): Promise<void> {
    if (this.#stopped) return;
    const { supervisor, pairs, cursors } = this.#d;
    await pairs.reload();
    // The accounts follow the plans the pairs were just loaded under: one read of them per reconcile.
    const { specs, held, ownAuthorIds } = await loadAccounts(this.#d.sql, this.#d.keyring, pairs.plans(), { platforms: this.#o.platforms });
    this.#d.onOwnAuthors?.(ownAuthorIds);
    if (held.length > 0) this.#log.info({ held }, 'linked accounts not run');
    const watch = pairs.watchLists();
    const owned = byPriority(specs.filter((s) => this.#d.ownership?.owns(s.userId) ?? true));
    this.#owned = owned;
    const wanted = new Map(owned.map((s) => [s.actorId, s]));
    const linked = new Set(specs.map((s) => s.actorId));
    // Handed over in plan order too: the new owner can start an Elite session once its lease is released here.
    for (const [actorId, spec] of byPriority([...this.#managed.values()]).map((s) => [s.actorId, s] as const)) {
      const next = wanted.get(actorId);
      if (next && next.credential === spec.credential && next.tier === spec.tier) continue;
      // Gone, owned elsewhere now, or changed in a way only a fresh start applies (new token, new tier).
      if (!next && linked.has(actorId)) this.#log.info({ actorId, userId: spec.userId, tier: spec.tier }, 'account owned by another supervisor now: handing it over');
      this.#managed.delete(actorId);
      this.#watched.delete(actorId);
      await supervisor.removeSession(actorId).catch((err: unknown) => this.#log.warn({ err, actorId }, 'could not stop session'));
    }
    const starts: ActorSpec[] = [];
    for (const spec of owned) {
      const chats = watch.get(spec.actorId) ?? [];
      if (!this.#managed.has(spec.actorId)) {
        const existing = supervisor.sessions.get(spec.actorId);
        // Someone else's session (a test, the CLI) stays theirs; a revoked one made way for a new token.
        if (existing && existing.state !== 'revoked') continue;
        this.#managed.set(spec.actorId, spec);
        this.#watched.set(spec.actorId, chats.join('\n'));
        starts.push(spec);
        continue;
      }
      if (this.#watched.get(spec.actorId) === chats.join('\n')) continue;
      this.#watched.set(spec.actorId, chats.join('\n'));
      const cursor = await cursors.load(spec.actorId);
      await supervisor.watch(spec.actorId, chats, cursor)
        .catch((err: unknown) => this.#log.warn({ err, actorId: spec.actorId }, 'could not change watched chats'));
    }
    const limit = pLimit(this.#o.startConcurrency);
    for (const wave of byTier(starts)) {
      await Promise.all(wave.map((spec) => limit(() => this.#startSession(spec, watch.get(spec.actorId) ?? []))));
    }
  }

  async #startSession(spec: ActorSpec, chats: readonly string[]): Promise<void> {
    const { supervisor, cursors } = this.#d;
    if (supervisor.sessions.get(spec.actorId)) await supervisor.removeSession(spec.actorId).catch(() => {});
    const cursor = await cursors.load(spec.actorId);
    await supervisor.addSession(spec, { cursor, watch: chats })
      .catch((err: unknown) => this.#log.warn({ err, actorId: spec.actorId }, 'could not start session'));
  }
}

/** `specs` (in plan order) cut where the tier changes: Elite, then Pro, then Free. */
function byTier(specs: readonly ActorSpec[]): ActorSpec[][] {
  const waves: ActorSpec[][] = [];
  for (const spec of specs) {
    const last = waves.at(-1);
    if (last !== undefined && last[0]!.tier === spec.tier) last.push(spec);
    else waves.push([spec]);
  }
  return waves;
}

/** Elite first, then Pro, then Free; the order within a tier kept. */
function byPriority(specs: ActorSpec[]): ActorSpec[] {
  return specs.sort((a, b) => TIER_PRIORITY[b.tier] - TIER_PRIORITY[a.tier]);
}
