/**
 * Whether an error means PostgreSQL or Redis could not be reached or is not
 * serving yet: what waiting can cure (a process starting waits it out, the
 * API answers 503 and asks the client to come back), as opposed to an
 * answer that would be the same on the next try.
 */
import { isDatabaseUnavailable } from '../db/database-unavailable.ts';
import { anyInCauseChain } from '../errors/cause-chain.ts';

/**
 * Redis not serving: LOADING while it reads its AOF after a restart, and
 * ioredis giving a command up (`commandTimeout` passed, or the reconnects
 * `maxRetriesPerRequest` allows spent).
 */
function redisNotServing(error: object): boolean {
  const { message, name } = error as { message?: unknown; name?: unknown };
  return name === 'MaxRetriesPerRequestError' || message === 'Command timed out' || (typeof message === 'string' && message.startsWith('LOADING '));
}

export function isUnreachable(error: unknown): boolean {
  return isDatabaseUnavailable(error) || anyInCauseChain(error, redisNotServing);
}
