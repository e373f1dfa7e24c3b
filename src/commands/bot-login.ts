/**
 * Linking a Telegram account from a chat with the control bot: the API's
 * own login steps (start-login.ts, login-steps.ts: the same plan checks,
 * locks and coded refusals), with the chat remembering which login it is
 * in, in Redis until the login's expiry. `/login PHONE` has Telegram send
 * a code (replacing the chat's login under way, whose code may be dead); the code comes back as `/code 1 2 3 4 5` or, on Telegram, as the
 * next plain message; a 2FA password as `/password` or, on Telegram, the
 * next plain message (which the Telegram bot deletes before it is read
 * here). Replies in replies/login-replies.ts.
 */
import type { ApiContext } from '../api/api-context.ts';
import { unlinkAccount } from '../api/accounts/account-lifecycle.ts';
import { startLoginSchema } from '../api/schemas/telegram-login-schemas.ts';
import { loadLoginState } from '../api/telegram-login/login-store.ts';
import { resendCode, submitCode, submitPassword, type StepAnswer } from '../api/telegram-login/login-steps.ts';
import { startLogin } from '../api/telegram-login/start-login.ts';
import type { ITelegramAccount } from '../db/entities/telegram-account.ts';
import { TelegramCodeExpiredError } from '../errors/registry.ts';
import type { RichText } from '../forwarding/message/neutral-message.ts';
import type { LoginState } from '../api/telegram-login/login-state.ts';
import type { ChatIdentity } from './chat-links.ts';
import {
  CODE_EXPIRED, CODE_SENT_WHOLE, NOT_A_CODE, PHONE_FORMAT, codeDigits, codeSentReply, codeSentWhole, linkedReply, noLoginReply, normalizePhone, passwordNeededReply,
} from './replies/login-replies.ts';

const conversationKey = (identity: ChatIdentity): string => `bot:login:${identity.platform}:${identity.chatUserId}`;

export class BotLogin {
  readonly #ctx: ApiContext;

  constructor(ctx: ApiContext) {
    this.#ctx = ctx;
  }

  /** The step the login begun in this chat waits for; null when none does (finished, expired, never begun). */
  async waitsFor(userId: string, identity: ChatIdentity): Promise<'code' | 'password' | null> {
    return (await this.#current(userId, identity))?.step ?? null;
  }

  async start(userId: string, identity: ChatIdentity, typed: string): Promise<RichText> {
    const phone = normalizePhone(typed);
    if (!startLoginSchema.shape.phone.safeParse(phone).success) return PHONE_FORMAT;
    // A new /login replaces the one this chat was in (its code may be dead): that one's pending row goes.
    const previous = await this.#current(userId, identity);
    if (previous !== null) await unlinkAccount(this.#ctx, 'telegram', userId, previous.accountId).catch(() => {});
    const { state } = await startLogin(this.#ctx, userId, phone);
    await this.#remember(identity, state);
    return this.#next(identity, state);
  }

  async code(userId: string, identity: ChatIdentity, typed: string): Promise<RichText> {
    const current = await this.#current(userId, identity);
    if (current?.step !== 'code') return noLoginReply('code');
    const digits = codeDigits(typed);
    if (digits.length === 0) return NOT_A_CODE;
    try {
      return this.#after(identity, await submitCode(this.#ctx, userId, current.accountId, digits));
    } catch (error) {
      if (!(error instanceof TelegramCodeExpiredError)) throw error;
      // Sent whole through Telegram by the account itself, the code died on the way here (Telegram's rule).
      return identity.platform === 'telegram' && codeSentWhole(typed) ? CODE_SENT_WHOLE : CODE_EXPIRED;
    }
  }

  async password(userId: string, identity: ChatIdentity, password: string): Promise<RichText> {
    const current = await this.#current(userId, identity);
    if (current?.step !== 'password') return noLoginReply('password');
    return this.#after(identity, await submitPassword(this.#ctx, userId, current.accountId, password));
  }

  async resend(userId: string, identity: ChatIdentity): Promise<RichText> {
    const current = await this.#current(userId, identity);
    if (current?.step !== 'code') return noLoginReply('resend');
    return this.#after(identity, await resendCode(this.#ctx, userId, current.accountId));
  }

  /** The login this chat is in, as stored by the API's steps; null once it ended. */
  async #current(userId: string, identity: ChatIdentity): Promise<LoginState | null> {
    const accountId = await this.#ctx.redis.get(conversationKey(identity));
    if (accountId === null) return null;
    return loadLoginState(this.#ctx, accountId, userId);
  }

  async #remember(identity: ChatIdentity, state: LoginState): Promise<void> {
    await this.#ctx.redis.set(conversationKey(identity), state.accountId, 'PXAT', state.expiresAt);
  }

  async #after(identity: ChatIdentity, answer: StepAnswer): Promise<RichText> {
    if (answer.state === null) {
      await this.#ctx.redis.del(conversationKey(identity));
      return linked(answer.account);
    }
    await this.#remember(identity, answer.state);
    return this.#next(identity, answer.state);
  }

  #next(identity: ChatIdentity, state: LoginState): RichText {
    if (state.step === 'password') return passwordNeededReply(identity.platform, state.passwordHint);
    return codeSentReply(identity.platform, { phone: state.phone, codeType: state.codeType, codeLength: state.codeLength, expiresAt: new Date(state.expiresAt) });
  }
}

function linked(account: ITelegramAccount): RichText {
  return linkedReply(account.displayName ?? null, account.phone);
}
