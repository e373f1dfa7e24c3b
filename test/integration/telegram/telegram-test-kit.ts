/**
 * Shared by the Telegram suites: a real gramjs TelegramClient pointed at a
 * TelegramFake (its key trusted, its port dialled, the session's DC set),
 * logging in by code and 2FA, and polling for a condition.
 */
import bigInt from 'big-integer';
// The package entry first: gramjs's modules import each other in a cycle that only its index resolves.
import { Api, TelegramClient, sessions } from 'telegram';
import * as RSA from 'telegram/crypto/RSA.js';
import { Logger, LogLevel } from 'telegram/extensions/Logger.js';
import { ConnectionTCPFull } from 'telegram/network/index.js';
import { computeCheck } from 'telegram/Password.js';
import { serverKeyFromPem } from '../../../src/telegram/server-keys.ts';
import type { FakeChannel, FakeGroup, FakeUser, TelegramFake } from '../../fakes/telegram/telegram-fake.ts';

export const API_ID = 12345;
export const API_HASH = '0123456789abcdef0123456789abcdef';

type ConnectionParams = ConstructorParameters<typeof ConnectionTCPFull>[0];

/** Resolves once `condition` holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** The rpc error a gramjs call failed with, as `CODE MESSAGE`. */
export async function rpcError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: number; errorMessage?: string };
    return `${e.code} ${e.errorMessage}`;
  }
  throw new Error('expected an rpc error');
}

/** Raw updates (and connection states) a client is pushed, in order. */
export function recordUpdates(client: TelegramClient): unknown[] {
  const seen: unknown[] = [];
  client.addEventHandler((update: unknown) => {
    seen.push(update);
  });
  return seen;
}

export const inputUser = (u: FakeUser) => new Api.InputPeerUser({ userId: bigInt(u.id), accessHash: bigInt(u.accessHash) });
export const inputChat = (g: FakeGroup) => new Api.InputPeerChat({ chatId: bigInt(g.id) });
export const inputChannel = (c: FakeChannel) => new Api.InputPeerChannel({ channelId: bigInt(c.id), accessHash: bigInt(c.accessHash) });

let nextRandomId = 1000;

/** messages.sendMessage with a fresh random_id unless `extra` gives one. */
export function sendText(
  client: TelegramClient, peer: Api.TypeInputPeer, message: string, extra: Partial<ConstructorParameters<typeof Api.messages.SendMessage>[0]> = {},
): Promise<Api.TypeUpdates> {
  return client.invoke(new Api.messages.SendMessage({ peer, message, randomId: bigInt(nextRandomId++), ...extra }));
}

/** gramjs checks the handshake's key fingerprint against RSA._serverKeys. */
export function trustFake(fake: TelegramFake): void {
  const key = serverKeyFromPem(fake.publicKeyPem);
  RSA._serverKeys.set(key.fingerprint, { n: bigInt(key.n), e: key.e });
}

/** gramjs dials port 80 whatever the session says: this connection class dials the fake's port. */
export function connectionTo(fake: TelegramFake): typeof ConnectionTCPFull {
  const { host, port } = fake;
  return class FakeConnection extends ConnectionTCPFull {
    constructor(params: ConnectionParams) {
      super({ ...params, ip: host, port });
    }
  };
}

export interface ClientOptions {
  /** A saved StringSession to resume. */
  session?: string;
  /** Whether to connect before returning. Default true. */
  connect?: boolean;
}

/** A gramjs client of the fake (add it to the suite's list so afterEach destroys it). */
export async function newClient(fake: TelegramFake, options: ClientOptions = {}): Promise<TelegramClient> {
  trustFake(fake);
  const session = new sessions.StringSession(options.session ?? '');
  session.setDC(options.session === undefined ? fake.dcId : session.dcId, fake.host, fake.port);
  const client = new TelegramClient(session, API_ID, API_HASH, {
    connection: connectionTo(fake),
    floodSleepThreshold: 0,
    connectionRetries: 1,
    requestRetries: 1,
    retryDelay: 100,
    baseLogger: new Logger(LogLevel.NONE),
  });
  if (options.connect ?? true) await client.connect();
  return client;
}

/** Logs `client` in as the user of `phone` with the code the fake "sent", and the 2FA password if given. */
export async function logIn(fake: TelegramFake, client: TelegramClient, phone: string, password?: string): Promise<Api.User> {
  const sent = await client.invoke(new Api.auth.SendCode({
    phoneNumber: phone, apiId: API_ID, apiHash: API_HASH, settings: new Api.CodeSettings({}),
  }));
  if (!(sent instanceof Api.auth.SentCode)) throw new Error(`unexpected ${sent.className}`);
  const code = fake.lastCode(phone)!;
  let authorization: Api.auth.TypeAuthorization;
  try {
    authorization = await client.invoke(new Api.auth.SignIn({ phoneNumber: phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: code }));
  } catch (error) {
    if (password === undefined || (error as { errorMessage?: string }).errorMessage !== 'SESSION_PASSWORD_NEEDED') throw error;
    const params = await client.invoke(new Api.account.GetPassword());
    authorization = await client.invoke(new Api.auth.CheckPassword({ password: await computeCheck(params, password) }));
  }
  if (!(authorization instanceof Api.auth.Authorization) || !(authorization.user instanceof Api.User)) throw new Error('no user');
  return authorization.user;
}

/** A connected client logged in as `phone`, and its saved session string. */
export async function loggedInClient(fake: TelegramFake, phone: string, password?: string): Promise<{ client: TelegramClient; saved: string }> {
  const client = await newClient(fake);
  await logIn(fake, client, phone, password);
  return { client, saved: (client.session as sessions.StringSession).save() };
}
