/**
 * The loopback network: a simulated chat platform kept in Redis, so several
 * processes share one network and what a SIGKILLed process left behind stays
 * visible. It plays the part of Telegram's servers for load tests and demos:
 *
 * - Connections: each live connection of a session is a member of a sorted set
 *   scored by its expiry (Redis server time). Like a real platform, the network
 *   only learns that a client died when its heartbeats stop and the TTL runs
 *   out, so a killed process's connection stays live until then. Whenever a
 *   connect leaves a session with more than one live connection, the session
 *   is counted in `loopbackViolations`: on Telegram that is AUTH_KEY_DUPLICATED.
 * - Chats: one Redis stream per chat; stream ids are message ids.
 * - Deliveries: every send is counted per idempotency key, so tests can count
 *   duplicates.
 */
import type { Redis } from 'ioredis';
import { luaCommands, runBatched } from '../../../src/cluster/lua-commands.ts';
import type { LuaCommands } from '../../../src/cluster/lua-commands.ts';
import { keys } from '../../../src/cluster/redis-keys.ts';
import { InvalidOptionError } from '../../../src/errors/registry.ts';
import type { InboundMessage } from '../../../src/runtime-contracts/inbound-message.ts';

/** A message read from a chat, with the size it had on the wire (counted in caches). */
export interface LoopbackMessage extends InboundMessage {
  /** UTF-8 bytes of the serialized payload. */
  bytes: number;
}

export interface ConnectionRef {
  sessionId: string;
  connectionId: string;
}

export interface LoopbackNetworkOptions {
  /** Approximate cap on messages kept per chat (XADD MAXLEN ~). Default 10 000. */
  chatMaxLen?: number;
}

/** How long an idle connection set outlives its last expiry before Redis drops it. */
const GC_SLACK_MS = 60_000;
/** Stream id no message has: reading after it reads everything. */
export const BEFORE_FIRST_MESSAGE = '0-0';

type StreamEntry = [id: string, fields: string[]];

function fail(name: string, rule: string): never {
  const option = `options.${name}`;
  throw new InvalidOptionError({ option, message: `${option} ${rule}` });
}

function checkTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) throw new InvalidOptionError({ option: 'ttlMs', message: 'ttlMs must be a positive integer' });
}

/** Orders two stream ids (`<ms>-<seq>`); negative when `a` comes first. */
export function compareStreamIds(a: string, b: string): number {
  const da = a.indexOf('-');
  const db = b.indexOf('-');
  const ma = Number(a.slice(0, da));
  const mb = Number(b.slice(0, db));
  if (ma !== mb) return ma - mb;
  return Number(a.slice(da + 1)) - Number(b.slice(db + 1));
}

/** Turns one stream entry into a message; fields are `k` (kind) and `p` (JSON payload). */
export function toMessage(chatId: string, [id, fields]: StreamEntry): LoopbackMessage {
  let kind: InboundMessage['kind'] = 'new';
  let raw = 'null';
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'k') kind = fields[i + 1] as InboundMessage['kind'];
    else if (fields[i] === 'p') raw = fields[i + 1]!;
  }
  return { chatId, messageId: id, kind, payload: JSON.parse(raw) as unknown, at: Number(id.slice(0, id.indexOf('-'))), bytes: Buffer.byteLength(raw) };
}

export class LoopbackNetwork {
  readonly #redis: Redis & LuaCommands;
  readonly #chatMaxLen: number;

  constructor(redis: Redis, options: LoopbackNetworkOptions = {}) {
    const chatMaxLen = options.chatMaxLen ?? 10_000;
    if (!Number.isSafeInteger(chatMaxLen) || chatMaxLen < 1) fail('chatMaxLen', 'must be a positive integer');
    this.#chatMaxLen = chatMaxLen;
    this.#redis = luaCommands(redis);
  }

  /** The client this network talks through (the poller reads with it). */
  get redis(): Redis {
    return this.#redis;
  }

  // --- scripted faults ---------------------------------------------------

