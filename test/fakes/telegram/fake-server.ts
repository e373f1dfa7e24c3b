/**
 * The TCP server and everything its connections share: the world, the auth
 * keys, the method router, scripted faults, the counters behind stats(),
 * and delivery of changes to connected clients. TelegramFake is the control
 * API in front of it.
 */
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { randomInt } from 'node:crypto';
import { AuthKeys } from './auth-keys.ts';
import type { AuthKeyRecord } from './auth-keys.ts';
import { MtprotoConnection } from './connection.ts';
import type { ConnectionHost } from './connection.ts';
import { Faults } from './faults.ts';
import type { MessageRecord } from './model.ts';
import { registerBotMethods } from './methods-bots.ts';
import { FloodLimiter } from './flood-limiter.ts';
import type { FloodLimits } from './flood-limiter.ts';
import { registerForumMethods } from './methods-forum.ts';
import { registerForwardMethods } from './methods-forward.ts';
import { LoginCodes, registerLoginMethods } from './methods-login.ts';
import { registerMediaMethods } from './methods-media.ts';
import { registerMessageMethods } from './methods-messages.ts';
import { registerPeerMethods } from './methods-peers.ts';
import { registerUpdateMethods } from './methods-updates.ts';
import { registerUploadMethods } from './methods-upload.ts';
import { Router } from './router.ts';
import type { FakeServices, Origin } from './router.ts';
import type { ServerRsaKey } from './rsa-key.ts';
import type { TlObject, TlResult } from './tl-io.ts';
import { recipients, updatesFor } from './update-builders.ts';
import { FakeWorld } from './world.ts';
import type { Change } from './world.ts';

export interface FakeServerSettings {
  host: string;
  dcId: number;
  codeTtlMs: number;
  callbackQueryTtlMs: number;
  enforceSingleConnection: boolean;
  shortUpdates: boolean;
  differenceLimit: number;
  maxUpdatesKept: number;
  rsa: ServerRsaKey;
  floodLimits: FloodLimits | null;
}

/** StringSession stores the port as a signed 16-bit number, so a fake's port must stay below 32768. */
const PORT_RANGE = { low: 20_000, high: 32_767 };

export class FakeServer implements ConnectionHost, FakeServices {
  readonly world: FakeWorld;
  readonly keys = new AuthKeys();
  readonly faults = new Faults();
  readonly codes = new LoginCodes();
  readonly router: Router;
  readonly rsa: ServerRsaKey;
  readonly endpoint: { host: string; port: number; dcId: number };
  readonly enforceSingleConnection: boolean;
  readonly codeTtlMs: number;
  readonly callbackQueryTtlMs: number;
  readonly shortUpdates: boolean;
  readonly differenceLimit: number;
  readonly flood: FloodLimiter | null;
  readonly connections = new Set<MtprotoConnection>();
  readonly counters = { handshakes: 0, duplicateKeyViolations: 0, connectionsAccepted: 0 };
  readonly #net: Server;

  constructor(settings: FakeServerSettings) {
    this.world = new FakeWorld({ maxUpdatesKept: settings.maxUpdatesKept });
    this.rsa = settings.rsa;
    this.endpoint = { host: settings.host, port: 0, dcId: settings.dcId };
    this.enforceSingleConnection = settings.enforceSingleConnection;
    this.codeTtlMs = settings.codeTtlMs;
    this.callbackQueryTtlMs = settings.callbackQueryTtlMs;
    this.shortUpdates = settings.shortUpdates;
    this.differenceLimit = settings.differenceLimit;
    this.flood = settings.floodLimits === null ? null : new FloodLimiter(settings.floodLimits);
    this.router = new Router(this);
    registerPeerMethods(this.router, this);
    registerLoginMethods(this.router, this, this.codes);
    registerBotMethods(this.router, this);
    registerMessageMethods(this.router, this);
    registerForwardMethods(this.router, this);
    registerForumMethods(this.router, this);
    registerMediaMethods(this.router, this);
    registerUploadMethods(this.router, this);
    registerUpdateMethods(this.router, this);
    this.#net = createServer((socket) => {
      this.counters.connectionsAccepted += 1;
      this.connections.add(new MtprotoConnection(socket, this));
    });
  }

  /** Listens on `port`, or on a free port in 20000–32767 (retrying taken ones). */
  async listen(port?: number): Promise<void> {
    if (port !== undefined) {
      await this.#listenOn(port);
      return;
    }
    for (let attempt = 0; ; attempt += 1) {
      const candidate = randomInt(PORT_RANGE.low, PORT_RANGE.high + 1);
      try {
        await this.#listenOn(candidate);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 100) throw error;
      }
    }
  }

  async #listenOn(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.#net.once('error', onError);
      this.#net.listen(port, this.endpoint.host, () => {
        this.#net.off('error', onError);
        resolve();
      });
    });
    this.endpoint.port = port;
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.close();
    await new Promise<void>((resolve) => this.#net.close(() => resolve()));
  }

  // --- ConnectionHost ---------------------------------------------------------

  onHandshake(): void {
    this.counters.handshakes += 1;
  }

  onDuplicateKey(): void {
    this.counters.duplicateKeyViolations += 1;
  }

  call(connection: MtprotoConnection, key: AuthKeyRecord, request: unknown): Promise<TlResult> {
    return this.router.call(connection, key, request);
  }

  onClose(connection: MtprotoConnection): void {
    this.connections.delete(connection);
  }

  // --- FakeServices -----------------------------------------------------------

  deliver(change: Change, origin: Origin | null): void {
    if (change.kind !== 'delete') this.#forgetLeakedCodes(change.message);
    for (const userId of recipients(change)) {
      if (this.keys.ofUser(userId).length === 0) continue;
      const update = updatesFor(this.world, change, userId, this.shortUpdates);
      if (update !== null) this.#pushBytes(userId, update.getBytes(), origin);
    }
  }

  /**
   * Every message a person posts or edits, through the API or the control
   * API, passes here: one showing a pending login code of the author's own
   * phone ends that code (code-leak.ts, Telegram's anti-phishing rule).
   */
  #forgetLeakedCodes(message: MessageRecord): void {
    if (message.service !== null) return;
    const author = this.world.user(message.fromId);
    if (author.bot === null && author.phoneDigits !== '') this.codes.forgetLeaked(author.phoneDigits, message.text);
  }

  push(userId: string, update: TlObject): void {
    this.#pushBytes(userId, update.getBytes(), null);
  }

  #pushBytes(userId: string, body: Buffer, origin: Origin | null): void {
    for (const key of this.keys.ofUser(userId)) {
      for (const connection of key.connections) {
        if (connection !== origin?.connection && connection.open && !connection.zombie) connection.push(body);
      }
    }
  }
}
