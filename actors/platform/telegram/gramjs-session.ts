/**
 * One gramjs TelegramClient as the adapter runs it, resumed from a stored
 * StringSession (its auth key: no new handshake):
 *
 * - `floodSleepThreshold: 0`: a FLOOD_WAIT comes back as an error at once,
 *   for the forwarding queue to turn into a "not before"; gramjs never sleeps.
 * - `requestRetries: 1`: gramjs retries nothing itself (it would sleep 2 s on
 *   a server error); the queue retries with backoff.
 * - `autoReconnect` is left on, consciously: in gramjs 2.26 the flag is read
 *   by nothing, and the sender reconnects a dropped socket whatever it says,
 *   resending pending requests under the same key. What gramjs does not do
 *   is fetch what was missed; `onReconnected` tells the client to.
 * - No ping loop of gramjs's own (`_loopStarted`): a ping per client every
 *   9 s is a lot with a thousand sessions; the client's watchdog probes only
 *   a connection that has been silent (session-watchdog.ts).
 * - No entity caches: gramjs's `_entityCache` and the session's entity set
 *   keep every user and chat ever seen (gramjs issue #816); here they keep
 *   nothing, and the client's PeerDirectory keeps what it needs.
 * - Updates reach the client raw, through `onUpdate`, before gramjs's event
 *   dispatch (which would cache entities and call getMe): `_handleUpdate` is
 *   patched once per thread and hands the updates of hooked clients over.
 * - A closed client stays closed. gramjs's sender reconnects a second after a
 *   drop whatever happened meanwhile, `destroy()` included, which would put
 *   a second connection on the session's key next to the one that replaced
 *   it (AUTH_KEY_DUPLICATED: the session is lost). Each client's sockets are
 *   fenced: once `closeGram` ran, a socket that connects closes before
 *   sending a byte.
 */
import { createRequire } from 'node:module';
import { Api, TelegramClient } from 'telegram';
import { Logger, LogLevel } from 'telegram/extensions/Logger.js';
import { PromisedNetSockets } from 'telegram/extensions/PromisedNetSockets.js';
import { connectionClass, openSession, trustServerKeys } from '../../../src/telegram/gramjs-connection.ts';
import type { TelegramRuntime } from './telegram-runtime.ts';

export interface SessionHooks {
  /** A pushed `Updates` (any form). */
  onUpdate(updates: Api.TypeUpdates): void;
  /** gramjs reconnected a dropped socket by itself. */
  onReconnected(): void;
  /** The server no longer knows the auth key (transport error -404). */
  onKeyUnknown(): void;
}

/** The gramjs internals the adapter sets; none is part of gramjs's typed API. */
interface GramInternals {
  _entityCache: { add(entities: unknown): void; get(key: unknown): unknown };
  _loopStarted: boolean;
  _handleReconnect: () => Promise<void>;
  [HOOKS]?: SessionHooks;
}

const HOOKS = Symbol('switchboard.telegram.hooks');
/** UpdateConnectionState.broken: the sender's `_handleBadAuthKey`. */
const BROKEN = 0;
/** Reconnects of a dropped socket gramjs attempts in a row before giving up (the watchdog then starts over). */
const RECONNECT_RETRIES = 5;

const quiet = new Logger(LogLevel.NONE);
/** How long a close waits for gramjs to finish its own `destroy`. */
const CLOSE_WAIT_MS = 5_000;

/** Whether a client made here was closed; `whenClosed` rejects when it is. */
interface Fence {
  closed: boolean;
  close(): void;
  whenClosed: Promise<never>;
}

const fences = new WeakMap<TelegramClient, Fence>();

function makeFence(): Fence {
  let reject!: (error: Error) => void;
  const whenClosed = new Promise<never>((_, no) => {
    reject = no;
  });
  whenClosed.catch(() => {});
  const fence: Fence = {
    closed: false,
    whenClosed,
    close() {
      fence.closed = true;
      reject(new Error('the Telegram client was closed'));
    },
  };
  return fence;
}

