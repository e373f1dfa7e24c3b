/**
 * Answering interactions, where the interaction token is the credential
 * (no bot token): the initial response (POST /interactions/{id}/{token}/callback,
 * OpenAPI create_interaction_response) and, by `/webhooks/{application id}/{token}`,
 * follow-ups and edits (execute_webhook, get/update/delete_original_webhook_message,
 * the webhook message routes). A command takes CHANNEL_MESSAGE_WITH_SOURCE (4)
 * or DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE (5); a component also
 * DEFERRED_UPDATE_MESSAGE (6) and UPDATE_MESSAGE (7), which make the
 * component's message the `@original`. PONG only answers the PINGs of
 * HTTP-endpoint apps, which the fake has none of: like any type the
 * interaction does not take, it is refused (Discord does not publish that
 * error's wording; the fake gives the choices error Discord gives for an
 * unknown type).
 */
import { ApiError, formErrorAt } from './http-io.ts';
import type { FakeInteraction, FakeMessage, FakeMessageInteraction } from './model.ts';
import { apiMessage } from './payloads.ts';
import { ApiCode, InteractionCallbackType, InteractionType, MessageFlag, MessageType } from './protocol.ts';
import { createInteractionMessage, editMessage, interactionRules } from './rest-messages.ts';
import type { RouteAnswer, RouteContext } from './rest-routes.ts';

