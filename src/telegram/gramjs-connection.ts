/**
 * Applies a TelegramEndpoint to gramjs: trusts the endpoint's server keys,
 * makes the connection class that dials its port, and opens sessions that
 * point at it. Imports gramjs, so load this module only where Telegram
 * clients run (the login threads and the threads hosting Telegram actors).
 */
import bigInt from 'big-integer';
// The package entry first: gramjs's modules import each other in a cycle that only its index resolves.
import { sessions } from 'telegram';
import * as RSA from 'telegram/crypto/RSA.js';
import { ConnectionTCPFull } from 'telegram/network/index.js';
import type { TelegramEndpoint } from './telegram-endpoint.ts';
import { serverKeyFromPem } from './server-keys.ts';

type ConnectionParams = ConstructorParameters<typeof ConnectionTCPFull>[0];

const installed = new Set<string>();

/** Adds the endpoint's keys to the ones gramjs checks the handshake against; once per key per thread. */
export function trustServerKeys(endpoint: TelegramEndpoint): void {
  for (const pem of endpoint.serverPublicKeys) {
    if (installed.has(pem)) continue;
    const key = serverKeyFromPem(pem);
    RSA._serverKeys.set(key.fingerprint, { n: bigInt(key.n), e: key.e });
    installed.add(pem);
  }
}

const connectionClasses = new Map<string, typeof ConnectionTCPFull>();

/**
 * The class gramjs's `connection` option takes. gramjs dials port 80 (or 443
 * over WSS) whatever the session says; with a `server` the port is its.
 */
export function connectionClass(endpoint: TelegramEndpoint): typeof ConnectionTCPFull {
  const { server } = endpoint;
  if (server === null) return ConnectionTCPFull;
  const { host, port } = server;
  const id = `${host}:${port}`;
  let made = connectionClasses.get(id);
  if (made === undefined) {
    made = class EndpointConnection extends ConnectionTCPFull {
      constructor(params: ConnectionParams) {
        super({ ...params, ip: host, port });
      }
    };
    connectionClasses.set(id, made);
  }
  return made;
}

/**
 * A session to connect with: `saved` (a StringSession string) resumes its
 * auth key with no new handshake; none starts a login on `endpoint.dcId`.
 * With a `server`, every session points at it, whatever DC it names.
 */
export function openSession(endpoint: TelegramEndpoint, saved = ''): sessions.StringSession {
  const session = new sessions.StringSession(saved);
  const server = endpoint.server;
  if (server !== null) session.setDC(saved === '' ? endpoint.dcId : session.dcId, server.host, server.port);
  return session;
}
