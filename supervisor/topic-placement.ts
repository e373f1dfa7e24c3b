/**
 * Puts the sends of a pair that maps topics where their source topic went:
 * into the topic or thread opened for it earlier, or, for a topic's first
 * message, into a new one opened with the source topic's title (the sending
 * actor opens it; see SendTask.openTopic). The opened topic is recorded
 * before the send is acknowledged or tried again, so a topic is opened once.
 * Pairs deliver in order, one send at a time, so two messages of a new
 * topic never both open it.
 *
 * A destination that holds posts only (a Discord forum or media channel,
 * which its actor reports on the first send into it) is placed the same
 * way: each source topic into a post of its own, and what names no topic
 * (a pair that maps none, a forum's General) into one post for the source
 * chat, titled as the chat (`CHAT_TOPIC`). Which destinations hold posts
 * only is kept in memory: after a restart the first send learns it again.
 */
import type { Logger } from 'pino';
import type { SendTask } from '../src/runtime-contracts/actor-contract.ts';
import type { ForwardPayload } from '../src/forwarding/routing/forward-payload.ts';
import { CHAT_TOPIC, fallbackTopicTitle, mappedDestination, topicTitleFor } from '../src/forwarding/routing/topic-mapping.ts';
import type { TopicKey, TopicLinks } from '../src/forwarding/store/topic-links.ts';
import type { ScheduledTask } from '../src/scheduler/core/task.ts';
import { callRunningActor } from './running-worker.ts';
import type { Supervisor } from './supervisor.ts';

/** Reads a source topic's title through the account that reads the chat; rejects when that account cannot answer now. */
export type TopicTitleReader = (accountId: string, chatId: string, topicId: string) => Promise<string | null>;

/** Attempts that wait for the source account to name the topic before it is opened under a made-up title. */
const TITLE_ATTEMPTS = 3;

/** Asks the actor of the source account, where this supervisor runs it. */
export function titleReaderOf(supervisor: Supervisor): TopicTitleReader {
  return (accountId, chatId, topicId) => callRunningActor(supervisor, accountId, 'the topic\'s title cannot be read', (api) => api.topicTitle(accountId, chatId, topicId));
}

export interface TopicPlacementDeps {
  links: TopicLinks;
  titleOf: TopicTitleReader;
  /** The account reading a pair's source (null for a pair no longer loaded). */
  sourceAccountOf: (pairId: string) => string | null;
  logger: Logger;
}

function keyOf(p: ForwardPayload, sourceTopicId: string): TopicKey {
  return { pairId: p.pairId, sourceChatId: p.source.chatId, destinationChatId: p.destination.chatId, sourceTopicId };
}

/** Destinations remembered as holding posts only before the set starts over (each costs one more dispatch to learn again). */
const MAX_POSTS_ONLY = 10_000;

function destinationKey(p: ForwardPayload): string {
  return `${p.destination.platform}:${p.destination.accountId}:${p.destination.chatId}`;
}

export class TopicPlacement {
  readonly #d: TopicPlacementDeps;
  readonly #postsOnly = new Set<string>();

  constructor(deps: TopicPlacementDeps) {
    this.#d = deps;
  }

  /** Remembers that the payload's destination holds posts only: its sends are placed in posts from now on. */
  holdsPostsOnly(p: ForwardPayload): void {
    if (this.#postsOnly.size >= MAX_POSTS_ONLY) this.#postsOnly.clear();
    this.#postsOnly.add(destinationKey(p));
  }

  /** The source topic a send is placed by: its own, or for a destination holding posts only the chat's; undefined: not placed. */
  #topicOf(p: ForwardPayload): string | undefined {
    return p.sourceTopicId ?? (this.#postsOnly.has(destinationKey(p)) ? CHAT_TOPIC : undefined);
  }

  /** Points `send` at its topic's copy, or asks it to open one. Throws (a transient failure) while the title cannot be read yet. */
  async place(task: ScheduledTask, p: ForwardPayload, send: SendTask): Promise<void> {
    const sourceTopicId = this.#topicOf(p);
    if (sourceTopicId === undefined) return;
    const linked = await this.#d.links.find(keyOf(p, sourceTopicId));
    if (linked !== null) {
      Object.assign(send, mappedDestination(p.destination.platform, p.destination.chatId, linked));
      return;
    }
    let title: string | null = null;
    const accountId = this.#d.sourceAccountOf(p.pairId);
    try {
      if (accountId !== null) title = await this.#d.titleOf(accountId, p.source.chatId, sourceTopicId);
    } catch (error) {
      // A paused or moving source account answers later; a topic must not stay unopened forever for its name.
      if (task.attempts < TITLE_ATTEMPTS) throw error;
      this.#d.logger.warn({ err: error, pairId: p.pairId, topicId: sourceTopicId }, 'opening a topic under a made-up title: its source title could not be read');
    }
    // The acceptance time lets the sender find a thread an earlier attempt opened whose answer was lost.
    send.openTopic = { title: topicTitleFor(p.destination.platform, title ?? fallbackTopicTitle(sourceTopicId)), since: task.enqueuedAt };
  }

  /**
   * Records the topic a send opened and points `send` at it (the delivery's
   * links name the chat it is in). Another link already standing wins.
   */
  async opened(p: ForwardPayload, send: SendTask, topicId: string): Promise<void> {
    const sourceTopicId = this.#topicOf(p);
    if (sourceTopicId === undefined || send.openTopic === undefined) return;
    const standing = await this.#d.links.record(keyOf(p, sourceTopicId), topicId, send.openTopic.title);
    if (standing !== topicId) this.#d.logger.warn({ pairId: p.pairId, topicId: sourceTopicId, opened: topicId, standing }, 'a topic was opened twice for one source topic; the first stays in use');
    Object.assign(send, mappedDestination(p.destination.platform, p.destination.chatId, topicId));
  }
}