const CALLBACK_TYPES: Readonly<Record<number, readonly number[]>> = {
  [InteractionType.ApplicationCommand]: [InteractionCallbackType.ChannelMessageWithSource, InteractionCallbackType.DeferredChannelMessageWithSource],
  [InteractionType.MessageComponent]: [
    InteractionCallbackType.ChannelMessageWithSource, InteractionCallbackType.DeferredChannelMessageWithSource,
    InteractionCallbackType.DeferredUpdateMessage, InteractionCallbackType.UpdateMessage,
  ],
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the interaction's messages say about it; a follow-up also names the original response. */
function origin(interaction: FakeInteraction, originalResponseMessageId: string | null): FakeMessageInteraction {
  return {
    id: interaction.id,
    type: interaction.type,
    applicationId: interaction.applicationId,
    userId: interaction.userId,
    commandName: interaction.commandName,
    interactedMessageId: interaction.messageId,
    originalResponseMessageId,
  };
}

function unknownMessage(): ApiError {
  return new ApiError(404, ApiCode.UnknownMessage, 'Unknown Message');
}

/** The message whose component was used, still there. */
function componentMessage(ctx: RouteContext, interaction: FakeInteraction): FakeMessage {
  const message = interaction.messageId === null ? undefined : ctx.state.messages.get(interaction.messageId);
  if (message === undefined) throw unknownMessage();
  return message;
}

/** POST /interactions/:id/:token/callback: the initial response, once, within the response window. */
export function interactionCallback(ctx: RouteContext): RouteAnswer {
  const { state } = ctx;
  const interaction = state.interactions.forCallback(ctx.params[0]!, ctx.params[1]!);
  const json = ctx.body.json ?? {};
  const type = json.type;
  const allowed = CALLBACK_TYPES[interaction.type] ?? [];
  if (typeof type !== 'number' || !allowed.includes(type)) {
    throw formErrorAt(['type'], 'BASE_TYPE_CHOICES', `Value must be one of {${allowed.join(', ')}}.`);
  }
  const data = { json: isObject(json.data) ? json.data : {}, files: ctx.body.files };
  const channel = state.channel(interaction.channelId);
  const rules = interactionRules(['data']);
  let message: FakeMessage;
  switch (type) {
    case InteractionCallbackType.ChannelMessageWithSource:
      message = createInteractionMessage(state, channel, interaction.botUserId, origin(interaction, null), data, ctx.limits, rules);
      break;
    case InteractionCallbackType.DeferredChannelMessageWithSource: {
      // Only EPHEMERAL may be set on a deferral; the "thinking" message is there at once, LOADING until edited.
      const flags = data.json.flags ?? 0;
      if (typeof flags !== 'number' || (flags & ~MessageFlag.Ephemeral) !== 0) throw formErrorAt(['data', 'flags'], 'MESSAGE_FLAGS_INVALID', 'Invalid flags.');
      message = state.createMessage({
        channelId: channel.id,
        authorId: interaction.botUserId,
        flags: flags | MessageFlag.Loading,
        type: interaction.type === InteractionType.ApplicationCommand ? MessageType.ChatInputCommand : MessageType.Default,
        interaction: origin(interaction, null),
      });
      break;
    }
    case InteractionCallbackType.DeferredUpdateMessage:
      message = componentMessage(ctx, interaction);
      break;
    default:
      message = editMessage(state, componentMessage(ctx, interaction), data, ctx.limits, rules);
  }
  interaction.responseType = type;
  interaction.originalMessageId = message.id;
  if (ctx.query.get('with_response') !== 'true') return { status: 204 };
  return { status: 200, body: callbackResponse(ctx, interaction, type, message) };
}

/** The `with_response=true` answer (InteractionCallbackResponse): the interaction and, for a message made or updated, that message. */
function callbackResponse(ctx: RouteContext, interaction: FakeInteraction, type: number, message: FakeMessage): Record<string, unknown> {
  const summary: Record<string, unknown> = { id: interaction.id, type: interaction.type };
  if (type !== InteractionCallbackType.DeferredUpdateMessage) {
    summary.response_message_id = message.id;
    summary.response_message_loading = (message.flags & MessageFlag.Loading) !== 0;
    summary.response_message_ephemeral = (message.flags & MessageFlag.Ephemeral) !== 0;
  }
  const out: Record<string, unknown> = { interaction: summary };
  if (type === InteractionCallbackType.ChannelMessageWithSource || type === InteractionCallbackType.UpdateMessage) {
    out.resource = { type, message: apiMessage(message, ctx.state) };
  }
  return out;
}

/**
 * The interaction behind a `/webhooks/:id/:token` path when the id is an
 * application's (else null: a webhook's routes apply). An unknown or
 * expired token is 401 50027, an unacknowledged one 404 10015.
 */
export function interactionOfWebhook(ctx: RouteContext): FakeInteraction | null {
  const bot = ctx.state.botsByApplication.get(ctx.params[0]!);
  return bot === undefined ? null : ctx.state.interactions.forWebhook(bot.applicationId, ctx.params[1]!);
}

/** `@original`: the response, or for an update the component's message. */
export function originalMessage(ctx: RouteContext, interaction: FakeInteraction): FakeMessage {
  const message = interaction.originalMessageId === null ? undefined : ctx.state.messages.get(interaction.originalMessageId);
  if (message === undefined) throw unknownMessage();
  return message;
}

/** A message the token may reach by id: the original or one of its follow-ups. */
export function interactionMessage(ctx: RouteContext, interaction: FakeInteraction, id: string): FakeMessage {
  if (id !== interaction.originalMessageId && !interaction.followupIds.includes(id)) throw unknownMessage();
  const message = ctx.state.messages.get(id);
  if (message === undefined) throw unknownMessage();
  return message;
}

/** PATCH of an interaction's message: Discord keeps its ephemeral bit, and an edit completes a deferral. */
export function editInteractionMessage(ctx: RouteContext, message: FakeMessage): RouteAnswer {
  return { status: 200, body: apiMessage(editMessage(ctx.state, message, ctx.body, ctx.limits, interactionRules([])), ctx.state) };
}

/**
 * POST /webhooks/{application}/{token}: a follow-up, answered as with
 * `wait=true` always. Right after a deferral whose message still loads,
 * Discord edits that message instead (kept for backwards compatibility,
 * its ephemeral state unchanged), and so does the fake.
 */
export function followUp(ctx: RouteContext, interaction: FakeInteraction): RouteAnswer {
  const { state } = ctx;
  const original = interaction.originalMessageId === null ? undefined : state.messages.get(interaction.originalMessageId);
  if (interaction.responseType === InteractionCallbackType.DeferredChannelMessageWithSource && original !== undefined
    && (original.flags & MessageFlag.Loading) !== 0) {
    return editInteractionMessage(ctx, original);
  }
  const channel = state.channel(interaction.channelId);
  const message = createInteractionMessage(
    state, channel, interaction.botUserId, origin(interaction, interaction.originalMessageId), ctx.body, ctx.limits, interactionRules([]),
  );
  interaction.followupIds.push(message.id);
  return { status: 200, body: apiMessage(message, state) };
}
