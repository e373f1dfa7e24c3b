/**
 * Forum topics as a pair that maps topics needs them: the title of a source
 * topic (`channels.getForumTopicsByID`), and a new topic in a destination
 * forum (`channels.createForumTopic`), whose id is the id of the service
 * message that opened it. The open carries a random id derived from the
 * task, like every message a send posts, so Telegram can tell a retry.
 */
import { Api } from 'telegram';
import bigInt from 'big-integer';
import type { Invoke } from './dialog-scan.ts';
import { recentMessages } from './history-catch-up.ts';
import { randomIdFor } from './random-id.ts';
import { sentMessageId } from './update-unpack.ts';

/** The random id part index of a topic's opening: apart from a send's parts (0, 1, …). */
const OPEN_TOPIC_PART = -1;

function inputChannel(peer: Api.TypeInputPeer): Api.InputChannel | null {
  return peer instanceof Api.InputPeerChannel ? new Api.InputChannel({ channelId: peer.channelId, accessHash: peer.accessHash }) : null;
}

/** The topic's title; null when the chat is not a channel or the topic is gone. */
export async function readTopicTitle(invoke: Invoke, peer: Api.TypeInputPeer, topicId: number): Promise<string | null> {
  const channel = inputChannel(peer);
  if (channel === null) return null;
  const answer = await invoke(new Api.channels.GetForumTopicsByID({ channel, topics: [topicId] }));
  const topic = answer.topics.find((t) => t.id === topicId);
  return topic instanceof Api.ForumTopic ? topic.title : null;
}

/** Opens a topic titled `title`; its id. `applied` hears the answer, which moved the channel's pts. */
export async function openForumTopic(
  d: { invoke: Invoke; applied: (answer: Api.TypeUpdates, channelId: string | null) => void },
  peer: Api.TypeInputPeer, channelId: string | null, title: string, idempotencyKey: string,
): Promise<number> {
  const channel = inputChannel(peer);
  // Only supergroups are forums; Telegram would answer CHANNEL_FORUM_MISSING for the others too.
  if (channel === null) throw Object.assign(new Error('400: CHANNEL_FORUM_MISSING'), { errorMessage: 'CHANNEL_FORUM_MISSING', code: 400 });
  const randomId = randomIdFor(idempotencyKey, OPEN_TOPIC_PART);
  let answer: Api.TypeUpdates;
  try {
    answer = await d.invoke(new Api.channels.CreateForumTopic({ channel, title, randomId: bigInt(randomId.toString()) }));
  } catch (error) {
    // Opened before, by an attempt whose answer was lost (a crash before the supervisor recorded it).
    if ((error as { errorMessage?: unknown } | null)?.errorMessage !== 'RANDOM_ID_DUPLICATE') throw error;
    const earlier = await openedEarlier(d.invoke, peer, title);
    if (earlier === null) throw error;
    return earlier;
  }
  d.applied(answer, channelId);
  const id = sentMessageId(answer, randomId) ?? openedTopicIn(answer);
  if (id === null) throw new Error('Telegram answered channels.createForumTopic without the new topic');
  return id;
}

/** How far back a repeated open looks for the topic it made. */
const RECENT_LOOKUP = 50;

/** The newest topic this account opened with `title` among the chat's recent messages; null when none is in sight. */
async function openedEarlier(invoke: Invoke, peer: Api.TypeInputPeer, title: string): Promise<number | null> {
  const recent = await recentMessages(invoke, peer, RECENT_LOOKUP);
  const mine = recent.find((m) => m instanceof Api.MessageService && m.out && m.action instanceof Api.MessageActionTopicCreate && m.action.title === title);
  return mine?.id ?? null;
}

/** The service message that opened a topic, in an answer without an `updateMessageID`. */
function openedTopicIn(answer: Api.TypeUpdates): number | null {
  if (!(answer instanceof Api.Updates || answer instanceof Api.UpdatesCombined)) return null;
  for (const u of answer.updates) {
    if (u instanceof Api.UpdateNewChannelMessage && u.message instanceof Api.MessageService && u.message.action instanceof Api.MessageActionTopicCreate) return u.message.id;
  }
  return null;
}
