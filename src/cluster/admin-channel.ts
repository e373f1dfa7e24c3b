/**
 * Both ends of the admin channel between the CLI (or admin API) and one
 * supervisor. A request goes on the supervisor's command stream with a
 * deadline; the supervisor answers on a list named after the request, which
 * the sender waits on with BLPOP. A stream rather than pub/sub so a request
 * sent while the supervisor's connection blips is still read; the deadline so
 * a supervisor coming back later does not act on commands nobody awaits.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import {
  AdminCommandInvalidError,
  InternalError,
  InvalidOptionError,
  SupervisorUnreachableError,
} from '../errors/registry.ts';
import { SwitchboardError } from '../errors/switchboard-error.ts';
import { blockingClient } from '../infra/blocking-client.ts';
import { keys } from './redis-keys.ts';
import type { AdminCommand, AdminReply, AdminRequest } from './status-snapshot.ts';

export { publishSnapshot, readSnapshots, removeSnapshot, type ReadSnapshotsOptions } from './snapshot-store.ts';

/** Entries a command stream keeps (trimmed approximately on every XADD). */
export const COMMAND_STREAM_MAXLEN = 1000;
/** Seconds an uncollected reply stays in Redis. */
export const REPLY_TTL_SECONDS = 60;
/** Extra wait beyond BLPOP's own timeout, in case the connection stalls and BLPOP never returns. */
const BACKSTOP_MS = 1_000;
/** Pause after a failed XREAD, so a dead connection does not spin the loop. */
const RETRY_DELAY_MS = 1_000;

export interface SendAdminCommandOptions {
  /** How long to wait for the supervisor's reply before giving up with `supervisor_unreachable`. Default 10 000 ms. */
  timeoutMs?: number;
}

/**
 * Sends `command` to `supervisorId` and waits for its reply. Resolves with the
 * reply whether the supervisor carried the command out (`ok: true`) or refused
 * it (`ok: false`); rejects with {@link SupervisorUnreachableError} when no
 * reply comes in time.
 */
export async function sendAdminCommand(
  redis: Redis,
  supervisorId: string,
  command: AdminCommand,
  options: SendAdminCommandOptions = {},
): Promise<AdminReply> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new InvalidOptionError({ option: 'timeoutMs', message: `sendAdminCommand: timeoutMs must be a positive whole number of ms, got ${timeoutMs}` });
  }
  const id = randomUUID();
  const request: AdminRequest = { ...command, id };
  const deadline = Date.now() + timeoutMs;
  const replyKey = keys.commandReply(id);

  // BLPOP holds its connection until it returns, so it gets one of its own.
  const blocking = blockingClient(redis);
  blocking.on('error', () => {
    // The pending BLPOP rejects with the same failure; that is where it is reported.
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await redis.xadd(
      keys.supervisorCommands(supervisorId), 'MAXLEN', '~', String(COMMAND_STREAM_MAXLEN), '*',
      'id', id, 'deadline', String(deadline), 'request', JSON.stringify(request),
    );
    const remainingMs = Math.max(deadline - Date.now(), 1);
    const pop = blocking.blpop(replyKey, remainingMs / 1000);
    // If the backstop wins, disconnecting below rejects `pop`; nobody awaits it then.
    pop.catch(() => undefined);
    const backstop = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), remainingMs + BACKSTOP_MS); });
    const popped = await Promise.race([pop, backstop]);
    if (popped === null) throw new SupervisorUnreachableError({ supervisorId, timeoutMs });
    return parseReply(popped[1], id);
  } finally {
    clearTimeout(timer);
    blocking.disconnect();
  }
}

function parseReply(value: string, id: string): AdminReply {
  try {
    const reply = JSON.parse(value) as AdminReply;
    if (typeof reply === 'object' && reply !== null && typeof reply.ok === 'boolean') return { ...reply, id };
  } catch {
    // Reported below, with the same message as a wrong shape.
  }
  throw new InternalError({ message: `Malformed reply to admin command ${id}: ${value.slice(0, 200)}` });
}

