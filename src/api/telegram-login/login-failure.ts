/**
 * Turns what went wrong in a login step into the API's coded error. Pure.
 * Telegram's own refusals are the user's to fix (4xx); only a network failure
 * or a failure inside Telegram (its 5xx) is `telegram_unreachable` (503).
 */
import {
  TelegramCodeExpiredError, TelegramCodeInvalidError, TelegramFloodWaitError, TelegramPasswordInvalidError,
  TelegramPhoneBannedError, TelegramPhoneInvalidError, TelegramPhoneUnregisteredError, TelegramRefusedError,
  TelegramUnreachableError,
} from '../../errors/registry.ts';
import type { SwitchboardError } from '../../errors/switchboard-error.ts';
import type { LoginFailure } from '../../telegram/telegram-login-protocol.ts';

/** Where the step ran: the login's account (null before its row exists) and number. */
export interface FailureScope {
  accountId: string | null;
  phone: string;
}

export function loginFailureError(failure: LoginFailure, scope: FailureScope): SwitchboardError {
  if (failure.kind === 'network') return new TelegramUnreachableError({ reason: failure.reason });
  const { accountId, phone } = scope;
  switch (failure.errorMessage) {
    case 'PHONE_CODE_INVALID':
    case 'PHONE_CODE_EMPTY':
      return new TelegramCodeInvalidError({ accountId });
    case 'PHONE_CODE_EXPIRED':
      return new TelegramCodeExpiredError({ accountId, reason: 'code_expired' });
    case 'PASSWORD_HASH_INVALID':
      return new TelegramPasswordInvalidError({ accountId });
    case 'PHONE_NUMBER_INVALID':
      return new TelegramPhoneInvalidError({ phone });
    case 'PHONE_NUMBER_BANNED':
      return new TelegramPhoneBannedError({ phone });
    case 'PHONE_NUMBER_UNOCCUPIED':
      return new TelegramPhoneUnregisteredError({ phone });
    case 'FLOOD_WAIT':
      // At least a second: `Retry-After: 0` would invite an immediate retry into the same wait.
      return new TelegramFloodWaitError({ retryAfterSeconds: Math.max(1, failure.seconds ?? 1) });
    default:
      if (failure.code !== null && Math.abs(failure.code) >= 500) {
        return new TelegramUnreachableError({ reason: `Telegram failed internally (${failure.errorMessage})` });
      }
      return new TelegramRefusedError({ telegramError: failure.errorMessage });
  }
}
