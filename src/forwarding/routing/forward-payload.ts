/**
 * The payload a forwarding task carries. It is stored inline in the task's
 * `payloadRef` (JSON), so a task restored after a crash needs nothing but
 * itself and the message links to run: no second key to lose or to expire.
 */
import type { ForwardOp } from '../../scheduler/core/task.ts';
import type { NeutralPlatform } from '../message/neutral-message.ts';
import type { OutgoingMessage } from '../message/outgoing-message.ts';

export interface ForwardPayload {
  v: 1;
  op: ForwardOp;
  pairId: string;
  /** `partIds`: an album's parts (NeutralMessage.partIds), each linked to the copy. */
  source: { platform: NeutralPlatform; chatId: string; messageId: string; partIds?: string[] };
  destination: { platform: NeutralPlatform; accountId: string; chatId: string; topicId?: string };
  /** The message to post (send) or to put in place of the copy (edit); absent for a delete. */
  message?: Omit<OutgoingMessage, 'replyToDestinationMessageId'>;
  /** For a pair that maps topics: the source topic the message was posted in (absent for General), resolved to its destination topic when the task runs. */
  sourceTopicId?: string;
  /** Source message this one replies to; resolved to its copy when the task runs. */
  replyToSourceMessageId?: string;
  /** Chats the message has passed through, the source first (`platform:chatId`); stops chain loops. */
  chainPath: string[];
}

export function encodePayload(payload: ForwardPayload): string {
  return JSON.stringify(payload);
}

export function decodePayload(payloadRef: string): ForwardPayload {
  const value = JSON.parse(payloadRef) as ForwardPayload;
  if (value?.v !== 1) throw new Error(`unknown forward payload version ${String((value as { v?: unknown } | null)?.v)}`);
  return value;
}
