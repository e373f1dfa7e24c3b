/**
 * Whether an error from a query means PostgreSQL could not be reached or
 * went away (refused, reset, shut down, starting up, out of connections), as
 * opposed to a query that PostgreSQL answered with an error. The first kind
 * passes by itself once the server is back, so a caller may wait and try
 * again; the second would fail the same way forever. Looks through `cause`
 * chains and AggregateErrors (MikroORM and Node's happy-eyeballs connect
 * wrap the driver's error).
 */
import { anyInCauseChain } from '../errors/cause-chain.ts';

/** Socket-level failures: nothing reached the server, or the link to it broke. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATEs of a server going or not yet there: 57P01 admin_shutdown (fast
 * shutdown ends every session), 57P02 crash_shutdown, 57P03
 * cannot_connect_now (starting up, recovering), 53300 too_many_connections;
 * class 08 is connection_exception.
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/** node-postgres' own words for a connection that died or never came (it sets no code on them). */
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /Client has encountered a connection error and is not queryable/,
  /^Connection is closed/,
];

function direct(error: object): boolean {
  const { code, message, name } = error as { code?: unknown; message?: unknown; name?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (name === 'ConnectionException') return true;
  return typeof message === 'string' && DRIVER_MESSAGES.some((pattern) => pattern.test(message));
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return anyInCauseChain(error, direct);
}