/** The socket class of one client: it refuses to connect, or to stay connected, once the client was closed. */
function fencedSockets(fence: Fence): typeof PromisedNetSockets {
  return class FencedSocket extends PromisedNetSockets {
    override async connect(port: number, ip: string): Promise<unknown> {
      if (fence.closed) throw new Error('the Telegram client was closed');
      const connected = await super.connect(port, ip);
      if (fence.closed) {
        await this.close();
        throw new Error('the Telegram client was closed');
      }
      return connected;
    }
  };
}

/** Caches nothing: requests name peers with InputPeers the client built itself. */
const noEntityCache = {
  add(): void {},
  get(): never {
    throw new Error('No cached entity for the given key');
  },
};

interface UpdatesModule {
  _handleUpdate(client: TelegramClient, update: unknown): void;
}
const require = createRequire(import.meta.url);
const updatesModule = require('telegram/client/updates.js') as UpdatesModule;
const gramHandleUpdate = updatesModule._handleUpdate;
updatesModule._handleUpdate = function handleUpdate(this: unknown, client: TelegramClient, update: unknown): void {
  const hooks = (client as unknown as GramInternals)[HOOKS];
  if (hooks === undefined) {
    gramHandleUpdate.call(this, client, update);
    return;
  }
  if (typeof update !== 'object' || update === null) return;
  if (update instanceof Api.Updates || update instanceof Api.UpdatesCombined || update instanceof Api.UpdateShort
    || update instanceof Api.UpdateShortMessage || update instanceof Api.UpdateShortChatMessage
    || update instanceof Api.UpdateShortSentMessage || update instanceof Api.UpdatesTooLong) {
    hooks.onUpdate(update);
    return;
  }
  if ((update as { state?: unknown }).state === BROKEN) hooks.onKeyUnknown();
};

/** A client for the stored session `saved`, not yet connected; throws when `saved` is not a StringSession. */
export function makeGramClient(runtime: TelegramRuntime, saved: string, hooks: SessionHooks): TelegramClient {
  const { endpoint } = runtime;
  trustServerKeys(endpoint);
  const session = openSession(endpoint, saved);
  session.processEntities = () => {};
  const fence = makeFence();
  const client = new TelegramClient(session, endpoint.apiId, endpoint.apiHash, {
    connection: connectionClass(endpoint),
    networkSocket: fencedSockets(fence),
    baseLogger: quiet,
    floodSleepThreshold: 0,
    requestRetries: 1,
    connectionRetries: runtime.connectionRetries,
    reconnectRetries: RECONNECT_RETRIES,
    retryDelay: 1_000,
    autoReconnect: true,
    deviceModel: 'Switchboard',
    systemVersion: process.platform,
    appVersion: '1.0',
  });
  const internals = client as unknown as GramInternals;
  internals._entityCache = noEntityCache;
  internals._loopStarted = true;
  internals._handleReconnect = async () => hooks.onReconnected();
  internals[HOOKS] = hooks;
  fences.set(client, fence);
  return client;
}

/** Resolves with `promise`, or rejects once `ms` passed; the timer never keeps the process up. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Connects within the runtime's timeout; a client that cannot is destroyed. */
export async function connectGram(client: TelegramClient, runtime: TelegramRuntime): Promise<void> {
  const closed = fences.get(client)?.whenClosed ?? new Promise<never>(() => {});
  try {
    // A client closed meanwhile gives up at once (gramjs would go on trying, fenced, for its retries).
    const connected = await Promise.race([within(client.connect(), runtime.connectTimeoutMs, 'connecting to Telegram'), closed]);
    if (!connected) throw new Error(`could not reach Telegram after ${runtime.connectionRetries} attempts`);
  } catch (error) {
    await closeGram(client);
    throw error;
  }
}

/**
 * Closes the socket and stops everything of the client; never throws, and
 * never waits more than {@link CLOSE_WAIT_MS}: gramjs's `destroy` also waits
 * for senders it borrowed or exported to other data centres, which may be
 * stuck connecting, and a stop must not hang on them (the fence already
 * keeps any socket of this client from sending a byte).
 */
export async function closeGram(client: TelegramClient): Promise<void> {
  fences.get(client)?.close();
  delete (client as unknown as GramInternals)[HOOKS];
  await within(client.destroy(), CLOSE_WAIT_MS, 'closing the gramjs client').catch(() => {});
}
