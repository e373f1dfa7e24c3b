/**
 * The forwarding pairs the runtime runs, loaded from PostgreSQL and indexed
 * for the two lookups the engine makes per message: the pairs reading a chat
 * through one account (a message from a source), and all pairs reading a
 * chat (a chain hop from a delivery). Plan limits hold here too: a user's
 * pairs beyond the plan's count (oldest kept) and pairs whose filters the
 * plan no longer allows do not run, whatever the API let through earlier.
 */
import type { Logger } from 'pino';
import type { PlanDefinition } from '../../domain/plans/plan-types.ts';
import { validateFilters } from '../filters/validate-filters.ts';
import { chatKey, type PairEnd, type PairView } from '../routing/pair-view.ts';
import type { NeutralPlatform } from '../message/neutral-message.ts';
import { loadOwnerPlans } from './owner-plans.ts';
import type { Sql } from '../../db/raw-sql.ts';

type Row = {
  id: string; user_id: string; status: 'active' | 'paused';
  source_platform: NeutralPlatform; source_account_id: string; source_chat_id: string; source_topic_id: string | null;
  destination_platform: NeutralPlatform; destination_account_id: string; destination_chat_id: string; destination_topic_id: string | null;
  delay_ms: number; silent: boolean; copy_mode: boolean; chain: boolean; map_topics: boolean; filters: unknown;
};

/** A pair that exists but does not run, and why. */
export interface PairHeld {
  pairId: string;
  userId: string;
  reason: 'over_plan_limit' | 'filters_not_in_plan';
  detail?: string;
}

export class PairDirectory {
  readonly #sql: Sql;
  readonly #log: Logger;
  #bySource = new Map<string, PairView[]>();
  #byChat = new Map<string, PairView[]>();
  #byId = new Map<string, PairView>();
  #plans = new Map<string, PlanDefinition>();
  #held: PairHeld[] = [];

  constructor(sql: Sql, logger: Logger) {
    this.#sql = sql;
    this.#log = logger;
  }

  /** Reads every pair of every active user again; swaps the indexes in one step. */
  async reload(now = new Date()): Promise<void> {
    const plans = await loadOwnerPlans(this.#sql, now);
    const rows = await this.#sql.all<Row>(`select * from ${this.#sql.table('forwarding_pairs')} order by created_at, id`);
    const bySource = new Map<string, PairView[]>();
    const byChat = new Map<string, PairView[]>();
    const byId = new Map<string, PairView>();
    const held: PairHeld[] = [];
    const counted = new Map<string, number>();
    for (const row of rows) {
      const plan = plans.get(row.user_id);
      if (!plan) continue;
      const n = (counted.get(row.user_id) ?? 0) + 1;
      counted.set(row.user_id, n);
      if (plan.limits.pairs !== null && n > plan.limits.pairs) {
        held.push({ pairId: row.id, userId: row.user_id, reason: 'over_plan_limit' });
        continue;
      }
      let filters: unknown[];
      try {
        filters = validateFilters(row.filters, plan.features, plan.name);
      } catch (err) {
        held.push({ pairId: row.id, userId: row.user_id, reason: 'filters_not_in_plan', detail: (err as Error).message });
        continue;
      }
      const pair = toView(row, filters);
      byId.set(pair.id, pair);
      push(bySource, sourceKey(pair.source.platform, pair.source.accountId, pair.source.chatId), pair);
      push(byChat, chatKey(pair.source), pair);
    }
    this.#bySource = bySource;
    this.#byChat = byChat;
    this.#byId = byId;
    this.#plans = plans;
    this.#held = held;
    this.#log.info({ pairs: byId.size, held: held.length, users: plans.size }, 'pairs loaded');
  }

  /** Pairs reading `chatId` through `accountId`. */
  readersVia(platform: NeutralPlatform, accountId: string, chatId: string): readonly PairView[] {
    return this.#bySource.get(sourceKey(platform, accountId, chatId)) ?? [];
  }

  /** Every running pair reading `chatId`, through any account. */
  readersOf(platform: NeutralPlatform, chatId: string): readonly PairView[] {
    return this.#byChat.get(chatKey({ platform, chatId })) ?? [];
  }

  pair(pairId: string): PairView | undefined {
    return this.#byId.get(pairId);
  }

  /** The owner's plan as of the last reload; undefined for a user not (or no longer) active. */
  planOf(userId: string): PlanDefinition | undefined {
    return this.#plans.get(userId);
  }

  /** Every active user's plan as of the last reload. */
  plans(): ReadonlyMap<string, PlanDefinition> {
    return this.#plans;
  }

  /** Source chats each account must watch, for the active pairs only. */
  watchLists(): Map<string, string[]> {
    const lists = new Map<string, Set<string>>();
    for (const pair of this.#byId.values()) {
      if (pair.status !== 'active') continue;
      const set = lists.get(pair.source.accountId) ?? new Set<string>();
      set.add(pair.source.chatId);
      lists.set(pair.source.accountId, set);
    }
    return new Map([...lists].map(([account, chats]) => [account, [...chats].sort()]));
  }

  held(): readonly PairHeld[] {
    return this.#held;
  }
}

function sourceKey(platform: string, accountId: string, chatId: string): string {
  return `${platform}:${accountId}:${chatId}`;
}

function push(map: Map<string, PairView[]>, key: string, pair: PairView): void {
  const list = map.get(key);
  if (list) list.push(pair);
  else map.set(key, [pair]);
}

function end(platform: NeutralPlatform, accountId: string, chatId: string, topicId: string | null): PairEnd {
  return topicId === null ? { platform, accountId, chatId } : { platform, accountId, chatId, topicId };
}

function toView(row: Row, filters: unknown[]): PairView {
  return {
    id: row.id,
    userId: row.user_id,
    source: end(row.source_platform, row.source_account_id, row.source_chat_id, row.source_topic_id),
    destination: end(row.destination_platform, row.destination_account_id, row.destination_chat_id, row.destination_topic_id),
    delayMs: row.delay_ms,
    silent: row.silent,
    copyMode: row.copy_mode,
    chain: row.chain,
    filters,
    status: row.status,
    ...(row.map_topics ? { mapTopics: true } : {}),
  };
}
