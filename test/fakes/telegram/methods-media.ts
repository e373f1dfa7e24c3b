/**
 * Messages with a photo or a document: messages.uploadMedia,
 * messages.sendMedia and messages.sendMultiMedia (albums).
 *
 * Following Telegram's documentation: a caption is at most 1 024
 * characters (MEDIA_CAPTION_TOO_LONG) and may be empty; sendMedia takes
 * files just uploaded (inputMediaUploadedPhoto / inputMediaUploadedDocument)
 * or stored ones by reference (inputMediaPhoto / inputMediaDocument: id,
 * access_hash, file_reference); sendMultiMedia takes only stored ones (files
 * go through messages.uploadMedia first, "using raw inputMediaUploaded*
 * constructors is not supported": MEDIA_INVALID), 2 to 10 of them (fewer is
 * MEDIA_INVALID, more MULTI_MEDIA_TOO_LONG), each under its own random_id,
 * posted as one album (one grouped_id). An album holds photos and videos
 * together, or only documents, or only audio files; voice notes, round
 * videos and GIFs go alone (MEDIA_INVALID). random_ids are checked as
 * sendMessage checks them: one used before is RANDOM_ID_DUPLICATE and
 * nothing is posted.
 *
 * Modelling choices: media other than photos and documents (geo, polls,
 * contacts...) answer MEDIA_NOT_SUPPORTED_BY_FAKE; thumbnails, spoilers,
 * TTLs and stickers attached to photos are ignored.
 */
import { randomBytes } from 'node:crypto';
import type { Conversation, FakeMedia } from './model.ts';
import { resolvePeerToPost } from './peers.ts';
import { replyIds, topicOfPost } from './forum-topics.ts';
import { fail } from './rpc-fail.ts';
import type { Call, FakeServices, Router } from './router.ts';
import { storedEntities } from './methods-messages.ts';
import { mediaTl } from './tl-builders.ts';
import { Api } from './tl-io.ts';
import { forwardedAnswer } from './update-builders.ts';
import type { FakeWorld, MessageChange } from './world.ts';

export const CAPTION_MAX = 1024;
const ALBUM_MAX = 10;

/** The stored file an InputMedia names, uploading it first when it is new. */
export function inputMedia(world: FakeWorld, userId: string, media: Api.TypeInputMedia, allowUploaded: boolean): FakeMedia {
  if (media instanceof Api.InputMediaUploadedPhoto || media instanceof Api.InputMediaUploadedDocument) {
    if (!allowUploaded) fail(400, 'MEDIA_INVALID');
    const data = world.files.take(userId, media.file);
    return media instanceof Api.InputMediaUploadedPhoto ? world.files.photo(data) : world.files.document(data, media.mimeType, media.attributes);
  }
  if (media instanceof Api.InputMediaPhoto || media instanceof Api.InputMediaDocument) {
    const ref = media.id;
    if (!(ref instanceof Api.InputPhoto) && !(ref instanceof Api.InputDocument)) fail(400, 'MEDIA_EMPTY');
    return world.files.find(media instanceof Api.InputMediaPhoto ? 'photo' : 'document', ref.id.toString(), ref.accessHash.toString(), ref.fileReference);
  }
  fail(400, 'MEDIA_NOT_SUPPORTED_BY_FAKE');
}

/** Which album a file may join: photos and videos mix; documents and audio files keep to their own; null goes alone. */
export function albumClass(media: FakeMedia): 'visual' | 'audio' | 'document' | null {
  if (media.kind === 'photo') return 'visual';
  const attrs = media.attributes;
  if (attrs.some((a) => a instanceof Api.DocumentAttributeAnimated || a instanceof Api.DocumentAttributeSticker)) return null;
  const video = attrs.find((a) => a instanceof Api.DocumentAttributeVideo);
  if (video !== undefined) return video.roundMessage === true ? null : 'visual';
  const audio = attrs.find((a) => a instanceof Api.DocumentAttributeAudio);
  if (audio !== undefined) return audio.voice === true ? null : 'audio';
  return 'document';
}

function checkCaption(text: string): void {
  if (text.length > CAPTION_MAX) fail(400, 'MEDIA_CAPTION_TOO_LONG');
}

export function registerMediaMethods(router: Router, services: FakeServices): void {
  const { world } = services;
  const origin = (call: Call) => ({ userId: call.userId, connection: call.connection });

  router.on(Api.messages.UploadMedia, { login: true }, (request, call) => {
    resolvePeerToPost(world, call.userId, request.peer);
    return mediaTl(inputMedia(world, call.userId, request.media, true));
  });

  router.on(Api.messages.SendMedia, { login: true }, (request, call) => {
    const conversation = resolvePeerToPost(world, call.userId, request.peer);
    const randomId = (request.randomId ?? fail(400, 'RANDOM_ID_EMPTY')).toString();
    if (world.user(call.userId).randomIds.has(randomId)) fail(500, 'RANDOM_ID_DUPLICATE');
    checkCaption(request.message);
    const entities = storedEntities(world, call.userId, request.message, request.entities);
    const media = inputMedia(world, call.userId, request.media, true);
    const { replyToMsgId, topMsgId } = replyIds(request.replyTo);
    const topicId = topicOfPost(world, call.userId, conversation, replyToMsgId, topMsgId);
    const change = world.post(call.userId, conversation, {
      text: request.message, entities, media, replyToMsgId, silent: request.silent === true, ...(topicId === undefined ? {} : { topicId }),
    }, randomId);
    services.deliver(change, origin(call));
    return forwardedAnswer(world, [change], [randomId], call.userId);
  });

  router.on(Api.messages.SendMultiMedia, { login: true }, (request, call) => {
    const conversation: Conversation = resolvePeerToPost(world, call.userId, request.peer);
    const items = request.multiMedia;
    if (items.length < 2) fail(400, 'MEDIA_INVALID');
    if (items.length > ALBUM_MAX) fail(400, 'MULTI_MEDIA_TOO_LONG');
    const randomIds = items.map((item) => (item.randomId ?? fail(400, 'RANDOM_ID_EMPTY')).toString());
    if (randomIds.some((r) => r === '0')) fail(400, 'RANDOM_ID_EMPTY');
    if (new Set(randomIds).size !== randomIds.length) fail(400, 'RANDOM_ID_INVALID');
    const sender = world.user(call.userId);
    if (randomIds.some((r) => sender.randomIds.has(r))) fail(500, 'RANDOM_ID_DUPLICATE');
    const prepared = items.map((item) => {
      checkCaption(item.message);
      return { media: inputMedia(world, call.userId, item.media, false), entities: storedEntities(world, call.userId, item.message, item.entities) };
    });
    const classes = new Set(prepared.map((p) => albumClass(p.media)));
    if (classes.has(null) || classes.size !== 1) fail(400, 'MEDIA_INVALID');
    const groupedId = randomBytes(8).readBigInt64LE(0).toString();
    const { replyToMsgId: replyTo, topMsgId } = replyIds(request.replyTo);
    const topicId = topicOfPost(world, call.userId, conversation, replyTo, topMsgId);
    const changes: MessageChange[] = prepared.map((p, i) => world.post(call.userId, conversation, {
      text: items[i]!.message, entities: p.entities, media: p.media, groupedId, silent: request.silent === true,
      ...(i === 0 && replyTo !== undefined ? { replyToMsgId: replyTo } : {}),
      ...(topicId === undefined ? {} : { topicId }),
    }, randomIds[i]!));
    for (const change of changes) services.deliver(change, origin(call));
    return forwardedAnswer(world, changes, randomIds, call.userId);
  });
}