const SESSION_COMMANDS = new Set(['stop', 'pause', 'resume']);

/**
 * Checks what came off the stream is an admin command; a stream any Redis
 * client can write to is no place to trust a shape.
 */
export function parseAdminRequest(json: string | undefined, id: string): AdminRequest {
  let value: unknown;
  try {
    value = JSON.parse(json ?? '');
  } catch {
    throw new AdminCommandInvalidError({ reason: 'request is not JSON' });
  }
  if (typeof value !== 'object' || value === null) throw new AdminCommandInvalidError({ reason: 'request is not an object' });
  const r = value as Record<string, unknown>;
  const text = (field: string) => {
    if (typeof r[field] !== 'string' || r[field] === '') {
      throw new AdminCommandInvalidError({ reason: `"${String(r.command)}" needs a non-empty string ${field}` });
    }
    return r[field];
  };
  const optional = (field: string, type: 'number' | 'boolean') => {
    if (r[field] !== undefined && typeof r[field] !== type) {
      throw new AdminCommandInvalidError({ reason: `${field} must be a ${type}` });
    }
    return r[field] as never;
  };
  if (typeof r.command === 'string' && SESSION_COMMANDS.has(r.command)) {
    return { command: r.command as 'stop' | 'pause' | 'resume', sessionId: text('sessionId'), id };
  }
  switch (r.command) {
    case 'reassign':
      return { command: 'reassign', sessionId: text('sessionId'), toWorkerId: text('toWorkerId'), id };
    case 'drain':
      return { command: 'drain', workerId: text('workerId'), id };
    case 'set-pressure':
      return {
        command: 'set-pressure',
        highWatermark: optional('highWatermark', 'number'),
        lowWatermark: optional('lowWatermark', 'number'),
        pauseElite: optional('pauseElite', 'boolean'),
        id,
      };
    case 'dead-letters': {
      if (r.action === 'list') {
        return { command: 'dead-letters', action: 'list', limit: optional('limit', 'number'), offset: optional('offset', 'number'), id };
      }
      if (r.action !== 'replay' && r.action !== 'purge') {
        throw new AdminCommandInvalidError({ reason: '"dead-letters" needs an action: list, replay or purge' });
      }
      const ids = r.ids === 'all' ? 'all' : Array.isArray(r.ids) && r.ids.length > 0 && r.ids.every((x) => typeof x === 'string' && x !== '') ? (r.ids as string[]) : null;
      if (ids === null) throw new AdminCommandInvalidError({ reason: `"dead-letters ${r.action}" needs ids: "all" or a list of task ids` });
      return { command: 'dead-letters', action: r.action, ids, id };
    }
    default:
      throw new AdminCommandInvalidError({ reason: `unknown command "${String(r.command)}"` });
  }
}

/**
 * The `{code, message}` of a reply. Errors that crossed a comlink hop are
 * plain Errors carrying `code` (see comlink-errors.ts), so a snake_case code
 * is kept from any error; Node's own codes (ECONNRESET, ERR_...) and
 * code-less errors become `internal_error`.
 */
export function errorBody(error: unknown): { code: string; message: string } {
  if (error instanceof SwitchboardError) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[a-z][a-z0-9_]*$/.test(code)) return { code, message };
  return { code: InternalError.code, message };
}

export type AdminCommandHandler = (request: AdminRequest) => Promise<unknown>;

export interface AdminCommandListenerOptions {
  /** Longest one XREAD blocks before it is issued again. Default 5 000 ms. */
  blockMs?: number;
  /** Told about entries that are not admin requests, replies that could not be written and lost connections. Default: ignored. */
  onError?: (error: unknown) => void;
}

/**
 * The supervisor's end: reads its command stream and answers each request in
 * turn. One request at a time, so two commands on one session never race.
 */
