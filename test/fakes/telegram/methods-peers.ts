/**
 * help.getConfig (every DC is the fake), users.getUsers / getFullUser,
 * channels.getChannels, messages.getChats and contacts.resolveUsername.
 * A bot's full user carries its bot_info with the default-scope commands.
 */
import { readCommands } from './bot-commands.ts';
import { resolveInputChannel, resolveInputUser } from './peers.ts';
import { fail, RpcFail } from './rpc-fail.ts';
import type { FakeServices, Router } from './router.ts';
import { channelTl, groupTl, userTl } from './tl-builders.ts';
import { Api, big, vectorBytes } from './tl-io.ts';
import { now } from './world.ts';

function config(services: FakeServices): Api.Config {
  const { host, port, dcId } = services.endpoint;
  const dcOptions = [1, 2, 3, 4, 5].map((id) => new Api.DcOption({ id, ipAddress: host, port }));
  return new Api.Config({
    date: now(), expires: now() + 3600, testMode: false, thisDc: dcId, dcOptions, dcTxtDomainName: 'fake.invalid',
    chatSizeMax: 200, megagroupSizeMax: 200_000, forwardedCountMax: 100, onlineUpdatePeriodMs: 210_000,
    offlineBlurTimeoutMs: 5000, offlineIdleTimeoutMs: 30_000, onlineCloudTimeoutMs: 300_000, notifyCloudDelayMs: 30_000,
    notifyDefaultDelayMs: 1500, pushChatPeriodMs: 60_000, pushChatLimit: 2, editTimeLimit: 172_800, revokeTimeLimit: 2_147_483_647,
    revokePmTimeLimit: 2_147_483_647, ratingEDecay: 2_419_200, stickersRecentLimit: 200, channelsReadMediaPeriod: 604_800,
    callReceiveTimeoutMs: 20_000, callRingTimeoutMs: 90_000, callConnectTimeoutMs: 30_000, callPacketTimeoutMs: 10_000,
    meUrlPrefix: 'https://t.me/', captionLengthMax: 1024, messageLengthMax: 4096, webfileDcId: dcId,
  });
}

export function registerPeerMethods(router: Router, services: FakeServices): void {
  const { world } = services;

  router.on(Api.help.GetConfig, { login: false }, () => config(services));

  router.on(Api.users.GetUsers, { login: true }, (request, call) => {
    const users = request.id.flatMap((input) => {
      try {
        return [userTl(resolveInputUser(world, call.userId, input), call.userId)];
      } catch (error) {
        // Telegram leaves users it cannot resolve out of the answer rather than failing the call.
        if (error instanceof RpcFail) return [];
        throw error;
      }
    });
    return vectorBytes(users);
  });

  router.on(Api.users.GetFullUser, { login: true }, (request, call) => {
    const user = resolveInputUser(world, call.userId, request.id);
    const common = [...user.conversations].filter((c) => c.kind !== 'private' && c.members.has(call.userId)).length;
    return new Api.users.UserFull({
      fullUser: new Api.UserFull({
        id: big(user.id), settings: new Api.PeerSettings({}), notifySettings: new Api.PeerNotifySettings({}), commonChatsCount: common,
        botInfo: user.bot === null ? undefined : new Api.BotInfo({
          userId: big(user.id), description: '', commands: readCommands(user.bot, 'default', '').map((c) => new Api.BotCommand(c)),
        }),
      }),
      chats: [],
      users: [userTl(user, call.userId)],
    });
  });

  router.on(Api.channels.GetChannels, { login: true }, (request, call) => {
    const chats = request.id.map((input) => channelTl(resolveInputChannel(world, input), call.userId));
    return new Api.messages.Chats({ chats });
  });

  router.on(Api.messages.GetChats, { login: true }, (request, call) => {
    const chats = request.id.flatMap((id) => {
      const group = world.groups.get(id.toString());
      return group === undefined ? [] : [groupTl(group, call.userId)];
    });
    return new Api.messages.Chats({ chats });
  });

  router.on(Api.contacts.ResolveUsername, { login: true }, (request, call) => {
    const name = request.username.replace(/^@/, '').toLowerCase();
    const user = [...world.users.values()].find((u) => u.username?.toLowerCase() === name);
    if (user === undefined) fail(400, 'USERNAME_NOT_OCCUPIED');
    return new Api.contacts.ResolvedPeer({
      peer: new Api.PeerUser({ userId: big(user.id) }), chats: [], users: [userTl(user, call.userId)],
    });
  });
}
