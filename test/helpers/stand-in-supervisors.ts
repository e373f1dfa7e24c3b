/**
 * Supervisors stood in for by tests of the admin API and the bot's admin
 * commands: a real AdminCommandListener per supervisor id answering as the
 * test says, recording what it was asked. Paired with published status
 * snapshots, the code under test cannot tell them from running supervisors.
 */
import type { Redis } from 'ioredis';
import { AdminCommandListener } from '../../src/cluster/admin-channel.ts';
import type { AdminRequest } from '../../src/cluster/status-snapshot.ts';

export class StandInSupervisors {
  readonly #redis: Redis;
  readonly #listeners: AdminCommandListener[] = [];

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  /** Answers `supervisorId`'s admin requests with `reply`; returns the requests as they come. */
  async answer(supervisorId: string, reply: (req: AdminRequest) => Promise<unknown>): Promise<AdminRequest[]> {
    const seen: AdminRequest[] = [];
    const listener = new AdminCommandListener(this.#redis, supervisorId);
    this.#listeners.push(listener);
    await listener.start(async (req) => {
      seen.push(req);
      return reply(req);
    });
    return seen;
  }

  /** Stops every listener started so far. */
  async stopAll(): Promise<void> {
    await Promise.all(this.#listeners.splice(0).map((l) => l.stop()));
  }
}
