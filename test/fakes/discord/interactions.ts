/**
 * The interactions the fake handed to bots and what their tokens still
 * allow, on a clock tests may move forward (so a suite checks the 3-second
 * and 15-minute rules without waiting them out). As on Discord, the initial
 * response must come within the response window and only once; the token
 * then serves the `/webhooks/{application}/{token}` routes until it expires.
 * A token whose interaction was never acknowledged is not a webhook (404)
 * until it expires (401), as Discord answers.
 */
import { randomBytes } from 'node:crypto';
import { ApiError } from './http-io.ts';
import type { FakeInteraction } from './model.ts';
import { ApiCode } from './protocol.ts';

export interface InteractionTiming {
  responseWindowMs: number;
  tokenTtlMs: number;
}

export type NewInteraction = Omit<FakeInteraction, 'token' | 'createdAt' | 'responseType' | 'originalMessageId' | 'followupIds'>;

export class InteractionRegistry {
  readonly #byId = new Map<string, FakeInteraction>();
  readonly #byToken = new Map<string, FakeInteraction>();
  readonly #timing: InteractionTiming;
  #offsetMs = 0;

  constructor(timing: InteractionTiming) {
    this.#timing = timing;
  }

  /** The interaction clock: real time plus what tests advanced it by. */
  now(): number {
    return Date.now() + this.#offsetMs;
  }

  advance(ms: number): void {
    this.#offsetMs += ms;
  }

  create(input: NewInteraction): FakeInteraction {
    // Discord's tokens are long base64 strings starting with "interaction:<id>".
    const token = Buffer.from(`interaction:${input.id}:${randomBytes(48).toString('base64url')}`).toString('base64url');
    const interaction: FakeInteraction = { ...input, token, createdAt: this.now(), responseType: null, originalMessageId: null, followupIds: [] };
    this.#byId.set(interaction.id, interaction);
    this.#byToken.set(token, interaction);
    if (this.#byId.size > 10_000) this.#prune();
    return interaction;
  }

  get(id: string): FakeInteraction | undefined {
    return this.#byId.get(id);
  }

  byToken(token: string): FakeInteraction | undefined {
    return this.#byToken.get(token);
  }

  /** The interaction an initial response is for: unknown, or past the window, is 10062; a second response 40060. */
  forCallback(id: string, token: string): FakeInteraction {
    const interaction = this.#byId.get(id);
    if (interaction === undefined || interaction.token !== token) throw unknownInteraction();
    if (interaction.responseType !== null) throw new ApiError(400, ApiCode.InteractionAlreadyAcknowledged, 'Interaction has already been acknowledged');
    if (this.now() - interaction.createdAt > this.#timing.responseWindowMs) throw unknownInteraction();
    return interaction;
  }

  /** The interaction behind `/webhooks/{applicationId}/{token}`. */
  forWebhook(applicationId: string, token: string): FakeInteraction {
    const interaction = this.#byToken.get(token);
    if (interaction === undefined || interaction.applicationId !== applicationId || this.#expired(interaction)) {
      throw new ApiError(401, ApiCode.InvalidWebhookToken, 'Invalid Webhook Token');
    }
    if (interaction.responseType === null) throw new ApiError(404, ApiCode.UnknownWebhook, 'Unknown Webhook');
    return interaction;
  }

  #expired(interaction: FakeInteraction): boolean {
    return this.now() - interaction.createdAt > this.#timing.tokenTtlMs;
  }

  /** Forgets expired interactions once many piled up: their tokens answer 401 either way. */
  #prune(): void {
    for (const interaction of this.#byId.values()) {
      if (!this.#expired(interaction)) continue;
      this.#byId.delete(interaction.id);
      this.#byToken.delete(interaction.token);
    }
  }
}

function unknownInteraction(): ApiError {
  return new ApiError(404, ApiCode.UnknownInteraction, 'Unknown interaction');
}
