/**
 * `/v1/me/chat-links`: the Telegram and Discord identities that may use the
 * control bot as you. A code made here is sent to the bot as `/link CODE`
 * from the chat to tie; it works once, for ten minutes, and a new code
 * replaces the last. Making a code needs a signed-in session (like API
 * keys: a key must not mint a way into the account).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { IChatLink } from '../../db/entities/chat-link.ts';
import { PLATFORMS } from '../../db/entities/forwarding-pair.ts';
import { ChatLinks } from '../../commands/chat-links.ts';
import type { ApiContext } from '../api-context.ts';
import { authOf, requireSession } from '../auth/authenticate.ts';
import { clientInfo } from '../http/client-info.ts';
import { parseParams } from '../http/validate.ts';
import { errorResponse } from '../openapi/standard-errors.ts';
import { mountRoute } from '../openapi/mount-route.ts';
import { timestampSchema } from '../schemas/common-schemas.ts';
import type { Guards } from './guards.ts';

const linkParams = z.object({ id: z.uuid({ error: 'Must be a chat link id' }) });

const chatLinkSchema = z.object({
  id: z.uuid(),
  platform: z.enum(PLATFORMS),
  chatUserId: z.string().describe('The Telegram user id or Discord user id that may use the bot as you'),
  displayName: z.string().nullable().describe('Their name on the platform when they linked'),
  createdAt: timestampSchema,
});

const codeSchema = z.object({
  code: z.string().describe('Send `/link CODE` to the bot from the chat to link; case, spaces and dashes do not matter'),
  expiresAt: timestampSchema,
});

function view(link: IChatLink): z.infer<typeof chatLinkSchema> {
  return { id: link.id, platform: link.platform, chatUserId: link.chatUserId, displayName: link.displayName ?? null, createdAt: link.createdAt.toISOString() };
}

const stores = new WeakMap<ApiContext, ChatLinks>();

/** The context's chat links (one per context, so the failure counter's limiter is built once). */
export function chatLinksOf(ctx: ApiContext): ChatLinks {
  let store = stores.get(ctx);
  if (store === undefined) stores.set(ctx, store = new ChatLinks(ctx.orm, ctx.redis));
  return store;
}

export function chatLinksRouter(ctx: ApiContext, guard: Guards): Router {
  const router = Router();
  const tags = ['account'];

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/me/chat-links', summary: 'Get a one-time code to link a Telegram or Discord chat to the control bot', tags, auth: 'user',
    responses: {
      201: { description: 'The code; a new one replaces the last', schema: codeSchema },
      403: errorResponse('`session_required`: API keys cannot make link codes'),
    },
  }, ...guard.user('write'), requireSession(), async (req, res) => {
    const issued = await chatLinksOf(ctx).issueCode(authOf(req).userId, ctx.now());
    res.status(201).json({ code: issued.code, expiresAt: issued.expiresAt.toISOString() });
  });

  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/me/chat-links', summary: 'The chat identities linked to you, oldest first', tags, auth: 'user',
    responses: { 200: { description: 'Linked identities', schema: z.object({ chatLinks: z.array(chatLinkSchema) }) } },
  }, ...guard.user('read'), async (req, res) => {
    res.json({ chatLinks: (await chatLinksOf(ctx).list(authOf(req).userId)).map(view) });
  });

  mountRoute(router, ctx.doc, {
    method: 'delete', path: '/v1/me/chat-links/{id}', summary: 'Unlink a chat identity: the bot stops answering it as you', tags, auth: 'user',
    params: linkParams,
    responses: { 204: { description: 'Unlinked' }, 404: errorResponse('`chat_link_not_found`') },
  }, ...guard.user('write'), async (req, res) => {
    const auth = authOf(req);
    const { id } = parseParams(linkParams, req);
    await chatLinksOf(ctx).remove(auth.userId, id, clientInfo(req).ip);
    res.status(204).end();
  });
  return router;
}