export class AdminCommandListener {
  readonly #redis: Redis;
  readonly #supervisorId: string;
  readonly #blockMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #abort = new AbortController();
  #blocking: Redis | null = null;
  #loop: Promise<void> | null = null;
  #started = false;

  /** `redis` answers replies; the blocking reads run on a duplicate of it, made by `start`. */
  constructor(redis: Redis, supervisorId: string, options: AdminCommandListenerOptions = {}) {
    this.#redis = redis;
    this.#supervisorId = supervisorId;
    this.#blockMs = options.blockMs ?? 5_000;
    this.#onError = options.onError ?? (() => {});
    if (!Number.isInteger(this.#blockMs) || this.#blockMs <= 0) {
      throw new InvalidOptionError({ option: 'blockMs', message: `AdminCommandListener: blockMs must be a positive whole number of ms, got ${this.#blockMs}` });
    }
  }

  /**
   * Starts answering requests with `handler`. Resolves once listening: every
   * request sent after that is seen. Requests already in the stream are not
   * (XREAD from `$`, taken as an explicit id so that nothing sent between
   * this call and the first XREAD is missed).
   */
  async start(handler: AdminCommandHandler): Promise<void> {
    if (this.#started) {
      throw new InvalidOptionError({ option: 'start', message: 'AdminCommandListener: start() was already called' });
    }
    this.#started = true;
    const stream = keys.supervisorCommands(this.#supervisorId);
    const newest = await this.#redis.xrevrange(stream, '+', '-', 'COUNT', 1);
    if (this.#abort.signal.aborted) return;
    const blocking = blockingClient(this.#redis);
    blocking.on('error', (error: Error) => {
      if (!this.#abort.signal.aborted) this.#onError(error);
    });
    this.#blocking = blocking;
    this.#loop = this.#run(blocking, stream, newest[0]?.[0] ?? '0-0', handler);
  }

  /**
   * Stops reading at once (the blocking connection is cut). A request being
   * handled is finished and answered first; requests behind it are left for
   * their senders to time out on.
   */
  async stop(): Promise<void> {
    this.#abort.abort();
    this.#blocking?.disconnect();
    await this.#loop;
  }

  async #run(blocking: Redis, stream: string, fromId: string, handler: AdminCommandHandler): Promise<void> {
    const signal = this.#abort.signal;
    let lastId = fromId;
    while (!signal.aborted) {
      let batch: [string, [string, string[]][]][] | null;
      try {
        batch = await blocking.xread('COUNT', 16, 'BLOCK', this.#blockMs, 'STREAMS', stream, lastId);
      } catch (error) {
        if (signal.aborted) return;
        this.#onError(error);
        await sleep(RETRY_DELAY_MS, undefined, { signal }).catch(() => undefined);
        continue;
      }
      for (const [, entries] of batch ?? []) {
        for (const [entryId, fields] of entries) {
          if (signal.aborted) return;
          lastId = entryId;
          await this.#answer(fields, handler);
        }
      }
    }
  }

  async #answer(fields: string[], handler: AdminCommandHandler): Promise<void> {
    const entry: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) entry[fields[i]!] = fields[i + 1]!;
    const id = entry.id;
    if (id === undefined || id === '') {
      this.#onError(new AdminCommandInvalidError({ reason: 'stream entry has no id' }));
      return;
    }
    const deadline = Number(entry.deadline);
    // Its sender has given up: acting now would surprise whoever retries.
    if (Number.isFinite(deadline) && Date.now() > deadline) return;

    let reply: AdminReply;
    try {
      const result = await handler(parseAdminRequest(entry.request, id));
      reply = { id, ok: true, result: result ?? null };
    } catch (error) {
      reply = { id, ok: false, error: errorBody(error) };
    }
    const replyKey = keys.commandReply(id);
    try {
      await this.#redis.multi().lpush(replyKey, JSON.stringify(reply)).expire(replyKey, REPLY_TTL_SECONDS).exec();
    } catch (error) {
      this.#onError(error);
    }
  }
}
