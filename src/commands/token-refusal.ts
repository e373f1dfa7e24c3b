/**
 * Whether a control bot's start failed because the platform refused its
 * token, and how the platform put it: the one failure a restart cannot
 * mend (bot-main.ts stops with 78 for it). Pure: reads the errors' fields.
 */

/** Telegram's answers to a bot login with a token it does not take. */
const TELEGRAM_REFUSALS = new Set(['ACCESS_TOKEN_INVALID', 'ACCESS_TOKEN_EXPIRED', 'API_ID_INVALID', 'API_ID_PUBLISHED_FLOOD']);

/** Telegram's error message (gramjs RPCError `errorMessage`) when it refused the bot's token or application; else null. */
export function telegramTokenRefusal(error: unknown): string | null {
  const message = (error as { errorMessage?: unknown } | null)?.errorMessage;
  return typeof message === 'string' && TELEGRAM_REFUSALS.has(message) ? message : null;
}

/** discord.js's code (`TokenInvalid`) or Discord's 401 when it refused the bot's token; else null. */
export function discordTokenRefusal(error: unknown): string | null {
  const e = error as { code?: unknown; status?: unknown } | null;
  if (e?.code === 'TokenInvalid') return 'TokenInvalid';
  if (e?.status === 401) return '401 Unauthorized';
  return null;
}
