/**
 * Where Switchboard's Telegram clients connect and as which application:
 * the API id and hash from my.telegram.org, and optionally one server that
 * stands in for every data centre (the MTProto fake in tests and demos),
 * with the RSA public keys it signs its handshake with. Pure: checking these
 * options loads no gramjs, so the API and threads without Telegram sessions
 * never pay for it (gramjs-connection.ts applies them).
 */
import { checkOptionsObject, failOption } from '../options/option-checks.ts';

export interface TelegramEndpointOptions {
  /** `api_id` of the application, from my.telegram.org. Required. */
  apiId?: number;
  /** `api_hash` of the application (32 hex characters). Required. */
  apiHash?: string;
  /**
   * `host:port` of one MTProto server used for every data centre, e.g. the
   * fake in `test/fakes/telegram/`. Default: none, Telegram's own data
   * centres. The port must be at most 32767: gramjs's StringSession stores
   * it as a signed 16-bit number.
   */
  server?: string | null;
  /**
   * PEM RSA public keys of `server`, trusted in addition to the Telegram keys
   * gramjs ships. Default none.
   */
  serverPublicKeys?: readonly string[];
  /** Data centre a new login starts on. Default 2. */
  dcId?: number;
}

export interface TelegramEndpoint {
  apiId: number;
  apiHash: string;
  server: { host: string; port: number } | null;
  serverPublicKeys: readonly string[];
  dcId: number;
}

function parseServer(value: unknown): { host: string; port: number } | null {
  if (value === undefined || value === null) return null;
  const rule = 'must be "host:port" with a port from 1 to 32767';
  if (typeof value !== 'string') failOption('server', rule);
  const match = /^(\[[0-9a-fA-F:]+\]|[^:\s]+):([0-9]{1,5})$/.exec(value);
  if (match === null) failOption('server', rule);
  const port = Number(match[2]);
  if (port < 1 || port > 32767) failOption('server', rule);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

/** Checks `options` once, up front; throws `InvalidOptionError` naming the first bad option. */
export function createTelegramEndpoint(options: TelegramEndpointOptions = {}): TelegramEndpoint {
  const o = checkOptionsObject(options) as TelegramEndpointOptions;
  if (typeof o.apiId !== 'number' || !Number.isInteger(o.apiId) || o.apiId < 1 || o.apiId > 2_147_483_647) {
    failOption('apiId', 'must be the positive whole number my.telegram.org gives');
  }
  if (typeof o.apiHash !== 'string' || !/^[0-9a-f]{32}$/.test(o.apiHash)) {
    failOption('apiHash', 'must be the 32 lower-case hex characters my.telegram.org gives');
  }
  const keys = o.serverPublicKeys ?? [];
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string' || !k.includes('-----BEGIN'))) {
    failOption('serverPublicKeys', 'must be a list of PEM public keys');
  }
  const dcId = o.dcId ?? 2;
  if (typeof dcId !== 'number' || !Number.isInteger(dcId) || dcId < 1 || dcId > 5) {
    failOption('dcId', 'must be a data centre id from 1 to 5');
  }
  return { apiId: o.apiId, apiHash: o.apiHash, server: parseServer(o.server), serverPublicKeys: [...keys], dcId };
}