  /**
   * Makes the platform answer every send of `sessionId` with a flood wait for
   * the next `ms`, as Telegram's FLOOD_WAIT_X or a Discord 429 would.
   */
  async imposeFloodWait(sessionId: string, ms: number): Promise<void> {
    checkTtl(ms);
    await this.#redis.set(keys.loopbackFloodWait(sessionId), '1', 'PX', ms);
  }

  /** Milliseconds left of a flood wait on `sessionId`, or 0. */
  async floodWaitMs(sessionId: string): Promise<number> {
    return Math.max(0, await this.#redis.pttl(keys.loopbackFloodWait(sessionId)));
  }

  // --- connections -------------------------------------------------------

  /**
   * Registers a live connection for `ttlMs` (server time), after purging the
   * session's expired ones. Returns how many connections of the session are
   * live now; more than 1 was counted as a violation.
   */
  async connect(sessionId: string, connectionId: string, ttlMs: number): Promise<number> {
    checkTtl(ttlMs);
    return Number(await this.#redis.loopbackConnect(
      keys.loopbackConnections(sessionId), keys.loopbackViolations(), sessionId, connectionId, ttlMs, GC_SLACK_MS,
    ));
  }

  /**
   * Extends many connections to `ttlMs` from now in one round trip (one
   * script call per `MAX_KEYS_PER_SCRIPT` connections, pipelined). Per
   * connection: true when extended, false when it had expired or was
   * disconnected (the platform dropped it; connect again).
   */
  async heartbeatMany(connections: readonly ConnectionRef[], ttlMs: number): Promise<boolean[]> {
    checkTtl(ttlMs);
    const reply = await runBatched<number>(this.#redis, connections.length, (pipeline, from, to) => {
      const batch = connections.slice(from, to);
      const args: Array<string | number> = batch.map((c) => keys.loopbackConnections(c.sessionId));
      args.push(ttlMs, GC_SLACK_MS);
      for (const c of batch) args.push(c.connectionId);
      pipeline.loopbackHeartbeatMany(batch.length, ...args);
    });
    return reply.map((r) => Number(r) === 1);
  }

  /** Closes a connection; true when it was registered (live or not yet purged). */
  async disconnect(sessionId: string, connectionId: string): Promise<boolean> {
    return (await this.#redis.zrem(keys.loopbackConnections(sessionId), connectionId)) === 1;
  }

  /** Connection ids of the session that are live by server time. */
  async liveConnections(sessionId: string): Promise<string[]> {
    return this.#redis.loopbackLive(keys.loopbackConnections(sessionId));
  }

  /** Sessions that ever had two live connections at once, with how many connects found them so. */
  async violations(): Promise<Record<string, number>> {
    return countsOf(await this.#redis.hgetall(keys.loopbackViolations()));
  }

  // --- messages ----------------------------------------------------------

  /** Appends a message to a chat; returns its id (which also orders it). */
  async post(chatId: string, payload: unknown, kind: InboundMessage['kind'] = 'new'): Promise<string> {
    return this.postEncoded(chatId, encodePayload(payload), kind);
  }

  /** `post` for a payload already serialized with {@link encodePayload}. */
  async postEncoded(chatId: string, encoded: string, kind: InboundMessage['kind'] = 'new'): Promise<string> {
    const id = await this.#redis.xadd(keys.loopbackChat(chatId), 'MAXLEN', '~', this.#chatMaxLen, '*', 'k', kind, 'p', encoded);
    return id!;
  }

  /** Up to `count` messages of a chat after `afterId` (null: from the first), oldest first. */
  async read(chatId: string, afterId: string | null, count: number): Promise<LoopbackMessage[]> {
    const start = afterId === null ? '-' : `(${afterId}`;
    const entries = (await this.#redis.xrange(keys.loopbackChat(chatId), start, '+', 'COUNT', count)) as StreamEntry[];
    return entries.map((e) => toMessage(chatId, e));
  }

  /**
   * Reads many chats in ONE non-blocking XREAD: up to `countPerChat` messages
   * after each chat's position. Chats with nothing new are absent.
   */
  async readMany(positions: ReadonlyMap<string, string>, countPerChat: number): Promise<Map<string, LoopbackMessage[]>> {
    const result = new Map<string, LoopbackMessage[]>();
    if (positions.size === 0) return result;
    const streams: string[] = [];
    const ids: string[] = [];
    const chatOfKey = new Map<string, string>();
    const prefix = this.#redis.options.keyPrefix ?? '';
    for (const [chatId, id] of positions) {
      const key = keys.loopbackChat(chatId);
      streams.push(key);
      ids.push(id);
      // Replies name streams with the keyPrefix ioredis added.
      chatOfKey.set(prefix + key, chatId);
    }
    const reply = (await this.#redis.xread('COUNT', countPerChat, 'STREAMS', ...streams, ...ids)) as Array<[string, StreamEntry[]]> | null;
    for (const [key, entries] of reply ?? []) {
      const chatId = chatOfKey.get(key);
      if (chatId !== undefined) result.set(chatId, entries.map((e) => toMessage(chatId, e)));
    }
    return result;
  }

  /** Id of the newest message per chat (BEFORE_FIRST_MESSAGE for an empty chat), in one round trip. */
  async lastIds(chatIds: readonly string[]): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    if (chatIds.length === 0) return result;
    const pipeline = this.#redis.pipeline();
    for (const chatId of chatIds) pipeline.xrevrange(keys.loopbackChat(chatId), '+', '-', 'COUNT', 1);
    const replies = (await pipeline.exec()) ?? [];
    chatIds.forEach((chatId, i) => {
      const [err, entries] = replies[i] ?? [null, []];
      if (err) throw err;
      const last = (entries as StreamEntry[])[0];
      result.set(chatId, last ? last[0] : BEFORE_FIRST_MESSAGE);
    });
    return result;
  }

  // --- deliveries --------------------------------------------------------

  /** Posts a message sent by an actor and counts it under `idempotencyKey`, atomically; returns its id. */
  async deliver(idempotencyKey: string, chatId: string, payload: unknown, kind: InboundMessage['kind'] = 'new'): Promise<string> {
    return this.deliverEncoded(idempotencyKey, chatId, encodePayload(payload), kind);
  }

  /** `deliver` for a payload already serialized with {@link encodePayload}. */
  async deliverEncoded(idempotencyKey: string, chatId: string, encoded: string, kind: InboundMessage['kind'] = 'new'): Promise<string> {
    const replies = await this.#redis
      .multi()
      .xadd(keys.loopbackChat(chatId), 'MAXLEN', '~', this.#chatMaxLen, '*', 'k', kind, 'p', encoded)
      .hincrby(keys.loopbackDeliveries(), idempotencyKey, 1)
      .exec();
    const [err, id] = replies?.[0] ?? [new Error('transaction aborted'), null];
    if (err) throw err;
    return id as string;
  }

  /**
   * A send with a nonce (the idempotency key), as real platforms offer
   * (Telegram's random_id, Discord's enforce_nonce): a repeat within
   * `nonceTtlMs` posts nothing and answers the first message's id. Default
   * lifetime 10 minutes.
   */
  async deliverOnce(idempotencyKey: string, chatId: string, encoded: string, kind: InboundMessage['kind'] = 'new', nonceTtlMs = 600_000): Promise<string> {
    return this.#redis.loopbackDeliverOnce(
      keys.loopbackNonce(idempotencyKey), keys.loopbackChat(chatId), keys.loopbackDeliveries(), keys.loopbackAttempts(),
      idempotencyKey, this.#chatMaxLen, kind, encoded, nonceTtlMs,
    );
  }

  /** Send attempts per idempotency key, including repeats a nonce absorbed. */
  async attemptCounts(): Promise<Record<string, number>> {
    const raw = await this.#redis.hgetall(keys.loopbackAttempts());
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }

  /** Deliveries per idempotency key: above 1 means a duplicate reached the chat. */
  async deliveryCounts(): Promise<Record<string, number>> {
    return countsOf(await this.#redis.hgetall(keys.loopbackDeliveries()));
  }
}

/** Serialization of payloads on the network (JSON; undefined becomes null). */
export function encodePayload(payload: unknown): string {
  return JSON.stringify(payload ?? null);
}

function countsOf(hash: Record<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(hash)) out[k] = Number(v);
  return out;
}
