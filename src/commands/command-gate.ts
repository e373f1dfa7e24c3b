/**
 * What every bot command (/plan, /upgrade, /users, /workers, /stats ...) passes
 * before it runs, whichever chat it comes from: the plan rules (admin-only
 * commands, the period's command allowance), then the plan's commands per
 * minute (Free tightest), counted in Redis across every process; an admitted
 * command is counted in the period's usage (`usage:commands:…`), which
 * `/v1/usage` reports.
 */
import type { Redis } from 'ioredis';
import { countUsage, readCounters } from '../api/usage/usage-counters.ts';
import { usagePeriodAt } from '../api/usage/usage-period.ts';
import { PlanLimiters } from '../api/rate-limit/plan-limiters.ts';
import { toRateLimited } from '../api/rate-limit/rate-limited.ts';
import type { Role } from '../domain/plans/effective-plan.ts';
import { assertPlanAllows } from '../domain/plans/plan-rules.ts';
import type { PlanDefinition } from '../domain/plans/plan-types.ts';

export interface CommandCaller {
  userId: string;
  role: Role;
  status: 'active' | 'suspended' | 'deleted';
  plan: PlanDefinition;
}

export class CommandGate {
  readonly #redis: Redis;
  readonly #now: () => Date;
  readonly #limiters: PlanLimiters;

  /** `now`: clock for the usage period. Default `new Date()`. */
  constructor(redis: Redis, now: () => Date = () => new Date()) {
    this.#redis = redis;
    this.#now = now;
    this.#limiters = new PlanLimiters(redis, 'rl:command-user', (plan) => plan.rateLimits.commandsPerMinute);
  }

  /**
   * Admits `/command` for `caller` or throws `command_not_allowed`,
   * `account_inactive`, `quota_exceeded` (resource `commands`) or
   * `rate_limited` (scope `command_user`, with the seconds to wait).
   */
  async admit(caller: CommandCaller, command: string): Promise<void> {
    const { label } = usagePeriodAt(this.#now());
    const counters = await readCounters(this.#redis, caller.userId, label);
    assertPlanAllows(caller.plan, {
      status: caller.status, role: caller.role, sessions: 0, telegramAccounts: 0, discordAccounts: 0, pairs: 0, activePairs: 0,
      messagesThisPeriod: counters.messages, commandsThisPeriod: counters.commands, apiCallsThisPeriod: counters.api_calls,
    }, { kind: 'send_command', command });
    try {
      await this.#limiters.for(caller.plan).consume(caller.userId);
    } catch (err) {
      throw toRateLimited(err, 'command_user');
    }
    await countUsage(this.#redis, 'commands', caller.userId, label);
  }
}
