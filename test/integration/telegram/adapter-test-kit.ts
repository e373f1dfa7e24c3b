/**
 * Shared by the Telegram adapter suites: a fake world (the linked account,
 * a human who writes to it, a private chat, a basic group, a supergroup and
 * a broadcast channel), the account's saved session (logged in once with
 * gramjs directly, that connection closed), adapter clients with their
 * callbacks recorded, and outgoing messages.
 */
import { recordingCallbacks, type Reports } from '../../helpers/recording-callbacks.ts';
import { telegramClientFactory } from '../../../actors/platform/telegram/telegram-client.ts';
import { createTelegramRuntime } from '../../../actors/platform/telegram/telegram-runtime.ts';
import type { TelegramRuntime } from '../../../actors/platform/telegram/telegram-runtime.ts';
import type { TelegramRuntimeOptions } from '../../../src/runtime-contracts/platform-options.ts';
import type { PlatformCallbacks, PlatformClient } from '../../../actors/platform/platform-client.ts';
import type { InboundMessage } from '../../../src/runtime-contracts/inbound-message.ts';
import type { NeutralMessage } from '../../../src/forwarding/message/neutral-message.ts';
import type { OutgoingMessage } from '../../../src/forwarding/message/outgoing-message.ts';
import { TelegramFake } from '../../fakes/telegram/telegram-fake.ts';
import { UNPACED_TELEGRAM } from '../../helpers/telegram-pacing.ts';
import type { FakeChannel, FakeGroup, FakeUser, TelegramFakeOptions } from '../../fakes/telegram/telegram-fake.ts';
import { API_HASH, API_ID, loggedInClient, waitFor } from './telegram-test-kit.ts';

export { waitFor } from './telegram-test-kit.ts';

export interface World {
  fake: TelegramFake;
  runtime: TelegramRuntime;
  /** The linked account the adapter runs, and its saved session. */
  account: FakeUser;
  saved: string;
  /** A human writing to the account. */
  bob: FakeUser;
  /** Marked chat ids, as the account sees them. */
  chats: { private: string; group: string; supergroup: string; channel: string };
  group: FakeGroup;
  supergroup: FakeChannel;
  channel: FakeChannel;
}

let phones = 0;

/** A logged-in session string for a new user of `fake` (the gramjs connection that made it is closed). */
export async function savedSession(fake: TelegramFake, user: FakeUser): Promise<string> {
  const { client, saved } = await loggedInClient(fake, user.phone);
  await client.destroy();
  await waitFor('the login connection to close', () => (fake.stats().connectionsByUser[user.id] ?? 0) === 0);
  return saved;
}

export function newPhone(): string {
  phones += 1;
  return `+1555${String(process.pid % 1000).padStart(3, '0')}${String(phones).padStart(4, '0')}`;
}

/** A world whose fake and runtime pace nothing unless the options say otherwise. */
export async function startWorld(fakeOptions: TelegramFakeOptions = {}, runtimeOptions: Partial<TelegramRuntimeOptions> = {}): Promise<World> {
  const fake = await TelegramFake.start({ floodLimits: false, ...fakeOptions });
  const account = fake.createUser({ phone: newPhone(), firstName: 'Relay' });
  const bob = fake.createUser({ phone: newPhone(), firstName: 'Bob', lastName: 'Stone' });
  const members = [account.id, bob.id];
  const group = fake.createGroup({ title: 'Group', members, creatorId: bob.id });
  const supergroup = fake.createChannel({ title: 'Supergroup', megagroup: true, members, creatorId: bob.id });
  const channel = fake.createChannel({ title: 'Channel', megagroup: false, members, creatorId: bob.id, admins: [account.id] });
  // A private chat exists once it has a message.
  fake.sendAsUser(bob.id, account.id, { text: 'hello' });
  const saved = await savedSession(fake, account);
  const runtime = createTelegramRuntime({
    endpoint: { apiId: API_ID, apiHash: API_HASH, server: `${fake.host}:${fake.port}`, serverPublicKeys: [fake.publicKeyPem], dcId: fake.dcId },
    connectTimeoutMs: 5_000,
    requestTimeoutMs: 5_000,
    // These suites test sending; pacing is tested on its own.
    pacing: UNPACED_TELEGRAM,
    ...runtimeOptions,
  });
  const chats = { private: bob.id, group: fake.markedId(group), supergroup: fake.markedId(supergroup), channel: fake.markedId(channel) };
  return { fake, runtime, account, saved, bob, chats, group, supergroup, channel };
}

export { recordingCallbacks, type Reports };

/** An adapter client of `runtime` for the session `saved`. */
export function adapterClient(runtime: TelegramRuntime, saved: string, callbacks: PlatformCallbacks): PlatformClient {
  return telegramClientFactory(runtime)({ actorId: 'a1', userId: 'u1', credential: saved, connectionId: 'c1' }, callbacks);
}

/** The texts of the `new` messages reported. */
export function texts(reports: Reports, kind: InboundMessage['kind'] = 'new'): string[] {
  return reports.inbound.filter((m) => m.kind === kind).map((m) => (m.payload as NeutralMessage).text.text);
}

/** An OutgoingMessage with defaults (copy mode: the text alone). */
export function outgoing(text: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    text: { text, entities: [] },
    attachments: [],
    silent: false,
    copyMode: true,
    author: { id: 'd-1', name: 'Alice' },
    source: { platform: 'discord', chatId: '1', messageId: '1' },
    ...extra,
  };
}
