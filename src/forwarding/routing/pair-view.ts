/**
 * A forwarding pair as the engine holds it in memory: the row of
 * `forwarding_pairs` with its filters already validated, plus what the
 * owner's plan allows right now.
 */
import type { Tier, PlanFeatures } from '../../domain/plans/plan-types.ts';
import type { NeutralPlatform } from '../message/neutral-message.ts';

/** One end of a pair: a chat, reached through one linked account. */
export interface PairEnd {
  platform: NeutralPlatform;
  accountId: string;
  chatId: string;
  /**
   * A Telegram forum topic (its id: the id of the message that opened it;
   * `1` is General). On a source, only that topic's messages are read; on a
   * destination, messages are posted into it. Absent: the whole chat (a
   * Discord thread is a channel of its own, named by `chatId`).
   */
  topicId?: string;
}

export interface PairView {
  id: string;
  userId: string;
  source: PairEnd;
  destination: PairEnd;
  /** ms before a message may be delivered. */
  delayMs: number;
  silent: boolean;
  copyMode: boolean;
  /** This pair's deliveries feed the pairs reading its destination chat. */
  chain: boolean;
  /** Validated filters, applied in order (see src/forwarding/filters). */
  filters: readonly unknown[];
  status: 'active' | 'paused';
  /** Each topic of a forum source goes to a topic or thread of its own on the destination (see topic-mapping.ts). Default false. */
  mapTopics?: boolean;
}

/** What the owner's plan means for forwarding, at the time a message arrives. */
export interface OwnerPlan {
  tier: Tier;
  features: PlanFeatures;
}

/** `platform:chatId`: how a chat is named in a chain path. */
export function chatKey(end: { platform: string; chatId: string }): string {
  return `${end.platform}:${end.chatId}`;
}
