/**
 * OTP restart types applied to an actor that ended without being asked to:
 * what the supervisor does next. Pure, so the table is tested on its own.
 */
import type { RestartType } from '../src/runtime-contracts/actor-contract.ts';

/** How an actor ended: `revoked` (credentials refused), `failed` (crashed), `stopped` (ended on its own). */
export type ActorExit = 'revoked' | 'failed' | 'stopped';

/**
 * - `restart`: place it again (within the session's restart intensity).
 * - `retire`: stop it and keep the record in its end state, for the owner to see.
 * - `forget`: stop it and drop the record (a temporary actor is done).
 */
export type AfterExit = 'restart' | 'retire' | 'forget';

export function afterExit(type: RestartType, exit: ActorExit): AfterExit {
  // Refused credentials fail the same way on every restart: only the owner can fix them.
  if (exit === 'revoked') return type === 'temporary' ? 'forget' : 'retire';
  if (type === 'temporary') return 'forget';
  if (type === 'transient' && exit === 'stopped') return 'retire';
  return 'restart';
}
