/**
 * messages.forwardMessages: copies of messages of one chat posted to
 * another, with the "forwarded from" header (`fwd_from`: the original's
 * author and date; an original that was itself forwarded keeps its first
 * header) unless `drop_author`.
 *
 * Modelling choices: the source must be readable by the caller
 * (CHANNEL_PRIVATE, PEER_ID_INVALID as for other methods); a channel with
 * `noforwards` answers CHAT_FORWARDS_RESTRICTED; `id` and `random_id` must
 * pair up (RANDOM_ID_INVALID); a random_id the caller used before, here or
 * in sendMessage, is RANDOM_ID_DUPLICATE and posts nothing; ids the caller
 * cannot see are skipped, none left is MESSAGE_ID_INVALID. A forward
 * carries the original's photo or document (the same stored file, by
 * reference, nothing uploaded); messages of one album forwarded together
 * form one new album; `top_msg_id` places them in a forum topic
 * (forum-topics.ts). `drop_media_captions`, `schedule_date` and `send_as`
 * are ignored.
 */
import { randomBytes } from 'node:crypto';
import type { FakeForwardHeader, MessageRecord } from './model.ts';
import { resolvePeer, resolvePeerToPost } from './peers.ts';
import { topicOfPost } from './forum-topics.ts';
import { fail } from './rpc-fail.ts';
import type { FakeServices, Router } from './router.ts';
import { Api } from './tl-io.ts';
import { forwardedAnswer } from './update-builders.ts';
import type { MessageChange } from './world.ts';

/** The header a forward of `original` shows. */
function headerOf(original: MessageRecord): FakeForwardHeader {
  if (original.forwardedFrom !== null) return original.forwardedFrom;
  const conversation = original.conversation;
  if (conversation.kind === 'channel' && !conversation.megagroup) {
    return { fromId: `-100${conversation.id}`, date: original.date, channelPost: original.id };
  }
  return { fromId: original.fromId, date: original.date, channelPost: null };
}

export function registerForwardMethods(router: Router, services: FakeServices): void {
  const { world } = services;

  router.on(Api.messages.ForwardMessages, { login: true }, (request, call) => {
    const source = resolvePeer(world, call.userId, request.fromPeer);
    if (source.kind === 'channel' && source.noforwards) fail(400, 'CHAT_FORWARDS_RESTRICTED');
    const randomIds = request.randomId.map((r) => r.toString());
    if (request.id.length === 0) fail(400, 'MESSAGE_ID_INVALID');
    if (randomIds.length !== request.id.length || new Set(randomIds).size !== randomIds.length) fail(400, 'RANDOM_ID_INVALID');
    const destination = resolvePeerToPost(world, call.userId, request.toPeer);
    const topicId = topicOfPost(world, call.userId, destination, undefined, typeof request.topMsgId === 'number' ? request.topMsgId : undefined);
    const sender = world.user(call.userId);
    if (randomIds.some((r) => sender.randomIds.has(r))) fail(500, 'RANDOM_ID_DUPLICATE');
    const picked = request.id.flatMap((id, i) => {
      const original = world.viewMessage(call.userId, source, id);
      return original === undefined || original.service !== null ? [] : [{ original, randomId: randomIds[i]! }];
    });
    if (picked.length === 0) fail(400, 'MESSAGE_ID_INVALID');
    const albums = new Map<string, string>();
    const albumOf = (groupedId: string) => albums.get(groupedId) ?? albums.set(groupedId, randomBytes(8).readBigInt64LE(0).toString()).get(groupedId)!;
    const changes: MessageChange[] = picked.map(({ original, randomId }) => world.post(call.userId, destination, {
      text: original.text,
      entities: [...original.entities],
      ...(original.media === null ? {} : { media: original.media }),
      ...(original.groupedId === null ? {} : { groupedId: albumOf(original.groupedId) }),
      silent: request.silent === true,
      ...(topicId === undefined ? {} : { topicId }),
      ...(request.dropAuthor === true ? {} : { forwardedFrom: headerOf(original) }),
    }, randomId));
    for (const change of changes) services.deliver(change, { userId: call.userId, connection: call.connection });
    return forwardedAnswer(world, changes, picked.map((p) => p.randomId), call.userId);
  });
}
