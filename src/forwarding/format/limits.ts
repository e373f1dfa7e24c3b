/**
 * What each destination accepts, in one place, so splitting and the
 * oversize-file fallback never guess. Text limits count UTF-16 code units
 * (JavaScript `length`): at least as many as the code points Discord counts,
 * and what TDLib measures Telegram text in.
 */

/**
 * Longest `content` of a Discord message, markup included: 2,000 characters
 * ("the message contents (up to 2000 characters)", Discord API reference,
 * Create Message).
 */
export const DISCORD_MESSAGE_MAX_LENGTH = 2_000;

/**
 * Longest text of a Telegram message after entity parsing: 4,096 characters
 * (Bot API `sendMessage`; MTProto `config.message_length_max`). Entities are
 * out of band, so only the visible text counts.
 */
export const TELEGRAM_MESSAGE_MAX_LENGTH = 4_096;

/**
 * Longest caption of a Telegram media message: 1,024 characters (Bot API
 * `sendPhoto` & co.; MTProto `config.caption_length_max` for accounts without
 * Premium, which get more).
 */
export const TELEGRAM_CAPTION_MAX_LENGTH = 1_024;

/**
 * Largest file a Discord bot may attach in a server without boosts: 10 MiB
 * (Discord's default upload limit since 2024; boosted servers allow more,
 * which a caller that knows the server's tier may pass instead).
 */
export const DISCORD_BOT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Largest file a Telegram account uploads over MTProto: the "2 GB" Telegram
 * advertises is 4,000 parts of 512 KiB (`upload.saveBigFilePart`), 2,000 MiB,
 * a little under 2 GiB. Applies to user accounts and to bots logged in over
 * MTProto, as gramjs does.
 */
export const TELEGRAM_UPLOAD_MAX_BYTES = 4_000 * 512 * 1024;

/** The same for Telegram Premium accounts: 8,000 parts of 512 KiB (4,000 MiB, Telegram's "4 GB"). */
export const TELEGRAM_PREMIUM_UPLOAD_MAX_BYTES = 8_000 * 512 * 1024;

/**
 * Largest file the Telegram Bot API (HTTP, api.telegram.org) sends: 50 MB
 * ("Bots can currently send files of any type of up to 50 MB in size"),
 * counted here in decimal megabytes to stay on the safe side.
 */
export const TELEGRAM_BOT_API_UPLOAD_MAX_BYTES = 50 * 1000 * 1000;
