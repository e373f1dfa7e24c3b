/**
 * Methods only bots call: bots.setBotCommands / getBotCommands /
 * resetBotCommands (bot-commands.ts) and messages.setBotCallbackAnswer
 * (callback-queries.ts), which people answer with 400 USER_BOT_REQUIRED;
 * and messages.setTyping, which anyone may call.
 *
 * Modelling choices: setTyping checks the peer as a send would (a bot
 * typing to a user who never wrote to it is PEER_ID_INVALID) and answers
 * boolTrue, but nobody is shown the action (no updateUserTyping).
 * auth.importBotAuthorization lives with the other logins
 * (methods-login.ts).
 */
import { botCommandsOf, resetBotCommands, setBotCommands } from './bot-commands.ts';
import { answer } from './callback-queries.ts';
import { resolvePeerToPost } from './peers.ts';
import type { FakeServices, Router } from './router.ts';
import { Api, boolBytes, vectorBytes } from './tl-io.ts';

export function registerBotMethods(router: Router, services: FakeServices): void {
  const { world } = services;
  const botsOnly = { login: true, only: 'bots' } as const;

  router.on(Api.bots.SetBotCommands, botsOnly, (request, call) => {
    setBotCommands(world, call.userId, request);
    return boolBytes(true);
  });

  router.on(Api.bots.ResetBotCommands, botsOnly, (request, call) => {
    resetBotCommands(world, call.userId, request);
    return boolBytes(true);
  });

  router.on(Api.bots.GetBotCommands, botsOnly, (request, call) =>
    vectorBytes(botCommandsOf(world, call.userId, request).map((c) => new Api.BotCommand(c))));

  router.on(Api.messages.SetBotCallbackAnswer, botsOnly, (request, call) => {
    answer(world.user(call.userId).bot!, request, services.callbackQueryTtlMs);
    return boolBytes(true);
  });

  router.on(Api.messages.SetTyping, { login: true }, (request, call) => {
    resolvePeerToPost(world, call.userId, request.peer);
    return boolBytes(true);
  });
}
