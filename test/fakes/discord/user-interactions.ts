/**
 * What a test user does that makes an interaction (uses a slash command,
 * clicks a button) and what they then see of the bot's answer. Only what
 * Discord's client would offer is possible: a registered command of a bot
 * in the guild, an enabled button with a custom id on a message of the
 * bot's application, an ephemeral message's buttons only for its user; the
 * rest throws (a test mistake). The interaction goes to the bot's gateway
 * sessions as INTERACTION_CREATE.
 */
import { commandData, findCommand } from './command-invocation.ts';
import type { CommandOptionValue } from './command-invocation.ts';
import { findComponent } from './message-components.ts';
import type { FakeBot, FakeMessage } from './model.ts';
import { ButtonStyle, ComponentType, InteractionType, MessageFlag } from './protocol.ts';
import type { FakeState } from './state.ts';

export type { CommandOptionValue } from './command-invocation.ts';

export interface UsedInteraction {
  interactionId: string;
  token: string;
  applicationId: string;
}

/** A message the bot's answer left, as the user who used the interaction sees it. */
export interface FakeInteractionReply {
  messageId: string;
  /** `reply`: made by the response; `update`: the component's message, which the response updates; `followup`. */
  kind: 'reply' | 'update' | 'followup';
  content: string;
  embeds: unknown[];
  components: unknown[];
  ephemeral: boolean;
  /** A deferral not yet completed: the user sees the bot "thinking". */
  loading: boolean;
  flags: number;
}

/** `userId` uses `/name [subcommand...]` with the options in the channel. */
export function useCommand(state: FakeState, input: {
  channelId: string;
  name: string;
  userId: string;
  options?: Readonly<Record<string, CommandOptionValue>>;
  applicationId?: string;
  attachmentSizeLimit: number;
}): UsedInteraction {
  const channel = state.channel(input.channelId);
  if (!state.can(input.userId, channel, 'view')) throw new Error(`user ${input.userId} cannot see channel ${channel.id}`);
  const guildId = state.guildOf(channel).id;
  const [name, ...path] = input.name.trim().replace(/^\//, '').split(/\s+/);
  const command = findCommand(state, guildId, name!, input.applicationId);
  const data = commandData(state, command, path, input.options ?? {}, { channelId: channel.id, userId: input.userId });
  const bot = state.botsByApplication.get(command.applicationId)!;
  return dispatch(state, bot, {
    type: InteractionType.ApplicationCommand, userId: input.userId, channelId: channel.id, guildId, data,
    commandName: [name!, ...path].join(' '), messageId: null, attachmentSizeLimit: input.attachmentSizeLimit,
  });
}

/** `userId` clicks the button `customId` of a message. */
export function useButton(state: FakeState, input: {
  channelId: string;
  messageId: string;
  customId: string;
  userId: string;
  attachmentSizeLimit: number;
}): UsedInteraction {
  const message = state.messages.get(input.messageId);
  if (message === undefined || message.channelId !== input.channelId) throw new Error(`no message ${input.messageId} in channel ${input.channelId}`);
  const ephemeral = (message.flags & MessageFlag.Ephemeral) !== 0;
  if (ephemeral ? message.interaction?.userId !== input.userId : !state.can(input.userId, state.channel(message.channelId), 'view')) {
    throw new Error(`user ${input.userId} cannot see message ${message.id}`);
  }
  // Interactions in DMs (no guild, `user` instead of `member`) are not modelled.
  if (message.guildId === null) throw new Error(`message ${message.id} is in a DM channel: buttons there are not modelled`);
  const bot = applicationOf(state, message);
  if (bot === undefined) throw new Error(`message ${message.id} is no application's: its components send no interaction`);
  const button = findComponent(message.components, input.customId);
  if (button === undefined || button.type !== ComponentType.Button) throw new Error(`message ${message.id} has no button ${input.customId}`);
  if (button.disabled === true) throw new Error(`button ${input.customId} is disabled`);
  if (button.style === ButtonStyle.Link || button.style === ButtonStyle.Premium) throw new Error(`button ${input.customId} sends no interaction`);
  return dispatch(state, bot, {
    type: InteractionType.MessageComponent, userId: input.userId, channelId: message.channelId, guildId: message.guildId,
    data: { custom_id: input.customId, component_type: ComponentType.Button }, commandName: null, messageId: message.id,
    attachmentSizeLimit: input.attachmentSizeLimit,
  });
}

/** The bot whose application a message's components talk to: its author, the application that answered with it, or its webhook's owner. */
function applicationOf(state: FakeState, message: FakeMessage): FakeBot | undefined {
  if (message.interaction !== null) return state.botsByApplication.get(message.interaction.applicationId);
  if (message.webhookId === null) return state.bots.get(message.authorId);
  const applicationId = state.webhooks.get(message.webhookId)?.applicationId;
  return applicationId === null || applicationId === undefined ? undefined : state.botsByApplication.get(applicationId);
}

function dispatch(state: FakeState, bot: FakeBot, input: {
  type: number; userId: string; channelId: string; guildId: string; data: Record<string, unknown>; commandName: string | null;
  messageId: string | null; attachmentSizeLimit: number;
}): UsedInteraction {
  if (!bot.guildIds.has(input.guildId)) throw new Error(`bot ${bot.user.id} is not in guild ${input.guildId}`);
  const interaction = state.interactions.create({ ...input, id: state.ids.next(), applicationId: bot.applicationId, botUserId: bot.user.id });
  state.onEvent({ type: 'INTERACTION_CREATE', interaction });
  return { interactionId: interaction.id, token: interaction.token, applicationId: interaction.applicationId };
}

/** The original answer (if any, and still there) and the follow-ups, oldest first. */
export function repliesTo(state: FakeState, interactionId: string): FakeInteractionReply[] {
  const interaction = state.interactions.get(interactionId);
  if (interaction === undefined) throw new Error(`no interaction ${interactionId}`);
  const out: FakeInteractionReply[] = [];
  const add = (id: string | null, kind: FakeInteractionReply['kind']): void => {
    const m = id === null ? undefined : state.messages.get(id);
    if (m === undefined) return;
    out.push({
      messageId: m.id, kind, content: m.content, embeds: m.embeds, components: m.components, flags: m.flags,
      ephemeral: (m.flags & MessageFlag.Ephemeral) !== 0, loading: (m.flags & MessageFlag.Loading) !== 0,
    });
  };
  add(interaction.originalMessageId, interaction.originalMessageId === interaction.messageId ? 'update' : 'reply');
  for (const id of interaction.followupIds) add(id, 'followup');
  return out;
}
