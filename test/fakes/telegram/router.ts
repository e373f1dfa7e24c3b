/**
 * Dispatches RPC requests to the method handlers: unwraps invokeWithLayer,
 * initConnection and the other invoke* wrappers, counts the call, applies
 * scripted faults, refuses methods that need a login on a key without one
 * (401 AUTH_KEY_UNREGISTERED, or what the key was revoked with), refuses
 * methods only people may call to bots (400 BOT_METHOD_INVALID) and
 * methods only bots may call to people (400 USER_BOT_REQUIRED), and
 * answers methods nobody registered with 400 METHOD_NOT_SUPPORTED_BY_FAKE
 * instead of leaving the client waiting. Sends past Telegram's pacing
 * answer 420 FLOOD_WAIT_X (flood-limiter.ts), bots' as people's.
 */
import type { AuthKeyRecord, AuthKeys } from './auth-keys.ts';
import type { Faults } from './faults.ts';
import type { FloodLimiter } from './flood-limiter.ts';
import { fail } from './rpc-fail.ts';
import { Api, tlName } from './tl-io.ts';
import type { TlObject, TlResult } from './tl-io.ts';
import type { Change, FakeWorld } from './world.ts';

/** Who made a change, so its own connection gets the RPC answer instead of a push. */
export interface Origin {
  readonly userId: string;
  readonly connection: unknown;
}

export interface FakeServices {
  readonly world: FakeWorld;
  readonly keys: AuthKeys;
  readonly faults: Faults;
  readonly endpoint: { readonly host: string; readonly port: number; readonly dcId: number };
  readonly codeTtlMs: number;
  /** How long a bot may answer a callback query (callback-queries.ts). */
  readonly callbackQueryTtlMs: number;
  readonly shortUpdates: boolean;
  readonly differenceLimit: number;
  /** Telegram's send pacing; null when switched off. */
  readonly flood: FloodLimiter | null;
  /**
   * Pushes a change to every connection of everyone it concerns, except the
   * origin's own connection; a person's message giving away a pending login
   * code of their phone ends that code first (code-leak.ts).
   */
  deliver(change: Change, origin: Origin | null): void;
  /** Pushes an update that is no Change (a callback query) to every connection of `userId`. */
  push(userId: string, update: TlObject): void;
}

/** Who may call a method, past the login: people only ('users'), bots only ('bots'), or anyone (undefined). */
export interface HandlerOptions {
  readonly login: boolean;
  readonly only?: 'users' | 'bots';
}

export interface Call {
  readonly key: AuthKeyRecord;
  readonly connection: unknown;
  /** The logged-in user; '' for methods that need no login. */
  readonly userId: string;
}

type Handler = (request: unknown, call: Call) => Promise<TlResult> | TlResult;

const WRAPPERS = [
  Api.InvokeWithLayer, Api.InitConnection, Api.InvokeAfterMsg, Api.InvokeAfterMsgs, Api.InvokeWithoutUpdates,
  Api.InvokeWithMessagesRange, Api.InvokeWithTakeout,
];

function unwrap(request: unknown): unknown {
  let inner = request;
  while (WRAPPERS.some((w) => inner instanceof w)) inner = (inner as { query: unknown }).query;
  return inner;
}

export class Router {
  readonly calls: Record<string, number> = {};
  readonly #handlers = new Map<number, HandlerOptions & { run: Handler }>();
  readonly #services: FakeServices;

  constructor(services: FakeServices) {
    this.#services = services;
  }

  /** Registers the handler of a method; `login: false` for the few a client calls before logging in. */
  on<T extends object>(
    method: (abstract new (...args: never[]) => T) & { CONSTRUCTOR_ID: number },
    options: HandlerOptions,
    run: (request: T, call: Call) => Promise<TlResult> | TlResult,
  ): void {
    this.#handlers.set(method.CONSTRUCTOR_ID, {
      ...options,
      run: (request, call) => {
        if (!(request instanceof method)) throw new TypeError('handler registered under a foreign constructor');
        return run(request, call);
      },
    });
  }

  async call(connection: unknown, key: AuthKeyRecord, wrapped: unknown): Promise<TlResult> {
    const request = unwrap(wrapped);
    const head = request as { className?: unknown; CONSTRUCTOR_ID?: unknown };
    const name = typeof head.className === 'string' ? tlName(head.className) : 'unknown';
    this.calls[name] = (this.calls[name] ?? 0) + 1;
    const injected = this.#services.faults.take(name, key.userId);
    if (injected !== null) throw injected;
    const handler = typeof head.CONSTRUCTOR_ID === 'number' ? this.#handlers.get(head.CONSTRUCTOR_ID) : undefined;
    if (handler === undefined) fail(400, 'METHOD_NOT_SUPPORTED_BY_FAKE');
    let userId = '';
    if (handler.login) {
      if (key.userId === null) fail(401, key.revokedWith ?? 'AUTH_KEY_UNREGISTERED');
      const user = this.#services.world.user(key.userId);
      if (user.banned) fail(401, 'USER_DEACTIVATED_BAN');
      if (handler.only === 'users' && user.bot !== null) fail(400, 'BOT_METHOD_INVALID');
      if (handler.only === 'bots' && user.bot === null) fail(400, 'USER_BOT_REQUIRED');
      userId = key.userId;
    }
    const paced = userId === '' ? null : this.#services.flood?.take(name, userId, request, Date.now()) ?? null;
    if (paced !== null && 'waitSeconds' in paced) fail(420, `FLOOD_WAIT_${paced.waitSeconds}`);
    const held = this.#services.faults.takeHold(name, key.userId);
    let result: TlResult;
    try {
      result = await handler.run(request, { key, connection, userId });
    } catch (error) {
      if (paced !== null) this.#services.flood!.refund(paced.ticket);
      throw error;
    }
    if (held > 0) await new Promise((resolve) => setTimeout(resolve, held));
    return result;
  }
}
