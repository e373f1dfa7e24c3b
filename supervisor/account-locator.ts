/**
 * Where an account runs when it does not run here: the supervisor whose
 * worker holds the account's session lease (worker ids name their
 * supervisor), provided that supervisor is alive (its status snapshot has
 * not expired), since a dead one's shard is claimed rather than fed. The
 * dispatcher asks this for accounts it holds tasks of.
 */
import type { Redis } from 'ioredis';
import { aliveSupervisors } from '../src/cluster/snapshot-store.ts';
import { supervisorOfWorker } from '../src/cluster/worker-id.ts';
import type { AccountLocator } from './dispatch-hooks.ts';
import type { Supervisor } from './supervisor.ts';

export function accountLocator(supervisor: Supervisor, redis: Redis): AccountLocator {
  return async (accountId) => {
    const grant = await supervisor.leases.holder(accountId);
    if (grant === null) return null;
    const owner = supervisorOfWorker(grant.owner);
    if (owner === null || owner === supervisor.id) return null;
    return (await aliveSupervisors(redis, [owner])).has(owner) ? owner : null;
  };
}
